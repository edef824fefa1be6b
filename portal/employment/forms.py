"""Road-to-work forms. Labels are lazy strings; choices that depend on the place or the person
are filled in by the views."""

from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.employment.models import (
    EXTENT_NAMES,
    OUTCOME_NAMES,
    PARTNER_KIND_NAMES,
    PLACEMENT_STATUS_NAMES,
    SCALE,
    STATEMENT_TEXT,
)
from portal.forms import BaseForm
from portal.i18n import _l

REQUIRED = _l("This field is required.")


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


def _required():
    return DataRequired(message=REQUIRED)


class PartnerForm(BaseForm):
    name = StringField(_l("Name of the organisation"), [_required(), _max(160)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label
                                            in PARTNER_KIND_NAMES.items()],
                       validators=[InputRequired(message=REQUIRED)])
    contact_name = StringField(_l("Contact person (optional)"), [Optional(), _max(120)])
    phone = TelField(_l("Phone (optional)"), [Optional(), _max(40)])
    email = EmailField(_l("E-mail (optional)"), [Optional(), _max(254)])
    notes = TextAreaField(_l("Notes (optional)"), [Optional(), _max(2000)],
                          description=_l("For staff only. Please don't write about "
                                         "participants here."))


class PlacementForm(BaseForm):
    partner_id = SelectField(_l("Partner"), coerce=int,
                             validators=[InputRequired(message=REQUIRED)])
    role = StringField(_l("Role or tasks"), [_required(), _max(160)],
                       description=_l("For example: kitchen assistant."))
    starts_on = DateField(_l("First day"), [InputRequired(message=REQUIRED)])
    ends_on = DateField(_l("Last day"), [InputRequired(message=REQUIRED)])
    weekdays = SelectMultipleField(_l("Days of the week"), coerce=int)
    hours_per_week = IntegerField(_l("Hours a week"), [
        InputRequired(message=REQUIRED),
        NumberRange(min=1, max=60, message=_l("Write a number of hours from 1 to 60."))])
    mentor_name = StringField(_l("Mentor at the workplace (optional)"), [Optional(), _max(120)])
    mentor_phone = TelField(_l("Mentor's phone (optional)"), [Optional(), _max(40)])
    goal_id = SelectField(_l("The goal it serves (optional)"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[SelectChoice(k.value, label) for k, label
                                                in PLACEMENT_STATUS_NAMES.items()],
                         validators=[InputRequired(message=REQUIRED)])
    staff_notes = TextAreaField(_l("Staff notes (optional)"), [Optional(), _max(2000)],
                                description=_l("Only staff see these notes, never the "
                                               "participant. Please don't write about health."))


class OutcomeForm(BaseForm):
    kind = SelectField(_l("What do they do now?"), choices=[
        SelectChoice(k.value, label) for k, label in OUTCOME_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])
    on_date = DateField(_l("Since"), [InputRequired(message=REQUIRED)])
    extent = SelectField(_l("For a job: part-time or full-time"), choices=[
        SelectChoice("", _l("Not a job")),
        *(SelectChoice(k.value, label) for k, label in EXTENT_NAMES.items())],
        validators=[Optional()])
    subsidy = SelectField(_l("For a job: subsidised?"), validators=[Optional()])
    note = StringField(_l("Note (optional)"), [Optional(), _max(300)])


class MyOutcomeForm(OutcomeForm):
    kind = SelectField(_l("What do you do now?"), choices=[
        SelectChoice(k.value, label) for k, label in OUTCOME_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])


class InterviewForm(BaseForm):
    held_on = DateField(_l("Date of the interview"), [InputRequired(message=REQUIRED)])
    employer = StringField(_l("Employer"), [_required(), _max(160)])


def _face(statement):
    return RadioField(STATEMENT_TEXT[statement], coerce=int,
                      choices=[SelectChoice(value, str(value)) for value in SCALE],
                      validators=[InputRequired(message=_l("Choose one face."))])


class CheckInForm(BaseForm):
    language = _face("language")
    network = _face("network")
    next_step = _face("next_step")
    at_home = _face("at_home")


class StatementForm(BaseForm):
    first_day = DateField(_l("From"), [InputRequired(message=REQUIRED)])
    last_day = DateField(_l("Until"), [InputRequired(message=REQUIRED)])
