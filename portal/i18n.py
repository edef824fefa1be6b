"""Locale selection, lazy strings and formatting helpers.

Order: the logged-in user's saved language, then the visitor's cookie, then the browser's
Accept-Language (Norwegian variants mapped to nb, and Persian ones to Dari, by hand; Babel and
Werkzeug do not), then nb.
"""

import re
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_time,
    get_translations,
    lazy_ngettext,
    lazy_pgettext,
)
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

__all__ = [
    "_", "_l", "ngettext", "pgettext", "npgettext", "lazy_ngettext", "lazy_pgettext",
    "force_locale", "LANGUAGES", "COOKIE",
    "select_locale", "html_lang",
    "text_direction", "format_date", "format_datetime", "format_time",
]

# Each name in its own language, as the switcher shows it.
LANGUAGES = {
    "nb": "Norsk bokmål",
    "sv": "Svenska",
    "da": "Dansk",
    "ar": "العربية",
    "fa_AF": "دری",
    "uk": "Українська",
    "ti": "ትግርኛ",
    "so": "Soomaali",
    "en": "English",
}
COOKIE = "lang"
# Browser languages Bro answers in a language it speaks under another code.
_SPOKEN_AS = {
    "no": "nb", "nn": "nb",
    "prs": "fa_AF",  # Dari's own code (ISO 639-3)
    # Iranian Persian: Dari is the closest language Bro has, and reads far better than Norwegian
    # to someone who asked for Persian; the spelling and some words differ, the language does not.
    "fa": "fa_AF",
}


SOURCE = "en"  # the language Bro is written in: nothing to check


def unchecked(code: str) -> str:
    """What the language menu says after a language whose catalog no native speaker has read
    yet (REVIEWED_LANGUAGES): "test version", in that language. Empty once it is read."""
    if code == SOURCE or code in current_app.config["REVIEWED_LANGUAGES"]:
        return ""
    return _unchecked_in(code)


@cache
def _unchecked_in(code: str) -> str:
    from babel.support import Translations

    catalog = Translations.load(current_app.config["BABEL_TRANSLATION_DIRECTORIES"], [code])
    return catalog.pgettext("an unchecked translation, in the language menu", "test version")


def supported(code: str | None) -> str | None:
    """Map a language tag (fa-AF, fa_AF, prs-AF, no-NO …) to one Bro speaks, or None."""
    if not code:
        return None
    primary, *rest = code.replace("_", "-").split("-")
    primary = primary.lower()
    if rest and (regional := f"{primary}_{rest[0].upper()}") in LANGUAGES:
        return regional
    if primary in LANGUAGES:
        return primary
    return _SPOKEN_AS.get(primary)


@cache
def html_lang(code: str) -> str:
    """The BCP 47 tag for HTML's lang attribute: fa-AF, not Babel's fa_AF."""
    return code.replace("_", "-")


def from_accept_language() -> str | None:
    for tag, _quality in request.accept_languages:  # already sorted by quality
        if found := supported(tag):
            return found
    return None


