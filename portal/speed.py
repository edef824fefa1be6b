"""What makes Bro's pages fast without changing what they show — in one place.

Each piece keeps work that is the same for everyone (or for the same bytes) instead of doing it
again on every request; none keeps personal data beyond what the browser sent. Measured with
`bench/run.sh` and `bench/phases.py` (figures in bench/README.md); take one out and the
logged-in pages get slower by about what its line says:

- `SessionCookies`: a browser sends the same signed cookie with every request; its signature is
  checked once per worker (about 80–100 µs of HMAC and JSON per logged-in request).
- `links` and `assets`: `url_for` for templates, remembered for links whose arguments are all
  ids, and static URLs with a content hash (a page with a list builds the same link for every
  row; Werkzeug's builder costs a few µs each time); `link_around_id` for a long list's rows;
  `csrf_token` signed once per session (Flask-WTF signs it on every page) and read from the
  request once it is made.
- `blank_form`: a form as it first appears, built once per language.
- `SharedFragments` (`{% shared key %}…{% endshared %}`): template parts that are the same
  for everyone (menus, footers per language) rendered once per key; `plain_template_globals`
  makes a template's imports cheap; `TemplateContext` makes a template's calls of plain
  functions and macros cheap (a page makes 50–100: `_()`, links, dates, macros).
- `statement`: SQL statements that every request of a kind runs (the user loader, the menu's
  count, the start page) built once per process, not on every request; `rows` runs those of
  plain columns without the ORM's layer around each statement, and on SQLite compiles each
  once and hands it to the driver itself (`_Prepared`: 20–45 µs less per statement);
  `records` turns rows that are read many times into named tuples.
The translation catalog looked up once per request and dates formatted once per value live
with the rest of the language code in portal.i18n.
"""

import hashlib
import sqlite3
import time
from collections import namedtuple
from functools import cache, wraps
from pathlib import Path
from types import FunctionType, MethodType

from flask import g, has_request_context, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from jinja2 import nodes, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape
from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import IteratorResult
from sqlalchemy.engine.result import SimpleResultMetaData

from portal.extensions import db

MAX_LINKS = 10_000  # remembered template links per process
MAX_FRAGMENTS = 2000  # a key's values are few (languages, endpoints); this is a safety net
MAX_TOKENS = 10_000  # signed CSRF tokens kept per process (one a session); emptied when full


def statement(build):
    """Build a SQL statement once per process (use bindparam() for what varies)."""
    built = cache(build)

    @wraps(build)
    def prebuilt(*args, **kwargs):
        made = built(*args, **kwargs)
        _PREBUILT.setdefault(id(made), made)  # kept for good: its id stays its own
        return made

    return prebuilt


def rows(statement, parameters: dict):
    """Run a statement of plain columns (no ORM objects) on the unit of work's own connection:
    the same rows in the same transaction as `db.session.execute`, without the ORM's layer
    around each statement (about 35 µs; the start page runs seven). Flushes first, as the
    session's autoflush would. A statement made by `statement` runs on SQLite as `_Prepared`
    says; any other, or with cursor listeners on the engine (tests that count statements),
    through SQLAlchemy's Connection.execute."""
    session = db.session()  # the request's session, found once
    session.flush()
    connection = session.connection()
    prepared = _prepared(statement, connection)
    if prepared is None:
        return connection.execute(statement, parameters)
    return prepared.run(connection, parameters)


_PREBUILT: dict[int, object] = {}  # id → statement made by `statement`
_PREPARED: dict[int, "_Prepared | None"] = {}  # id → compiled for SQLite (None: not suited)


def _prepared(statement, connection) -> "_Prepared | None":
    key = id(statement)
    if _PREBUILT.get(key) is not statement or _listened(connection.engine.dispatch):
        return None
    prepared = _PREPARED.get(key, False)
    if prepared is False:
        prepared = _PREPARED[key] = (_Prepared.of(statement, connection.dialect)
                                     if connection.dialect.name == "sqlite" else None)
    return prepared


def _listened(dispatch) -> bool:
    """Whether anything listens to the engine's statements (a test counting them)."""
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute
                or dispatch.before_execute or dispatch.after_execute)


