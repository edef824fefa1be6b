"""Production settings that protect people: a strong key, links only to Bro's own address,
no other host names, HTTPS remembered, no personal values in error logs."""

import logging
import re

import pytest
from sqlalchemy import text

from portal import config, create_app
from portal.accounts.limits import workers_sharing_memory
from portal.extensions import db

STRONG = "k" * 48


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setattr(config, "_database_url", lambda: "sqlite://")
    monkeypatch.setenv("BRO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("PUBLIC_URL", "https://bro.example.no")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", config.new_vapid_private_key())
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    return monkeypatch


@pytest.mark.parametrize("key", ["", "short", "x" * 31, "æ" * 15])
def test_production_refuses_a_missing_or_short_secret_key(production, key):
    production.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="at least 32 random bytes"):
        config.load()


@pytest.mark.parametrize("key", ["", "not-a-key", "a" * 40])
def test_production_refuses_to_start_without_a_push_key(production, key):
    production.setenv("VAPID_PRIVATE_KEY", key)
    with pytest.raises(RuntimeError, match="is not a push key" if key else
                       "needs VAPID_PRIVATE_KEY, the key Bro signs push notices with"):
        config.load()


def test_development_makes_a_push_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    first = config.load()["VAPID_PRIVATE_KEY"]
    assert (tmp_path / "vapid_private_key").read_text() == first
    assert (tmp_path / "vapid_private_key").stat().st_mode & 0o777 == 0o600
    assert config.load()["VAPID_PRIVATE_KEY"] == first


@pytest.mark.parametrize("url", ["", "http://bro.example.no"])
def test_production_refuses_to_start_without_an_https_public_url(production, url):
    production.setenv("PUBLIC_URL", url)
    with pytest.raises(RuntimeError, match="needs PUBLIC_URL"):
        config.load()


def test_production_trusts_only_the_public_host_and_the_ones_named(production):
    assert config.load()["TRUSTED_HOSTS"] == ["bro.example.no"]
    production.setenv("TRUSTED_HOSTS", "bro.internal, 10.0.0.5")
    assert config.load()["TRUSTED_HOSTS"] == ["bro.example.no", "bro.internal", "10.0.0.5"]


def test_a_foreign_host_header_is_refused_in_production(production):
    app = create_app()
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/privacy", headers={"Host": "bro.example.no"}).status_code == 200


def test_a_forwarded_host_is_not_trusted_behind_the_proxy(production):
    production.setenv("PROXY_COUNT", "1")
    app = create_app()
    response = app.test_client().get("/healthz", headers={
        "Host": "bro.example.no", "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https"})
    assert response.status_code == 200  # the forwarded host is ignored, not obeyed


def test_strict_transport_security_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/privacy").headers
    secure = client.get("/privacy", base_url="https://bro.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_database_errors_never_carry_the_values_in_their_message(app):
    with pytest.raises(Exception) as raised:  # noqa: PT011  (the driver's own error class)
        db.session.execute(text("SELECT * FROM no_such_table WHERE email = :email"),
                           {"email": "secret.person@example.org"})
    db.session.rollback()
    assert "secret.person@example.org" not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)


@pytest.mark.parametrize("argv, environ, workers", [
    (["/srv/bro/.venv/bin/gunicorn", "--workers", "2", "portal:create_app()"], {}, 2),
    (["gunicorn", "-w", "4"], {}, 4),
    (["gunicorn", "--workers=3"], {}, 3),
    (["gunicorn"], {"GUNICORN_CMD_ARGS": "--workers 2 --threads 4"}, 2),
    (["gunicorn"], {"WEB_CONCURRENCY": "5"}, 5),
    (["gunicorn"], {}, 1),
    (["flask", "run", "--workers", "2"], {}, 1),
])
def test_workers_are_counted_from_gunicorns_command_line(argv, environ, workers):
    assert workers_sharing_memory(argv, environ) == workers


def test_a_warning_at_start_when_several_workers_count_limits_in_memory(monkeypatch, caplog):
    monkeypatch.setattr("sys.argv", ["gunicorn", "--workers", "2", "portal:create_app()"])
    with caplog.at_level(logging.WARNING):
        create_app({"TESTING": True, "SECRET_KEY": STRONG,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert any(re.search(r"multiplied by their number.*RATELIMIT_STORAGE_URI", r.getMessage())
               for r in caplog.records)
