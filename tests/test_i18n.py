"""Catalogs complete in every language; locale negotiation; Arabic plurals and digits."""

import re
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import Translations

from portal import config
from portal.i18n import LANGUAGES, unchecked

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {code: ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
            for code in LANGUAGES}


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_is_complete_and_has_no_fuzzy_entries(code):
    with CATALOGS[code].open("rb") as handle:
        catalog = read_po(handle)
    template = read_po((ROOT / "translations" / "messages.pot").open("rb"))
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}, \
        "catalog is behind messages.pot: run `flask translate update`"
    missing, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != catalog.num_plurals and isinstance(message.id, tuple):
            missing.append(message.id)
        if not all(strings):
            missing.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert missing == [] and fuzzy == []


def _sentences(text: str) -> set[str]:
    """The sentences of a text that are long enough to be nobody's name or a word all
    languages share (Bro, OK, NAV)."""
    parts = (part.strip() for part in re.split(r"(?<=[.!?])\s+", text))
    return {part for part in parts if len(part) >= 25}


@pytest.mark.parametrize("code", [code for code in LANGUAGES if code != "en"])
def test_no_english_sentence_is_left_inside_a_translation(code):
    """A merge once glued one entry's English source onto another entry's translation
    ("…Svarte: %(rate)s.An administrator made a one-time code…"). No translation may contain
    a sentence of any English source text that its own source does not have."""
    template = read_po((ROOT / "translations" / "messages.pot").open("rb"))
    english = set()
    for message in template:
        for source in (message.id if isinstance(message.id, tuple) else (message.id,)):
            english |= _sentences(source)
    with CATALOGS[code].open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        own = set().union(*(_sentences(source) for source in sources))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            # Glued sentences need not start after a space: look for each English sentence.
            found += [(sources[0], sentence) for sentence in english - own
                      if sentence in string]
    assert found == []


def _translations(catalog) -> list[tuple[tuple, tuple]]:
    """(source strings, translated strings) of each entry of a catalog."""
    return [(message.id if isinstance(message.id, tuple) else (message.id,),
             message.string if isinstance(message.string, tuple) else (message.string,))
            for message in catalog if message.id]


def _catalog(code: str):
    with CATALOGS[code].open("rb") as handle:
        return read_po(handle)


# Ukrainian speaks to the reader as «ви» (glossary.toml, [uk]); these are «ти» and its forms.
_UKRAINIAN_TY = re.compile(
    r"(?<![\w'’ʼ-])(?:ти|тебе|тобі|тобою|твій|твоя|твоє|твої|твого|твоєї|твоєму|твоїй|твоїм|"
    r"твоїх|твоїми|твою)(?![\w'’ʼ-])", re.IGNORECASE)


def informal_ukrainian(catalog) -> list[tuple[str, str]]:
    """(source, translation) of each entry that says «ти», «тебе», «твій»… as a whole word."""
    return [(sources[0], string) for sources, strings in _translations(catalog)
            for string in strings if _UKRAINIAN_TY.search(string)]


def test_ukrainian_speaks_to_the_reader_as_vy_never_ty():
    assert informal_ukrainian(_catalog("uk")) == []


def test_a_ukrainian_entry_that_says_ty_is_found():
    catalog = Catalog(locale="uk")
    catalog.add("Your plan", "Твій план")
    catalog.add("We send you a code.", "Ми надішлемо тобі код.")
    catalog.add("You can join.", "Ти можеш приєднатися.")
    catalog.add("Save your plan.", "Збережіть свій план.")
    catalog.add("A week", "Тиждень")  # «ти» inside a word is no «ти»
    catalog.add("Tigrinya", "Тигринья")
    assert informal_ukrainian(catalog) == [
        ("Your plan", "Твій план"), ("We send you a code.", "Ми надішлемо тобі код."),
        ("You can join.", "Ти можеш приєднатися.")]


