"""Nobody acts above their rank: the rule of accounts/policy.py, as a table and through every
route that acts on another person or on an invitation.

The routes are found in the URL map by their arguments (a person's or an invitation's id): a new
such route fails test_every_route_on_a_person_or_an_invitation_is_checked until it is added
here. Each route is tried by every kind of actor against every kind of target, and what
happened is read from the database (a code made, an account erased, an invitation stopped), not
from the status code alone. The expected outcome comes from RULE below, written from the issue
that found the hole, not from the policy module under test."""

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from portal.accounts import policy
from portal.accounts.models import Invitation, Membership, ResetCode, Role, Site, User
from portal.audit.models import AuditEvent
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import DeliveryStatus, Notification
from tests.conftest import Client

# -- the rule, stated once for these tests ------------------------------------------------------

RANK = {"participant": 0, "volunteer": 1, "coordinator": 2, "admin": 3}
PLACES = ("A", "B", "C")


def authority(actor: dict, place: str) -> int:
    """An administrator manages every place, a coordinator their own; nobody else any."""
    if "admin" in actor.values():
        return RANK["admin"]
    return RANK["coordinator"] if actor.get(place) == "coordinator" else -1


def may_act(actor: dict, target: dict) -> bool:
    """Strictly lower rank (the target's highest anywhere), at a place the actor manages; and
    the actor manages every place where the target is staff (their password holds all roles)."""
    rank = max(RANK[role] for role in target.values())
    staff_places = [place for place, role in target.items() if role != "participant"]
    return (max(authority(actor, place) for place in target) > rank
            and all(authority(actor, place) > rank for place in staff_places))


def may_invite(actor: dict, place: str, role: str) -> bool:
    return RANK[role] < authority(actor, place)


def may_stop(actor: dict, place: str, role: str) -> bool:
    return may_invite(actor, place, role) or (role == "admin" and "admin" in actor.values())


# Who acts (their roles by place), and on whom. Place A is where it happens; the coordinator of
# place B is a stranger there; C is somewhere else. "self" is the actor themself.
ACTORS = {
    "anonymous": None,
    "participant": {"A": "participant"},
    "volunteer": {"A": "volunteer"},
    "coordinator": {"A": "coordinator"},
    "admin": {"A": "admin"},
    "coordinator of B": {"B": "coordinator"},
}
TARGETS = {
    "participant": {"A": "participant"},
    "volunteer": {"A": "volunteer"},
    "coordinator": {"A": "coordinator"},
    "admin": {"A": "admin"},
    "participant here, volunteer at C": {"A": "participant", "C": "volunteer"},
    "participant here, admin at C": {"A": "participant", "C": "admin"},
    "participant at B": {"B": "participant"},
}


def test_the_rule_as_the_issue_states_it():
    coordinator, admin = ACTORS["coordinator"], ACTORS["admin"]
    assert may_act(coordinator, TARGETS["participant"])
    assert may_act(coordinator, TARGETS["volunteer"])
    assert not may_act(coordinator, TARGETS["coordinator"])
    assert not may_act(coordinator, TARGETS["participant here, volunteer at C"])
    assert not may_act(ACTORS["coordinator of B"], {"A": "volunteer", "B": "participant"})
    assert may_act(admin, TARGETS["coordinator"])
    assert not may_act(admin, TARGETS["admin"])
    assert not may_act(ACTORS["coordinator of B"], TARGETS["participant"])
    assert may_act(ACTORS["coordinator of B"], TARGETS["participant at B"])


# -- the policy module, case by case (no database) -----------------------------------------------

SITE_IDS = {"A": 1, "B": 2, "C": 3}


def person(ident: int, places: dict | None = None, erased=False) -> User:
    user = User(id=ident, display_name=f"P{ident}", erased_at=utcnow() if erased else None)
    for place, role in (places or {}).items():
        user.memberships.append(Membership(site_id=SITE_IDS[place], role=role))
    return user


def site(place: str) -> Site:
    return Site(id=SITE_IDS[place], name=place, country="NO", timezone="Europe/Oslo")


C_A, C_B = {"A": "coordinator"}, {"B": "coordinator"}
ADMIN = {"A": "admin"}

