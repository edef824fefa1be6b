"""htmx glue, security headers, error pages and static assets."""

import re

import pytest
from sqlalchemy.exc import OperationalError

from portal.accounts import services
from portal.accounts.models import Role
from tests.conftest import Client


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/accounts/login", {"login": user.email, "password":
                                               "correct horse battery"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_after_login_do_not_resend_the_session_cookie(client, make_user):
    """The login's cookie already holds the CSRF secret, so reading pages changes nothing."""
    client.login(make_user().email)
    for url in ("/", "/goals", "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


@pytest.mark.parametrize("url", ["/", "/privacy", "/accounts/login", "/accounts/register",
                                 "/accounts/reset", "/accounts/join", "/nope"])
def test_no_inline_script_or_style_anywhere(client, url):
    html = client.get(url).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_not_found_is_a_friendly_page_or_fragment(client):
    page = client.get("/nope", headers={"Accept-Language": "sv"})
    assert page.status_code == 404 and '<html lang="sv"' in page.text
    fragment = client.get("/nope", htmx=True)
    assert fragment.status_code == 404 and "<html" not in fragment.text
    assert "We could not find that page" in fragment.text


def test_unexpected_error_is_a_friendly_500(client, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "site_names", broken)
    response = client.get("/accounts/register")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "boom" not in response.text


def test_database_down_is_a_friendly_503(client, monkeypatch):
    def unreachable():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(services, "site_names", unreachable)
    response = client.get("/accounts/register")
    assert response.status_code == 503
    assert "not available right now" in response.text


def test_forbidden_is_friendly(client, login_as, site):
    login_as(Role.PARTICIPANT)
    response = client.get(f"/accounts/sites/{site.id}/members")
    assert response.status_code == 403 and "You do not have access" in response.text


def test_static_assets_are_fingerprinted_and_cached_long(client):
    html = client.get("/").text
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert re.search(r'src="/static/vendor/htmx\.min\.js\?v=[0-9a-f]{12}"', html)
    # Fixed URLs (the manifest names its icons without a hash) are kept for an hour only.
    for fixed in ("/static/manifest.webmanifest", "/static/icons/icon-192.png"):
        assert "max-age=3600" in client.get(fixed).headers["Cache-Control"]


def test_manifest_and_icons_exist(client):
    import json

    manifest = json.loads(client.get("/static/manifest.webmanifest").data)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/static/icons/favicon.svg").status_code == 200


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_htmx_boosted_and_history_restore_get_the_whole_page(client):
    boosted = client.get("/accounts/login", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text
    restore = client.get("/accounts/login", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_user_text_is_escaped_and_isolated(client, login_as):
    login_as(name='<script>alert(1)</script> ‮Evil')
    html = client.get("/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_names_inside_sentences_are_bidi_isolated(client, login_as):
    login_as(name="فاطمة حسن")
    assert "<bdi>فاطمة حسن</bdi>" in client.get("/").text


def test_shared_page_parts_carry_nothing_personal(app, make_user):
    """The header, menu and footer are rendered once and reused (portal/speed.py): each
    visitor still gets their own CSRF token, unread count, return path and admin link."""
    from portal.extensions import db
    from portal.notify.services import notify

    admin, person = make_user(Role.ADMIN), make_user()
    notify([person], "promoted", {"title": "Café"})
    db.session.commit()
    pages = {}
    for user in (admin, person, admin, person):
        client = Client(app.test_client())
        client.login(user.email)
        html = client.get("/goals").text
        pages.setdefault(user.id, []).append(html)
        # Signed tokens carry a timestamp: compare the session's secret they sign, so a second
        # ticking over between the page and client.token() does not matter.
        secrets = {t.split(".")[0] for t in re.findall(r'name="csrf_token" value="([^"]+)"', html)}
        assert secrets == {client.token().split(".")[0]}
        assert 'name="next" value="/goals"' in html
        assert 'href="/goals" aria-current="page"' in html
    assert all(">Meeting places</a>" in html for html in pages[admin.id])
    assert not any(">Meeting places</a>" in html for html in pages[person.id])
    assert all("Messages (1 new)" in html for html in pages[person.id])
    assert not any("new)" in html for html in pages[admin.id])
    swedish = Client(app.test_client()).get("/privacy", headers={"Accept-Language": "sv"}).text
    assert '<html lang="sv"' in swedish and 'aria-current="true">Svenska <span' in swedish


def test_session_cookies_are_checked_once_but_expire_and_stay_private(app, make_user,
                                                                    monkeypatch):
    """portal/security.py keeps each verified session cookie: the same bytes give the same
    session, each request its own copy; age and tampering are still checked."""
    import time

    from portal.speed import SessionCookies

    interface = app.session_interface
    assert isinstance(interface, SessionCookies)
    client = Client(app.test_client())
    client.login(make_user().email)
    cookie = client.raw.get_cookie("session", domain="bro.test").value

    def open_with(value):
        with app.test_request_context("/", headers={"Cookie": f"session={value}"}) as context:
            return interface.open_session(app, context.request)

    first = open_with(cookie)
    assert cookie in interface._verified and first["_user_id"]
    again = open_with(cookie)
    assert dict(again) == dict(first) and again is not first
    again["_flashes"] = [("info", "hello")]  # changing one request's session changes nothing kept
    assert "_flashes" not in open_with(cookie)
    tampered = cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")
    assert dict(open_with(tampered)) == {} and tampered not in interface._verified
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert dict(open_with(cookie)) == {}  # expired, although it was verified before
    monkeypatch.undo()
    assert open_with(cookie)["_user_id"] == first["_user_id"]
    assert "Log out" in client.get("/").text


def test_template_links_are_remembered_but_always_right(app):
    """Templates' url_for is remembered per endpoint and ids (portal/__init__.py): every
    answer equals Flask's, under another URL prefix too; words and secrets are never kept;
    the memo stays bounded."""
    from flask import url_for

    from portal import speed

    link = app.jinja_env.globals["url_for"]
    calls = [("activities.show", {"activity_id": 7}), ("activities.show", {"activity_id": 8}),
             ("accounts.login", {"next": "/goals?x=1"}), ("goals.index", {}),
             ("accounts.login", {"next": ["/a", "/b"]}),
             ("accounts.reset_with_link", {"token": "secret-token"}),
             ("activities.show", {"activity_id": 7, "_anchor": "sessions"})]
    for script_root in ("", "/bro", ""):
        with app.test_request_context("/", base_url=f"http://bro.test{script_root}"):
            page_link = link.for_page()  # what a page's context gets (the root read once)
            for endpoint, values in calls * 2:
                assert link(endpoint, **values) == url_for(endpoint, **values)
                assert page_link(endpoint, **values) == url_for(endpoint, **values)
            assert link("activities.show", activity_id=7).startswith(f"{script_root}/")
    with app.app_context():  # an e-mail the worker writes: no request to read the root of
        assert link.for_page() is link
    with app.test_request_context("/"):
        kept_link = next(cell.cell_contents for cell in link.__closure__
                         if callable(cell.cell_contents))
        memo = next(cell.cell_contents for cell in kept_link.__closure__
                    if isinstance(cell.cell_contents, dict))
        kept = [value for key in memo for _name, value in key[2:]]
        assert kept and all(type(value) is int for value in kept)  # no token, no next=
        for number in range(speed.MAX_LINKS + 5):
            assert link("activities.show", activity_id=number) == f"/activities/{number}"
        assert 0 < len(memo) <= speed.MAX_LINKS


def test_shared_page_parts_follow_the_url_prefix(app):
    """A shared part is kept per URL prefix (the request in the page's context names it):
    the same page under / and under /bro, in turns, links each under its own."""
    client = app.test_client()
    for prefix in ("", "/bro", "", "/bro"):
        html = client.get("/privacy", headers={"Accept-Language": "en"},
                          environ_overrides={"SCRIPT_NAME": prefix}).text
        footer = html[html.index('<footer class="site-footer">'):]
        assert f'href="{prefix}/privacy"' in footer
        assert f'class="brand" href="{prefix}/"' in html
        assert f'href="{prefix}/static/css/app.css?v=' in html


def test_start_page_shared_parts_follow_the_language_and_the_role(app, make_user):
    """The start page's link lists are shared per language: a Swedish volunteer and an English
    participant, interleaved, each get their own language, and only staff get staff links."""
    volunteer, person = make_user(Role.VOLUNTEER, language="sv"), make_user(language="en")
    for user in (volunteer, person, volunteer, person):
        client = Client(app.test_client())
        client.login(user.email)
        html = client.get("/").text
        if user is volunteer:
            assert "Ditt konto" in html and "Byt lösenord" in html and "Mitt schema" in html
            assert "Your account" not in html
        else:
            assert "Your account" in html and "Change password" in html
            assert "My agenda" not in html and "Mitt schema" not in html


def test_unread_count_includes_notifications_not_yet_written(make_user):
    """The count is a Core statement: run through the session it still autoflushes, so a
    notification queued earlier in the same request is counted."""
    from portal.extensions import db
    from portal.notify.services import notify, unread_count

    person = make_user()
    notify([person], "promoted", {"title": "Café"})
    assert unread_count(person) == 1
    db.session.rollback()
    assert unread_count(person) == 0


def test_menu_count_comes_with_the_user_and_follows_changes_in_the_request(app, client,
                                                                          make_user):
    """The user loader brings the unread count (one statement less on every page); a request
    that queues or reads messages counts again."""
    from sqlalchemy import event

    from portal.extensions import db
    from portal.notify.services import mark_all_read, notify, unread_count

    person = make_user()
    notify([person], "promoted", {"title": "Café"})
    db.session.commit()
    client.login(person.email)
    statements = []

    def record(_connection, _cursor, sql, *_args):
        statements.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get("/privacy").text
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "Messages (1 new)" in html
    assert len(statements) == 1 and "notification" in statements[0]  # inside the user's query
    load_user = app.login_manager._user_callback
    with client.raw.session_transaction() as session:
        ident = session["_user_id"]  # the user and this browser's login
    with app.test_request_context("/"):
        user = load_user(ident)
        assert user.unread_on_load == 1 and unread_count(user) == 1
        notify([user], "promoted", {"title": "Another café"})
        assert unread_count(user) == 2  # queued in this request, not written yet
        db.session.rollback()
    with app.test_request_context("/"):
        user = load_user(ident)
        mark_all_read(user.id)
        assert user.unread_on_load == 1 and unread_count(user) == 0
    assert "Messages (" not in client.get("/privacy").text


def test_request_logs_are_structured_and_hold_no_personal_data(app, client, login_as, caplog):
    import json
    import logging

    from portal import create_app
    from tests.conftest import Client

    logged = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SERVER_NAME": "bro.test", "REQUEST_LOG": True})
    person = login_as()
    other = Client(logged.test_client())
    other.login(person.email)
    with caplog.at_level(logging.INFO, logger="bro.requests"):
        other.get("/activities?q=Hodan+Warsame", headers={"HX-Request": "true"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "bro.requests"]
    assert lines[-1]["endpoint"] == "activities.index" and lines[-1]["status"] == 200
    assert lines[-1]["htmx"] is True and lines[-1]["ms"] >= 0
    text = caplog.text
    assert "Hodan" not in text and person.email not in text and "/activities" not in text


def test_a_database_that_is_briefly_unavailable_gives_503_and_bro_recovers(app, client,
                                                                           login_as):
    """SQLite: another process holds the database's write lock longer than Bro waits (5 s):
    a friendly 503, and the next request after the lock is released works. PostgreSQL: the
    server drops every connection (as in a restart): the next request reconnects by itself."""
    from sqlalchemy import create_engine, text

    person = login_as()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_engine(url)
    if other.dialect.name == "sqlite":
        with other.connect() as locker:
            locker.exec_driver_sql("BEGIN EXCLUSIVE")
            response = client.post("/accounts/profile", {"display_name": "New name",
                                                         "email": person.email,
                                                         "language": "en"})
            assert response.status_code == 503
            assert "Please try again in a few minutes." in response.get_data(as_text=True)
            locker.exec_driver_sql("ROLLBACK")
    else:
        from portal.extensions import db

        mine = db.session.scalar(text("SELECT pg_backend_pid()"))  # the test's own session
        with other.begin() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid NOT IN (pg_backend_pid(), :mine)"), {"mine": mine})
    other.dispose()
    assert client.get("/accounts/profile").status_code == 200  # back by itself


def test_a_session_keeps_one_signed_csrf_token_that_works_only_in_it(app, make_user,
                                                                     monkeypatch):
    """speed.csrf_token signs a session's token once and gives the same text on its next
    pages (tokens do not age: WTF_CSRF_TIME_LIMIT is off); it works there, and in no other
    session."""
    from flask_wtf.csrf import generate_csrf

    from portal import speed

    person, other = make_user(), make_user()
    first, second = Client(app.test_client()), Client(app.test_client())
    first.login(person.email)
    second.login(other.email)
    signed = []

    def counted():
        signed.append(1)
        return generate_csrf()

    monkeypatch.setattr(speed, "generate_csrf", counted)
    token = first.token()
    assert [first.token() for _ in range(3)] == [token] * 3 and second.token() != token
    assert len(signed) == 2  # once for each session, not once a page
    refused = second.post("/language", {"lang": "sv", "csrf_token": token}, csrf=False)
    assert refused.status_code == 400
    taken = first.post("/language", {"lang": "sv", "csrf_token": token}, csrf=False)
    assert taken.status_code in (302, 303)
    assert first.token() == token  # the same session after the change
