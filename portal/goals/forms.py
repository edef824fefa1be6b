"""Goal and step forms."""

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import BaseForm
from portal.goals.models import CATEGORY_NAMES, STATUS_NAMES
from portal.i18n import _l

REQUIRED = _l("This field is required.")


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


class GoalForm(BaseForm):
    title = StringField(_l("My goal"), [DataRequired(message=REQUIRED), _max(160)],
                        description=_l("For example: Speak Norwegian at work."))
    why = TextAreaField(_l("Why it matters to me (optional)"), [Optional(), _max(2000)],
                        description=_l("Please don't write about health or other private "
                                       "matters here."))
    category = SelectField(_l("What is it about?"), choices=[
        SelectChoice(key.value, label) for key, label in CATEGORY_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)], default="other")
    target_date = DateField(_l("When do I want to reach it? (optional)"), [Optional()])


class EditGoalForm(GoalForm):
    status = SelectField(_l("How is it going?"), choices=[
        SelectChoice(key.value, label) for key, label in STATUS_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])


class StepForm(BaseForm):
    text = StringField(_l("Next step"), [DataRequired(message=REQUIRED), _max(300)],
                       description=_l("Something small you can do soon."))


class ShareForm(BaseForm):
    staff_id = SelectField(_l("Who may see it?"), coerce=int,
                           validators=[InputRequired(message=REQUIRED)])
    what = SelectField(_l("What may they see?"), validators=[InputRequired(message=REQUIRED)])


class CommentForm(BaseForm):
    text = StringField(_l("A few encouraging words"), [DataRequired(message=REQUIRED),
                                                       _max(500)])


class NoteForm(BaseForm):
    note = StringField(_l("How is it going? (a short note)"), [DataRequired(message=REQUIRED),
                                                                _max(500)])


QUESTION_TEXT = {
    "dream": (_l("What do you dream of?"),
              _l("Big or small. For example: a job as a nurse, my own café, talking with my "
                 "neighbours.")),
    "strengths": (_l("What are you good at?"),
                  _l("Everything counts: work, caring for family, languages you speak, "
                     "cooking, sewing, helping others.")),
    "resources": (_l("What and who can help you?"),
                  _l("People, places and things. For example: a friend who speaks Norwegian, "
                     "the library, a course.")),
}


class AnswerForm(BaseForm):
    text = TextAreaField(_l("Your answer"), [Optional(), _max(2000)])