ACT_ON = [  # actor, target, may act on them (one-time code), may erase them on request
    (C_A, {"A": "participant"}, True, True),
    (C_A, {"A": "volunteer"}, True, False),  # staff accounts are erased by their owners
    (C_A, {"A": "coordinator"}, False, False),
    (C_A, {"A": "admin"}, False, False),
    (C_A, {"B": "participant"}, False, False),  # not their place
    (C_A, {"A": "participant", "B": "volunteer"}, False, False),  # staff at B: not theirs
    (C_A, {"A": "volunteer", "B": "volunteer"}, False, False),
    ({"A": "coordinator", "B": "coordinator"}, {"A": "volunteer", "B": "volunteer"}, True,
     False),
    ({"A": "coordinator", "B": "coordinator"}, {"A": "participant", "B": "coordinator"}, False,
     False),
    (C_A, {"A": "participant", "B": "coordinator"}, False, False),
    (C_A, {"A": "participant", "B": "admin"}, False, False),
    (C_A, {"A": "participant", "B": "participant"}, True, True),
    ({"A": "coordinator", "B": "participant"}, {"B": "participant"}, False, False),
    ({"A": "coordinator", "B": "coordinator"}, {"B": "participant"}, True, True),
    (C_B, {"A": "participant"}, False, False),
    ({"A": "volunteer"}, {"A": "participant"}, False, False),
    ({"A": "participant"}, {"A": "participant"}, False, False),
    (ADMIN, {"C": "participant"}, True, True),  # administrators manage every place
    (ADMIN, {"B": "volunteer"}, True, False),  # staff accounts are erased by their owners
    (ADMIN, {"B": "coordinator"}, True, False),
    (ADMIN, {"A": "admin"}, False, False),  # nobody but the person acts on an admin's account
    (ADMIN, {"B": "admin"}, False, False),
    (ADMIN, {"A": "participant", "C": "admin"}, False, False),
    ({"A": "admin", "B": "participant"}, {"B": "coordinator"}, True, False),
]


@pytest.mark.parametrize("actor, target, acts, erases", ACT_ON)
def test_policy_may_act_on_and_erase(actor, target, acts, erases):
    assert policy.may_act_on(person(1, actor), person(2, target)) is acts
    assert policy.may_erase(person(1, actor), person(2, target)) is erases


@pytest.mark.parametrize("actor, target, acts, erases", ACT_ON)
def test_policy_for_a_list_is_the_same_rule(actor, target, acts, erases):
    """A list gives plain rows and the actor's authority once (authority_of)."""
    actor, target = person(1, actor), person(2, target)
    authority = policy.authority_of(actor)
    for _ in range(2):  # the second time from what authority_of kept
        assert policy.may_act_on_member(actor, 2, None, target.memberships, authority) is acts
        assert policy.may_erase_member(actor, 2, None, target.memberships, authority) is erases


def test_policy_for_a_list_judges_each_set_of_memberships_once_with_the_same_rule():
    """ListRule keeps its answer by places and roles: every target of ACT_ON, in one list
    twice over (two people each), the actor among them and an erased account; memberships
    given as objects or as plain `Place`s (the lists' rows)."""
    for actor_places in {tuple(actor.items()) for actor, *_ in ACT_ON}:
        actor = person(1, dict(actor_places))
        rule = policy.ListRule(actor)
        for ident, (_actor, target, _acts, _erases) in enumerate(ACT_ON * 2, start=2):
            target = person(ident, target)
            assert rule.may_act_on(ident, None, target.memberships) is policy.may_act_on(
                actor, target)
            assert rule.may_erase(ident, None, target.memberships) is policy.may_erase(
                actor, target)
            assert rule.actions(ident, None, target.memberships) == (
                policy.may_act_on(actor, target), policy.may_erase(actor, target))
            places = [policy.Place(m.site_id, m.role) for m in target.memberships]
            assert rule.actions(ident, None, places) == (
                policy.may_act_on(actor, target), policy.may_erase(actor, target))
        assert not rule.may_act_on(1, None, actor.memberships)
        assert not rule.may_erase(1, None, actor.memberships)
        erased = person(99, {"A": "participant"}, erased=True)
        assert not rule.may_act_on(99, erased.erased_at, erased.memberships)
        assert not rule.may_erase(99, erased.erased_at, erased.memberships)
        assert rule.actions(99, erased.erased_at, erased.memberships) == (False, False)


