"""Hostile and broken input through every form: never a 500, always escaped."""

from datetime import time, timedelta

import pytest

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind, Session
from portal.employment import services as employment
from portal.extensions import db, utcnow
from portal.voice import services as voice

NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE user_account; --",
    "\u202eevil\u202c \u2066x\u2069",
    "zero\u200bwidth\u200d",
    "x" * 10_000,
    "😀🇳🇴👩🏽‍🏫",
    "١٢٣٤٥٦٧٨٩٠",
    "2026-02-30",
    "/\r\nSet-Cookie: evil=1",  # a header split through a return path
    "0606060606 AND 94=94",  # letters in a phone number (keypad digits to phonenumbers)
    "-1",
    "99999999999999999999",
    "",
]


@pytest.fixture
def world(site, make_user):
    leader = make_user(Role.VOLUNTEER)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Circle", capacity=3))
    activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Café"))
    start = utcnow() - timedelta(minutes=10)
    session = Session(activity_id=circle.id, starts_at=start, ends_at=start + timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    from portal.meetings import services as meetings
    from portal.meetings.models import Availability, TimeOff, Window

    availability = Availability(host_id=leader.id, site_id=site.id, slot_minutes=30,
                                valid_from=utcnow().date(),
                                windows=[Window(weekday=d, starts=time(9), ends=time(12))
                                         for d in range(7)])
    db.session.add(availability)
    db.session.add(TimeOff(host_id=leader.id, first_day=utcnow().date(),
                           last_day=utcnow().date()))
    db.session.commit()
    participant = make_user()
    slots = meetings.find_slots(participant, site, None, utcnow().date() + timedelta(days=2))
    booking = meetings.book(participant, slots[0].key)
    followed = make_user()  # a participant the coordinator or admin records work and outcomes for
    coordinator = make_user(Role.COORDINATOR)
    partner = employment.add_partner(coordinator, site, employment.PartnerData(
        name="Partner", kind="employer"))
    placement = employment.record_placement(coordinator, followed, employment.PlacementData(
        partner_id=partner.id, role="Role", starts_on=utcnow().date(),
        ends_on=utcnow().date(), weekdays=[0], hours_per_week=10))
    outcome = employment.report_outcome(followed, employment.OutcomeData(
        kind="job", on_date=utcnow().date()))
    proposal = voice.propose(participant, site, voice.ProposalData(kind="activity",
                                                                   title="Idea"))
    voice.propose(participant, site, voice.ProposalData(kind="theme", title="Other idea"))
    db.session.commit()
    return {"site_id": site.id, "activity_id": circle.id, "session_id": session.id,
            "user_id": followed.id, "invitation_id": 1, "token": "x",
            "partner_id": partner.id, "placement_id": placement.id, "outcome_id": outcome.id,
            "booking_id": booking.id, "availability_id": availability.id,
            "window_id": availability.windows[0].id, "extra_id": 1, "time_off_id": 1,
            "key": slots[1].key, "proposal_id": proposal.id, "kind": "languages",
            # a certificate made on the followed participant's behalf (their work practice)
            "what": "work-practice", "source_id": placement.id}


def post_urls(app, world):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        values = {arg: world.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            yield rule.endpoint, url_for(rule.endpoint, **values)


FIELDS = ["display_name", "phone", "email", "password", "current_password", "language",
          "site_id", "birth_year", "accept_privacy", "login", "code", "role", "label", "name",
          "country", "timezone", "address", "kind", "title", "description", "languages",
          "level", "place", "capacity", "women_only", "status", "leaders", "first_day", "start",
          "minutes", "every_weeks", "until", "count", "holidays", "day", "note", "reason",
          "headcount", "lang", "next", "q", "text", "note", "staff_id", "what", "why",
          "target_date", "weekdays", "starts", "ends", "mode", "slot_minutes", "buffer_minutes",
          "valid_from", "valid_until", "last_day", "topic", "interpreter", "extra-day",
          "extra-starts", "extra-ends",
          # My competences and My CV (portal/competences)
          "summary", "personal", "languages", "work", "education", "courses", "certificates",
          "more", "talents", "classes", "field", "country", "from_year", "to_year",
          "recognition_applied", "workplace", "issuer", "year", "languages-language",
          "languages-level", "work-what", "work-from_year", "education-level",
          "certificates-name",
          # the road to work (portal/employment)
          "contact_name", "notes", "partner_id", "starts_on", "ends_on", "hours_per_week",
          "mentor_name", "mentor_phone", "goal_id", "staff_notes", "on_date", "extent",
          "subsidy", "employer", "held_on", "network", "next_step", "at_home",
          # peer co-leaders (portal/activities)
          "user_id",
          # how was it? (portal/feedback)
          "face", "comment", "change", "skip",
          # proposals (portal/voice)
          "can_help", "into",
          # funder details (Norway) and certificates
          "postcode", "gender", "c1-language"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_every_form_survives_hostile_values(app, client, login_as, world, nasty, role):
    login_as(role)
    failures = []
    for endpoint, url in post_urls(app, world):
        if endpoint == "accounts.logout":
            continue
        data = {name: nasty for name in FIELDS}
        response = client.post(url, data)
        if response.status_code >= 500:
            failures.append(f"{endpoint} {url}: {response.status_code}")
        elif "<script>alert(1)</script>" in response.get_data(as_text=True):
            failures.append(f"{endpoint}: not escaped")
    assert failures == []


def test_duplicated_missing_and_wrongly_typed_fields(app, client, login_as, world):
    from werkzeug.datastructures import MultiDict

    login_as(Role.COORDINATOR)
    failures = []
    for endpoint, url in post_urls(app, world):
        if endpoint == "accounts.logout":
            continue
        for data in (MultiDict([(name, "1") for name in FIELDS] + [(name, "2") for name in FIELDS]),
                     MultiDict(), MultiDict([(name, "[]") for name in FIELDS])):
            data.add("csrf_token", client.token())
            response = client.raw.post(url, data=data, headers={"Accept-Language": "en"})
            if response.status_code >= 500:
                failures.append(f"{endpoint} {url}: {response.status_code}")
    assert failures == []


def test_invalid_utf8_is_refused_cleanly(client, login_as, site):
    login_as(Role.COORDINATOR)
    token = client.token()
    body = b"csrf_token=" + token.encode() + b"&display_name=%ff%fe&phone=%c3%28"
    response = client.raw.post(f"/accounts/sites/{site.id}/register", data=body,
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_an_id_in_a_path_too_long_for_the_database_is_not_found(client, login_as):
    login_as(Role.COORDINATOR)
    huge = "9" * 25
    for url in (f"/activities/{huge}", f"/activities/{huge}/dialogue",
                f"/activities/{2**31}/admit"):
        assert client.get(url).status_code == 404, url
    for url in (f"/activities/actions/{huge}/done", f"/activities/{huge}/join"):
        assert client.post(url).status_code == 404, url
