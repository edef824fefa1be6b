import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Consent, LoginSession, Role, Site, User
from portal.extensions import db
from portal.notify import worker
from portal.notify.models import Notification
from tests.conftest import PASSWORD, Client


def page(response) -> str:
    return response.get_data(as_text=True)


def register_data(site, **overrides):
    data = {"display_name": "Amina Yusuf", "phone": "912 34 567", "email": "",
            "password": PASSWORD, "language": "nb", "site_id": str(site.id),
            "birth_year": "1990", "accept_privacy": "y"}
    data.update(overrides)
    return data


# -- registration ---------------------------------------------------------------------------

def test_register_page_and_fragment(client, site):
    full = client.get("/accounts/register")
    assert full.status_code == 200
    assert "<html" in page(full) and 'id="register-form"' in page(full)
    assert f'<option dir="auto" value="{site.id}">Tøyen</option>' in page(full)
    fragment = client.get("/accounts/register", htmx=True)
    assert fragment.status_code == 200
    assert "<html" not in page(fragment) and page(fragment).lstrip().startswith("<form")
    assert "HX-Request" in full.headers["Vary"]


def test_register_creates_account_remembers_language_and_asks_to_log_in(client, site):
    response = client.post("/accounts/register", register_data(site, language="ar"))
    assert response.status_code == 303 and response.headers["Location"] == "/accounts/login"
    assert "lang=ar" in response.headers["Set-Cookie"]
    user = db.session.scalar(select(User))
    assert (user.phone, user.language, user.birth_year) == ("+4791234567", "ar", 1990)
    login = page(client.get("/accounts/login"))
    assert '<html lang="ar" dir="rtl">' in login
    assert 'value="912 34 567"' in login  # what they typed, so they only add the password
    client.login("912 34 567")
    assert "Amina Yusuf" in page(client.get("/"))