@pytest.mark.parametrize("places", [C_A, ADMIN, {"A": "volunteer"}])
def test_policy_never_on_oneself_nor_on_an_erased_account(places):
    actor = person(1, places)
    assert not policy.may_act_on(actor, actor)
    assert not policy.may_erase(actor, actor)  # staff routes; one's own: privacy.can_erase
    assert not policy.may_act_on(actor, person(2, {"A": "participant"}, erased=True))


@pytest.mark.parametrize("places, at, roles", [
    (C_A, "A", [Role.VOLUNTEER]),
    (C_A, "B", []),
    ({"A": "coordinator", "B": "volunteer"}, "B", []),
    ({"A": "volunteer"}, "A", []),
    ({"A": "participant"}, "A", []),
    (ADMIN, "A", [Role.VOLUNTEER, Role.COORDINATOR]),  # never ADMIN: flask create-admin
    (ADMIN, "C", [Role.VOLUNTEER, Role.COORDINATOR]),
])
def test_policy_grants_only_roles_below_ones_own(places, at, roles):
    actor = person(1, places)
    assert policy.grantable_roles(actor, site(at)) == roles
    for role in (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN):
        assert policy.may_grant(actor, site(at), role) is (role in roles)
    assert policy.manages(actor, SITE_IDS[at]) is bool(roles)
    assert policy.may_register_at(actor, site(at)) is bool(roles)


@pytest.mark.parametrize("places, at, role, stops", [
    (C_A, "A", Role.VOLUNTEER, True),
    (C_A, "A", Role.COORDINATOR, False),
    (C_A, "A", Role.ADMIN, False),
    (C_A, "B", Role.VOLUNTEER, False),
    ({"A": "volunteer"}, "A", Role.VOLUNTEER, False),
    (ADMIN, "B", Role.VOLUNTEER, True),
    (ADMIN, "B", Role.COORDINATOR, True),
    (ADMIN, "B", Role.ADMIN, True),  # stopping one only takes power away
])
def test_policy_stops_invitations_one_could_have_made(places, at, role, stops):
    invitation = Invitation(site=site(at), site_id=SITE_IDS[at], role=role)
    assert policy.may_revoke(person(1, places), invitation) is stops


def test_rank_is_the_highest_role_anywhere():
    assert policy.rank(person(1, {"A": "participant", "B": "volunteer"})) == 1
    assert policy.rank(person(1, {"A": "admin", "B": "participant"})) == 3
    assert policy.rank(person(1)) == 0


# -- every route on a person or an invitation, judged by what it did ----------------------------

PERSON_ARGUMENT = re.compile(
    r"(user|person|participant|member|staff|volunteer|coordinator|admin|host|owner|account"
    r"|invitation|invitee)_id")


def _reset_codes(target: User) -> bool:
    return db.session.scalar(select(func.count()).select_from(ResetCode).where(
        ResetCode.user_id == target.id)) > 0


def _erased(target: User) -> bool:
    return db.session.get(User, target.id).erased_at is not None


def may_erase(actor: dict, target: dict) -> bool:
    """Staff erase participants only (on request); staff accounts are deleted by their owners."""
    return may_act(actor, target) and set(target.values()) == {"participant"}


# endpoint: (did it happen?, should it have: the rule for the actor's and target's roles)
PERSON_ROUTES = {
    "staff.issue_code": (lambda response, target: _reset_codes(target), may_act),
    "privacy.erase": (lambda response, target: _erased(target), may_erase),
    # A page, not a change: it "succeeds" when it offers the erase form.
    "privacy.erase_request": (lambda response, target: response.status_code == 200
                              and f"/privacy/erase/{target.id}" in response.text, may_erase),
    # Someone's competences are read only while they share them: never by rank (no share here).
    "competences.shared_profile": (lambda response, target: response.status_code == 200,
                                   lambda actor, target: False),
}


