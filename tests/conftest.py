"""Shared fixtures: one app and schema per run (built by the real migrations), a clean
database for every test, a client that sends CSRF tokens like a browser, and factories."""

import os
import re
import tempfile

import pytest

os.environ.setdefault("BRO_INSTANCE_PATH", tempfile.mkdtemp(prefix="bro-test-"))

from flask import g  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from portal import create_app, work  # noqa: E402
from portal.accounts import services  # noqa: E402
from portal.accounts.models import Membership, Role, Site, User  # noqa: E402
from portal.extensions import db, limiter  # noqa: E402
from tests.sms_provider import Provider  # noqa: E402

PASSWORD = "correct horse battery"
SEEDED_BY_MIGRATIONS = {"rule_set"}  # configuration rows the migrations create
# Real argon2, cheap parameters: tests hash hundreds of passwords.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _reset_schema() -> None:
    """Start every run from an empty database, then build it with the migrations."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


@pytest.fixture(scope="session")
def app():
    instance = os.environ["BRO_INSTANCE_PATH"]
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance}/test.sqlite3"
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
        "ARGON2_PARAMETERS": CHEAP_ARGON2,
        "SERVER_NAME": "bro.test",
        "PUBLIC_URL": "http://bro.test",
        "SMS_PROVIDER": "",  # tests that send SMS choose a provider
    })
    with app.app_context():
        _reset_schema()
    return app


@pytest.fixture(autouse=True)
def _clean(app):
    ctx = app.app_context()
    ctx.push()
    g.bro_unit = True  # a test is a unit of work of its own (portal.work)
    yield
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_BY_MIGRATIONS:
                connection.execute(table.delete())
    limiter.reset()
    ctx.pop()


class Client:
    """A test client that behaves like a browser: it carries the CSRF token of its session.

    Each request runs in its own app context (fresh `g` and database session), as in
    production; the test's own session then forgets what it had loaded."""

    def __init__(self, flask_client):
        self.raw = flask_client

    def _call(self, method, *args, **kwargs):
        work.commit()  # the test's own unit of work ends before the request, as in production
        with self.raw.application.app_context():
            response = getattr(self.raw, method)(*args, **kwargs)
        db.session.rollback()  # and the test reads what the request committed
        return response

    def get(self, url, htmx=False, **kwargs):
        return self._call("get", url, headers=_headers(htmx, kwargs.pop("headers", None)),
                          **kwargs)

    def token(self) -> str:
        page = self._call("get", "/privacy").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, url, data=None, htmx=False, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self._call("post", url, data=data,
                          headers=_headers(htmx, kwargs.pop("headers", None)), **kwargs)

    def login(self, login, password=PASSWORD):
        response = self.post("/accounts/login", {"login": login, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response


def _headers(htmx: bool, extra):
    # Tests read English text unless they ask for another language.
    headers = {"Accept-Language": "en", **(extra or {})}
    if htmx:
        headers["HX-Request"] = "true"
    return headers


@pytest.fixture
def english():
    """Service messages outside a request are in the default language (nb): read English.
    Feature test folders whose tests match on messages use it for every test (their
    conftest.py)."""
    from portal.i18n import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def make_site():
    counter = iter(range(1, 10_000))

    def make(name=None, country="NO", timezone="Europe/Oslo", address="Storgata 1"):
        site = Site(name=name or f"Meeting place {next(counter)}", country=country,
                    timezone=timezone, address=address)
        db.session.add(site)
        db.session.commit()
        return site

    return make


@pytest.fixture
def site(make_site):
    return make_site("Tøyen", "NO", "Europe/Oslo")


@pytest.fixture
def make_user(site):
    counter = iter(range(1, 10_000))

    def make(role=Role.PARTICIPANT, at=None, name=None, email=None, phone=None,
             language="en", birth_year=1990, password=PASSWORD, gender=None):
        number = next(counter)
        user = User(display_name=name or f"Person {number}",
                    email=email if email is not None else f"person{number}@example.org",
                    phone=phone, language=language, birth_year=birth_year, gender=gender,
                    password_hash=services.hash_password(password))
        user.memberships.append(Membership(site=at or site, role=Role(role)))
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(client, make_user):
    """login_as("coordinator") → a new user with that role at `site`, logged in on `client`."""

    def login(role=Role.PARTICIPANT, **kwargs):
        user = make_user(role, **kwargs)
        client.login(user.email)
        return user

    return login


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback (aiosmtpd); yields the list of messages it received."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield received
    controller.stop()


@pytest.fixture
def provider():
    """A stand-in SMS provider on loopback (tests/sms_provider.py)."""
    with Provider() as server:
        yield server
