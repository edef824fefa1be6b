"""Bro's own words on the pages of My competences and My CV: the names of levels, parts and
licence classes, as text in each language, made once per process.

They are the same for everyone who reads a language, so each is looked up in the catalog once
per language, not every time a page shows it (a lazy string finds the request's language and
catalog again each time it is shown: /competences showed about 35 of them, some 0.3 ms). Each
text is Markup, as a lazy string is when a template shows it (Flask-Babel's `__html__`): the
HTML stays the same to the byte. Nothing personal is kept here.
"""

from functools import cache

from flask_babel import get_locale
from markupsafe import Markup

from portal.competences.models import EDUCATION_NAMES, LEVEL_CEFR, LEVEL_NAMES, LICENCE_NAMES
from portal.i18n import _l

HEADINGS = {"languages": _l("Languages"), "work": _l("Work experience"),
            "education": _l("Education"), "certificates": _l("Other certificates")}
ADD_LABELS = {"languages": _l("Add a language"), "work": _l("Add work experience"),
              "education": _l("Add education"), "certificates": _l("Add a certificate")}
CHANGE_LABELS = {"languages": _l("Change a language"), "work": _l("Change work experience"),
                 "education": _l("Change education"), "certificates": _l("Change a certificate")}


def names() -> dict:
    """The names templates show, in the language of the moment (the page's, or the CV's inside
    force_locale): level_names, level_cefr, education_names, headings, add_labels."""
    return _names(str(get_locale()))


@cache
def _names(language: str) -> dict:  # called while `language` is the current one
    return {"level_names": _text(LEVEL_NAMES), "level_cefr": LEVEL_CEFR,
            "education_names": _text(EDUCATION_NAMES), "headings": _text(HEADINGS),
            "add_labels": _text(ADD_LABELS)}


def licence_choices() -> list[tuple[str, Markup]]:
    """The driving licence classes as their checkboxes read: "B – car"."""
    return _licence_choices(str(get_locale()))


@cache
def _licence_choices(language: str) -> list[tuple[str, Markup]]:
    names = _text(LICENCE_NAMES)
    return [(code, Markup(f"{code} – {names[code]}")) for code in names]  # noqa: S704


def _text(lazy: dict) -> dict:
    return {key: Markup(str(value)) for key, value in lazy.items()}  # noqa: S704  our catalog
