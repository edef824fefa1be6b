"""My CV as HTML (the preview, inside a page) and as a one-page PDF. The words are the
person's own; Bro writes only the headings and its own labels, in the CV's language."""

import phonenumbers
from flask import render_template
from markupsafe import Markup

from portal import pdf
from portal.competences.services import Cv
from portal.competences.wording import names
from portal.i18n import force_locale

STYLESHEET = "css/cv.css"


def _context(cv: Cv) -> dict:
    """Rendered inside force_locale: the names are the CV's language's."""
    return {"cv": cv, "phone": _phone(cv.phone), **names()}


def _phone(number: str | None) -> str | None:
    """+4791234567 as people write it: +47 912 34 567."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def fragment(cv: Cv) -> Markup:
    """The CV for the preview page (the page around it stays in the reader's language)."""
    with force_locale(cv.language):
        html = render_template("competences/_cv.html", **_context(cv))
    return Markup(html)  # noqa: S704  rendered from our template, with autoescaping


def document(cv: Cv) -> str:
    """The CV as a whole HTML document, for the PDF."""
    with force_locale(cv.language):
        return render_template("competences/cv_document.html", **_context(cv))


def pdf_of(cv: Cv) -> bytes:
    return pdf.render(document(cv), stylesheets=(STYLESHEET,), max_pages=1)
