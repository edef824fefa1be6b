"""What the organiser writes: a guest, a question, a main point, an agreed action. Field names
differ between the forms: they share one page."""

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import BaseForm
from portal.i18n import _l

REQUIRED = _l("This field is required.")


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


class GuestForm(BaseForm):
    name = StringField(_l("Guest's name"), [DataRequired(message=REQUIRED), _max(80)])
    organisation = StringField(_l("Organisation"), [Optional(), _max(120)],
                               description=_l("For example NAV or the municipality"))


class QuestionForm(BaseForm):
    question = TextAreaField(_l("Question"), [DataRequired(message=REQUIRED), _max(300)])


class PointForm(BaseForm):
    point = TextAreaField(_l("Main point"), [DataRequired(message=REQUIRED), _max(500)])


class ActionForm(BaseForm):
    what = TextAreaField(_l("What was agreed"), [DataRequired(message=REQUIRED), _max(300)])
    who = StringField(_l("Who does it"), [Optional(), _max(120)], description=_l(
        "A service or a role is often enough, for example \"NAV\" or \"the coordinator\". "
        "Everyone who took part sees it."))
    due_on = DateField(_l("By when (optional)"), [Optional()])
