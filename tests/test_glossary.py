"""Every catalog uses the glossary's one word per term (translations/glossary.toml), and
GLOSSARY.md is the glossary as written there."""

import importlib.util
import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
GLOSSARY = tomllib.loads((TRANSLATIONS / "glossary.toml").read_text(encoding="utf-8"))
TERMS = GLOSSARY["terms"]

# Short vowels, shadda, sukun, dagger alef and tatweel: Arabic is matched without them.
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_ARABIC_ALEFS = str.maketrans("أإآ", "ااا")
# و ف (and), ب ل ك (with, for, like) and ال (the) are written onto the next word.
_ARABIC_PREFIXES = "(?:[وف]?(?:[بك]?ال|لل|[بلك])?)"

# Persian script (Dari): the same marks and alefs as Arabic, Arabic ي ى ك read as Persian ی ک,
# the ezafe hamza (ۀ, هٔ) read as ه, and the zero-width non-joiner (ZWNJ) that writes
# می‌تواند or کافه‌ها apart taken out; a ZWNJ in a glossary word also matches a space or
# nothing (می‌تواند, می تواند, میتواند). There is no ال, and prepositions and را are written
# apart; only the verb prefixes می and نمی, and ب (also به written onto a noun, as Afghan texts
# often do) attach to a word.
_ZWNJ = "\u200c"
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "\u0654": None,
                                  _ZWNJ: None})
_PERSIAN_PREFIXES = r"(?:ن?می\s?|ب)?"

# Ge'ez script (Tigrinya): the old word space ፡ reads as a space and the rare gemination and
# vowel-length marks are taken out. A letter is a consonant with its vowel, so an ending
# changes the word's last letter (ትልሚ, ትልመይ, ትልምኹም): a `*` at the end lets the last
# letter take any vowel of its row (the rows are eight code points, from U+1200). ብ (with, by)
# and ን (to, for) are written onto the next word.
_ETHIOPIC = {"ti"}
_ETHIOPIC_MARKS = re.compile("[\u135d-\u135f]")
_ETHIOPIC_PREFIXES = "(?:[ብን])?"


def persian(language: str) -> bool:
    return language.split("_")[0] == "fa"


def ethiopic_row(letter: str) -> str:
    """A Ge'ez letter's row (the same consonant with every vowel) as a character class."""
    first = 0x1200 + (ord(letter) - 0x1200) // 8 * 8
    return f"[{chr(first)}-{chr(first + 7)}]"


def plain(text: str, language: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if language in _ETHIOPIC:
        text = _ETHIOPIC_MARKS.sub("", text).replace("\u1361", " ")
    if language == "ar" or persian(language):
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_ALEFS)
    if persian(language):
        text = text.translate(_PERSIAN_LETTERS)
    return text


@cache
def pattern(variant: str, language: str) -> re.Pattern:
    """A glossary word as a regular expression: whole words (a hyphen joins words: "mail" is
    not in "e-mail"), `*` for any ending or beginning."""
    parts = variant.strip("*").split(_ZWNJ) if persian(language) else [variant.strip("*")]
    core = r"\s?".join(re.escape(plain(part, language)) for part in parts).replace(r"\ ", r"\s+")
    if language in _ETHIOPIC and variant.endswith("*") and "\u1200" <= core[-1] <= "\u137f":
        core = core[:-1] + ethiopic_row(core[-1])
    start = "" if variant.startswith("*") else r"(?<![\w-])"
    if start and language == "ar":
        start += _ARABIC_PREFIXES
    if start and persian(language):
        start += _PERSIAN_PREFIXES
    if start and language in _ETHIOPIC:
        start += _ETHIOPIC_PREFIXES
    end = "" if variant.endswith("*") else r"(?![\w-])"
    return re.compile(start + core + end, re.IGNORECASE)


def terms_in(msgid: str) -> set[str]:
    """The glossary terms an English source string speaks of."""
    found = set()
    for key, term in TERMS.items():
        text = msgid
        for phrase in term.get("except", ()):
            text = pattern(phrase, "en").sub(" ", text)
        if any(pattern(word, "en").search(text) for word in term["match"]):
            found.add(key)
    return found


def words(entry: dict) -> list[str]:
    return [entry["word"], *entry.get("forms", ())]