def may_follow(actor: dict, target: dict) -> bool:
    """The road to work: staff follow participants of a place they manage, within the rule."""
    return may_act(actor, target) and any(
        role == "participant" and authority(actor, place) >= RANK["coordinator"]
        for place, role in target.items())


def _viewed(response, target: User) -> bool:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "employment.view", AuditEvent.subject_id == target.id)) > 0


def _past_the_gate(response, target: User) -> bool:
    """Sent empty, a form comes back with what is missing (422); a statement without the
    person's consent is refused with an explanation (403). Anyone else gets "not found"."""
    return response.status_code in (200, 403, 422)


PERSON_ROUTES |= {
    "employment.person": (_viewed, may_follow),
    "employment.new_placement": (lambda response, target: response.status_code == 200 and
                                 f"/employment/people/{target.id}/placements/new"
                                 in response.text, may_follow),
    "employment.create_placement": (_past_the_gate, may_follow),
    "employment.record_outcome": (_past_the_gate, may_follow),
    "employment.add_interview": (_past_the_gate, may_follow),
    "employment.statement": (_past_the_gate, may_follow),
    "employment.statement_pdf": (_past_the_gate, may_follow),
    "employment.statement_csv": (_past_the_gate, may_follow),
}


def _certificates_viewed(response, target: User) -> bool:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "certificates.view", AuditEvent.subject_id == target.id)) > 0


def _certificate_made(response, target: User) -> bool:
    from portal.certificates.models import CourseCertificate

    return db.session.scalar(select(func.count()).select_from(CourseCertificate).where(
        CourseCertificate.holder_id == target.id)) > 0


# Certificates on a participant's behalf: the target completed work practice at their first
# place (what _certificate_arguments gives the address); made or downloaded by staff who follow
# them, for what was earned at a place the actor manages.
PERSON_ROUTES |= {
    "certificates.person": (_certificates_viewed, may_follow),
    "certificates.issue_for": (_certificate_made, may_follow),
    "certificates.download_for": (lambda response, target: response.status_code == 200
                                  and response.mimetype == "application/pdf", may_follow),
}
# Routes a participant also uses on themself (their own job-centre statement).
OWN_TOO = {"employment.statement", "employment.statement_pdf", "employment.statement_csv"}
INVITATION_ROUTES = {"staff.revoke"}
# A co-leader is taken away with the person in the address; one is made naming them in the form
# (both tried below, by every actor on every target).
CO_LEADER_ROUTES = {"activities.remove_co_leader"}


def test_every_route_on_a_person_or_an_invitation_is_checked(app):
    found = {rule.endpoint for rule in app.url_map.iter_rules()
             if any(PERSON_ARGUMENT.fullmatch(arg) for arg in rule.arguments)}
    assert found == set(PERSON_ROUTES) | INVITATION_ROUTES | CO_LEADER_ROUTES


@pytest.fixture
def places(make_site):
    return {place: make_site(f"Place {place}") for place in PLACES}


@pytest.fixture
def make_person(make_user, places):
    def make(roles: dict) -> User:
        (first, role), *more = roles.items()
        user = make_user(Role(role), at=places[first])
        for place, other in more:
            user.memberships.append(Membership(site=places[place], role=Role(other)))
        db.session.commit()
        return user

    return make


def _client(app, actor: User | None) -> Client:
    client = Client(app.test_client())
    if actor is not None:
        client.login(actor.email)
    return client


def _certificate_arguments(endpoint: str, target: User) -> dict:
    """A completed work practice of the target's at their first place, and for the download
    their certificate for it (made directly, as the person would have)."""
    from datetime import date

    from portal.certificates.models import CertificateKind, CourseCertificate
    from portal.employment.models import Partner, Placement

    site_id = target.memberships[0].site_id
    partner = Partner(site_id=site_id, name="Partner", kind="employer")
    db.session.add(partner)
    db.session.flush()
    placement = Placement(site_id=site_id, participant_id=target.id, partner_id=partner.id,
                          role="Role", starts_on=date(2026, 3, 2), ends_on=date(2026, 5, 29),
                          weekdays="0", hours_per_week=10, status="completed")
    db.session.add(placement)
    db.session.flush()
    values = {"what": "work-practice", "source_id": placement.id}
    if endpoint == "certificates.download_for":
        certificate = CourseCertificate(
            code=f"{target.id:010d}", holder_id=target.id, kind=CertificateKind.WORK_PRACTICE,
            placement_id=placement.id, holder_name=target.display_name, title="Role",
            organisation="Partner", country="NO", first_day=placement.starts_on,
            last_day=placement.ends_on, hours=10, hour_minutes=60)
        db.session.add(certificate)
        db.session.flush()
        values["certificate_id"] = certificate.id
    db.session.commit()
    return values


