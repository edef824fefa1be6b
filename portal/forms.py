"""BaseForm: CSRF, validator messages from Bro's own catalogs, and input normalisation.

WTForms ships no Danish messages, so WTF_I18N_ENABLED is off and every message, including the
WTForms defaults that can reach users (in our own words, below), goes through our catalogs in
every language.
"""

import unicodedata
from functools import lru_cache

from flask import has_app_context
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, SelectField, widgets
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.widgets.core import clean_key

from portal.web import render

# Arabic-Indic and Extended Arabic-Indic (Persian) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS |= {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
# Bidi embedding/override/isolate controls: they let one name reorder the text around it.
_BIDI_CONTROLS = {cp: None for cp in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def normalise_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    return value.translate(_DIGITS).translate(_BIDI_CONTROLS).strip()


def normalise_password(value: str) -> str:
    # Same password typed on different keyboards must match; never strip or rewrite it otherwise.
    return unicodedata.normalize("NFC", value)


def N_(text: str) -> str:  # pybabel extracts N_("…") by default: marked, translated later
    return text


# WTForms words its messages as a library ("Invalid Choice: could not coerce."): each one that
# can reach users is looked up under our own plain words instead. None of them needs a number.
WTFORMS_MESSAGES = {
    "This field is required.": N_("This field is required."),
    "Not a valid choice.": N_("Choose one of the options."),
    "Invalid Choice: could not coerce.": N_("Choose one of the options."),
    "'%(value)s' is not a valid choice for this field.": N_("Choose only from the options shown."),
    "Invalid choice(s): one or more data inputs could not be coerced.":
        N_("Choose only from the options shown."),
    "Not a valid integer value.": N_("Write a whole number, for example 12."),
    "Not a valid date value.": N_("Write a date like this: 2026-03-31."),
    "Not a valid time value.": N_("Write a time like this: 14:30."),
}


class _Translations:
    """WTForms formats its own messages: hand it the raw catalog text (Flask-Babel's
    ngettext would %-format with `num` and fail on WTForms' `%(value)s`)."""

    def gettext(self, string):
        return get_translations().ugettext(WTFORMS_MESSAGES.get(string, string))

    def ngettext(self, singular, plural, n):
        if singular in WTFORMS_MESSAGES:
            return self.gettext(singular)
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class BaseForm(FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_language(self)

    class Meta:
        csrf = False  # CSRFProtect checks every POST (forms and htmx) before any view runs

        def get_translations(self, form):
            return _TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            secret = {name for name, field in form._fields.items()
                      if isinstance(field, PasswordField)}
            clean = MultiDict()
            for key, value in formdata.items(multi=True):
                if isinstance(value, str):
                    value = normalise_password(value) if key in secret else normalise_text(value)
                clean.add(key, value)
            return clean


# Lazy labels, hints and choices in each language, as markup (a lazy string is markup to
# Jinja and to markupsafe): what the code marks is finite, so this stays small.
_TEXTS: dict[tuple, Markup] = {}
MAX_TEXTS = 20_000  # a safety net


def in_language(form) -> None:
    """The form's lazy labels, hints and choice labels as text in the page's language, each
    translated once per process per language. A lazy string looks its catalog up every time
    it is read, and a form reads each several times (is there a hint? its text; an option's
    label is tested, then escaped): the activity filters read 60 of them per page, about
    0.4 ms. The text is the lazy string's as markup, as Jinja would have used it."""
    if not has_app_context() or (language := get_locale()) is None:
        return
    for field in form:
        field.label.text = _text(field.label.text, language)
        field.description = _text(field.description, language)
        if isinstance(field, SelectFieldBase):
            _choices_in(field, language)


def texts_in_language(names: dict) -> dict:
    """A dict of lazy names (statuses, scale words) with each name as text in the page's
    language, translated once per process per language (see in_language)."""
    if not has_app_context() or (language := get_locale()) is None:
        return names
    return {key: _text(name, language) for key, name in names.items()}


def _choices_in(field, language) -> None:
    """A list of SelectChoice given to the field (not a callable WTForms resolves later)."""
    choices = vars(field).get("_choices")
    if (vars(field).get("_choices_callable") is None and isinstance(choices, list)
            and any(type(getattr(choice, "label", None)) is LazyString for choice in choices)):
        field.choices = [
            SelectChoice(choice.value, _text(choice.label, language), choice.render_kw,
                         choice.optgroup) if isinstance(choice, SelectChoice) else choice
            for choice in choices]


def _text(text, language):
    if type(text) is not LazyString:
        return text
    try:
        key = (language, text._func, text._args, tuple(text._kwargs.items()))
        kept = _TEXTS.get(key)
    except TypeError:  # an argument that cannot be a key: translate it this time only
        return Markup(text.__html__())  # noqa: S704  as Jinja and markupsafe read it
    if kept is None:
        if len(_TEXTS) >= MAX_TEXTS:
            _TEXTS.clear()
        kept = _TEXTS[key] = Markup(text.__html__())  # noqa: S704  as above
    return kept


def attach_error(form, error) -> None:
    """Show a DomainError beside its field, or at the top of the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    for more in error.also:
        attach_error(form, more)


def attach_errors(form, problems) -> None:
    """attach_error() for each problem whose field has no error of its own yet (the form's
    own message, e.g. "not a number", says more than a rule checked after it)."""
    for problem in problems:
        field = form._fields.get(problem.field) if problem.field else None
        if field is None or not field.errors:
            attach_error(form, problem)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never bounce people to another site after login, and never a
    control character (a line break would split the Location header)."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and not any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return target
    return default


def show_form(page: str, fragment: str, form, error=None, other_forms=(),
              status: int | None = None, **context):
    """A form page: 200 when fresh, 422 with the user's input and errors beside each field
    (or `status`, when a refusal has its own). `other_forms` are further forms on the same
    page whose errors also make it a 422."""
    if error is not None:
        attach_error(form, error)
    if status is None:
        status = 422 if form.errors or any(other.errors for other in other_forms) else 200
    return render(page, fragment, status=status, form=form, **context)


def field_attrs(field, attrs: dict) -> dict:
    """Input attributes that tie a field to its hint and error for screen readers."""
    described = [f"{field.id}-hint"] if field.description else []
    if field.errors:
        described.append(f"{field.id}-error")
    attrs = dict(attrs)
    if field.type in ("SelectField", "SelectMultipleField"):
        # A required <select> must start with an empty placeholder option; ours start with a
        # real choice, and the server checks the answer anyway.
        attrs.setdefault("required", False)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


# -- rendering a field's control --------------------------------------------------------------

# The widgets `widget()` writes itself: exactly these classes (a subclass may render otherwise).
_INPUTS = {widgets.TextInput, widgets.SearchInput, widgets.EmailInput, widgets.TelInput,
           widgets.PasswordInput, widgets.CheckboxInput, widgets.RadioInput,
           widgets.HiddenInput, widgets.NumberInput, widgets.DateInput, widgets.TimeInput}


def widget(field, attrs: dict) -> Markup:
    """`field(**attrs)`, the same HTML as WTForms writes it, for the widgets forms use most
    (text-like inputs, checkboxes, selects, text areas); any other goes to WTForms. WTForms
    3.3 inspects `render_option`'s signature on every select it renders and lists the field's
    flags with dir() on every control, and builds each attribute with Markup.format: about
    60 µs a select and 15 µs an input, the activity filters alone 0.4 ms."""
    kind = type(field.widget)
    if kind in _INPUTS:
        return _input(field, _attributes(field, attrs))
    if kind is widgets.Select:
        choices = _plain_choices(field)
        if choices is not None:
            return _select(field, _attributes(field, attrs), choices)
        if not field.has_groups():
            return _select(field, _attributes(field, attrs),
                           [(c.value, c.label, c.render_kw, c.selected)
                            for c in field._iter_choices_normalized()])
    if kind is widgets.TextArea:
        return _textarea(field, _attributes(field, attrs))
    return field(**attrs)


def _attributes(field, attrs: dict) -> dict:
    """The call's attributes over the field's render_kw, keys cleaned (DefaultMeta.render_field)
    and the id set."""
    attrs = {clean_key(key): value for key, value in attrs.items()}
    own = getattr(field, "render_kw", None)
    if own is not None:
        attrs = {**{clean_key(key): value for key, value in own.items()}, **attrs}
    attrs.setdefault("id", field.id)
    return attrs


def _add_flags(field, attrs: dict, call: bool = False) -> None:
    """The validators' flags the widget turns into attributes (required, maxlength …), unless
    the call set them. Flags are the attributes set on the field's Flags object."""
    flags = vars(field.flags)
    for name in field.widget.validation_attrs:
        if name in flags and name not in attrs:
            value = flags[name]
            attrs[name] = value() if call and callable(value) else value


def _params(attrs: dict) -> str:
    """wtforms.widgets.html_params: sorted, True as a bare name, False left out, values
    escaped (and a markup value's double quotes too)."""
    parts = []
    for key, value in sorted(attrs.items()):
        if value is True:
            parts.append(_name(key))
        elif value is not False:
            value = str(escape(value)).replace('"', "&quot;")
            parts.append(f'{_name(key)}="{value}"')
    return " ".join(parts)


@lru_cache(maxsize=512)
def _name(key: str) -> str:
    """An attribute's name as html_params writes it (the names are the code's own: few)."""
    return str(escape(clean_key(key)))


def _input(field, attrs: dict) -> Markup:
    widget = field.widget
    if type(widget) is widgets.PasswordInput and widget.hide_value:
        attrs["value"] = ""
    if type(widget) is widgets.CheckboxInput and getattr(field, "checked", field.data):
        attrs.setdefault("checked", True)
    if type(widget) is widgets.RadioInput and field.checked:
        attrs.setdefault("checked", True)
    if type(widget) is widgets.NumberInput:
        for name in ("step", "min", "max"):
            if getattr(widget, name) is not None:
                attrs.setdefault(name, getattr(widget, name))
    if type(widget) in (widgets.DateInput, widgets.TimeInput):
        _date_limits(field, attrs)
    attrs.setdefault("type", widget.input_type)
    if "value" not in attrs:
        attrs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in attrs:
        attrs["list"] = datalist if isinstance(datalist, str) else datalist.id
    _add_flags(field, attrs, call=True)
    attrs["name"] = field.name
    return Markup(f"<input {_params(attrs)}>")  # noqa: S704  every value escaped by _params


def _date_limits(field, attrs: dict) -> None:
    """A date or time input's min and max in the field's format (_DateTimeBaseInput)."""
    format = getattr(field, "format", None)
    if format is None:
        return
    format = format[0] if isinstance(format, list) else format
    for name in ("min", "max"):
        value = attrs.get(name, getattr(field.flags, name, None))
        if callable(value):
            value = value()
        if hasattr(value, "strftime"):
            attrs[name] = value.strftime(format)


def _plain_choices(field) -> list[tuple] | None:
    """(value, label, render_kw, selected) of a SelectField's choices, as its iter_choices
    makes them, with the choices read once (WTForms reads them twice, for has_groups and for
    iter_choices); None for another kind of field or choices in groups."""
    if type(field).iter_choices is not SelectField.iter_choices:
        return None
    choices = field._choices_from_input(field.choices) or []
    if any(c.optgroup is not None for c in choices):
        return None
    coerce, data = field.coerce, field.data
    return [(c.value, c.label, c.render_kw, coerce(c.value) == data) for c in choices]


def _select(field, attrs: dict, choices: list[tuple]) -> Markup:
    if field.widget.multiple:
        attrs["multiple"] = True
    _add_flags(field, attrs)
    attrs["name"] = field.name
    html = [f"<select {_params(attrs)}>"]
    for value, label, render_kw, selected in choices:
        value = str(value) if isinstance(value, bool) else value
        text = escape(label or value)
        if render_kw:
            option = {"value": value, **render_kw}
            if selected:
                option["selected"] = True
            html.append(f"<option {_params(option)}>{text}</option>")
        else:  # what _params writes for these two: sorted, "selected" first
            value = str(escape(value)).replace('"', "&quot;")
            html.append(f'<option selected value="{value}">{text}</option>' if selected
                        else f'<option value="{value}">{text}</option>')
    html.append("</select>")
    return Markup("".join(html))  # noqa: S704  every value escaped above


def _textarea(field, attrs: dict) -> Markup:
    _add_flags(field, attrs)
    attrs["name"] = field.name
    return Markup(  # noqa: S704  every value escaped
        f"<textarea {_params(attrs)}>\r\n{escape(field._value())}</textarea>")
