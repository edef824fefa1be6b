"""Account forms. Labels are lazy strings; messages come from Bro's catalogs."""

from datetime import date
from zoneinfo import available_timezones

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from portal.accounts.models import GENDER_NAMES, GENDER_WHY, Country
from portal.forms import BaseForm
from portal.i18n import LANGUAGES, _l, html_lang

REQUIRED = _l("This field is required.")


def _max(length: int):
    return Length(max=length, message=_l("Use at most %(max)d characters."))


def _required():
    return DataRequired(message=REQUIRED)


def _name():
    return StringField(_l("Your name"), [_required(), _max(80)],
                       description=_l("The name others in Bro will see."))


def _phone():
    return TelField(_l("Mobile phone number"), [Optional(), _max(30)],
                    description=_l("For example 912 34 567 or +46 70 123 45 67."))


def _email():
    return EmailField(_l("E-mail address"), [Optional(), _max(254)])


def _language():
    return SelectField(_l("Language"), choices=[
        SelectChoice(code, name, render_kw={"lang": html_lang(code)})
        for code, name in LANGUAGES.items()], validators=[InputRequired(message=REQUIRED)])


def _birth_year():
    this_year = date.today().year
    return IntegerField(
        _l("Birth year (optional)"),
        [Optional(), NumberRange(min=1900, max=this_year,
                                 message=_l("Write a year between 1900 and this year."))],
        description=_l("Some study circles need it. We never ask for your full birth date."))


def _gender():
    """Optional: nothing chosen is an answer too (validate_choice off, so no choice is no
    error; anything else than the options is one)."""
    return RadioField(_l("Gender (optional)"), choices=[
        SelectChoice(gender.value, name) for gender, name in GENDER_NAMES.items()],
        validate_choice=False, validators=[Optional(), AnyOf(
            [gender.value for gender in GENDER_NAMES],
            message=_l("Choose one of the options."))], description=GENDER_WHY)


def _gender_word():
    return StringField(_l("In your own words"), [Optional(), _max(40)],
                       description=_l("Only if you chose \"Another word\"."))


def _new_password(label=None):
    return PasswordField(label or _l("Password"), [_required(), _max(500)], description=_l(
        "At least 10 characters. A sentence you remember is a good password."))


class RegisterForm(BaseForm):
    display_name = _name()
    phone = _phone()
    email = _email()
    password = _new_password()
    language = _language()
    site_id = SelectField(_l("Your meeting place"), coerce=int,
                          validators=[InputRequired(message=_l("Choose your meeting place."))])
    birth_year = _birth_year()
    gender = _gender()
    gender_word = _gender_word()
    accept_privacy = BooleanField(
        _l("Privacy notice"))  # the sentence beside the box is in the template
    invitation_code = HiddenField()


class AssistedRegisterForm(BaseForm):
    """Staff register someone (for example under 15, with a parent or guardian present)."""

    display_name = StringField(_l("Name"), [_required(), _max(80)])
    phone = _phone()
    email = _email()
    language = _language()
    birth_year = _birth_year()
    gender = _gender()
    gender_word = _gender_word()
    accept_privacy = BooleanField(_l(
        "The person (and a parent or guardian, for a child) has been shown the privacy notice "
        "and agrees."))


class LoginForm(BaseForm):
    login = StringField(_l("Phone number or e-mail address"), [_required(), _max(254)])
    password = PasswordField(_l("Password"), [_required(), _max(500)])
    remember = BooleanField(_l("Keep me logged in on this phone"))


class ProfileForm(BaseForm):
    display_name = _name()
    phone = _phone()
    email = _email()
    language = _language()
    birth_year = _birth_year()
    # Shown only to participants of a course whose funder's attendance list asks for them.
    postcode = StringField(_l("Postcode (optional)"), [Optional(), _max(10)],
                           description=_l("The study association asks for it on the attendance "
                                          "list of your course. Four digits, for example 0655."))
    gender = _gender()
    gender_word = _gender_word()


class PasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), [_required()])
    password = _new_password(_l("New password"))


class ResetCodeForm(BaseForm):
    login = StringField(_l("Phone number or e-mail address"), [_required(), _max(254)])
    code = StringField(_l("Code from your coordinator"), [_required(), _max(20)],
                       description=_l("8 letters and numbers, for example ABCD-2345."))
    password = _new_password(_l("New password"))


def _phone_code():
    return StringField(_l("Code from the SMS"), [_required(), _max(20)],
                       description=_l("6 digits."))


class PhoneCodeForm(BaseForm):
    code = _phone_code()


class SmsForgotForm(BaseForm):
    login = TelField(_l("Mobile phone number"), [_required(), _max(30)])


class SmsResetForm(BaseForm):
    login = TelField(_l("Mobile phone number"), [_required(), _max(30)])
    code = _phone_code()
    password = _new_password(_l("New password"))


class ForgotForm(BaseForm):
    login = EmailField(_l("E-mail address"), [_required(), _max(254)])


class ResetLinkForm(BaseForm):
    password = _new_password(_l("New password"))


class InviteForm(BaseForm):
    role = SelectField(_l("Role"), validators=[InputRequired(message=REQUIRED)])
    label = StringField(_l("Who is it for? (only you see this)"), [Optional(), _max(80)])


class InvitationCodeForm(BaseForm):
    code = StringField(_l("Invitation code"), [_required(), _max(20)])


class SiteForm(BaseForm):
    name = StringField(_l("Name of the meeting place"), [_required(), _max(120)])
    country = SelectField(_l("Country"), choices=[
        SelectChoice(Country.NO.value, _l("Norway")), SelectChoice(Country.SE.value, _l("Sweden")),
        SelectChoice(Country.DK.value, _l("Denmark"))],
        validators=[InputRequired(message=REQUIRED)])
    timezone = SelectField(_l("Time zone"), choices=[SelectChoice(zone) for zone in sorted(
        z for z in available_timezones() if z.startswith("Europe/"))],
        default="Europe/Oslo", validators=[InputRequired(message=REQUIRED)])
    address = StringField(_l("Address"), [Optional(), _max(300)])
    sms_sender = StringField(
        _l("Sender name on SMS (optional)"),
        [Optional(), Regexp(r"^[A-Za-z][A-Za-z0-9]{2,10}$", message=_l(
            "Use 3 to 11 letters (a to z) and digits, starting with a letter, for example "
            "ToyenBro."))],
        description=_l("What people see as the sender of SMS from this meeting place. Leave "
                       "it empty to use the name of the whole service."))
