from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.models import Consent, Invitation, Membership, ResetCode, Role, User
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from tests.conftest import PASSWORD


def registration(site, **overrides):
    data = {"display_name": "Amina Yusuf", "password": PASSWORD, "language": "nb",
            "site_id": site.id, "phone": "912 34 567", "accepted_privacy": True}
    data.update(overrides)
    return services.Registration(**data)


def test_register_stores_e164_phone_membership_and_consent(app, site):
    user = services.register(registration(site, email="Amina@Example.org"))
    assert user.phone == "+4791234567"
    assert user.email == "amina@example.org"
    assert user.role_at(site.id) == Role.PARTICIPANT
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert (consent.purpose, consent.language) == ("privacy_notice", "nb")
    assert consent.notice_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_phone_uses_the_sites_country_as_default_region(make_site):
    swedish = make_site("Rinkeby", "SE", "Europe/Stockholm")
    user = services.register(registration(swedish, phone="070-123 45 67"))
    assert user.phone == "+46701234567"


@pytest.mark.parametrize("overrides, field", [
    ({"phone": "", "email": ""}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"phone": "", "email": "not-an-address"}, "email"),
    ({"accepted_privacy": False}, "accept_privacy"),
    ({"password": "short"}, "password"),
])
def test_register_rejects_bad_input_with_a_field(site, overrides, field):
    with pytest.raises(DomainError) as caught:
        services.register(registration(site, **overrides))
    assert caught.value.field == field
    assert db.session.scalar(select(User)) is None


def test_register_refuses_a_taken_phone_or_email(site):
    services.register(registration(site, email="a@example.org"))
    with pytest.raises(DomainError, match="already registered") as caught:
        services.register(registration(site, phone="+47 912 34 567"))
    assert caught.value.field == "login"
    with pytest.raises(DomainError, match="already registered"):
        services.register(registration(site, phone="", email="A@EXAMPLE.ORG"))


def test_too_young_is_refused_for_self_registration_but_staff_can_register(site, make_user):
    young = date.today().year - 13
    with pytest.raises(DomainError, match="too young") as caught:
        services.register(registration(site, birth_year=young))
    assert caught.value.field == "birth_year"
    coordinator = make_user(Role.COORDINATOR)
    user = services.register(registration(site, birth_year=young), registered_by=coordinator)
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.given_by_id == coordinator.id


def test_minimum_age_counts_the_year_the_person_turns_15(app):
    assert services.too_young(2011, today=date(2026, 1, 1)) is False
    assert services.too_young(2012, today=date(2026, 12, 31)) is True
    assert services.too_young(None) is False


def test_authenticate_by_email_or_phone_in_any_common_format(site):
    services.register(registration(site, email="amina@example.org"))
    for login in ("amina@example.org", "AMINA@example.org", "91234567", "+47 912 34 567",
                  "0047 91234567"):
        assert services.authenticate(login, PASSWORD) is not None, login
    assert services.authenticate("amina@example.org", "wrong password") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert services.authenticate("", PASSWORD) is None


def test_change_password_checks_the_current_one_and_ends_other_sessions(make_user):
    user = make_user()
    with pytest.raises(DomainError, match="not your current password") as caught:
        services.change_password(user, "wrong", "a new long password")
    assert caught.value.field == "current_password"
    version = user.session_version
    services.change_password(user, PASSWORD, "a new long password")
    assert user.session_version == version + 1
    assert services.authenticate(user.email, "a new long password") is not None


def test_reset_code_is_single_use_hashed_and_replaced_by_a_newer_one(site, make_user):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user()
    first = services.issue_reset_code(coordinator, person)
    second = services.issue_reset_code(coordinator, person)
    stored = db.session.scalars(select(ResetCode.code_hash)).all()
    assert all(first.replace("-", "") not in h and second not in h for h in stored)
    with pytest.raises(DomainError, match="code is wrong, used or expired"):
        services.reset_with_code(person.email, first, "brand new password")
    services.reset_with_code(person.email, second.lower().replace("-", " "), "brand new password")
    assert services.authenticate(person.email, "brand new password") is not None
    with pytest.raises(DomainError, match="code is wrong, used or expired"):
        services.reset_with_code(person.email, second, "another new password")


