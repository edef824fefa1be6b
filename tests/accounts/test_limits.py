"""Rate limits on the account doors count per account, whichever way its login is written,
and per IP address on registration and invitations."""

import re

import pytest

from portal.accounts.models import Role
from tests.conftest import PASSWORD

# One account, written six ways: each must use up the same five tries.
SPELLINGS = ["+47 912 34 567", "912 34 567", "91234567", "\u202e912 34 567\u202c",
             "0047 912 34 567", "+4791234567"]


def test_login_tries_count_per_account_whatever_the_spelling(client, make_user):
    make_user(phone="+4791234567", email="")
    statuses = [client.post("/accounts/login", {"login": login, "password": "wrong"})
                .status_code for login in SPELLINGS]
    assert statuses == [422] * 5 + [429]


def test_email_case_and_hidden_characters_count_as_the_same_account(client, make_user):
    make_user(email="amina@example.org")
    spellings = ["amina@example.org", "AMINA@example.org", " Amina@Example.org ",
                 "\u2066amina@example.org\u2069", "amina@EXAMPLE.ORG", "amina@example.org"]
    statuses = [client.post("/accounts/login", {"login": login, "password": "wrong"})
                .status_code for login in spellings]
    assert statuses == [422] * 5 + [429]


def test_reset_codes_are_limited_per_account_too(client, make_user):
    make_user(phone="+4791234567", email="")
    statuses = [client.post("/accounts/reset", {"login": login, "code": "ABCD-EFGH",
                                                "password": "a new password"}).status_code
                for login in SPELLINGS]
    assert statuses == [422] * 5 + [429]


def test_forgotten_password_requests_are_limited_per_account(client, make_user):
    make_user(email="amina@example.org")
    statuses = [client.post("/accounts/forgot", {"login": login}).status_code
                for login in ["amina@example.org", "AMINA@example.org"] * 3]
    assert statuses == [303] * 5 + [429]


def test_other_accounts_keep_their_tries(client, make_user):
    make_user(phone="+4791234567", email="")
    other = make_user(email="other@example.org")
    for login in SPELLINGS[:5]:
        client.post("/accounts/login", {"login": login, "password": "wrong"})
    assert client.post("/accounts/login", {"login": other.email,
                                           "password": PASSWORD}).status_code == 303


def test_invitation_codes_are_limited_per_ip(app, client, login_as, site):
    login_as(Role.COORDINATOR)
    html = client.post(f"/accounts/sites/{site.id}/invitations", {"role": "volunteer"}).text
    code = re.search(r'class="code" dir="ltr">([A-Z0-9-]{9})<', html).group(1)
    client.post("/accounts/logout")
    app.config["JOIN_LIMIT_PER_IP"] = "3 per 10 minutes"
    try:
        statuses = [client.get(f"/accounts/join?code=WXYZ-{n:04d}").status_code
                    for n in range(3)]
        after = client.get(f"/accounts/join?code={code}")
    finally:
        app.config["JOIN_LIMIT_PER_IP"] = "20 per 10 minutes"
    assert statuses == [200] * 3
    assert after.status_code == 429 and "Too many tries" in after.text


@pytest.mark.parametrize("url", ["/", "/privacy", "/accounts/login"])
def test_reading_pages_is_never_limited(app, client, url):
    app.config["JOIN_LIMIT_PER_IP"] = "1 per 10 minutes"
    try:
        assert [client.get(url).status_code for _ in range(5)] == [200] * 5
    finally:
        app.config["JOIN_LIMIT_PER_IP"] = "20 per 10 minutes"


def test_people_behind_one_address_all_get_in(app, client, make_user):
    """A café's Wi-Fi: logins that succeed use none of the address's tries."""
    people = [make_user(email=f"cafe{n}@example.org") for n in range(5)]
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 10 minutes"
    try:
        statuses = []
        for person in people:
            statuses.append(client.post("/accounts/login", {"login": person.email,
                                                            "password": PASSWORD}).status_code)
            client.post("/accounts/logout")
        wrong = [client.post("/accounts/login", {"login": people[0].email,
                                                 "password": "wrong"}).status_code
                 for _ in range(4)]
    finally:
        app.config["LOGIN_LIMIT_PER_IP"] = "20 per 10 minutes"
    assert statuses == [303] * 5
    assert wrong == [422] * 3 + [429]


def test_a_right_password_uses_no_try_of_the_account(client, make_user):
    person = make_user(email="amina@example.org")
    for _ in range(6):
        assert client.post("/accounts/login", {"login": person.email,
                                               "password": PASSWORD}).status_code == 303
        client.post("/accounts/logout")
    statuses = [client.post("/accounts/login", {"login": person.email, "password": "wrong"})
                .status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
