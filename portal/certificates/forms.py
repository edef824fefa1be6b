"""The two small forms of certificates: the language of a download, and a code to check."""

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import Select

from portal.forms import BaseForm
from portal.i18n import LANGUAGES, _l, html_lang

REQUIRED = _l("This field is required.")


class LanguageSelect(Select):
    """WTForms' <select>, each <option> made once per process: an option is the same for
    everyone (a language code, its own name, whether it is the one chosen), and making the
    nine of each certificate on My certificates cost about 0.5 ms. Only these options are
    kept (nine languages, chosen or not)."""

    _made: dict = {}

    @classmethod
    def render_option(cls, choice, **kwargs):
        key = (choice.value, choice.label, choice.selected,
               *(choice.render_kw or {}).items(), *kwargs.items())
        option = cls._made.get(key)
        if option is None:
            option = cls._made[key] = super().render_option(choice, **kwargs)
        return option

    @classmethod
    def _dispatch_render_option(cls):
        """WTForms reads render_option's signature on every call (about 30 µs): ours is known."""
        return cls.render_option


class LanguageForm(BaseForm):
    """Sent by GET: the choices are every language Bro speaks, the place's language first."""

    language = SelectField(_l("Language of the certificate"), choices=[],
                           widget=LanguageSelect())

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
