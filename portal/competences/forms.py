"""Forms of My competences and My CV."""

from datetime import date

from flask_babel.speaklater import LazyString
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
from wtforms.widgets import TextInput

from portal.competences.models import (
    EDUCATION_NAMES,
    LEVEL_CEFR,
    LEVEL_NAMES,
    LICENCE_NAMES,
    LanguageLevel,
)
from portal.forms import BaseForm
from portal.i18n import _l

REQUIRED = _l("This field is required.")
FIRST_YEAR = 1940
LAST_YEAR = date.today().year + 10  # an education that ends in a few years
TEXT = {"dir": "auto", "autocomplete": "off"}
NUMBER = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


def _text(label, length: int, required: bool = False, **kwargs):
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, [first, _max(length)], render_kw=TEXT, **kwargs)


def _year(label, **kwargs):
    # A text input with a number keyboard (as GOV.UK does): a number input would refuse
    # Arabic-Indic digits in some browsers, and could not show a wrong answer back as typed.
    return IntegerField(label, [Optional(), NumberRange(
        min=FIRST_YEAR, max=LAST_YEAR, message=_l("Write a year between %(first)d and %(last)d.",
                                                  first=FIRST_YEAR, last=LAST_YEAR))],
        widget=TextInput(), render_kw=NUMBER, **kwargs)


def _level_label(level: LanguageLevel) -> str:
    cefr = LEVEL_CEFR.get(level)
    return f"{LEVEL_NAMES[level]} ({cefr})" if cefr else str(LEVEL_NAMES[level])


class LanguageForm(BaseForm):
    language = _text(_l("Language"), 80, required=True,
                     description=_l("For example: Arabic, Tigrinya, English."))
    level = RadioField(_l("How well do you speak it?"), choices=[
        SelectChoice(level.value, LazyString(_level_label, level)) for level in LanguageLevel],
        validators=[InputRequired(message=REQUIRED)],
        description=_l("Letters like B1 are the European language levels, for those who "
                       "know them."))


class EducationForm(BaseForm):
    level = SelectField(_l("Level"), choices=[
        SelectChoice(level.value, label) for level, label in EDUCATION_NAMES.items()],
        validators=[InputRequired(message=REQUIRED)])
    field = _text(_l("Subject or trade (optional)"), 160,
                  description=_l("For example: nursing, electrician, economics."))
    country = _text(_l("Country (optional)"), 80)
    from_year = _year(_l("From year (optional)"))
    to_year = _year(_l("To year (optional)"),
                    description=_l("Leave it empty if you are still studying."))
    recognition_applied = BooleanField(_l("I have applied to have it recognised here"))


class WorkForm(BaseForm):
    what = _text(_l("What did you do?"), 160, required=True,
                 description=_l("For example: cook, shop assistant, farmer, carer."))
    workplace = _text(_l("Where? (optional)"), 160,
                      description=_l("The employer, or the kind of place: a restaurant, my "
                                     "family's farm."))
    country = _text(_l("Country (optional)"), 80)
    from_year = _year(_l("From year (optional)"))
    to_year = _year(_l("To year (optional)"),
                    description=_l("Leave it empty if you still work there."))


class CertificateForm(BaseForm):
    name = _text(_l("Certificate"), 160, required=True,
                 description=_l("For example: forklift licence, first aid, food hygiene."))
    issuer = _text(_l("Who gave it? (optional)"), 160)
    year = _year(_l("Year (optional)"))


FORMS = {"languages": LanguageForm, "education": EducationForm, "work": WorkForm,
         "certificates": CertificateForm}


class TalentsForm(BaseForm):
    talents = TextAreaField(_l("What are you good at?"), [Optional(), _max(2000)],
                            render_kw={"dir": "auto", "rows": 5}, description=_l(
                                "Everything counts: work, caring for family, languages you "
                                "speak, cooking, sewing, helping others."))


def _licence_label(code: str) -> str:
    return f"{code} – {LICENCE_NAMES[code]}"


class LicencesForm(BaseForm):
    classes = SelectMultipleField(_l("Classes I have"), choices=[
        SelectChoice(code, LazyString(_licence_label, code)) for code in LICENCE_NAMES],
        validators=[Optional()])


class CvForm(BaseForm):
    """The CV's language and what goes in; the choices of each list are the person's own."""

    language = RadioField(_l("Language of the CV"), validators=[InputRequired(message=REQUIRED)],
                          description=_l("Bro writes the headings in this language. Your own "
                                         "words stay as you wrote them."))
    summary = TextAreaField(_l("A few words about you (optional)"), [Optional(), _max(600)],
                            render_kw={"dir": "auto", "rows": 4}, description=_l(
                                "Written by you, in the language of the CV. For example: "
                                "what work you are looking for."))
    personal = SelectMultipleField(_l("About you"))
    languages = SelectMultipleField(_l("Languages"), coerce=int)
    work = SelectMultipleField(_l("Work experience"), coerce=int)
    education = SelectMultipleField(_l("Education"), coerce=int)
    courses = SelectMultipleField(_l("Courses at Bro"), coerce=int)
    certificates = SelectMultipleField(_l("Certificates"), coerce=int)
    more = SelectMultipleField(_l("More"))
