"""Proposal forms: a participant's proposal, and a coordinator's three answers."""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.activities.models import KIND_NAMES as ACTIVITY_KIND_NAMES
from portal.forms import BaseForm
from portal.i18n import _l
from portal.voice.models import KIND_NAMES

REQUIRED = _l("This field is required.")


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


class ProposalForm(BaseForm):
    kind = RadioField(_l("What do you wish for?"), choices=[
        SelectChoice(k.value, name) for k, name in KIND_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)], default="activity")
    title = StringField(_l("Title"), [DataRequired(message=REQUIRED), _max(120)],
                        description=_l("For example: Cycling course for women"))
    description = TextAreaField(_l("A few lines about it (optional)"), [Optional(), _max(1000)],
                                description=_l("What would you do? Who is it for? When would "
                                               "suit you?"))
    languages = SelectMultipleField(_l("In which languages?"), validators=[Optional()])
    can_help = BooleanField(_l("I can help run it"))


class RealiseForm(BaseForm):
    kind = RadioField(_l("What kind of activity?"), choices=[
        SelectChoice(k.value, name) for k, name in ACTIVITY_KIND_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)], default="study_circle")
    capacity = IntegerField(_l("Number of seats"), [Optional(), NumberRange(
        min=1, max=500, message=_l("Write a number from 1 to 500."))],
        description=_l("Needed for study circles. Leave empty for a language café."))


class NotNowForm(BaseForm):
    reason = StringField(_l("Why not now?"), [DataRequired(message=_l("Please tell them why.")),
                                              _max(300)],
                         description=_l("Everyone who asked for it is told, in their "
                                        "language."))


class JoinForm(BaseForm):
    into = SelectField(_l("Join with which proposal?"), coerce=int,
                       validators=[InputRequired(message=REQUIRED)])