def test_reset_code_expires_after_24_hours(make_user):
    coordinator, person = make_user(Role.COORDINATOR), make_user()
    code = services.issue_reset_code(coordinator, person)
    reset = db.session.scalar(select(ResetCode))
    assert reset.expires_at - reset.created_at == timedelta(hours=24)
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(DomainError, match="code is wrong, used or expired"):
        services.reset_with_code(person.email, code, "brand new password")


def test_reset_code_only_works_for_the_person_it_was_issued_to(make_user):
    coordinator, person, other = make_user(Role.COORDINATOR), make_user(), make_user()
    code = services.issue_reset_code(coordinator, person)
    with pytest.raises(DomainError, match="code is wrong, used or expired"):
        services.reset_with_code(other.email, code, "brand new password")


def test_only_coordinators_of_the_persons_site_issue_codes(make_site, make_user):
    elsewhere = make_site("Elsewhere")
    person = make_user()
    for staff in (make_user(Role.VOLUNTEER), make_user(Role.PARTICIPANT),
                  make_user(Role.COORDINATOR, at=elsewhere)):
        with pytest.raises(DomainError, match="cannot give a code"):
            services.issue_reset_code(staff, person)
    admin_elsewhere = make_user(Role.ADMIN, at=elsewhere)
    assert services.issue_reset_code(admin_elsewhere, person)


def test_reset_token_works_once_and_expires(app, make_user, monkeypatch):
    person = make_user()
    token = services.reset_token(person)
    assert services.user_for_reset_token(token) == person
    services.reset_with_token(token, "brand new password")
    with pytest.raises(DomainError, match="link is old or has been used"):
        services.reset_with_token(token, "yet another password")
    fresh = services.reset_token(person)
    monkeypatch.setitem(app.config, "RESET_LINK_HOURS", -1)
    assert services.user_for_reset_token(fresh) is None
    assert services.user_for_reset_token("garbage") is None


def test_invitations_only_to_roles_below_ones_own(site, make_user):
    coordinator, volunteer = make_user(Role.COORDINATOR), make_user(Role.VOLUNTEER)
    admin = make_user(Role.ADMIN)
    assert services.invite(coordinator, site, Role.VOLUNTEER)
    assert services.invite(admin, site, Role.COORDINATOR)
    refused = [(coordinator, Role.COORDINATOR), (coordinator, Role.ADMIN),
               (volunteer, Role.VOLUNTEER),
               (admin, Role.ADMIN)]  # new administrators only by `flask create-admin`
    for staff, role in refused:
        with force_locale("en"), pytest.raises(DomainError,
                                                match="cannot invite people to this role"):
            services.invite(staff, site, role)


def test_accepting_an_invitation_raises_the_role_once(site, make_user):
    coordinator, person = make_user(Role.COORDINATOR), make_user()
    invitation, code = services.invite(coordinator, site, Role.VOLUNTEER, "Lars")
    assert code not in invitation.code_hash
    services.accept_invitation(person, code)
    assert person.role_at(site.id) == Role.VOLUNTEER
    with pytest.raises(DomainError, match="invitation code is wrong, used or expired"):
        services.accept_invitation(make_user(), code)


def test_an_invitation_never_lowers_a_role(site, make_user):
    admin, coordinator = make_user(Role.ADMIN), make_user(Role.COORDINATOR)
    _invitation, code = services.invite(admin, site, Role.VOLUNTEER)
    services.accept_invitation(coordinator, code)
    assert coordinator.role_at(site.id) == Role.COORDINATOR


def test_invitation_adds_a_site_and_can_be_revoked(make_site, make_user):
    other = make_site("Other place")
    admin, person = make_user(Role.ADMIN), make_user()
    _invitation, code = services.invite(admin, other, Role.COORDINATOR)
    services.accept_invitation(person, code)
    assert person.role_at(other.id) == Role.COORDINATOR
    invitation, code = services.invite(admin, other, Role.VOLUNTEER)
    assert services.open_invitations(other) == [invitation]
    services.revoke_invitation(admin, invitation)
    assert services.open_invitations(other) == []
    with pytest.raises(DomainError, match="invitation code is wrong, used or expired"):
        services.accept_invitation(make_user(), code)


def test_registering_with_an_invitation_gives_the_role(site, make_user):
    coordinator = make_user(Role.COORDINATOR)
    _invitation, code = services.invite(coordinator, site, Role.VOLUNTEER)
    user = services.register(registration(site, invitation_code=code))
    assert user.role_at(site.id) == Role.VOLUNTEER
    assert db.session.scalar(select(Invitation.used_by_id)) == user.id