def _urls(app, rule, places: dict, target_id: int, extra: dict | None = None) -> list[str]:
    """The route's address for the target, naming each place in turn when it takes one (the
    rule is the same whichever place the address names); `extra`: its other arguments."""
    values = {arg: target_id for arg in rule.arguments if PERSON_ARGUMENT.fullmatch(arg)}
    values |= {arg: value for arg, value in (extra or {}).items() if arg in rule.arguments}
    unknown = set(rule.arguments) - set(values) - {"site_id"}
    assert not unknown, f"{rule.endpoint}: teach this test about {unknown}"
    site_ids = [site.id for site in places.values()] if "site_id" in rule.arguments else [None]
    with app.test_request_context():
        return [url_for(rule.endpoint, **values, **({"site_id": i} if i else {}))
                for i in site_ids]


def _send(client: Client, rule, url: str):
    return client.get(url) if "GET" in rule.methods else client.post(url, {})


def _rules(app, endpoints) -> list:
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint in endpoints),
                  key=lambda rule: rule.endpoint)


@pytest.mark.parametrize("endpoint", sorted(PERSON_ROUTES))
@pytest.mark.parametrize("actor_name", ACTORS)
def test_routes_on_a_person_grant_nothing_above_the_rule(app, places, make_person, endpoint,
                                                         actor_name):
    happened, allowed = PERSON_ROUTES[endpoint]
    actor_roles = ACTORS[actor_name]
    actor = make_person(actor_roles) if actor_roles else None
    client = _client(app, actor)
    targets = {name: (roles, make_person(roles)) for name, roles in TARGETS.items()}
    if actor is not None:
        targets["self"] = (actor_roles, actor)
    wrong = []
    for rule in _rules(app, {endpoint}):
        for name, (roles, target) in targets.items():
            extra = (_certificate_arguments(endpoint, target)
                     if endpoint in ("certificates.issue_for", "certificates.download_for")
                     else None)
            for url in _urls(app, rule, places, target.id, extra):
                response = _send(client, rule, url)
                assert response.status_code < 500, (name, url, response.status_code)
            if name == "self":
                expected = endpoint in OWN_TOO and set(roles.values()) == {"participant"}
            else:
                expected = actor is not None and allowed(actor_roles, roles)
            if happened(response, target) != expected:
                wrong.append(f"{name}: {'done' if not expected else 'not done'}")
    assert not wrong, f"{actor_name} on {endpoint}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_invitations_are_stopped_only_by_who_could_have_made_them(app, places, make_person,
                                                                  actor_name):
    actor_roles = ACTORS[actor_name]
    client = _client(app, make_person(actor_roles) if actor_roles else None)
    wrong = []
    for rule in _rules(app, INVITATION_ROUTES):
        for place in ("A", "B"):
            for role in ("volunteer", "coordinator", "admin"):
                invitation = Invitation(site=places[place], role=role, code_hash=f"{place}{role}",
                                        expires_at=utcnow() + timedelta(days=7))
                db.session.add(invitation)
                db.session.commit()
                for url in _urls(app, rule, places, invitation.id):
                    assert _send(client, rule, url).status_code < 500, url
                stopped = db.session.get(Invitation, invitation.id).expires_at <= utcnow()
                expected = actor_roles is not None and may_stop(actor_roles, place, role)
                if stopped != expected:
                    wrong.append(f"{role} invitation at {place}: stopped={stopped}")
    assert not wrong, f"{actor_name}:\n  " + "\n  ".join(wrong)


# -- peer co-leaders: chosen at a place one manages, among its participants ----------------------

