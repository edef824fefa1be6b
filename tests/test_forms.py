"""portal.forms.widget writes exactly the HTML WTForms writes, for every field of every form."""

import importlib
import pkgutil
from datetime import date, time

from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice, SelectFieldBase

import portal
from portal.forms import BaseForm, field_attrs, widget

ATTRIBUTES = [
    {},
    {"class": "wide", "dir": "auto", "autocomplete": "off"},
    {"class_": "", "data_x": 'a "quoted" <b>', "required": True, "disabled": False},
    {"value": Markup('say "hi"'), "aria_label": "x", "maxlength": 3, "id": "other"},
]


def _forms() -> list[type]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def _choices(field) -> None:
    if isinstance(field, SelectFieldBase) and not field.choices:
        field.choices = [SelectChoice("1", "One"), SelectChoice("2", 'Two "<2>"', {"dir": "auto"}),
                         SelectChoice("3", Markup("<b>X</b>"))]


def _bound(form_class, data):
    form = form_class(MultiDict(data) if data is not None else None)
    for field in form:
        _choices(field)
    if data is not None:
        form.validate()
    return form


def test_widget_writes_what_wtforms_writes(app):
    forms = _forms()
    assert len(forms) > 30
    inputs, compared = {"1": "1", "2": "2"}, set()
    with app.test_request_context("/"):
        for form_class in forms:
            for data in (None, {}, {"title": 'A "b" <c>', **inputs}):
                try:
                    form = _bound(form_class, data)
                except TypeError:  # a form that needs arguments of its own
                    break
                for field in form:
                    for attrs in ATTRIBUTES:
                        attrs = field_attrs(field, attrs)
                        assert str(widget(field, attrs)) == str(field(**attrs)), (
                            form_class.__name__, field.name, attrs)
                    compared.add(type(field.widget).__name__)
                    if isinstance(field, SelectFieldBase) and field.type != "SelectField":
                        for option in field:  # radios and checkboxes of a list
                            assert str(widget(option, {})) == str(option()), field.name
                            compared.add(type(option.widget).__name__)
    assert {"TextInput", "Select", "TextArea", "CheckboxInput", "PasswordInput",
            "RadioInput", "NumberInput", "DateInput", "TimeInput"} <= compared


def test_widget_values(app):
    """Values of every kind a widget gets: dates, times, ints, booleans, render_kw."""
    class Each(BaseForm):
        text = StringField("T", render_kw={"dir": "auto", "class_": "k"})
        flag = BooleanField("F")
        day = DateField("D")
        limited = DateField("L", render_kw={"min": date(2026, 1, 1), "max": "2027-01-01"})
        at = TimeField("A")
        pick = SelectField("P", coerce=int, choices=[SelectChoice(1, "a"), SelectChoice(2, "b")])
        truth = SelectField("B", choices=[SelectChoice(True, "yes"), SelectChoice(False, "no")],
                            coerce=bool)

    with app.test_request_context("/"):
        form = Each(data={"text": "x < y", "flag": True, "day": date(2026, 3, 1),
                          "at": time(9, 30), "pick": 2, "truth": False})
        for field in form:
            assert str(widget(field, {})) == str(field()), field.name