def test_site_names_are_unique_regardless_of_case(site):
    with pytest.raises(DomainError, match="already exists") as caught:
        services.save_site(None, "TØYEN", "NO", "Europe/Oslo", "")
    assert caught.value.field == "name"
    with pytest.raises(DomainError, match="Choose Norway, Sweden or Denmark"):
        services.save_site(None, "New", "FI", "Europe/Helsinki", "")
    renamed = services.save_site(site, "Tøyen", "NO", "Europe/Oslo", "Hagegata 30")
    assert renamed.address == "Hagegata 30"


def test_create_admin_makes_or_promotes(site, make_user):
    admin = services.create_admin("Root", "root@example.org", PASSWORD, site)
    assert admin.is_admin
    person = make_user()
    services.create_admin("ignored", person.email, "ignored", site)
    assert person.is_admin


def test_members_search_and_counts(site, make_user):
    make_user(name="Amina Yusuf")
    make_user(name="فاطمة حسن")
    make_user(Role.VOLUNTEER, name="Lars")
    assert [m.display_name for m in services.members(site, "amina")] == ["Amina Yusuf"]
    assert [m.display_name for m in services.members(site, "فاطمة")] == ["فاطمة حسن"]
    assert services.count_members(site) == {"participant": 2, "volunteer": 1}


def test_members_come_once_each_with_every_membership_by_name_and_up_to_the_limit(
        site, make_site, make_user):
    """One row per membership from the statement: each person once, by name (the same name:
    by id), with their memberships anywhere in the order of their ids."""
    elsewhere = make_site()
    both = make_user(name="Bea")
    both.memberships.append(Membership(site=elsewhere, role=Role.VOLUNTEER))
    db.session.commit()
    twins = [make_user(name="cato"), make_user(name="Cato")]
    make_user(name="Dag")
    make_user(name="Ada", at=elsewhere)  # not at the place
    shown = services.members(site, limit=3)
    assert [(m.user_id, m.display_name) for m in shown] == [
        (both.id, "Bea"), (twins[0].id, "cato"), (twins[1].id, "Cato")]
    assert [(m.site_id, m.role) for m in shown[0].memberships] == [
        (site.id, Role.PARTICIPANT), (elsewhere.id, Role.VOLUNTEER)]
    assert [len(m.memberships) for m in shown[1:]] == [1, 1]
    assert [m.display_name for m in services.members(site, "cato", limit=1)] == ["cato"]


def test_phone_numbers_are_digits_and_separators_only(app):
    """phonenumbers reads letters as keypad digits ("AND" → 263); Bro does not."""
    import pytest

    from portal.accounts.services import normalise_phone
    from portal.errors import DomainError

    assert normalise_phone("(+47) 912-34 567", "NO") == "+4791234567"
    for raw in ("912 AND 34567", "1-800-FLOWERS", "91234567 OR 1=1"):
        with pytest.raises(DomainError, match="does not look like a phone number"):
            normalise_phone(raw, "NO")


def test_return_paths_never_carry_control_characters():
    from portal.forms import safe_next

    assert safe_next("/goals?x=1", "/") == "/goals?x=1"
    for bad in ("/\r\nSet-Cookie: a=1", "/a\nb", "//evil.example", "https://evil.example",
                "/\\evil", "/a\x7f"):
        assert safe_next(bad, "/") == "/"


def test_a_person_sees_dates_in_their_meeting_places_time_zone(make_site, make_user):
    from portal.accounts.models import DEFAULT_TIMEZONE

    rinkeby = make_site("Rinkeby", "SE", "Europe/Stockholm")
    assert make_user(at=rinkeby).timezone == "Europe/Stockholm"
    assert User(display_name="No place yet").timezone == DEFAULT_TIMEZONE


def test_a_password_hashed_with_other_settings_is_hashed_again_at_login(app, make_user):
    from argon2 import PasswordHasher

    person = make_user()
    person.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=2).hash(
        PASSWORD)
    assert services.password_matches(person, PASSWORD)
    settings = app.config["ARGON2_PARAMETERS"]
    assert "m=16,t=1,p=2" not in person.password_hash
    assert (f"m={settings['memory_cost']},t={settings['time_cost']},"
            f"p={settings['parallelism']}") in person.password_hash