class _Prepared:
    """A SELECT compiled once for SQLite: its SQL text, the order of its parameters with each
    one's converter, and each result column's key and converter, all as SQLAlchemy's own
    compiler gives them. Running it is what Connection.execute does for such a statement —
    parameters converted, the text handed to the driver, rows converted — without building
    an execution context and a cursor result around it each time: 20–45 µs less per statement
    (the start page runs seven; measured with bench/pages.py). The rows are SQLAlchemy Rows
    in a Result, so callers see no difference (tests/test_speed.py compares both ways). Not
    suited, so run by SQLAlchemy: statements whose parameters SQLAlchemy rewrites at each run
    (expanding IN lists, literal_execute), of ORM entities, or with two columns of one name.
    A database error is raised as SQLAlchemy raises it: the statement runs again through
    SQLAlchemy, which reports it (a read changes nothing when run twice)."""

    def __init__(self, statement, compiled, keys):
        self.statement, self.compiled = statement, compiled
        self.sql = str(compiled)
        # Each parameter converted once a run, however often the SQL repeats it (the reports'
        # statements name their period's dates 100 times over 64 parameters; converting a
        # date-time costs about 2 µs): `positions` says which value goes where.
        names = list(dict.fromkeys(compiled.positiontup))
        self.binds = [(compiled.binds[name].key, compiled.binds[name].value,
                       compiled.binds[name].required, compiled._bind_processors.get(name))
                      for name in names]
        self.positions = (None if len(names) == len(compiled.positiontup)
                          else [names.index(name) for name in compiled.positiontup])
        self.metadata = SimpleResultMetaData(keys)
        self.results = [column.type._cached_result_processor(compiled.dialect, None)
                        for column in compiled._result_columns]
        self.convert = any(self.results)

    @classmethod
    def of(cls, statement, dialect) -> "_Prepared | None":
        if not isinstance(statement, Select | CompoundSelect) or _returns_objects(statement):
            return None
        compiled = statement.compile(dialect=dialect)
        keys = [column.keyname for column in compiled._result_columns]
        if (compiled.positiontup is None or compiled.post_compile_params
                or compiled.escaped_bind_names
                or len(set(keys)) < len(keys)
                or any(bind.expanding or bind.literal_execute or bind.callable
                       for bind in compiled.binds.values())):
            return None
        return cls(statement, compiled, keys)

    def run(self, connection, parameters: dict):
        arguments = []
        for key, default, required, convert in self.binds:
            if key in parameters:
                value = parameters[key]
            elif required:  # SQLAlchemy says so in its own words: run it there
                return connection.execute(self.statement, parameters)
            else:
                value = default
            arguments.append(convert(value) if convert else value)
        if self.positions is not None:
            arguments = [arguments[position] for position in self.positions]
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(self.sql, arguments)
            found = cursor.fetchall()
        except sqlite3.Error:
            return connection.execute(self.statement, parameters)
        finally:
            cursor.close()
        if self.convert:
            found = [tuple([convert(value) if convert else value
                            for convert, value in zip(self.results, row, strict=True)])
                     for row in found]
        return IteratorResult(self.metadata, iter(found))


def records(result) -> list:
    """A result's rows as named tuples: the same columns by name and by position, read about
    ten times faster. SQLAlchemy's Row finds an attribute by its name in Python (0.3–1 µs,
    a named tuple's 0.04 µs); counting a circle reads its rule set's figures and its
    sessions' times some 300 times (a coordinator's activity page: `_status` 230 → 60 µs),
    and a page's rows are read a dozen times each by the template."""
    record = _record(tuple(result.keys()))
    return [record._make(row) for row in result]


@cache
def _record(names: tuple[str, ...]):
    return namedtuple("Record", names)


def _returns_objects(statement) -> bool:
    """Whether a SELECT (or a part of a UNION) returns ORM objects rather than columns."""
    if isinstance(statement, CompoundSelect):
        return any(_returns_objects(part) for part in statement.selects)
    return any(isinstance(column["type"], type) for column in statement.column_descriptions)


def blank_form(form_class):
    """The form as it first appears, before anyone typed anything, in the page's language:
    built once per process and language (a form builds its fields and translates their labels
    each time: the start page's question form cost about 50 µs). Only for forms whose fields
    are the same for everyone; the form is shared, so only read it (a template draws it):
    a submitted form is built from its request as usual."""
    key = (form_class, str(get_locale()))
    form = _BLANK_FORMS.get(key)
    if form is None:
        form = _BLANK_FORMS[key] = form_class(formdata=None)
    return form


