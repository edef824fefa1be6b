"""Road-to-work pages: each page and its htmx fragment, who may see what (roles, rank, other
places), staff notes kept from the participant, and the audit of staff reads."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import Membership, Role, User
from portal.audit.models import AuditEvent
from portal.employment import services
from portal.employment.models import CheckIn, Outcome, Partner, Placement
from portal.extensions import db, utcnow
from tests.employment.conftest import placement_data


def actions():
    return [(e.action, e.subject_type, e.subject_id)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_coordinator_keeps_the_partner_register(client, road):
    site = road["site"]
    client.login(road["coordinator"].email)
    page = client.get(f"/employment/sites/{site.id}/partners").get_data(as_text=True)
    assert "Kafé Bro AS" in page and "Kari Kontakt" in page
    assert "Job centre (NAV)" in page  # the job centre by its Norwegian name

    bad = client.post(f"/employment/sites/{site.id}/partners", {"name": "", "kind": "bank"},
                      htmx=True)
    assert bad.status_code == 422
    fragment = bad.get_data(as_text=True)
    assert "<html" not in fragment and "This field is required." in fragment
    assert "Choose one of the options." in fragment

    added = client.post(f"/employment/sites/{site.id}/partners", {
        "name": "Fretex", "kind": "social_economy", "contact_name": "Per",
        "email": "per@example.org"})
    assert added.status_code == 303
    fretex = db.session.scalar(select(Partner).where(Partner.name == "Fretex"))
    assert fretex.kind == "social_economy" and fretex.contact_name == "Per"

    fretex_id = fretex.id
    changed = client.post(f"/employment/partners/{fretex_id}/edit", {
        "name": "Fretex Oslo", "kind": "social_economy", "contact_name": "Per"})
    assert changed.status_code == 303
    assert db.session.get(Partner, fretex_id).name == "Fretex Oslo"
    assert client.post(f"/employment/partners/{fretex_id}/remove").status_code == 303
    assert db.session.get(Partner, fretex_id) is None  # no placement named it: gone


def test_partners_are_for_the_staff_who_manage_the_place(client, road, make_user, make_site):
    site = road["site"]
    for person, expected in [(road["participant"], 403),
                             (make_user(Role.VOLUNTEER), 403),
                             (make_user(Role.COORDINATOR, at=make_site("Elsewhere")), 403),
                             (make_user(Role.ADMIN, at=make_site("Admin place")), 200)]:
        client.login(person.email)
        assert client.get(f"/employment/sites/{site.id}/partners").status_code == expected
        edit = client.get(f"/employment/partners/{road['employer'].id}/edit").status_code
        assert edit == (404 if expected == 403 else 200)


def test_a_coordinator_records_a_placement_and_the_participant_sees_it_without_notes(
        client, road):
    coordinator, participant = road["coordinator"], road["participant"]
    client.login(coordinator.email)
    assert client.get(f"/employment/people/{participant.id}/placements/new").status_code == 200
    bad = client.post(f"/employment/people/{participant.id}/placements/new", {
        "partner_id": road["employer"].id, "role": "Kitchen", "starts_on": "2026-03-10",
        "ends_on": "2026-03-01", "hours_per_week": "12", "status": "active"}, htmx=True)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "The last day must be on or after the first day." in text
    assert "Choose at least one day of the week." in text and "<html" not in text

    saved = client.post(f"/employment/people/{participant.id}/placements/new", {
        "partner_id": road["employer"].id, "role": "Kitchen assistant",
        "starts_on": "2026-03-02", "ends_on": "2026-03-15", "weekdays": ["0", "2"],
        "hours_per_week": "12", "mentor_name": "Ola", "status": "active",
        "staff_notes": "Needs a quiet start"})
    assert saved.status_code == 303
    placement = db.session.scalar(select(Placement))
    assert placement.weekdays == "02" and placement.created_by_id == coordinator.id
    staff_page = client.get(f"/employment/placements/{placement.id}").get_data(as_text=True)
    assert "Needs a quiet start" in staff_page
    assert ("employment.view", "user", participant.id) in actions()

    client.login(participant.email)
    own = client.get(f"/employment/placements/{placement.id}").get_data(as_text=True)
    assert "Kitchen assistant" in own and "Ola" in own
    assert "Needs a quiet start" not in own and "Staff notes" not in own
    assert client.get(f"/employment/placements/{placement.id}/edit").status_code == 404
    mine = client.get("/employment/me").get_data(as_text=True)
    assert "Kitchen assistant" in mine and "Needs a quiet start" not in mine


def test_who_follows_a_participant(client, road, make_user, make_site):
    participant = road["participant"]
    placement = services.record_placement(road["coordinator"], participant,
                                          placement_data(road["employer"]))
    elsewhere = make_site("Elsewhere")
    peer = make_user()
    volunteer = make_user(Role.VOLUNTEER)
    stranger = make_user(Role.COORDINATOR, at=elsewhere)
    colleague = make_user(Role.COORDINATOR)  # a coordinator at the same place: no rank over
    admin = make_user(Role.ADMIN, at=elsewhere)
    for person, expected in [(peer, 404), (volunteer, 404), (stranger, 404), (admin, 200)]:
        client.login(person.email)
        assert client.get(f"/employment/people/{participant.id}").status_code == expected
        assert client.get(f"/employment/placements/{placement.id}").status_code == expected
    client.login(road["coordinator"].email)
    assert client.get(f"/employment/people/{colleague.id}").status_code == 404


def test_a_place_with_many_people_lists_the_first_by_name_and_a_search_finds_the_others(
        client, road, site):
    many = [User(display_name=f"Person {n:02d}", email=f"many{n:02d}@example.org",
                 password_hash="not a password", language="en") for n in range(51)]
    for person in many:
        person.memberships.append(Membership(site=site, role=Role.PARTICIPANT))
    db.session.add_all(many)
    db.session.commit()
    client.login(road["coordinator"].email)
    url = f"/employment/sites/{site.id}/people"

    def listed(html: str) -> list[str]:
        return re.findall(r'<a href="/employment/people/\d+"><bdi>([^<]+)</bdi>', html)

    page = client.get(url).text
    assert listed(page) == ["Amina Participant"] + [f"Person {n:02d}" for n in range(49)]
    assert "Showing the first 50 people. Search to find someone else." in page
    found = client.get(f"{url}?q=person+50", htmx=True).text
    assert "<html" not in found and listed(found) == ["Person 50"]
    assert "Showing the first" not in found
    assert listed(client.get(f"{url}?q=MANY07@").text) == ["Person 07"]  # by e-mail too
    assert "Nobody found." in client.get(f"{url}?q=nobody").text


def test_the_people_list_page_and_outcomes_with_confirmation(client, road):
    coordinator, participant, site = road["coordinator"], road["participant"], road["site"]
    reported = services.report_outcome(participant, services.OutcomeData(
        kind="job", on_date=utcnow().date(), extent="part_time", subsidy="lonnstilskudd"))
    client.login(coordinator.email)
    listing = client.get(f"/employment/sites/{site.id}/people").get_data(as_text=True)
    assert "Amina Participant" in listing and "1 to confirm" in listing
    assert ("employment.list", "site", site.id) in actions()
    page = client.get(f"/employment/people/{participant.id}").get_data(as_text=True)
    assert "Not confirmed yet" in page and "Lønnstilskudd" in page
    assert client.post(f"/employment/outcomes/{reported.id}/confirm").status_code == 303
    assert db.session.get(Outcome, reported.id).confirmed_by_id == coordinator.id

    wrong = client.post(f"/employment/people/{participant.id}/outcomes", {
        "kind": "moved", "on_date": "2026-01-05", "extent": "full_time"}, htmx=True)
    assert wrong.status_code == 422
    assert "Part-time or full-time is only for a job." in wrong.get_data(as_text=True)
    assert client.post(f"/employment/people/{participant.id}/outcomes", {
        "kind": "education", "on_date": "2026-01-05"}).status_code == 303
    assert client.post(f"/employment/people/{participant.id}/interviews", {
        "held_on": "2026-01-07", "employer": "Rema 1000"}).status_code == 303
    kinds = [o.kind for o in services.outcomes_of(participant)]
    assert sorted(kinds) == ["education", "job"]
    assert [i.employer for i in services.interviews_of(participant)] == ["Rema 1000"]


def test_the_participant_reports_notes_and_checks_in(client, road):
    participant = road["participant"]
    client.login(participant.email)
    start = client.get("/").get_data(as_text=True)
    assert "How are you doing? Answer four short questions." in start
    swedish_only = client.post("/employment/me/outcomes", {
        "kind": "job", "on_date": "2026-01-05", "subsidy": "nystartsjobb"}, htmx=True)
    assert swedish_only.status_code == 422
    assert "Choose one of the options." in swedish_only.get_data(as_text=True)
    assert client.post("/employment/me/outcomes", {
        "kind": "job", "on_date": "2026-01-05", "extent": "full_time"}).status_code == 303
    outcome = db.session.scalar(select(Outcome))
    assert outcome.reported_by_participant and outcome.confirmed_at is None
    assert client.post("/employment/me/interviews", {
        "held_on": "2026-01-02", "employer": "IKEA"}).status_code == 303

    assert client.get("/employment/me/check-in").status_code == 200
    half = client.post("/employment/me/check-in", {"language": "3"}, htmx=True)
    assert half.status_code == 422 and "Choose one face." in half.get_data(as_text=True)
    answered = client.post("/employment/me/check-in", {
        "language": "2", "network": "3", "next_step": "4", "at_home": "5"})
    assert answered.status_code == 303
    mine = client.get("/employment/me").get_data(as_text=True)
    assert "I feel at home where I live." in mine and "Completely" in mine
    assert "How are you doing? Answer four short questions." not in client.get(
        "/").get_data(as_text=True)


def test_a_participant_may_skip_the_check_in_and_is_asked_again_three_months_later(
        client, road):
    participant = road["participant"]
    client.login(participant.email)
    assert client.post("/employment/me/check-in/skip").status_code == 303
    skipped = db.session.scalar(select(CheckIn))
    assert skipped.skipped and skipped.language is None
    assert not services.check_in_due(participant)
    assert not services.check_in_due(participant, utcnow() + timedelta(days=90))
    assert services.check_in_due(participant, utcnow() + timedelta(days=91))


def test_staff_have_no_own_road_to_work_page(client, road):
    client.login(road["coordinator"].email)
    assert client.get("/employment/me").status_code == 404
    assert client.get("/employment/me/check-in").status_code == 404
    assert "My road to work" not in client.get("/").get_data(as_text=True)


def test_the_start_page_shows_the_current_placement(client, road):
    today = date.today()
    services.record_placement(road["coordinator"], road["participant"], placement_data(
        road["employer"], starts_on=today, ends_on=today + timedelta(days=20)))
    client.login(road["participant"].email)
    start = client.get("/").get_data(as_text=True)
    assert "Work practice: <bdi>Kitchen assistant</bdi>" in start and "Kafé Bro AS" in start
