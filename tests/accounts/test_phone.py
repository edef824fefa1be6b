"""Confirming a phone number with a 6-digit code sent by SMS (to a loopback stand-in for
46elks): before Bro texts a number, the person proves it is theirs; the code works for 10
minutes, 5 tries and once, a person gets a few codes an hour, and a changed number asks
again."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import work
from portal.accounts import phone, services
from portal.accounts.models import CodePurpose, PhoneCode
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from portal.privacy import services as privacy
from tests.sms_provider import texts, use

NUMBER = "+4791234567"


@pytest.fixture(autouse=True)
def english():
    """Refusals read in English here (the SMS itself goes in the person's language)."""
    with force_locale("en"):
        yield


@pytest.fixture
def elks(app, monkeypatch, provider):
    use(app, monkeypatch, "46elks", provider.url + "/a1/sms", SMS_API_USERNAME="u",
        SMS_API_PASSWORD="p")
    provider.answers = [(200, {"id": "s1", "parts": 1})]
    return provider


def last_code(provider) -> str:
    return re.search(r"\b(\d{6})\b", texts(provider)[-1][1]).group(1)


def test_the_code_confirms_the_number_once(make_user, elks):
    person = make_user(phone=NUMBER, language="sv")
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    [(to, text)] = texts(elks)
    assert to == NUMBER and "Bro" in text and "10 minuter" in text  # in their language
    code = last_code(elks)
    phone.confirm_phone(person, code)
    assert person.phone_is_confirmed and person.phone_confirmed == NUMBER
    with pytest.raises(DomainError, match="wrong, used or expired"):
        phone.confirm_phone(person, code)  # single use


def test_a_wrong_code_counts_and_the_fifth_ends_it(make_user, elks):
    person = make_user(phone=NUMBER)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    code = last_code(elks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(DomainError, match="wrong, used or expired"):
            phone.confirm_phone(person, wrong)
    with pytest.raises(DomainError, match="wrong, used or expired"):
        phone.confirm_phone(person, code)  # the right one, too late
    assert not person.phone_is_confirmed


def test_an_expired_code_does_not_work(make_user, elks):
    person = make_user(phone=NUMBER)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    db.session.execute(update(PhoneCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(DomainError, match="wrong, used or expired"):
        phone.confirm_phone(person, last_code(elks))


def test_only_the_newest_code_works_and_codes_are_limited_per_hour(make_user, elks):
    person = make_user(phone=NUMBER)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    first = last_code(elks)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    with pytest.raises(DomainError, match="several codes in a short time"):
        phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    assert len(texts(elks)) == 3
    if first != last_code(elks):
        with pytest.raises(DomainError, match="wrong, used or expired"):
            phone.confirm_phone(person, first)
    phone.confirm_phone(person, last_code(elks))


def test_a_changed_number_must_be_confirmed_again(make_user, elks):
    person = make_user(phone=NUMBER)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    code = last_code(elks)
    person.phone = "+4791234568"  # changed before the code was used: it was for the old one
    with pytest.raises(DomainError, match="wrong, used or expired"):
        phone.confirm_phone(person, code)
    person.phone = NUMBER
    phone.confirm_phone(person, code)
    person.phone = "+4791234568"
    assert not person.phone_is_confirmed


def test_a_new_number_on_the_profile_forgets_the_confirmation_of_the_old_one(make_user):
    person = make_user(phone=NUMBER)
    person.phone_confirmed = NUMBER
    services.update_profile(person, person.display_name, "912 34 567", person.email, "en",
                            1990)  # the same number, written another way: still confirmed
    assert person.phone_confirmed == NUMBER
    services.update_profile(person, person.display_name, "912 34 568", person.email, "en",
                            1990)
    assert (person.phone, person.phone_confirmed) == ("+4791234568", None)
    services.update_profile(person, person.display_name, "912 34 567", person.email, "en",
                            1990)  # back again: it is asked again, the old proof is gone
    assert not person.phone_is_confirmed


def test_a_provider_that_refuses_the_number_is_said_plainly(make_user, elks):
    elks.answers = [(400, {"error": "Invalid to"})]
    with pytest.raises(DomainError, match="could not send an SMS to this number"):
        phone.send_code(make_user(phone=NUMBER), CodePurpose.CONFIRM_PHONE)


def test_without_sms_there_is_nothing_to_send(make_user):
    with pytest.raises(DomainError, match="does not send SMS"):
        phone.send_code(make_user(phone=NUMBER), CodePurpose.CONFIRM_PHONE)


def test_the_pages_confirm_a_number_and_a_wrong_code_is_kept_as_a_try(client, login_as,
                                                                      elks):
    person = login_as(phone=NUMBER)
    page = client.get("/accounts/phone").get_data(as_text=True)
    assert "Send me a code" in page and "<bdi>+4791234567</bdi>" in page
    settings = client.get("/notify/settings").get_data(as_text=True)
    assert 'href="/accounts/phone"' in settings  # SMS waits for the confirmation
    response = client.post("/accounts/phone/code")
    assert response.status_code == 303
    code = last_code(elks)
    wrong = client.post("/accounts/phone/confirm", {"code": "000000" if code != "000000"
                                                    else "111111"})
    assert wrong.status_code == 422 and "wrong, used or expired" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(PhoneCode.tries)) == 1  # kept though the answer was 422
    response = client.post("/accounts/phone/confirm", {"code": code})
    assert response.status_code == 303 and response.headers["Location"] == "/notify/settings"
    db.session.expire_all()
    assert db.session.get(type(person), person.id).phone_confirmed == NUMBER
    page = client.get("/accounts/phone").get_data(as_text=True)
    assert "is confirmed" in page


def test_asking_for_a_code_needs_the_csrf_token(client, login_as, elks):
    login_as(phone=NUMBER)
    assert client.post("/accounts/phone/code", csrf=False).status_code == 400
    assert texts(elks) == []


def test_a_refusal_to_send_is_shown_and_nothing_kept(client, login_as, elks):
    login_as(phone=NUMBER)
    elks.answers = [(500, {})]
    response = client.post("/accounts/phone/code")
    assert response.status_code == 303
    page = client.get("/accounts/phone").get_data(as_text=True)
    assert "could not send an SMS" in page
    work.commit()
    assert db.session.scalar(select(PhoneCode.id)) is None


def test_erasing_a_person_removes_their_codes_and_confirmed_number(make_user, elks):
    person = make_user(phone=NUMBER)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    phone.confirm_phone(person, last_code(elks))
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    privacy.erase(person, person)
    work.commit()
    assert db.session.scalar(select(PhoneCode.id)) is None
    assert (person.phone, person.phone_confirmed) == (None, None)


# -- a new password by SMS ------------------------------------------------------------------

def confirmed(make_user, number=NUMBER):
    person = make_user(phone=number)
    person.phone_confirmed = number
    db.session.commit()
    return person


def test_a_code_by_sms_sets_a_new_password_once(make_user, elks):
    person = confirmed(make_user)
    services.send_reset_sms("912 34 567")  # as people write it
    [(to, text)] = texts(elks)
    assert to == NUMBER and "new password" in text
    code = last_code(elks)
    services.reset_with_sms_code("+47 912 34 567", code, "a brand new sentence")
    assert services.authenticate(NUMBER, "a brand new sentence") == person
    with pytest.raises(DomainError, match="wrong, used or expired"):
        services.reset_with_sms_code(NUMBER, code, "yet another sentence")


def test_no_code_goes_to_an_unconfirmed_or_unknown_number(make_user, elks):
    make_user(phone=NUMBER)  # never confirmed: it might be someone else's number
    services.send_reset_sms(NUMBER)
    services.send_reset_sms("+4791234599")
    assert texts(elks) == []


def test_a_confirmation_code_does_not_reset_a_password(make_user, elks):
    person = confirmed(make_user)
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    with pytest.raises(DomainError, match="wrong, used or expired"):
        services.reset_with_sms_code(NUMBER, last_code(elks), "a brand new sentence")


def test_a_too_short_password_costs_no_try(make_user, elks):
    confirmed(make_user)
    services.send_reset_sms(NUMBER)
    with pytest.raises(DomainError, match="at least"):
        services.reset_with_sms_code(NUMBER, last_code(elks), "short")
    assert db.session.scalar(select(PhoneCode.tries)) == 0


def test_reset_codes_are_limited_per_number_without_saying_so(make_user, elks):
    confirmed(make_user)
    for _ in range(5):
        services.send_reset_sms(NUMBER)
    assert len(texts(elks)) == 3


def test_the_reset_pages_work_without_saying_who_exists(client, make_user, elks):
    confirmed(make_user)
    assert 'href="/accounts/forgot/sms"' in client.get("/accounts/reset").get_data(as_text=True)
    for number in (NUMBER, "+4791234599"):
        response = client.post("/accounts/forgot/sms", {"login": number})
        assert response.status_code == 303
        assert response.headers["Location"] == "/accounts/reset/sms"
    assert len(texts(elks)) == 1
    page = client.get("/accounts/reset/sms").get_data(as_text=True)
    assert "If an account has this number" in page
    wrong = client.post("/accounts/reset/sms", {"login": NUMBER, "code": "12345x",
                                                "password": "a brand new sentence"})
    assert wrong.status_code == 422
    response = client.post("/accounts/reset/sms", {"login": NUMBER, "code": last_code(elks),
                                                   "password": "a brand new sentence"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_asking_for_reset_codes_is_limited_per_ip(app, client, elks, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_CODE_LIMIT_PER_IP", "2 per hour")
    statuses = [client.post("/accounts/forgot/sms", {"login": f"+479123450{n}"}).status_code
                for n in range(3)]
    assert statuses == [303, 303, 429]


def test_without_sms_the_forgot_page_says_so(client):
    page = client.get("/accounts/forgot/sms").get_data(as_text=True)
    assert "does not send SMS" in page and "forgot-sms-form" not in page
    assert "/accounts/forgot/sms" not in client.get("/accounts/reset").get_data(as_text=True)