def may_appoint(actor: dict, target: dict) -> bool:
    """The activity is at place A: its coordinator (or an administrator) makes a co-leader of a
    participant of A who is staff nowhere (staff lead instead)."""
    return (authority(actor, "A") >= RANK["coordinator"] and "A" in target
            and set(target.values()) == {"participant"})


@pytest.mark.parametrize("actor_name", ACTORS)
def test_co_leaders_are_chosen_only_by_who_manages_the_place_among_its_participants(
        app, places, make_person, actor_name):
    from portal.activities import services as activities
    from portal.activities.models import Activity, Kind, activity_co_leader

    def co_leads(person: User) -> bool:
        return db.session.scalar(select(func.count()).select_from(activity_co_leader).where(
            activity_co_leader.c.activity_id == cafe.id,
            activity_co_leader.c.user_id == person.id)) > 0

    actor_roles = ACTORS[actor_name]
    actor = make_person(actor_roles) if actor_roles else None
    cafe = activities.create_activity(make_person({"A": "volunteer"}), places["A"],
                                      activities.ActivityData(kind=Kind.LANGUAGE_CAFE,
                                                              title="Café"))
    db.session.commit()
    client = _client(app, actor)
    targets = {name: (roles, make_person(roles)) for name, roles in TARGETS.items()}
    if actor is not None:
        targets["self"] = (actor_roles, actor)
    wrong = []
    for name, (roles, target) in targets.items():
        response = client.post(f"/activities/{cafe.id}/co-leaders", {"user_id": str(target.id)})
        assert response.status_code < 500, (name, response.status_code)
        expected = actor is not None and name != "self" and may_appoint(actor_roles, roles)
        if co_leads(target) != expected:
            wrong.append(f"made {name}: {'done' if not expected else 'not done'}")
        # Taking it away only takes power away: whoever manages the place may, from anyone.
        if not co_leads(target):
            db.session.get(Activity, cafe.id).co_leaders.append(target)
            db.session.commit()
        response = client.post(f"/activities/{cafe.id}/co-leaders/{target.id}/remove")
        assert response.status_code < 500, (name, response.status_code)
        expected = actor is not None and authority(actor_roles, "A") >= RANK["coordinator"]
        if co_leads(target) == expected:
            wrong.append(f"removed {name}: {'done' if not expected else 'not done'}")
    assert not wrong, f"{actor_name}:\n  " + "\n  ".join(wrong)


# -- acting on people without an id in the address: invitations and registration ---------------

@pytest.mark.parametrize("actor_name", ACTORS)
def test_invitations_are_made_only_below_ones_rank(app, places, make_person, actor_name):
    actor_roles = ACTORS[actor_name]
    client = _client(app, make_person(actor_roles) if actor_roles else None)
    wrong = []
    for place in PLACES:
        for role in ("volunteer", "coordinator", "admin"):
            client.post(f"/accounts/sites/{places[place].id}/invitations", {"role": role})
            made = db.session.scalar(select(func.count()).select_from(Invitation).where(
                Invitation.site_id == places[place].id, Invitation.role == role))
            expected = actor_roles is not None and may_invite(actor_roles, place, role)
            if bool(made) != expected:
                wrong.append(f"{role} at {place}: made={made}")
    assert not wrong, f"{actor_name}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_assisted_registration_only_at_a_place_one_manages(app, places, make_person,
                                                           actor_name):
    actor_roles = ACTORS[actor_name]
    client = _client(app, make_person(actor_roles) if actor_roles else None)
    wrong = []
    for number, place in enumerate(PLACES):
        client.post(f"/accounts/sites/{places[place].id}/register", {
            "display_name": f"New {place}", "phone": f"92233{number:03d}", "language": "nb",
            "birth_year": "2014", "accept_privacy": "y"})
        made = db.session.scalar(select(User).where(User.display_name == f"New {place}"))
        expected = actor_roles is not None and authority(actor_roles, place) > RANK["volunteer"]
        if (made is not None) != expected:
            wrong.append(f"at {place}: registered={made is not None}")
        elif made is not None:
            assert made.role_at(places[place].id) == Role.PARTICIPANT
            assert _reset_codes(made)  # the first password is a one-time code
    assert not wrong, f"{actor_name}:\n  " + "\n  ".join(wrong)