# Latin-letter words (with Nordic and other accents) in a translation into another script.
_LATIN_WORD = r"[A-Za-zÀ-ɏ]+(?:[-'’.][A-Za-zÀ-ɏ]+)*"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{2,}}")
# Placeholders, markup, addresses and links are not words of the text.
_NOT_WORDS = re.compile(r"%\(\w+\)[sd]|<[^>]+>|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def latin_runs(catalog) -> list[tuple[str, str]]:
    """(source, run) for each run of three or more Latin-letter words in a translation whose
    source does not have those words: an English sentence left in the text. Names the source
    has too (Bro, NAV, SMS, Arbetsförmedlingen, the iPhone's "Add to Home Screen") pass."""
    found = []
    for sources, strings in _translations(catalog):
        own = {word.lower() for source in sources for word in re.findall(_LATIN_WORD, source)}
        for string in strings:
            for run in _LATIN_RUN.findall(_NOT_WORDS.sub(" | ", string)):
                if not {word.lower() for word in re.findall(_LATIN_WORD, run)} <= own:
                    found.append((sources[0], run))
    return found


@pytest.mark.parametrize("code", ["ar", "fa_AF", "uk", "ti"])
def test_no_english_words_are_left_in_a_translation_into_another_script(code):
    assert latin_runs(_catalog(code)) == []


def test_english_words_glued_into_an_arabic_entry_are_found():
    catalog = Catalog(locale="ar")
    catalog.add("Saved.", "تم الحفظ. Your goal is saved.")
    catalog.add("Answered: %(rate)s.", "نسبة الرد: %(rate)s.An administrator made a code")
    catalog.add("%(name)s can now see it.", "يستطيع %(name)s رؤيتها الآن.")
    catalog.add("For NAV, Arbetsförmedlingen or Jobcenter",
                "لـ NAV أو Arbetsförmedlingen أو Jobcenter")
    catalog.add("Tap Share, then Add to Home Screen.", "اضغط Share، ثم Add to Home Screen.")
    catalog.add("Write to us", "اكتب إلى bro@example.org أو https://bro.example.org/help/me")
    assert latin_runs(catalog) == [("Saved.", "Your goal is saved"),
                                   ("Answered: %(rate)s.", "An administrator made a code")]


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_survive_translation(code):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    with CATALOGS[code].open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(pattern.findall(source[-1]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, text in enumerate(strings):
            found = set(pattern.findall(text))
            # Forms for exactly 0, 1 or 2 (Arabic zero/one/two, else "one") may spell the
            # number out instead of showing it; all other forms must show it. Ukrainian "one"
            # is also 21, 31, 101…, so every Ukrainian form shows the number.
            spelled = {"ar": (0, 1, 2), "uk": ()}.get(code, (0,))
            exact = isinstance(message.id, tuple) and index in spelled
            allowed = wanted - {"%(num)d"} if exact else wanted
            assert allowed <= found <= wanted, (code, message.id, text)


def test_catalogs_compile(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
         str(ROOT / "translations"), "--statistics"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_arabic_plural_header_follows_cldr():
    catalog = read_po(CATALOGS["ar"].open("rb"))
    assert catalog.num_plurals == 6
    translations = Translations.load(str(ROOT / "translations"), ["ar"])
    forms = {n: translations.ngettext("Use at least %(num)d character.",
                                      "Use at least %(num)d characters.", n) for n in
             (0, 1, 2, 3, 11, 101)}
    message = next(m for m in catalog if m.id and isinstance(m.id, tuple)
                   and m.id[0] == "Use at least %(num)d character.")
    assert forms[0] == message.string[0]  # zero
    assert forms[1] == message.string[1]  # one
    assert forms[2] == message.string[2]  # two
    assert forms[3] == message.string[3]  # few
    assert forms[11] == message.string[4]  # many
    assert forms[101] == message.string[5]  # other


def test_ukrainian_plural_header_follows_cldr():
    """one: 1, 21, 101; few: 2–4, 22–24; many: 0, 5–20, 25–30, 111 (CLDR, integers)."""
    catalog = read_po(CATALOGS["uk"].open("rb"))
    assert catalog.num_plurals == 3
    translations = Translations.load(str(ROOT / "translations"), ["uk"])
    message = next(m for m in catalog if m.id and isinstance(m.id, tuple)
                   and m.id[0] == "Use at least %(num)d character.")
    one, few, many = message.string
    expected = {1: one, 21: one, 101: one, 2: few, 4: few, 22: few, 0: many, 5: many,
                11: many, 12: many, 14: many, 20: many, 111: many}
    for n, form in expected.items():
        assert translations.ngettext(*message.id, n) == form, n


@pytest.mark.parametrize("header, expected", [
    ("no-NO,no;q=0.9", "nb"), ("nn-NO", "nb"), ("nb", "nb"), ("no", "nb"),
    ("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("da", "da"), ("ar-SY,ar;q=0.8", "ar"),
    ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"), ("ti-ER,ti;q=0.9,en;q=0.5", "ti"), ("ti", "ti"),
    ("en-GB", "en"), ("fr-FR,de;q=0.8", "nb"), ("fr-FR,da;q=0.5", "da"), ("", "nb"),
    ("fa-AF", "fa-AF"), ("prs", "fa-AF"), ("prs-AF,en;q=0.5", "fa-AF"), ("fa", "fa-AF"),
    ("fa-IR,fa;q=0.9,en;q=0.5", "fa-AF"), ("ps-AF,fa;q=0.8", "fa-AF"),
])
def test_accept_language_with_norwegian_and_persian_variants(client, header, expected):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}"' in html


@pytest.mark.parametrize("tag, expected", [
    ("fa_AF", "fa_AF"), ("fa-AF", "fa_AF"), ("FA-af", "fa_AF"), ("fa-Arab-AF", "fa_AF"),
    ("prs", "fa_AF"), ("prs-AF", "fa_AF"), ("fa", "fa_AF"), ("fa-IR", "fa_AF"),
    ("nb-NO", "nb"), ("nn", "nb"), ("sv-FI", "sv"), ("ar-EG", "ar"),
    ("ti-ER", "ti"), ("ti-ET", "ti"), ("tig", None),  # Tigre is another language
    ("ps", None), ("ur-PK", None), ("af", None), ("", None), (None, None),
])
def test_supported_maps_regional_tags_and_codes_bro_speaks_under_another_name(tag, expected):
    """The whole tag first (fa-AF is Dari, and a saved fa_AF must stay Dari), then the language
    alone; Dari's own code prs and plain Persian get Dari; Pashto and Afrikaans get nothing."""
    from portal.i18n import supported

    assert supported(tag) == expected


def test_dari_pages_are_rtl_with_a_bcp_47_lang_everywhere(client, site):
    """HTML wants lang="fa-AF"; Babel's fa_AF is not a valid language tag."""
    html = client.get("/accounts/register", headers={"Accept-Language": "fa-AF"}).text
    assert '<html lang="fa-AF" dir="rtl">' in html
    assert '<button type="submit" name="lang" value="fa_AF" lang="fa-AF" dir="rtl"' in html
    assert '<option lang="fa-AF" selected value="fa_AF">' in html  # the form's choice
    assert 'lang="fa_AF"' not in html
    dari = Translations.load(str(ROOT / "translations"), ["fa_AF"])
    assert dari.gettext("Create your account") in html


def test_dari_dates_and_numbers_come_from_cldr_with_latin_digits(app):
    """CLDR's fa_AF numbers in Persian digits (arabext); Bro shows Latin digits in every
    language, and Babel's formatting keeps to them for dates, times and numbers."""
    from datetime import date, datetime, time

    from babel.numbers import format_decimal
    from flask_babel import force_locale, format_date

    from portal.i18n import format_clock, format_day, weekday_names

    with app.test_request_context(), force_locale("fa_AF"):
        day = format_day(date(2025, 3, 7))
        assert "مارچ" in day and "جمعه" in day and "7" in day  # Dari month name (not Iran's)
        assert format_clock(time(14, 5)) == "14:05"
        assert "2025" in format_date(datetime(2025, 3, 7, tzinfo=UTC), "short")
        assert weekday_names()[0] == "دوشنبه"  # the week starts on Monday in every language
        written = day + format_clock(time(14, 5)) + format_decimal(1234.5, locale="fa_AF")
    assert not any("\u06f0" <= c <= "\u06f9" or "\u0660" <= c <= "\u0669" for c in written)


def test_dari_plural_header_follows_cldr():
    """CLDR: one is i = 0 or n = 1 (0 and 1 take the first form), other for the rest."""
    catalog = read_po(CATALOGS["fa_AF"].open("rb"))
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    translations = Translations.load(str(ROOT / "translations"), ["fa_AF"])
    message = next(m for m in catalog if m.id and isinstance(m.id, tuple)
                   and m.id[0] == "%(num)d step")
    forms = {n: translations.ngettext(*message.id, n) for n in (0, 1, 2, 11)}
    assert forms == {0: message.string[0], 1: message.string[0], 2: message.string[1],
                     11: message.string[1]}


def test_tigrinya_plural_header_follows_cldr():
    """CLDR: one is n = 0..1 (0 and 1 take the first form), other for the rest."""
    catalog = read_po(CATALOGS["ti"].open("rb"))
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    translations = Translations.load(str(ROOT / "translations"), ["ti"])
    message = next(m for m in catalog if m.id and isinstance(m.id, tuple)
                   and m.id[0] == "%(num)d step")
    forms = {n: translations.ngettext(*message.id, n) for n in (0, 1, 2, 11)}
    assert forms == {0: message.string[0], 1: message.string[0], 2: message.string[1],
                     11: message.string[1]}


def test_tigrinya_pages_run_left_to_right_with_dates_from_cldr(app, client, site):
    from datetime import date, time

    from flask_babel import force_locale

    from portal.i18n import format_clock, format_day, weekday_names

    html = client.get("/accounts/register", headers={"Accept-Language": "ti-ER"}).text
    assert '<html lang="ti" dir="ltr">' in html
    tigrinya = Translations.load(str(ROOT / "translations"), ["ti"])
    assert tigrinya.gettext("Create your account") in html
    with app.test_request_context(), force_locale("ti"):
        day = format_day(date(2025, 3, 7))
        assert "መጋ" in day and "ዓር" in day and "7" in day  # March (መጋቢት), Friday (ዓርቢ)
        assert "2:05" in format_clock(time(14, 5))  # CLDR's ti clock: 2:05 ድ.ቀ. (afternoon)
        assert weekday_names()[0] == "ሰኑይ"  # the week starts on Monday in every language


def test_cookie_beats_browser_and_saved_choice_beats_cookie(client, make_user):
    client.raw.set_cookie("lang", "da", domain="bro.test")
    assert '<html lang="da"' in client.get("/", headers={"Accept-Language": "sv"}).text
    user = make_user(language="sv")
    client.login(user.email)
    client.raw.set_cookie("lang", "da", domain="bro.test")
    assert '<html lang="sv"' in client.get("/").text


def test_switching_language_sets_cookie_and_saves_it_for_the_user(client, login_as):
    user = login_as()
    response = client.post("/language", {"lang": "ar", "next": "/accounts/profile"})
    assert response.status_code == 303 and response.headers["Location"] == "/accounts/profile"
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert user.language == "ar"
    html = client.get("/accounts/profile").text
    assert '<html lang="ar" dir="rtl">' in html


def test_switching_to_dari_keeps_babels_code_and_shows_the_html_tag(client, login_as):
    user = login_as()
    response = client.post("/language", {"lang": "fa_AF", "next": "/accounts/profile"})
    assert "lang=fa_AF" in response.headers["Set-Cookie"] and user.language == "fa_AF"
    assert '<html lang="fa-AF" dir="rtl">' in client.get("/accounts/profile").text


def test_switching_to_an_unknown_language_falls_back_and_never_leaves_the_site(client):
    response = client.post("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "lang=nb" in response.headers["Set-Cookie"]


def test_language_switcher_names_each_language_in_itself(client):
    html = client.get("/").text
    for code, name in LANGUAGES.items():
        assert f'value="{code}" lang="{code.replace("_", "-")}"' in html and name in html


def test_a_catalog_no_native_speaker_has_read_is_marked_in_its_own_language(app, client):
    """Until an administrator records a review (REVIEWED_LANGUAGES), the language menu says
    "test version" after the language's name, in that language, whatever the page's language."""
    html = client.get("/", headers={"Accept-Language": "en"}).text
    assert ('lang="sv" dir="ltr">Svenska <span class="unchecked">(testversion)</span>'
            in html)
    assert 'dir="rtl">دری <span class="unchecked">(نسخهٔ آزمایشی)</span>' in html
    assert '>English</button>' in html  # the source language: nothing to check
    reviewed = app.config["REVIEWED_LANGUAGES"]
    app.config["REVIEWED_LANGUAGES"] = frozenset({"sv"})
    try:
        assert unchecked("sv") == "" and unchecked("uk") == "тестова версія"
    finally:
        app.config["REVIEWED_LANGUAGES"] = reviewed


def test_reviewed_languages_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REVIEWED_LANGUAGES", "nb, sv,,da")
    assert config.load()["REVIEWED_LANGUAGES"] == {"nb", "sv", "da"}
    monkeypatch.delenv("REVIEWED_LANGUAGES")
    assert config.load()["REVIEWED_LANGUAGES"] == frozenset()


def test_arabic_pages_are_rtl_translated_and_use_latin_digits(client, site):
    from datetime import datetime

    from flask_babel import force_locale, format_date

    html = client.get("/privacy", headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in html
    assert "إشعار الخصوصية" in html or "الخصوصية" in html
    with force_locale("ar"):
        formatted = format_date(datetime(2025, 3, 7, tzinfo=UTC), "short")
    assert "7" in formatted and "2025" in formatted and "٧" not in formatted


def test_validation_messages_in_danish(client, site):
    response = client.post("/accounts/register", {"display_name": "", "password": "",
                                                  "language": "da", "site_id": "0"},
                           headers={"Accept-Language": "da"})
    assert response.status_code == 422
    html = response.text
    assert "This field is required." not in html
    danish = Translations.load(str(ROOT / "translations"), ["da"])
    assert danish.gettext("This field is required.") in html


@pytest.mark.parametrize("code", LANGUAGES)
def test_wtforms_messages_come_in_our_own_plain_words(client, login_as, code):
    """WTForms' "Invalid Choice: could not coerce." and friends never reach anyone: each is
    shown in our own words, in the page's language."""
    words = Translations.load(str(ROOT / "translations"), [code])
    registration = client.post("/accounts/register", {
        "display_name": "A", "password": "", "language": "nb", "site_id": "x",
        "birth_year": "nineteen"}, headers={"Accept-Language": code}).text
    login_as(language=code)
    goal = client.post("/goals/new", {"title": "Mål", "category": "nowhere",
                                      "target_date": "tomorrow"}).text
    for page in (registration, goal):
        assert "coerce" not in page and "Not a valid" not in page
    assert words.gettext("Choose one of the options.") in registration
    assert words.gettext("Write a whole number, for example 12.") in registration
    assert words.gettext("Choose one of the options.") in goal
    assert words.gettext("Write a date like this: 2026-03-31.") in goal


def test_numbers_and_codes_in_hints_stay_left_to_right(app):
    from portal.i18n import isolate_ltr

    html = str(isolate_ltr("مثلاً 912 34 567 أو +46 70 123 45 67، ABCD-2345 <b>"))
    assert '<bdi dir="ltr">912 34 567</bdi>' in html
    assert '<bdi dir="ltr">+46 70 123 45 67</bdi>' in html
    assert '<bdi dir="ltr">ABCD-2345</bdi>' in html and "&lt;b&gt;" in html


def test_an_email_in_another_language_does_not_change_the_page_language(app, client, login_as,
                                                                        site, make_user):
    """One request can write e-mails in their readers' languages and then its own page."""
    from flask import render_template

    from portal.i18n import force_locale

    login_as(language="sv")
    reader = make_user(language="ar")
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        with force_locale("ar"):
            email = render_template("email/notification.txt", user=reader, body="")
        with force_locale("sv"):
            page = render_template("home/privacy.html", version="1", min_age=15)
    assert "مرحبًا" in email or "مرحبا" in email
    assert 'lang="sv"' in page and "Bro means bridge" not in page


def test_every_literal_in_the_templates_reaches_the_catalogs():
    """Extraction can skip a template silently (e.g. a tag it does not know): every `_("…")`
    written in a template must be in each catalog, translated."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    literal = re.compile(r"""\b_\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")
    found = {m.group(2) for path in (root / "templates").rglob("*.*")
             for m in literal.finditer(path.read_text(encoding="utf-8"))}
    assert len(found) > 300
    for language in LANGUAGES:
        with open(root / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f)
        missing = sorted(text for text in found
                         if catalog.get(text) is None or not catalog.get(text).string)
        assert missing == [], f"{language}: {missing[:10]}"


def test_a_cancelled_meeting_and_a_cancelled_session_agree_with_their_nouns(app):
    """Arabic and Swedish inflect "Cancelled" by the noun: a session (جلسة, träff) and
    a meeting (لقاء, möte) need different words, so the meeting's status has a context."""
    from flask_babel import force_locale, gettext

    from portal.meetings.models import STATUS_NAMES, BookingStatus

    expected = {"ar": ("ملغاة", "ملغى"), "sv": ("Inställd", "Inställt"), "nb": ("Avlyst", "Avlyst")}
    with app.test_request_context():
        for code, (session_word, meeting_word) in expected.items():
            with force_locale(code):
                assert gettext("Cancelled") == session_word
                assert str(STATUS_NAMES[BookingStatus.CANCELLED]) == meeting_word


def test_lazy_strings_speak_the_language_of_the_moment_they_are_read(app):
    """Form labels and choices are lazy strings read through the request's cached catalog:
    they still follow the page's language, force_locale (an e-mail in its reader's language)
    and their variables; without a request the default language, outside the app the English
    source text."""
    import threading

    from portal.i18n import _l, force_locale

    label = _l("Meeting place")
    limit = _l("Use at most %(max)d characters.", max=80)
    with app.app_context():  # each its own context: Flask-Babel keeps the language in g
        assert str(label) == "Møteplass"  # the app's default language (nb)
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "sv"}):
        assert str(label) == "Mötesplats"
        assert str(limit) == "Använd högst 80 tecken."
        with force_locale("ar"):
            assert str(label) == "مكان اللقاء"
            assert str(limit) == "الحد الأقصى لعدد الأحرف هو 80."
        assert str(label) == "Mötesplats"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "da"}):
        assert str(label) == "Mødested"
    outside = []
    thread = threading.Thread(target=lambda: outside.extend([str(label), str(limit)]))
    thread.start()
    thread.join()
    assert outside == ["Meeting place", "Use at most 80 characters."]


def test_bdi_isolates_text_escaped_and_keeps_markup():
    from markupsafe import Markup

    from portal.i18n import bdi

    assert bdi('<b>"Amina" & co</b>') == "<bdi>&lt;b&gt;&#34;Amina&#34; &amp; co&lt;/b&gt;</bdi>"
    assert bdi(Markup("<i>عائشة</i>")) == "<bdi><i>عائشة</i></bdi>"
    assert bdi(7) == "<bdi>7</bdi>" and isinstance(bdi("x"), Markup)