def select_locale() -> str:
    if not has_request_context():  # CLI and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_language = getattr(current_user, "language", None) if current_user else None
    return (
        supported(user_language)
        or supported(request.cookies.get(COOKIE))
        or from_accept_language()
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@cache
def text_direction(code: str) -> str:
    return Locale.parse(code).text_direction


def remember_language(response, language: str):
    """Keep the visitor's choice for a year (used before login and on shared phones)."""
    response.set_cookie(COOKIE, language, max_age=60 * 60 * 24 * 365, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def bdi(text) -> Markup:
    """User-entered text inside a translated sentence: isolated, so an Arabic name does not
    reorder the Norwegian sentence around it (and the other way round). The text escaped as
    Markup's `%` would (about 0.7 µs, `%` about 3 µs: lists call it on every row)."""
    return Markup(f"<bdi>{escape(text)}</bdi>")  # noqa: S704  the text is escaped


# Phone numbers, codes and addresses inside a sentence: kept left-to-right in Arabic too.
_LTR_RUNS = re.compile(r"\+?\d[\d \-]{4,}\d|\b[A-Z0-9]{4}-[A-Z0-9]{4}\b|[\w.+-]+@[\w-]+\.[\w.]+")


def isolate_ltr(text) -> Markup:
    text, parts, last = str(text), [], 0
    for run in _LTR_RUNS.finditer(text):
        parts += [escape(text[last:run.start()]),
                  Markup('<bdi dir="ltr">%s</bdi>') % run.group(0)]
        last = run.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _translations():
    # Flask-Babel looks the catalog up on every call; a page makes dozens of calls. Kept per
    # locale, because one request can also write e-mails in their readers' languages
    # (force_locale) before or after its own page.
    from flask_babel import get_locale

    locale = get_locale()
    cache = g.setdefault("bro_translations", {})
    try:
        return cache[locale]
    except KeyError:
        cache[locale] = get_translations()
        return cache[locale]


def _fill(text: str, variables: dict):
    """A translated sentence with its variables. When one of them is markup (a name in
    `bdi()`), the sentence becomes markup too, with the other variables escaped: otherwise a
    flash message or a page would show the name's tags as text."""
    if not variables:
        return text
    if any(isinstance(value, Markup) for value in variables.values()):
        return escape(text) % variables
    return text % variables


def _(string: str, **variables):
    """gettext in the current language, read through the request's cached catalog."""
    text = _translations().gettext(string) if has_app_context() else string
    return _fill(text, variables)


def ngettext(singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    if has_app_context():
        text = _translations().ngettext(singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return _fill(text, variables)


def pgettext(context: str, string: str, **variables):
    """gettext of a message in a context (msgctxt): the same English, another translation.
    Bro's one context so far is "women": words addressed to a woman, which Arabic (and other
    languages with gendered verbs) write in the feminine (portal/activities/wording.py)."""
    text = _translations().pgettext(context, string) if has_app_context() else string
    return _fill(text, variables)


def npgettext(context: str, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    if has_app_context():
        text = _translations().npgettext(context, singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return _fill(text, variables)


def _lazy_text(string: str, **variables) -> str:
    return _(string, **variables)


def _l(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext, looked up in the request's catalog: form labels and
    choices are lazy strings, and a form page turns dozens of them into text (the activity
    filters alone: 45), each a walk through Flask-Babel's lookups otherwise."""
    return LazyString(_lazy_text, string, **variables)


def _catalog(context):
    """The catalog of the language this template is rendered in: set once per render by
    page_catalog() below; imported macros (no context) look it up themselves."""
    catalog = context.get("bro_catalog")
    return _translations() if catalog is None else catalog


@pass_context
def _template_gettext(context, string, **variables):
    text = _catalog(context).gettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  our own catalog text; variables are escaped by %
    return text % variables if variables else text


@pass_context
def _template_ngettext(context, singular, plural, num, **variables):
    text = _catalog(context).ngettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  our own catalog text; variables are escaped by %
    variables.setdefault("num", num)
    return text % variables


def page_catalog() -> dict:
    """Context processor: a page makes dozens of _() calls; find the catalog once per render.
    It runs when the render starts, so a template rendered inside force_locale (an e-mail in
    its reader's language) gets that language's catalog, and the page around it its own."""
    return {"bro_catalog": _translations()}


def install_template_gettext(app) -> None:
    """Jinja's newstyle gettext, minus two layers of indirection per call: same escaping and
    formatting rules (variables escaped, %% only when there are variables)."""
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext)
    app.context_processor(page_catalog)


@cache
def _local_patterns(locale_name: str, skeleton: str) -> tuple[Locale, object, object]:
    """Resolve a CLDR skeleton once per language (Babel matches skeletons on every call)."""
    from babel.dates import match_skeleton

    locale = Locale.parse(locale_name)
    if skeleton not in locale.datetime_skeletons:
        skeleton = match_skeleton(skeleton, locale.datetime_skeletons)
    return locale, locale.datetime_skeletons[skeleton], locale.time_formats["short"]


def format_local(moment, zone: str, skeleton: str = "MMMEd") -> str:
    """A UTC moment as the site's local date and time, in the page's language."""
    from flask_babel import get_locale

    return _format_local(moment, zone, skeleton, str(get_locale()))


@lru_cache(maxsize=8192)
def _format_local(moment, zone: str, skeleton: str, locale_name: str) -> str:
    # Pages show the same session times again and again: format each once.
    from babel.dates import format_datetime as babel_format

    locale, day, clock = _local_patterns(locale_name, skeleton)
    local = moment.astimezone(_zone(zone))
    return f"{babel_format(local, day, locale=locale)} {babel_format(local, clock, locale=locale)}"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def format_day(day, skeleton: str = "MMMEd") -> str:
    """A calendar date in the page's language, from a CLDR skeleton (each language orders the
    parts its own way)."""
    from flask_babel import get_locale

    return _format_day(day, skeleton, str(get_locale()))


@lru_cache(maxsize=8192)
def _format_day(day, skeleton: str, locale_name: str) -> str:
    # A calendar shows the same days again and again (work practice on every weekday).
    from babel.dates import format_date as babel_format

    locale, pattern, _clock = _local_patterns(locale_name, skeleton)
    return babel_format(day, pattern, locale=locale)


def local_formatter(skeleton: str = "MMMEd"):
    """format_local for a list of moments: the page's language looked up once, not once a
    moment (Flask-Babel's lookup is about 5 µs; My calendar prints dozens of dates)."""
    from flask_babel import get_locale

    locale_name = str(get_locale())
    return lambda moment, zone: _format_local(moment, zone, skeleton, locale_name)


def day_formatter(skeleton: str = "MMMEd"):
    """format_day for a list of dates, the page's language looked up once (local_formatter)."""
    from flask_babel import get_locale

    locale_name = str(get_locale())
    return lambda day: _format_day(day, skeleton, locale_name)


def date_formatter(pattern: str):
    """format_date(day, pattern) for a list of dates (datetime.date, never a datetime: no
    zone to convert): the page's language looked up once and each date written once per
    language and pattern. Flask-Babel's format_date looks up the language, the app's formats
    and Babel's pattern on every call: about 20 µs each for My calendar's eight week headings."""
    from flask_babel import get_locale

    locale_name = str(get_locale())
    return lambda day: _format_pattern(day, pattern, locale_name)


@lru_cache(maxsize=8192)
def _format_pattern(day, pattern: str, locale_name: str) -> str:
    from babel.dates import format_date as babel_format

    return babel_format(day, pattern, locale=locale_name)


def format_local_time(moment, zone: str) -> str:
    """Only the clock time of a UTC moment, in the site's zone (e.g. 09:30)."""
    from flask_babel import get_locale

    return _format_local_time(moment, zone, str(get_locale()))


@lru_cache(maxsize=8192)
def _format_local_time(moment, zone: str, locale_name: str) -> str:
    # A page of free times shows the same times on every visit: format each once (Babel
    # takes about 13 µs a time).
    from babel.dates import format_time as babel_format

    locale, _day, clock = _local_patterns(locale_name, "MMMEd")
    return babel_format(moment.astimezone(_zone(zone)), clock, locale=locale)


def format_clock(moment) -> str:
    """A wall-clock time (a datetime.time) in the page's language: 09:30, 09.30, 9:30 ص."""
    from babel.dates import format_time as babel_format
    from flask_babel import get_locale

    locale, _day, clock = _local_patterns(str(get_locale()), "MMMEd")
    return babel_format(moment, clock, locale=locale)


def listing(items, attribute: str | None = None) -> Markup:
    """Items joined as the page's language writes a list ("A, B og C", "A، وB"), from CLDR.
    Items are escaped unless they are markup already; with `attribute`, each item's attribute
    is shown as user text in `bdi()` (`activity.leaders|listing("display_name")`)."""
    from babel.lists import format_list
    from flask_babel import get_locale

    parts = [bdi(getattr(item, attribute)) if attribute else escape(item) for item in items]
    if not parts:
        return Markup("")
    # Format placeholders, not the items: CLDR's patterns hold only commas and words.
    marks = [f"\x00{index}\x00" for index in range(len(parts))]
    text = escape(format_list(marks, locale=get_locale()))
    for mark, part in zip(marks, parts, strict=True):
        text = text.replace(mark, part)
    return text


def weekday_names() -> list[str]:
    """Monday to Sunday in the page's language (from CLDR, no catalog needed)."""
    from flask_babel import get_locale

    names = get_locale().days["stand-alone"]["wide"]
    return [names[i] for i in range(7)]
