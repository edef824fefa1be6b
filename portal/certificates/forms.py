"""The two small forms of certificates: the language of a download, and a code to check."""

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.forms import BaseForm
from portal.i18n import LANGUAGES, _l, html_lang

REQUIRED = _l("This field is required.")


class LanguageForm(BaseForm):
    """Sent by GET: the choices are every language Bro speaks, the place's language first."""

    language = SelectField(_l("Language of the certificate"), choices=[])

    def offer(self, first: str) -> "LanguageForm":
        self.language.choices = [
            SelectChoice(code, LANGUAGES[code], render_kw={"lang": html_lang(code)})
            for code in sorted(LANGUAGES, key=lambda code: code != first)]
        if self.language.data not in LANGUAGES:
            self.language.data = first
        return self


class CheckForm(BaseForm):
    code = StringField(_l("Code on the certificate"),
                       [InputRequired(message=REQUIRED), Length(max=40)],
                       description=_l("Ten letters and digits, for example 7K3QD-M8XTA."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false"})