# -- issuing a code: logged, and the person is told in their language ---------------------------

def test_a_code_is_logged_and_the_person_told_in_their_language(app, client, login_as,
                                                               make_user, smtp_server):
    person = make_user(email="olena@example.org", language="sv")
    coordinator = login_as(Role.COORDINATOR)
    site_id = coordinator.memberships[0].site_id
    response = client.post(f"/accounts/sites/{site_id}/members/{person.id}/reset-code")
    code = re.search(r'class="code" dir="ltr">([A-Z0-9-]{9})<', response.text).group(1)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.reset_code")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        coordinator.id, "user", person.id)
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == person.id)).one()
    assert told.kind == "reset_code_issued" and code not in str(told.params)
    assert smtp_server == []  # the request never waits for the mail server: the worker sends
    worker.run_once()
    assert [d.status for d in told.deliveries] == [DeliveryStatus.SENT]
    [mail] = smtp_server
    body = mail.get_payload(decode=True).decode()
    assert mail["To"] == "olena@example.org"
    assert "En samordnare har skapat en engångskod" in body and code not in body
    assert code.replace("-", "") not in body.replace("-", "")
    client.post("/accounts/logout")
    client.login(person.email)
    assert "En samordnare har skapat en engångskod" in client.get("/notify").text


def test_a_person_without_e_mail_is_told_in_the_app(client, login_as, make_user, smtp_server):
    person = make_user(email="", phone="+4792233444", language="ar")
    person.email = None
    db.session.commit()
    admin = login_as(Role.ADMIN)
    client.post(f"/accounts/sites/{admin.memberships[0].site_id}/members/{person.id}/reset-code")
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == person.id)).one()
    assert told.deliveries == [] and told.params == {"by": "admin"}
    worker.run_once()
    assert smtp_server == []
    client.post("/accounts/logout")
    client.login("+4792233444")
    assert "أنشأ مدير النظام رمزًا لمرة واحدة" in client.get("/notify").text


# -- pages offer only what the viewer may do ----------------------------------------------------

@pytest.mark.parametrize("viewer, coded, erasable", [
    ("coordinator", {"participant", "volunteer"}, {"participant"}),
    ("admin", {"participant", "volunteer", "coordinator", "elsewhere"}, {"participant"}),
])
def test_the_members_page_offers_actions_only_on_people_below(client, site, make_site,
                                                              make_user, viewer, coded,
                                                              erasable):
    people = {role: make_user(Role(role)) for role in RANK}
    place_c = make_site("C")
    elsewhere = make_user(Role.PARTICIPANT)  # and a volunteer at C, which a coordinator here
    elsewhere.memberships.append(Membership(site=place_c, role=Role.VOLUNTEER))  # does not run
    db.session.commit()
    me = make_user(Role(viewer))
    client.login(me.email)
    page = client.get(f"/accounts/sites/{site.id}/members").text
    for role, user in {**people, "me": me, "elsewhere": elsewhere}.items():
        assert (f"/members/{user.id}/reset-code" in page) is (role in coded), role
        assert (f"/privacy/erase/{user.id}\"" in page) is (role in erasable), role


def test_the_invitations_page_offers_what_a_coordinator_may_do(client, login_as, site):
    for role in ("volunteer", "coordinator", "admin"):
        db.session.add(Invitation(site=site, role=role, code_hash=role,
                                  expires_at=utcnow() + timedelta(days=7)))
    db.session.commit()
    login_as(Role.COORDINATOR)
    page = client.get(f"/accounts/sites/{site.id}/invitations").text
    ids = dict(db.session.execute(select(Invitation.role, Invitation.id)).all())
    assert f"/invitations/{ids['volunteer']}/revoke" in page
    assert f"/invitations/{ids['coordinator']}/revoke" not in page
    assert f"/invitations/{ids['admin']}/revoke" not in page
    assert re.findall(r'<option value="(\w+)"', page) == ["volunteer"]
    assert "Invite volunteers</h1>" in page
    refused = client.post(f"/accounts/sites/{site.id}/invitations/{ids['admin']}/revoke")
    assert refused.status_code == 303
    assert "You cannot stop this invitation." in client.get(
        f"/accounts/sites/{site.id}/invitations").text