_BLANK_FORMS: dict[tuple, object] = {}  # a few forms × languages


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each cookie's signature checked once per worker.

    The cookie is only sent again when the session changes (SESSION_REFRESH_EACH_REQUEST is
    off), so a browser sends the same bytes with every request. The first time, the cookie is
    checked as Flask does (signature, age) and its verified content kept, keyed by the exact
    bytes; after that only the age is checked again and the content decoded afresh for each
    request (a copy: changing the session never changes what is kept). Different bytes — a
    changed, forged or expired cookie — are a miss and are checked in full."""

    MAX_ENTRIES = 10_000  # a few MB at most (only verified cookies); emptied when full

    def __init__(self):
        self._verified: dict[str, tuple[int, str]] = {}

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        kept = self._verified.get(value)
        if kept is None:
            return self._check_and_keep(app, value)
        signed_at, content = kept
        age = int(time.time()) - signed_at
        if not 0 <= age <= app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as a full check would say
        return self.session_class(self.serializer.loads(content))

    def _check_and_keep(self, app, value: str):
        signer = self.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = signer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= self.MAX_ENTRIES:
            self._verified.clear()
        self._verified[value] = (int(signed_at.timestamp()), self.serializer.dumps(data))
        return self.session_class(data)


_WANTS_CONTEXT = pass_context(lambda: None).jinja_pass_arg  # what @pass_context marks


class TemplateContext(Context):
    """Jinja's template context with a shorter way to call a plain function or a macro.

    Every `{{ f(x) }}` in a template goes through `Context.call`, which asks the callable, its
    `__call__` and again the callable whether it wants the context, the eval context or the
    environment passed in: about 3 µs a call (measured on this host: 3.0 µs against 0.7 µs
    here). For a plain Python function, a method (each `{% shared %}` block calls one) or a
    macro the answer is in the function's own attributes, so this asks once; a function
    marked @pass_context (`_()`) gets the context as Jinja would give it, unless the call is
    inside a loop or block that set variables (then Jinja's own way, which passes a derived
    context). Anything else (classes, @pass_environment) goes to Jinja's own `call`. Same
    results, same errors."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        kind = type(__obj)
        if kind is FunctionType or kind is Macro or kind is MethodType:
            wants = (None if kind is Macro else
                     (__obj if kind is FunctionType else __obj.__func__).__dict__.get(
                         "jinja_pass_arg"))
            if wants is None or (wants is _WANTS_CONTEXT and not kwargs.get("_loop_vars")
                                 and not kwargs.get("_block_vars")):
                if kwargs:
                    kwargs.pop("_loop_vars", None)
                    kwargs.pop("_block_vars", None)
                if wants is not None:
                    args = (__self, *args)
                try:
                    return __obj(*args, **kwargs)
                except StopIteration:
                    return __self.environment.undefined(
                        "value was undefined because a callable raised a StopIteration "
                        "exception")
        return super().call(__obj, *args, **kwargs)


def plain_template_globals(environment) -> None:
    """Each template's globals as one dict made when it is loaded, instead of Jinja's live
    ChainMap over the environment's: every `{% from … import %}` compares the two sets of
    names, and over a ChainMap that costs about 20 µs an import (a page has three or more).
    Bro sets all its globals in create_app, before any template is loaded."""
    environment.make_globals = lambda own: {**environment.globals, **(own or {})}


