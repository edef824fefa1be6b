"""Hostile and broken input through every form of My competences and My CV, posted by the
owner to their own items (so every form is read, not refused as "not found")."""

import pytest
from flask import url_for
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from portal.competences import services
from portal.competences.forms import FORMS, CvForm, LicencesForm, TalentsForm
from portal.competences.models import EducationLevel, LanguageLevel
from tests.test_hostile_input import NASTY


@pytest.fixture
def own(amina, make_course):
    services.add_item(amina, services.LanguageData("Arabic", LanguageLevel.NATIVE))
    services.add_item(amina, services.EducationData(EducationLevel.OTHER))
    services.add_item(amina, services.WorkData("Cook"))
    services.add_item(amina, services.CertificateData("First aid"))
    make_course("Norsk A1", {amina: (120,) * 4})
    return {kind: services.items(amina, kind)[0].id for kind in services.KINDS}


def posts(app, own):
    """Every POST route of the feature, with the owner's own ids."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("competences.") and "POST" in rule.methods:
                for kind in (services.KINDS if "kind" in rule.arguments else [None]):
                    values = {"kind": kind, "item_id": own.get(kind)} if kind else {}
                    yield rule.endpoint, url_for(rule.endpoint, **{
                        k: v for k, v in values.items() if k in rule.arguments})


def field_names() -> set[str]:
    """Every field of every form, under its own name and with the add forms' prefixes."""
    def fields(form):
        return {name for name in dir(form) if isinstance(getattr(form, name), UnboundField)}

    names = set().union(*(fields(form) for form in (*FORMS.values(), TalentsForm,
                                                    LicencesForm, CvForm)))
    return names | {f"{kind}-{name}" for kind, form in FORMS.items() for name in fields(form)}


@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_every_form_survives_hostile_values(app, client, amina, own, nasty):
    client.login(amina.email)
    failures = []
    for endpoint, url in posts(app, own):
        if endpoint == "competences.remove":
            continue  # takes no fields; removing is tested on its own
        for htmx in (False, True):
            response = client.post(url, {name: nasty for name in field_names()}, htmx=htmx)
            if response.status_code >= 500:
                failures.append(f"{endpoint} {url}: {response.status_code}")
            elif "<script>alert(1)</script>" in response.get_data(as_text=True):
                failures.append(f"{endpoint}: not escaped")
    assert failures == []
    # Whatever was stored came through the rules: every year in range, no script unescaped.
    for kind in services.KINDS:
        for item in services.items(amina, kind):
            years = [getattr(item, name, None) for name in ("from_year", "to_year", "year")]
            assert all(year is None or 1940 <= year <= 2100 for year in years)
    assert "<script>alert(1)</script>" not in client.get("/competences/cv/preview").get_data(
        as_text=True)


def test_duplicated_missing_and_wrongly_typed_fields(app, client, amina, own):
    client.login(amina.email)
    names = field_names()
    failures = []
    for endpoint, url in posts(app, own):
        for data in (MultiDict([(n, "1") for n in names] + [(n, "2") for n in names]),
                     MultiDict(), MultiDict([(n, "[]") for n in names])):
            data.add("csrf_token", client.token())
            response = client.raw.post(url, data=data, headers={"Accept-Language": "en"})
            if response.status_code >= 500:
                failures.append(f"{endpoint} {url}: {response.status_code}")
    assert failures == []


def test_hostile_words_in_valid_forms_are_kept_as_text_in_the_page_the_cv_and_the_pdf(
        client, amina):
    from io import BytesIO

    from pypdf import PdfReader

    client.login(amina.email)
    words = [w for w in NASTY if w and len(w) < 100]
    for word in words:
        client.post("/competences/languages", {"languages-language": word,
                                               "languages-level": "fluent"})
        client.post("/competences/work", {"work-what": word, "work-workplace": word})
    # Emoji have no glyph in Bro's fonts: a box in the PDF (poppler reads them back, pypdf
    # trips over the font's notdef glyphs), so they stay out of the text read back here.
    client.post("/competences/talents", {"talents": "\n".join(
        w for w in words if not any(ord(c) > 0xFFFF for c in w))})
    saved = client.post("/competences/cv", {"language": "nb", "summary": "<b>bold</b>",
                                            "more": ["talents"]})
    assert saved.status_code == 303  # nothing ticked: the CV holds only the summary and talents
    page = client.get("/competences").get_data(as_text=True)
    preview = client.get("/competences/cv/preview").get_data(as_text=True)
    for html in (page, preview):
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in preview
    text = PdfReader(BytesIO(client.get("/competences/cv/download").get_data())).pages[
        0].extract_text()
    assert "<script>alert(1)</script>" in text  # the person's words, as words
    assert "\u202e" not in text  # bidi overrides were taken out when they were typed
