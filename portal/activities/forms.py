"""Activity forms: filters (GET), a new activity, a series of sessions, admitting someone to a
women-only activity."""

from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.activities.models import KIND_NAMES, LEVEL_NAMES, STATUS_NAMES
from portal.forms import BaseForm
from portal.i18n import _l

REQUIRED = _l("This field is required.")

WEEKDAY_NAMES = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                 _l("Saturday"), _l("Sunday")]


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


def _any(label):
    return [SelectChoice("", label)]


class FilterForm(BaseForm):
    q = SearchField(_l("Search"), [Optional(), _max(80)])
    kind = SelectField(_l("Type"), choices=_any(_l("All types")) + [
        SelectChoice(k.value, name) for k, name in KIND_NAMES.items()], validators=[Optional()])
    language = StringField(_l("Language used"), [Optional(), _max(40)])
    level = SelectField(_l("Level"), choices=_any(_l("Any level")) + [
        SelectChoice(k.value, name) for k, name in LEVEL_NAMES.items()], validators=[Optional()])
    weekday = SelectField(_l("Day"), choices=_any(_l("Any day")) + [
        SelectChoice(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        validators=[Optional()])
    site = SelectField(_l("Meeting place"), validators=[Optional()])
    women = BooleanField(_l("For women"))
    childcare = BooleanField(_l("Childcare available"))
    children = BooleanField(_l("Children welcome"))


class ActivityForm(BaseForm):
    kind = RadioField(_l("What kind of activity?"), choices=[
        SelectChoice(k.value, name) for k, name in KIND_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])
    title = StringField(_l("Title"), [DataRequired(message=REQUIRED), _max(120)])
    description = TextAreaField(_l("Description"), [Optional(), _max(2000)])
    languages = StringField(_l("Languages used"), [Optional(), _max(120)],
                            description=_l("For example: Swedish, Arabic"))
    level = SelectField(_l("Level"), choices=[
        SelectChoice(k.value, name) for k, name in LEVEL_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])
    place = StringField(_l("Place"), [Optional(), _max(200)],
                        description=_l("Room or address"))
    capacity = IntegerField(_l("Number of seats"), [Optional(), NumberRange(
        min=1, max=500, message=_l("Write a number from 1 to 500."))],
        description=_l("Needed for study circles. Leave empty for no limit."))
    women_only = BooleanField(_l("For women only"), description=_l(
        "Only women can join or follow it. A leader can add someone by name."))
    childcare = BooleanField(_l("Childcare available"))
    children_welcome = BooleanField(_l("Children welcome"))


class SeriesForm(BaseForm):
    first_day = DateField(_l("First date"), [InputRequired(message=REQUIRED)])
    start = TimeField(_l("Starts at"), [InputRequired(message=REQUIRED)])
    minutes = IntegerField(_l("Length in minutes"), [InputRequired(message=REQUIRED), NumberRange(
        min=15, max=480, message=_l("Write a number from 15 to 480."))], default=90)
    every_weeks = SelectField(_l("How often"), choices=[
        SelectChoice("1", _l("Every week")), SelectChoice("2", _l("Every other week"))],
        default="1")
    until = DateField(_l("Last date"), [Optional()],
                      description=_l("Or give a number of sessions below."))
    count = IntegerField(_l("Number of sessions"), [Optional(), NumberRange(
        min=1, max=60, message=_l("Write a number from 1 to 60."))])
    holidays = RadioField(_l("On public holidays"), choices=[
        SelectChoice("skip", _l("Skip the session")), SelectChoice("keep", _l("Keep the session"))],
        default="skip")


class SessionForm(BaseForm):
    day = DateField(_l("Date"), [InputRequired(message=REQUIRED)])
    start = TimeField(_l("Starts at"), [InputRequired(message=REQUIRED)])
    minutes = IntegerField(_l("Length in minutes"), [InputRequired(message=REQUIRED), NumberRange(
        min=15, max=480, message=_l("Write a number from 15 to 480."))])
    place = StringField(_l("Place"), [Optional(), _max(200)],
                        description=_l("Leave empty to use the activity's usual place."))
    note = StringField(_l("Theme or note"), [Optional(), _max(300)])


class CancelForm(BaseForm):
    reason = StringField(_l("Reason (sent to everyone who takes part)"),
                         [DataRequired(message=REQUIRED), _max(300)])


class EditActivityForm(ActivityForm):
    status = SelectField(_l("Status"), choices=[
        SelectChoice(key.value, name) for key, name in STATUS_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])
    leaders = SelectMultipleField(_l("Leaders"), coerce=int, validators=[
        DataRequired(message=_l("Choose at least one leader."))])


class NoteForm(BaseForm):
    """The theme or note of one session, on its attendance page (leaders and co-leaders)."""

    note = StringField(_l("Theme or note"), [Optional(), _max(300)])


NAME_OPTION = {"dir": "auto"}  # each option of a list of people's names (render_kw)


class NameSelect(widgets.Select):
    """A select of people (a place's participants: dozens): each option written as WTForms
    writes it, `<option dir="auto" value="61">Name</option>`, with one format instead of
    sorting and escaping its attributes (about 5 µs an option, 0.35 ms for the co-leaders
    page). Any other option goes to WTForms."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or type(choice.value) is not int or choice.render_kw != NAME_OPTION:
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(  # noqa: S704  the value is an int, the label escaped
            f'<option dir="auto"{selected} value="{choice.value}">{label}</option>')


class CoLeaderForm(BaseForm):
    user_id = SelectField(_l("Participant"), coerce=int, widget=NameSelect(),
                          validators=[InputRequired(message=_l("Choose a participant."))])


class AdmitForm(BaseForm):
    # Bounded: a number past the database's integer would fail in the driver, not here.
    user_id = IntegerField(_l("Person"), [InputRequired(message=REQUIRED), NumberRange(
        min=1, max=2**31 - 1, message=_l("Choose a participant of this meeting place."))])