def test_register_with_htmx_answers_hx_redirect(client, site):
    response = client.post("/accounts/register", register_data(site), htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/accounts/login"


def _answer(response) -> tuple:
    """What a browser learns from a registration: status, where it goes, cookies it gets."""
    cookies = sorted(header.split("=")[0] for header in response.headers.getlist("Set-Cookie"))
    return response.status_code, response.headers.get("Location"), cookies


def test_registration_answers_the_same_when_the_contact_is_taken_and_tells_the_owner(
        app, client, site, make_user, smtp_server):
    owner = make_user(name="Owner", email="taken@example.org", phone="+4791234567",
                      language="sv")
    fresh = _answer(client.post("/accounts/register", register_data(
        site, phone="", email="new@example.org")))
    flash_fresh = page(client.get("/accounts/login"))
    for contact in ({"phone": "", "email": "TAKEN@example.org"}, {"phone": "912 34 567"}):
        other = Client(app.test_client())
        taken = _answer(other.post("/accounts/register", register_data(site, **contact)))
        assert taken == fresh
        assert "Your account is ready" in page(other.get("/accounts/login")) \
            and "Your account is ready" in flash_fresh
    assert db.session.scalar(select(func.count()).select_from(User)) == 2  # owner + new
    told = db.session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert [n.kind for n in told] == ["registration_attempt"] * 2
    worker.run_once()
    assert [m["To"] for m in smtp_server] == ["taken@example.org"] * 2
    assert str(make_header(decode_header(smtp_server[0]["Subject"]))) == (
        "Någon försökte registrera sig med ditt telefonnummer eller din e-postadress")


def test_registration_is_limited_per_ip(app, client, site):
    app.config["REGISTER_LIMIT_PER_IP"] = "2 per hour"
    try:
        statuses = [client.post("/accounts/register", register_data(
            site, phone="", email=f"p{n}@example.org")).status_code for n in range(3)]
    finally:
        app.config["REGISTER_LIMIT_PER_IP"] = "20 per hour"
    assert statuses == [303, 303, 429]


def test_invalid_registration_keeps_input_and_explains_each_field(client, site):
    data = register_data(site, phone="", email="", password="short", accept_privacy="",
                         site_id="0")  # "Choose…"
    data["display_name"] = "Hodan <b>Warsame</b>"
    response = client.post("/accounts/register", data)
    assert response.status_code == 422
    html = page(response)
    assert 'value="Hodan &lt;b&gt;Warsame&lt;/b&gt;"' in html
    # Every mistake at once, beside its field: the form's own checks and the service's rules.
    for field, message in (("password", "at least 10"), ("phone", "Give a phone number"),
                           ("site_id", "Choose your meeting place."),
                           ("accept_privacy", "tick the box")):
        assert f'id="{field}-error"' in html and message in html, field
    assert 'aria-describedby="accept_privacy-error"' in html
    assert 'class="error-summary" role="alert"' in html
    assert db.session.scalar(select(User)) is None


def test_invalid_registration_as_htmx_swaps_the_form_with_422(client, site):
    response = client.post("/accounts/register", register_data(site, display_name=""),
                           htmx=True)
    assert response.status_code == 422
    assert "<html" not in page(response) and 'id="display_name-error"' in page(response)


def test_a_bad_phone_and_a_bad_email_are_both_explained(client, site):
    response = client.post("/accounts/register", register_data(site, phone="12",
                                                               email="not-an-address"))
    assert response.status_code == 422
    assert 'id="phone-error"' in page(response) and 'id="email-error"' in page(response)


def test_domain_errors_land_beside_their_field(client, site):
    response = client.post("/accounts/register", register_data(site, phone="12"))
    assert response.status_code == 422
    assert 'id="phone-error"' in page(response)
    assert 'aria-describedby="phone-hint phone-error"' in page(response)
    assert 'aria-invalid="true"' in page(response)


def test_arabic_indic_digits_and_bidi_controls_are_normalised(client, site):
    data = register_data(site, phone="٩١٢ ٣٤ ٥٦٧", birth_year="١٩٩٠",
                         display_name="\u202eAmina\u202c Yusuf")
    assert client.post("/accounts/register", data).status_code == 303
    user = db.session.scalar(select(User))
    assert (user.phone, user.birth_year, user.display_name) == ("+4791234567", 1990,
                                                                 "Amina Yusuf")


def test_too_young_gets_a_kind_explanation(client, site):
    from datetime import date

    response = client.post("/accounts/register",
                           register_data(site, birth_year=str(date.today().year - 12)))
    assert response.status_code == 422
    assert "coordinator at your meeting place can register you" in page(response)


def test_registration_records_consent_in_the_users_language(client, site):
    client.post("/accounts/register", register_data(site, language="sv"))
    consent = db.session.scalar(select(Consent))
    assert (consent.language, consent.purpose) == ("sv", "privacy_notice")


def test_post_without_csrf_token_is_refused_with_a_friendly_page(client, site):
    response = client.post("/accounts/register", register_data(site), csrf=False)
    assert response.status_code == 400
    assert "This form has expired" in page(response)
    wrong = client.post("/accounts/register", register_data(site, csrf_token="forged"))
    assert wrong.status_code == 400
    assert db.session.scalar(select(User)) is None


# -- login, logout, sessions ---------------------------------------------------------------

def test_login_page_and_fragment(client):
    assert client.get("/accounts/login").status_code == 200
    fragment = client.get("/accounts/login", htmx=True)
    assert "<html" not in page(fragment) and 'id="login-form"' in page(fragment)


def test_login_with_phone_and_wrong_password(client, make_user):
    make_user(phone="+4791234567", email="")
    wrong = client.post("/accounts/login", {"login": "912 34 567", "password": "nope"})
    assert wrong.status_code == 422
    assert 'value="912 34 567"' in page(wrong)
    assert "password is wrong" in page(wrong)
    right = client.post("/accounts/login", {"login": "912 34 567", "password": PASSWORD})
    assert right.status_code == 303


def test_login_starts_a_fresh_session_and_follows_next(client, make_user):
    user = make_user()
    with client.raw.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = client.post("/accounts/login?next=/accounts/profile",
                           {"login": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/accounts/profile"
    with client.raw.session_transaction() as session:
        assert "planted" not in session
        ident, version, key = session["_user_id"].split(".")
    assert (ident, version) == (str(user.id), "0")
    assert db.session.scalar(select(LoginSession.user_id).where(LoginSession.key == key)) \
        == user.id


def test_login_never_redirects_off_site(client, make_user):
    user = make_user()
    response = client.post("/accounts/login?next=//evil.example/",
                           {"login": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_login_is_rate_limited_per_account(client, make_user):
    user = make_user()
    statuses = [client.post("/accounts/login", {"login": user.email, "password": "nope"})
                .status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    assert "Too many tries" in page(client.post("/accounts/login",
                                                {"login": user.email, "password": PASSWORD}))


def test_logout(client, login_as):
    login_as()
    response = client.post("/accounts/logout")
    assert response.status_code == 303
    assert client.get("/accounts/profile").status_code == 303


def test_a_cookie_saved_before_logout_no_longer_works(app, client, make_user):
    user = make_user()
    response = client.post("/accounts/login", {"login": user.email, "password": PASSWORD,
                                               "remember": "y"})
    assert response.status_code == 303
    saved = {cookie.key: cookie.value for cookie in client.raw._cookies.values()}
    assert {"session", "remember_token"} <= saved.keys()
    other = Client(app.test_client())  # another browser of the same person stays logged in
    other.login(user.email)
    assert client.post("/accounts/logout").status_code == 303

    for names in (("session", "remember_token"), ("remember_token",)):
        replay = Client(app.test_client())
        for name in names:
            replay.raw.set_cookie(name, saved[name], domain="bro.test")
        response = replay.get("/accounts/profile")
        assert response.status_code == 303, names
        assert response.headers["Location"].startswith("/accounts/login")
    assert other.get("/accounts/profile").status_code == 200


def test_login_required_redirects_plain_and_htmx(client):
    plain = client.get("/accounts/profile")
    assert plain.status_code == 303
    assert plain.headers["Location"] == "/accounts/login?next=/accounts/profile"
    htmx = client.get("/accounts/profile", htmx=True)
    assert htmx.status_code == 200
    assert htmx.headers["HX-Redirect"].startswith("/accounts/login?next=")


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, login_as):
    user = login_as()
    from tests.conftest import Client

    other = Client(app.test_client())
    other.login(user.email)
    assert other.get("/accounts/profile").status_code == 200
    response = client.post("/accounts/password", {"current_password": PASSWORD,
                                                  "password": "a brand new password"})
    assert response.status_code == 303
    assert client.get("/accounts/profile").status_code == 200
    assert other.get("/accounts/profile").status_code == 303


def test_password_change_wrong_current_is_422(client, login_as):
    login_as()
    response = client.post("/accounts/password", {"current_password": "wrong",
                                                  "password": "a brand new password"},
                           htmx=True)
    assert response.status_code == 422
    assert 'id="current_password-error"' in page(response)


def test_password_change_tells_a_wrong_current_and_a_short_new_one_together(client, login_as):
    login_as()
    response = client.post("/accounts/password", {"current_password": "wrong",
                                                  "password": "short"})
    assert response.status_code == 422
    assert 'id="current_password-error"' in page(response)
    assert 'id="password-error"' in page(response) and "at least 10" in page(response)


# -- profile -------------------------------------------------------------------------------

def test_profile_page_fragment_and_update(client, login_as):
    user = login_as()
    assert 'id="profile-form"' in page(client.get("/accounts/profile"))
    assert "<html" not in page(client.get("/accounts/profile", htmx=True))
    response = client.post("/accounts/profile", {
        "display_name": "Nour", "phone": "+46 70 123 45 67", "email": user.email,
        "language": "sv", "birth_year": ""})
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.display_name, user.phone, user.language, user.birth_year) == (
        "Nour", "+46701234567", "sv", None)


def test_profile_explains_a_bad_phone_and_a_bad_email_at_once(client, login_as):
    user = login_as()
    response = client.post("/accounts/profile", {
        "display_name": "Nour", "phone": "12", "email": "nour@", "language": "en"})
    assert response.status_code == 422
    assert 'id="phone-error"' in page(response) and 'id="email-error"' in page(response)
    assert 'value="nour@"' in page(response)  # what was typed stays
    db.session.refresh(user)
    assert user.display_name != "Nour"


def test_profile_refuses_someone_elses_email(client, login_as, make_user):
    other = make_user()
    user = login_as()
    response = client.post("/accounts/profile", {
        "display_name": "X", "phone": "", "email": other.email, "language": "en"})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.display_name != "X"


# -- forgotten password ----------------------------------------------------------------------

def test_coordinator_issues_a_code_and_the_participant_resets(app, client, login_as, make_user):
    person = make_user(email="nour@example.org")
    coordinator = login_as(Role.COORDINATOR)
    site_id = coordinator.memberships[0].site_id
    response = client.post(f"/accounts/sites/{site_id}/members/{person.id}/reset-code")
    code = re.search(r'class="code" dir="ltr">([A-Z0-9-]{9})<', page(response)).group(1)
    client.post("/accounts/logout")
    wrong = client.post("/accounts/reset", {"login": person.email, "code": "AAAA-BBBB",
                                            "password": "a fresh password"})
    assert wrong.status_code == 422
    done = client.post("/accounts/reset", {"login": person.email, "code": code,
                                           "password": "a fresh password"})
    assert done.status_code == 303
    assert client.get("/accounts/profile").status_code == 200


def test_reset_page_and_fragment(client):
    assert 'id="reset-form"' in page(client.get("/accounts/reset"))
    assert "<html" not in page(client.get("/accounts/reset", htmx=True))


def test_forgot_page_without_mail_points_to_a_coordinator(client):
    assert "does not send e-mail" in page(client.get("/accounts/forgot"))


def test_reset_link_by_email_through_a_real_smtp_server(client, make_user, smtp_server):
    person = make_user(email="olena@example.org", language="sv")
    response = client.post("/accounts/forgot", {"login": "olena@example.org"})
    assert response.status_code == 303
    assert client.post("/accounts/forgot", {"login": "nobody@example.org"}).status_code == 303
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "olena@example.org"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://bro\.test(/accounts/reset/\S+)", body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link, {"password": "my new password"}).status_code == 303
    assert client.get(link).status_code == 303  # used: the link no longer works
    db.session.refresh(person)
    assert person.session_version == 1


# -- staff pages and permissions -------------------------------------------------------------

STAFF_PAGES = ["/accounts/sites/{site}/members", "/accounts/sites/{site}/invitations",
               "/accounts/sites/{site}/register"]


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("role, status", [(Role.PARTICIPANT, 403), (Role.VOLUNTEER, 403),
                                          (Role.COORDINATOR, 200), (Role.ADMIN, 200)])
def test_staff_pages_by_role(client, login_as, site, url, role, status):
    login_as(role)
    assert client.get(url.format(site=site.id)).status_code == status


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_coordinator_of_another_site_is_refused(client, login_as, make_site, url):
    other = make_site("Other")
    login_as(Role.COORDINATOR)
    assert client.get(url.format(site=other.id)).status_code == 403
    assert client.get(url.format(site=999_999)).status_code == 404


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_as_fragments(client, login_as, site, url):
    login_as(Role.COORDINATOR)
    response = client.get(url.format(site=site.id), htmx=True)
    assert response.status_code == 200 and "<html" not in page(response)


def test_reset_code_for_someone_outside_the_site_is_404(client, login_as, make_site, make_user):
    outsider = make_user(at=make_site("Other"))
    coordinator = login_as(Role.COORDINATOR)
    site_id = coordinator.memberships[0].site_id
    assert client.post(
        f"/accounts/sites/{site_id}/members/{outsider.id}/reset-code").status_code == 404


def test_member_search_filters_as_fragment(client, login_as, site, make_user):
    make_user(name="Amina Yusuf")
    make_user(name="Olena Kovalenko")
    login_as(Role.COORDINATOR)
    response = client.get(f"/accounts/sites/{site.id}/members?q=olena", htmx=True)
    assert "Olena Kovalenko" in page(response) and "Amina Yusuf" not in page(response)
    assert page(response).lstrip().startswith('<div id="member-list"')


def test_assisted_registration_has_no_age_limit_and_gives_a_code(client, login_as, site):
    from datetime import date

    login_as(Role.COORDINATOR)
    response = client.post(f"/accounts/sites/{site.id}/register", {
        "display_name": "Young Person", "phone": "922 33 444", "language": "nb",
        "birth_year": str(date.today().year - 12), "accept_privacy": "y"})
    assert response.status_code == 200
    assert re.search(r'class="code" dir="ltr">[A-Z0-9]{4}-[A-Z0-9]{4}<', page(response))
    assert db.session.scalar(select(User).where(User.display_name == "Young Person"))


def test_invitation_flow_through_views(app, client, login_as, site):
    login_as(Role.COORDINATOR)
    response = client.post(f"/accounts/sites/{site.id}/invitations",
                           {"role": "volunteer", "label": "Lars"}, htmx=True)
    assert response.status_code == 200 and "<html" not in page(response)
    code = re.search(r'class="code" dir="ltr">([A-Z0-9-]{9})<', page(response)).group(1)
    assert "/accounts/join?code=" in page(response)
    refused = client.post(f"/accounts/sites/{site.id}/invitations", {"role": "admin"})
    assert refused.status_code == 422
    client.post("/accounts/logout")
    invited = client.get(f"/accounts/join?code={code}")
    assert "You are invited as Volunteer at <bdi>Tøyen</bdi>" in page(invited)
    form = client.get(f"/accounts/register?invitation={code}")
    assert f'value="{code}"' in page(form)
    data = register_data(site, invitation_code=code, email="lars@example.org", phone="")
    assert client.post("/accounts/register", data).status_code == 303
    user = db.session.scalar(select(User).where(User.email == "lars@example.org"))
    assert user.role_at(site.id) == Role.VOLUNTEER


def test_logged_in_user_accepts_invitation_code(client, login_as, make_user, site):
    from portal.accounts import services

    _inv, code = services.invite(make_user(Role.ADMIN), site, Role.COORDINATOR)
    user = login_as()
    bad = client.post("/accounts/join", {"code": "XXXX-YYYY"}, htmx=True)
    assert bad.status_code == 422
    assert client.post("/accounts/join", {"code": code}).status_code == 303
    db.session.refresh(user)
    assert user.role_at(site.id) == Role.COORDINATOR


def test_revoke_invitation(client, login_as, site, make_site):
    from portal.accounts import services

    coordinator = login_as(Role.COORDINATOR)
    invitation, _code = services.invite(coordinator, site, Role.VOLUNTEER)
    other_site_invitation, _ = services.invite(
        services.create_admin("A", "a@example.org", PASSWORD, make_site("Other")),
        make_site("Third"), Role.VOLUNTEER)
    assert client.post(f"/accounts/sites/{site.id}/invitations/"
                       f"{other_site_invitation.id}/revoke").status_code == 404
    assert client.post(
        f"/accounts/sites/{site.id}/invitations/{invitation.id}/revoke").status_code == 303
    assert services.open_invitations(site) == []


@pytest.mark.parametrize("role, status", [(Role.COORDINATOR, 403), (Role.ADMIN, 200)])
def test_only_admins_manage_sites(client, login_as, site, role, status):
    login_as(role)
    assert client.get("/accounts/sites").status_code == status
    assert client.get("/accounts/sites/new").status_code == status
    assert client.get(f"/accounts/sites/{site.id}/edit").status_code == status


def test_admin_creates_and_edits_a_site(client, login_as, site):
    login_as(Role.ADMIN)
    created = client.post("/accounts/sites/new", {"name": "Gellerup", "country": "DK",
                                                  "timezone": "Europe/Copenhagen",
                                                  "address": "Gudrunsvej 7"})
    assert created.status_code == 303
    duplicate = client.post(f"/accounts/sites/{site.id}/edit", {
        "name": "gellerup", "country": "NO", "timezone": "Europe/Oslo"}, htmx=True)
    assert duplicate.status_code == 422 and 'id="name-error"' in page(duplicate)
    listing = client.get("/accounts/sites", htmx=True)
    assert "Gellerup" in page(listing) and "<html" not in page(listing)


def test_an_admin_sets_the_sender_name_of_sms_from_a_site(client, login_as, site):
    login_as(Role.ADMIN)
    data = {"name": site.name, "country": "NO", "timezone": "Europe/Oslo"}
    for bad in ("9Bro", "Tøyen", "Br", "ToyenBroOslo", "Bro Oslo"):
        response = client.post(f"/accounts/sites/{site.id}/edit", data | {"sms_sender": bad})
        assert response.status_code == 422 and "3 to 11 letters" in page(response), bad
    assert client.post(f"/accounts/sites/{site.id}/edit",
                       data | {"sms_sender": "ToyenBro"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Site, site.id).sms_sender == "ToyenBro"
    assert 'value="ToyenBro"' in page(client.get(f"/accounts/sites/{site.id}/edit"))
    client.post(f"/accounts/sites/{site.id}/edit", data | {"sms_sender": ""})
    db.session.expire_all()
    assert db.session.get(Site, site.id).sms_sender is None  # SMS_SENDER again


def test_a_name_in_a_flash_message_is_isolated_once_and_escaped(client, login_as):
    login_as(Role.ADMIN)
    client.post("/accounts/sites/new", {"name": "Fjell & <b>Fjord</b>", "country": "NO",
                                        "timezone": "Europe/Oslo"})
    html = client.get("/accounts/sites").text
    assert "<bdi>Fjell &amp; &lt;b&gt;Fjord&lt;/b&gt;</bdi> is saved." in html
    assert "&lt;bdi&gt;" not in html


def test_the_reset_link_never_takes_the_requests_host(app, make_user, smtp_server):
    from portal.accounts import services

    make_user(email="olena@example.org")
    with app.test_request_context("/accounts/forgot", method="POST", headers={
            "Host": "evil.example", "X-Forwarded-Host": "evil.example"}):
        services.send_reset_link("olena@example.org")
    body = smtp_server[0].get_payload(decode=True).decode()
    assert "evil.example" not in body
    assert re.search(r"http://bro\.test/accounts/reset/\S+", body)


@pytest.mark.parametrize("url, marker", [
    ("/accounts/join", 'id="join"'),
    ("/accounts/reset", 'id="reset-form"'),
])
def test_public_forms_as_page_and_fragment(client, url, marker):
    full, fragment = client.get(url), client.get(url, htmx=True)
    assert full.status_code == fragment.status_code == 200
    assert "<html" in full.text and marker in full.text
    assert "<html" not in fragment.text and marker in fragment.text


def test_forgot_form_as_page_and_fragment_with_mail(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    assert 'id="forgot-form"' in client.get("/accounts/forgot").text
    fragment = client.get("/accounts/forgot", htmx=True)
    assert "<html" not in fragment.text and 'id="forgot-form"' in fragment.text
    invalid = client.post("/accounts/forgot", {"login": ""}, htmx=True)
    assert invalid.status_code == 422 and 'id="login-error"' in invalid.text


def test_reset_link_form_as_page_fragment_and_422(client, make_user):
    from portal.accounts import services

    link = f"/accounts/reset/{services.reset_token(make_user())}"
    assert 'id="reset-link-form"' in client.get(link).text
    assert "<html" not in client.get(link, htmx=True).text
    short = client.post(link, {"password": "short"}, htmx=True)
    assert short.status_code == 422 and 'id="password-error"' in short.text


def test_site_form_and_code_as_fragments(client, login_as, site, make_user):
    person = make_user()
    login_as(Role.ADMIN)
    assert "<html" not in client.get("/accounts/sites/new", htmx=True).text
    code = client.post(f"/accounts/sites/{site.id}/members/{person.id}/reset-code", htmx=True)
    assert code.status_code == 200 and "<html" not in code.text and 'class="code"' in code.text
    assisted = client.post(f"/accounts/sites/{site.id}/register", {"display_name": ""},
                           htmx=True)
    assert assisted.status_code == 422 and "<html" not in assisted.text