def template_helpers(app) -> dict:
    """`url_for` and `asset` for templates, both remembered (see the module docstring)."""

    @cache
    def fingerprint(filename: str) -> str:
        path = Path(app.static_folder) / filename
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else "0"

    urls: dict[tuple[str, str], str] = {}

    def asset(filename: str) -> str:
        """Static URL with a content hash, so files can be cached for a year."""
        key = (request.script_root, filename)
        if key not in urls:
            urls[key] = url_for("static", filename=filename, v=fingerprint(filename))
        return urls[key]

    links: dict[tuple, str] = {}

    def kept(script_root: str, endpoint: str, values: dict) -> str:
        """Only links whose arguments are all ids (ints) are kept — never words from a request
        (`next=`) or secrets (reset tokens, invitation codes); relative endpoints and
        `_external`, `_anchor` etc. go to `url_for` directly. Emptied when full."""
        if endpoint[0] == "." or not all(type(value) is int for value in values.values()):
            return url_for(endpoint, **values)
        key = (script_root, endpoint, *values.items())  # argument order kept
        url = links.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(links) >= MAX_LINKS:
                links.clear()
            links[key] = url
        return url

    def link(endpoint: str, **values) -> str:
        return kept(request.script_root, endpoint, values)

    def for_page():
        """`link` with the request's script root read once, for one page's context (reading
        it through Flask's request proxy is about 0.8 µs, on every link of a list). Outside a
        request (an e-mail the worker writes) the global one."""
        if not has_request_context():
            return link
        script_root = request.script_root

        def page_link(endpoint: str, **values) -> str:
            return kept(script_root, endpoint, values)

        return page_link

    link.for_page = for_page

    signed: dict[tuple[str, str], str] = {}  # (signing key, session's secret) → token

    def csrf_token() -> str:
        """Flask-WTF's token, read where Flask-WTF keeps it for the request (g.csrf_token)
        once it is made: a list with a button a row asks for it on every row, and each
        generate_csrf() call reads its settings again first (about 8 µs). And signed once per
        session and worker, not on every page: with WTF_CSRF_TIME_LIMIT off (config.py) a
        token is valid as long as its session, so the text Flask-WTF signed for this
        session's secret serves each of its pages (signing is JSON, base64 and an HMAC:
        about 4 % of the start page). Put in g, where generate_csrf() and forms read it."""
        token = g.get("csrf_token")
        if token is not None:
            return token
        if app.config["WTF_CSRF_TIME_LIMIT"] is not None:  # tokens age: sign each time
            return generate_csrf()
        key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        token = signed.get((key, session.get("csrf_token")))
        if token is not None:
            g.csrf_token = token
            return token
        token = generate_csrf()
        if len(signed) >= MAX_TOKENS:
            signed.clear()
        signed[key, session["csrf_token"]] = token
        return token

    return {"url_for": link, "asset": asset, "csrf_token": csrf_token}


_ID_MARK = 918_273_645  # an id no link has otherwise: where a row's id goes


def link_around_id(endpoint: str, key: str, **values) -> tuple[Markup, Markup]:
    """The link to `endpoint` for any id given as `key`, as its escaped text before and after
    the id: a list writes `before`, the row's id and `after` (url_for's own text for an int,
    the same bytes) instead of building a link on every row (about 2 µs each through the
    template; the members list has two a row)."""
    before, after = escape(url_for(endpoint, **values, **{key: _ID_MARK})).split(str(_ID_MARK))
    return before, after  # Markup, as escape() made them


class SharedFragments(Extension):
    """`{% shared key, ... %}…{% endshared %}`: template parts that are the same for everyone.

    The body is rendered once per key and the HTML reused, for any visitor. So the body may use
    only what the key names (plus constants, translations of the key's language and URLs
    without per-request values): never the user, the CSRF token, counts or the request's path.
    The key always includes the template, the tag's line and the app's script root (URL
    prefix). With template auto-reload on (debug), nothing is kept, so edited templates show
    at once."""

    tags = {"shared"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(shared_fragments={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [nodes.Const(parser.name), nodes.Const(lineno)]
        while parser.stream.current.type != "block_end":
            if len(key) > 2:
                parser.stream.expect("comma")
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [nodes.Tuple(key, "load"),
                                                            nodes.ContextReference()]),
                               [], [], body).set_lineno(lineno)

    def _render(self, key, context, caller):
        if self.environment.auto_reload:  # development with template reloading: never stale
            return caller()
        # The request itself, as Flask's context processor put it in the page's context (a
        # page has about 20 shared parts; through Flask's request proxy about 1 µs each); a
        # macro imported without context has none, and reads the proxy.
        current = context.get("request")
        if current is None and has_request_context():
            current = request
        if current is not None:
            key = (*key, current.script_root)
        cache = self.environment.shared_fragments
        html = cache.get(key)
        if html is None:
            html = caller()
            if len(cache) >= MAX_FRAGMENTS:
                cache.clear()
            cache[key] = html
        return html
