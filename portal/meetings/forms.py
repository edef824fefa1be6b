"""Availability and booking forms."""

from functools import cache

from babel import Locale
from flask_babel import get_locale
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import BaseForm
from portal.i18n import _l, lazy_ngettext, weekday_names
from portal.meetings.models import MODE_NAMES, Mode

REQUIRED = _l("This field is required.")
# Interpreter languages often asked for; staff can arrange others on request.
INTERPRETER_LANGUAGES = ["ar", "ti", "so", "fa", "ps", "uk", "ku", "ckb", "en", "fr"]


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


def _weekdays():
    return [SelectChoice(i, name) for i, name in enumerate(weekday_names())]


class WindowForm(BaseForm):
    weekdays = SelectMultipleField(_l("Weekdays"), coerce=int, choices=_weekdays,
                                   validators=[DataRequired(message=_l(
                                       "Choose at least one weekday."))])
    starts = TimeField(_l("From"), [InputRequired(message=REQUIRED)])
    ends = TimeField(_l("Until"), [InputRequired(message=REQUIRED)])


class AvailabilityForm(WindowForm):
    mode = SelectField(_l("How do you meet?"), choices=[
        SelectChoice(key.value, label) for key, label in MODE_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)], default=Mode.IN_PERSON.value)
    place = StringField(_l("Where (room, phone number or video link)"), [Optional(), _max(300)],
                        description=_l("Participants see this when they book."))
    languages = StringField(_l("Languages you speak"), [Optional(), _max(120)],
                            description=_l("For example: Norwegian, English, Arabic"))
    slot_minutes = SelectField(_l("Length of a meeting"), coerce=int, choices=[
        SelectChoice(m, lazy_ngettext("%(num)d minute", "%(num)d minutes", m))
        for m in (15, 30, 45, 60)], default=30)
    buffer_minutes = IntegerField(_l("Break between meetings (minutes)"), [
        InputRequired(message=REQUIRED),
        NumberRange(min=0, max=60, message=_l("Choose a number from 0 to 60."))], default=0)
    valid_from = DateField(_l("First day"), [InputRequired(message=REQUIRED)])
    valid_until = DateField(_l("Last day (optional)"), [Optional()])


class EditAvailabilityForm(AvailabilityForm):
    """Settings only: its weekly windows are changed one by one."""

    weekdays = starts = ends = None


class ExtraForm(BaseForm):
    day = DateField(_l("Day"), [InputRequired(message=REQUIRED)])
    starts = TimeField(_l("From"), [InputRequired(message=REQUIRED)])
    ends = TimeField(_l("Until"), [InputRequired(message=REQUIRED)])


class TimeOffForm(BaseForm):
    first_day = DateField(_l("First day off"), [InputRequired(message=REQUIRED)])
    last_day = DateField(_l("Last day off (optional)"), [Optional()])


def interpreter_choices():
    return [SelectChoice("", _l("No interpreter"))] + [
        SelectChoice(code, name) for code, name in _interpreter_names(str(get_locale()))]


@cache
def _interpreter_names(locale: str) -> tuple[tuple[str, str], ...]:
    """The interpreter languages named in one language, in its alphabetical order (CLDR data
    never changes while Bro runs: looked up once per language)."""
    return tuple(sorted(((code, interpreter_name(code, locale)) for code in INTERPRETER_LANGUAGES),
                        key=lambda item: item[1]))


@cache
def _name_in(code: str, locale: str) -> str:
    return Locale.parse(code).get_display_name(locale) or code


def interpreter_name(code: str, locale: str | None = None) -> str:
    return _name_in(code, locale or str(get_locale())) if code else ""


class BookForm(BaseForm):
    topic = StringField(_l("What would you like to talk about? (optional)"),
                        [Optional(), _max(300)],
                        description=_l("Please don't write about health or other private "
                                       "matters here."))
    interpreter = SelectField(_l("Do you need an interpreter?"), choices=interpreter_choices,
                              validators=[Optional()], default="")


class CancelBookingForm(BaseForm):
    reason = StringField(_l("Reason (optional)"), [Optional(), _max(300)])


class StaffCancelForm(BaseForm):
    reason = StringField(_l("Reason"), [DataRequired(message=_l(
        "Please tell the participant why.")), _max(300)],
        description=_l("The participant is told, in their language."))

