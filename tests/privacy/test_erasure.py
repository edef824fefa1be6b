"""Erasure leaves nothing that says who the person was — anywhere in the database — ends
every role they had, and the account can never be used again."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import ResetCode, Role, User
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import force_locale
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
