"""Erasure leaves nothing that says who the person was — anywhere in the database — ends
every role they had, and the account can never be used again."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.accounts import services as accounts
from portal.accounts.models import ResetCode, Role, User
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from portal.notify.models import Notification
from portal.notify.services import body
from portal.privacy.services import erase
from tests.conftest import PASSWORD

ZELDA = "Zelda Quixote-Erasetest"
ZELDA_PHONE = "+4741234987"
ZELDA_EMAIL = "zelda.erasetest@example.org"


@pytest.fixture(autouse=True)
def _english():
    with force_locale("en"):
        yield


def test_an_erased_account_cannot_be_reset_or_logged_in_to(client, site, make_user,
                                                           smtp_server):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(name=ZELDA, email=ZELDA_EMAIL, phone=ZELDA_PHONE)
    code = accounts.issue_reset_code(coordinator, person)
    old_link = accounts.reset_token(person)
    erase(coordinator, person)
    erased = db.session.get(User, person.id)

    # Login: neither the old contact details nor the placeholder address lead to the account.
    for login in (ZELDA_EMAIL, ZELDA_PHONE, erased.email):
        assert accounts.find_by_login(login) is None
        assert accounts.authenticate(login, PASSWORD) is None
    # Codes: the one handed out before is gone, no new one is given, and a code row for the
    # account (as if issued at the very moment of erasure) does not open it.
    with pytest.raises(DomainError, match="You cannot give a code to this person"):
        accounts.issue_reset_code(coordinator, erased)
    db.session.add(ResetCode(user_id=erased.id, code_hash=accounts.code_digest("ABCD-EFGH"),
                             issued_by_id=coordinator.id, expires_at=utcnow() + timedelta(1)))
    db.session.commit()
    for login, typed in ((ZELDA_EMAIL, code), (erased.email, code), (erased.email, "ABCD-EFGH")):
        with pytest.raises(DomainError, match="The code is wrong, used or expired"):
            accounts.reset_with_code(login, typed, "a brand new password")
    # Links: the old one, and one made for the erased account now, both refused.
    new_link = accounts.reset_token(erased)
    assert accounts.user_for_reset_token(old_link) is None
    assert accounts.user_for_reset_token(new_link) is None
    with pytest.raises(DomainError, match="This link is old or has been used"):
        accounts.reset_with_token(new_link, "a brand new password")
    live = make_user(email="still.here@example.org")
    for login in (ZELDA_EMAIL, erased.email, live.email):
        accounts.send_reset_link(login)
    assert [message["To"] for message in smtp_server] == ["still.here@example.org"]
    # The staff page's button is gone for a deleted account; posting anyway changes nothing.
    client.login(coordinator.email)
    response = client.post(f"/accounts/sites/{site.id}/members/{erased.id}/reset-code")
    assert response.status_code == 303
    assert "You cannot give a code to this person." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert [r.code_hash for r in db.session.scalars(select(ResetCode))] == [
        accounts.code_digest("ABCD-EFGH")]
    assert db.session.get(User, erased.id).password_hash.startswith("erased:")


def test_the_migration_takes_stored_names_out_of_meeting_messages(tmp_path):
    """Messages stored before the names left them: upgrading points each at the other side of
    its meeting and drops the stored name; downgrading writes the names back."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app
    from portal.extensions import db as database

    before = "3d73ef2e825d"
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bro.sqlite3'}"})
    rows = "SELECT id, about_id, params FROM notification ORDER BY id"
    with app.app_context():
        upgrade(revision=before)
        for statement in (
                "INSERT INTO site (id, name, country, timezone, address, created_at) "
                "VALUES (1, 'Tøyen', 'NO', 'Europe/Oslo', '', '2026-01-01 10:00:00')",
                "INSERT INTO user_account (id, display_name, email, password_hash, language, "
                "session_version, created_at) VALUES (1, 'Host Hanna', 'h@example.org', 'x', "
                "'en', 0, '2026-01-01'), (2, 'Zelda Old', 'z@example.org', 'x', 'en', 0, "
                "'2026-01-01')",
                "INSERT INTO booking (id, site_id, host_id, participant_id, starts_at, ends_at, "
                "mode, place, topic, interpreter, status, cancel_reason, created_at, "
                "scheduled_at) VALUES (1, 1, 1, 2, '2026-02-02 09:00:00', "
                "'2026-02-02 09:30:00', 'phone', '', '', '', 'booked', '', '2026-01-01', "
                "'2026-01-01')",
                "INSERT INTO notification (id, user_id, kind, params, created_at, email_status, "
                "email_attempts) VALUES "
                "(1, 1, 'booking_new', '{\"booking_id\": 1, \"starts_at\": "
                "\"2026-02-02T09:00:00+00:00\", \"timezone\": \"Europe/Oslo\", \"with\": "
                "\"Zelda Old\", \"mode\": \"phone\"}', '2026-01-01', 'none', 0), "
                "(2, 2, 'booking_confirmed', '{\"booking_id\": 1, \"starts_at\": "
                "\"2026-02-02T09:00:00+00:00\", \"timezone\": \"Europe/Oslo\", \"with\": "
                "\"Host Hanna\", \"mode\": \"phone\"}', '2026-01-01', 'none', 0), "
                "(3, 2, 'promoted', '{\"activity_id\": 7, \"title\": \"Norsk\", "
                "\"timezone\": \"Europe/Oslo\"}', '2026-01-01', 'none', 0)"):
            database.session.execute(text(statement))
        database.session.commit()
        database.session.remove()
        upgrade()
        upgraded = [(i, about, json_of(p)) for i, about, p in database.session.execute(
            text(rows))]
        with force_locale("en"):
            shown = body(database.session.get(Notification, 1))
        database.session.remove()
        downgrade(revision=before)
        restored = [(i, json_of(p).get("with")) for i, p in database.session.execute(
            text("SELECT id, params FROM notification ORDER BY id"))]
        database.session.remove()
    assert [(i, about) for i, about, _p in upgraded] == [(1, 2), (2, 1), (3, None)]
    assert [("with" in p) for _i, _a, p in upgraded] == [False, False, False]
    assert upgraded[2][2] == {"activity_id": 7, "title": "Norsk", "timezone": "Europe/Oslo"}
    assert shown.startswith("Zelda Old booked a meeting with you")
    assert restored == [(1, "Zelda Old"), (2, "Host Hanna"), (3, None)]


def json_of(value) -> dict:
    import json

    return json.loads(value) if isinstance(value, str) else value