def catalog(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def wrong_words(code: str) -> list[tuple]:
    """(msgid, term, forbidden word, translation) for each glossary term a catalog words
    otherwise. English, the source, may not use its forbidden words anywhere."""
    glossary = GLOSSARY[code]
    problems = []
    for message in catalog(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        spoken_of = set().union(*(terms_in(msgid) for msgid in ids))
        checked = TERMS if code == "en" else spoken_of
        for key in checked:
            for variant in glossary[key].get("forbidden", ()):
                found = pattern(variant, code)
                # Right for another term of the same entry ("a session or another meeting").
                if any(found.fullmatch(plain(word, code))
                       for other in spoken_of - {key} for word in words(glossary[other])):
                    continue
                for text in strings:
                    if found.search(plain(text, code)):
                        problems.append((ids[0], key, variant, text))
    return problems


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_has_a_glossary_with_every_term(code):
    assert code in GLOSSARY, (
        f"translations/glossary.toml has no [{code}] section: write the language's glossary "
        "(one word for every term) before adding the language")
    missing = [key for key in TERMS if not GLOSSARY[code].get(key, {}).get("word")]
    assert missing == [], f"[{code}] in translations/glossary.toml has no word for {missing}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_uses_the_glossary_words(code):
    if code not in GLOSSARY:
        pytest.fail(f"translations/glossary.toml has no [{code}] section")
    problems = wrong_words(code)
    assert problems == [], "\n".join(
        f"{code}: {msgid!r} speaks of {term}: not {variant!r} in {text!r}"
        for msgid, term, variant, text in problems)


def test_glossary_md_is_made_from_glossary_toml():
    spec = importlib.util.spec_from_file_location("glossary", TRANSLATIONS / "glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (TRANSLATIONS / "GLOSSARY.md").read_text(encoding="utf-8")
    assert written == module.render(GLOSSARY), (
        "GLOSSARY.md differs from glossary.toml: run python translations/glossary.py")
    for code in GLOSSARY.keys() - {"terms"}:
        for key in TERMS:
            assert GLOSSARY[code][key]["word"] in written


@pytest.mark.parametrize("msgid, expected", [
    ("Only staff at this meeting place can offer meetings.", {"meeting_place", "meeting"}),
    ("Study circles at risk or not meeting their rules", {"study_circle"}),
    ("You have a session or another meeting at this time.", {"session", "meeting", "time"}),
    ("Change password", {"password"}),
    ("Sessions held", {"session"}),
    ("Leave it empty if you still work there.", set()),
    ("Leave the waiting list", {"leave", "waiting_list"}),
    ("Book a follow-up meeting", {"book", "meeting"}),
    ("Were you present for at least %(share)s of the time?", {"time"}),
    ("For your safety, forms stop working after a while.", set()),
    ("Your new password is saved, and you are logged in.", {"password", "save", "log_in"}),
])
def test_terms_are_found_as_whole_words(msgid, expected):
    assert terms_in(msgid) == expected


@pytest.mark.parametrize("variant, language, text, found", [
    ("møte", "nb", "Møtet er avlyst", False),
    ("møte*", "nb", "Møtet er avlyst", True),
    ("møte", "nb", "møteplassen din", False),
    ("*café*", "nb", "Følg språkcaféen", True),
    ("ret", "da", "Du har ret til at rette", True),
    ("ret", "da", "dine rettigheder", False),
    ("mail", "da", "din e-mail", False),
    ("موعد*", "ar", "تم إلغاء الموعد", True),
    ("موعد*", "ar", "للموعدين", True),
    ("موعد*", "ar", "بمَوْعِدِكَ", True),
    ("إزالة*", "ar", "تمت الازالة", True),
    ("مدرب*", "ar", "التدريب", False),
    ("كشف*", "ar", "اكتشف", False),
    ("skriv under", "sv", "Skriv\nunder listan", True),
    ("شرکت‌کننده*", "fa_AF", "شرکت‌کنندگان", False),
    ("شرکت‌کننده*", "fa_AF", "شرکت کننده", True),  # a space where the word has a ZWNJ
    ("شرکت‌کننده*", "fa_AF", "شركتكننده‌ها", True),  # no ZWNJ, Arabic ك
    ("توان*", "fa_AF", "Bro می‌تواند", True),  # می written on with a ZWNJ
    ("توان*", "fa_AF", "Bro میتواند", True),
    ("توان*", "fa_AF", "Bro نمی تواند", True),
    ("توان*", "fa_AF", "اگر بتوانید", True),
    ("کد", "fa_AF", "کود دعوت", False),  # Dari spelling, not Iran's
    ("کد", "fa_AF", "كد دعوت", True),
    ("پیوند*", "fa_AF", "به حلقه بپیوندید", True),
    ("حضور", "fa_AF", "ملاقات حضوری", False),
    ("اطلاعات*", "fa_AF", "اطلاعیه حریم خصوصی", False),
    ("برنامه", "fa_AF", "برنامهٔ ما", True),  # ezafe hamza
    ("برنامه", "fa_AF", "برنامۀ ما", True),
    ("ملاقات*", "fa_AF", "مُلاقاتی", True),  # short vowels
    ("رهبر", "fa_AF", "رهبری می‌کند", False),
    ("зустріч*", "uk", "Зустріч скасовано", True),
    ("черга", "uk", "Твої чергування", False),
    ("ቆጸራ", "ti", "ቆጸራ።", True),  # Ethiopic full stop ends a word
    ("ቆጸራ", "ti", "ቆጸራታትኩም", False),
    ("ቆጸራ*", "ti", "ቆጸራታትኩም", True),
    ("ቆጸራ", "ti", "ብቆጸራ", True),  # ብ and ን are written onto the word
    ("ቆጸራ", "ti", "ንቆጸራ፣", True),
    ("ርክብ*", "ti", "ርክባት", True),  # an ending changes the last letter's vowel
    ("ርክብ*", "ti", "ሰኑይ ርክቡ", True),
    ("ርክብ*", "ti", "ርክክብ", False),
    ("ርክብ*", "ti", "ተራኸቡ", False),
    ("ትልሚ*", "ti", "ትልምኹም", True),
    ("ቤት ሻሂ", "ti", "ቤት፡ሻሂ", True),  # the old word space
    ("ቤት ሻሂ", "ti", "ቤት\nሻሂ", True),
    ("*ኽእ*", "ti", "ክርእይዎ ይኽእሉ", True),
    ("*ኽእ*", "ti", "ክርእይዎ ይፍቀደሎም", False),
])
def test_forbidden_words_match_whole_words_and_arabic_prefixes(variant, language, text, found):
    assert bool(pattern(variant, language).search(plain(text, language))) is found
