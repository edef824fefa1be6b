"""Peer co-leaders: a coordinator makes a participant a co-leader of one activity; they take its
attendance and write its session notes, and nothing else opens to them — route by route."""

from datetime import time, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from portal import signals
from portal.accounts.models import Membership, Role
from portal.activities import attendance, services
from portal.activities.models import (
    Activity,
    Attendance,
    Kind,
    Session,
    SessionStatus,
    activity_co_leader,
)
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.notify.models import Notification
from portal.privacy import services as privacy
from portal.reports import services as reports
from portal.reports.periods import period_for
from portal.reports.tables import tables
from tests.conftest import Client
from tests.test_authorization import DENY, LOGIN, OK, observed


@pytest.fixture
def team(site, make_site, make_user, make_activity, leader):
    """A circle with a session going on, a café; Nour co-leads the circle, Hodan the café."""
    circle = make_activity(capacity=5, title="Norsk A1")
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    monday = utcnow().date() + timedelta(days=7 - utcnow().weekday())
    services.add_series(leader, circle, services.plan_series(site, monday, time(18), 90, 1,
                                                            count=2), True)
    started = utcnow() - timedelta(minutes=20)
    going_on = Session(activity_id=circle.id, starts_at=started,
                       ends_at=started + timedelta(minutes=90))
    db.session.add(going_on)
    members = [make_user(name="Amal"), make_user(name="Olena")]
    for person in members:
        services.enrol(person, circle.id)
    coordinator = make_user(Role.COORDINATOR, name="Ingrid")
    nour, hodan = make_user(name="Nour"), make_user(name="Hodan")
    services.add_co_leader(coordinator, circle, nour)
    services.add_co_leader(coordinator, cafe, hodan)
    db.session.commit()
    return {"circle": circle, "cafe": cafe, "session": going_on, "members": members,
            "coordinator": coordinator, "nour": nour, "hodan": hodan}


# -- appointing ---------------------------------------------------------------------------------

def test_a_coordinator_makes_a_participant_co_leader_logged_and_told(team):
    circle, nour, coordinator = team["circle"], team["nour"], team["coordinator"]
    assert circle.co_leaders == [nour]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "activity.co_leader.add", AuditEvent.subject_id == nour.id)).one()
    assert (event.actor_id, event.subject_type) == (coordinator.id, "user")
    told = db.session.scalars(select(Notification).where(Notification.user_id == nour.id)).one()
    assert told.kind == "co_leader_added" and told.params["activity_id"] == circle.id
    services.add_co_leader(coordinator, circle, nour)  # twice: once is enough, told once
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == nour.id)) == 1


def test_only_a_coordinator_of_the_place_chooses_and_only_participants_of_it(
        team, site, make_site, make_user, leader):
    circle, coordinator = team["circle"], team["coordinator"]
    participant = make_user()
    elsewhere = make_site("Rinkeby", "SE", "Europe/Stockholm")
    with pytest.raises(DomainError, match="Only a coordinator of this meeting place can choose"):
        services.add_co_leader(leader, circle, participant)  # the volunteer who leads it
    with pytest.raises(DomainError, match="Only a coordinator of this meeting place can choose"):
        services.add_co_leader(make_user(Role.COORDINATOR, at=elsewhere), circle, participant)
    with pytest.raises(DomainError, match="Only a coordinator of this meeting place can choose"):
        services.add_co_leader(participant, circle, participant)
    for wrong in (make_user(Role.VOLUNTEER), make_user(Role.COORDINATOR),
                  make_user(at=elsewhere)):
        with pytest.raises(DomainError, match="Only a participant of this meeting place can be"):
            services.add_co_leader(coordinator, circle, wrong)
    also_staff = make_user()  # a participant here who volunteers at another place
    also_staff.memberships.append(Membership(site=elsewhere, role=Role.VOLUNTEER))
    with pytest.raises(DomainError, match="Only a participant of this meeting place can be"):
        services.add_co_leader(coordinator, circle, also_staff)
    assert participant.id in {u.id for u in services.possible_co_leaders(circle)}
    assert also_staff.id not in {u.id for u in services.possible_co_leaders(circle)}
    assert team["nour"].id not in {u.id for u in services.possible_co_leaders(circle)}


def test_removing_a_co_leader_takes_the_right_away_logged_and_told(team):
    circle, nour, coordinator, going_on = (team["circle"], team["nour"], team["coordinator"],
                                           team["session"])
    services.remove_co_leader(coordinator, circle, nour)
    assert circle.co_leaders == []
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "activity.co_leader.remove")) == coordinator.id
    assert "co_leader_removed" in db.session.scalars(select(Notification.kind).where(
        Notification.user_id == nour.id)).all()
    with pytest.raises(DomainError, match="leaders and co-leaders of this activity can take"):
        attendance.save(nour, going_on, {}, None)


# -- what a co-leader may do, in the services ------------------------------------------------------

def test_a_co_leader_takes_attendance_and_writes_notes_of_their_activity_only(team):
    going_on, nour, hodan = team["session"], team["nour"], team["hodan"]
    amal, olena = team["members"]
    attendance.save(nour, going_on, {amal.id: (True, 90), olena.id: (False, 0)}, None)
    assert dict(db.session.execute(select(Attendance.user_id, Attendance.status)).all()) == {
        amal.id: "present", olena.id: "absent"}
    services.write_note(nour, going_on, "Table 2: food words")
    assert going_on.note == "Table 2: food words"
    with pytest.raises(DomainError, match="leaders and co-leaders of this activity can take"):
        attendance.save(hodan, going_on, {amal.id: (False, 0)}, None)
    with pytest.raises(DomainError, match="leaders and co-leaders of this activity can write"):
        services.write_note(hodan, going_on, "Not mine")
    assert going_on.note == "Table 2: food words"


def test_nothing_else_opens_to_a_co_leader(team, site):
    circle, going_on, nour = team["circle"], team["session"], team["nour"]
    coming = circle.sessions[-1]
    with pytest.raises(DomainError, match="Only the leaders of this activity can sign off"):
        attendance.sign_off(nour, going_on)
    with pytest.raises(DomainError, match="Only a coordinator can open a signed-off list"):
        attendance.reopen(nour, going_on)
    with pytest.raises(DomainError, match="Only the leaders of this activity can change its"):
        services.cancel_session(nour, coming, "Ill")
    with pytest.raises(DomainError, match="Only the leaders of this activity can change its"):
        services.move_session(nour, coming, coming.starts_at.date() + timedelta(days=1),
                              time(18), 90, "", "")
    with pytest.raises(DomainError, match="Only the leaders of this activity can change its"):
        services.add_series(nour, circle, services.plan_series(
            site, utcnow().date() + timedelta(days=30), time(18), 60, 1, count=1), True)
    with pytest.raises(DomainError, match="Only the leaders of this activity can change it"):
        services.update_activity(nour, circle.id, services.ActivityData(
            kind=circle.kind, title="Mine now", capacity=5), "open")
    with pytest.raises(DomainError, match="Only a coordinator of this meeting place can choose"):
        services.add_co_leader(nour, circle, team["members"][0])
    assert not services.can_lead(nour, circle)


def test_erasure_ends_co_leading_and_my_data_lists_it(team):
    nour, coordinator = team["nour"], team["coordinator"]
    assert signals.collect(signals.data_requested, nour)["co_leading"] == ["Norsk A1"]
    assert signals.collect(signals.data_requested, team["members"][0])["co_leading"] == []
    privacy.erase(coordinator, nour)
    assert db.session.scalar(select(func.count()).select_from(activity_co_leader).where(
        activity_co_leader.c.user_id == nour.id)) == 0


# -- route by route -------------------------------------------------------------------------------

# endpoint: (the co-leader of this activity, the co-leader of another activity)
CO_LEADER_EXPECT = {
    "activities.add_co_leader": (DENY, DENY),
    "activities.add_series": (DENY, DENY),
    "activities.admissions": (DENY, DENY),  # letting someone into a women-only activity
    "activities.admit": (DENY, DENY),
    "activities.attendance_csv": (DENY, DENY),
    "activities.attendance_export": (DENY, DENY),
    "activities.attendance_list": (OK, DENY),
    "activities.cancel_session": (DENY, DENY),
    "activities.co_leaders": (DENY, DENY),
    "activities.create": (DENY, DENY),
    "activities.edit": (DENY, DENY),
    "activities.edit_session": (DENY, DENY),
    "activities.follow": (OK, OK),  # what every participant may do
    "activities.host": (OK, OK),  # answered with "only volunteers can host" (below)
    "activities.index": (OK, OK),
    "activities.join": (OK, OK),
    "activities.leave": (OK, OK),
    "activities.new": (DENY, DENY),
    "activities.place": (OK, OK),
    "activities.remove_co_leader": (DENY, DENY),
    "activities.reopen": (DENY, DENY),
    "activities.save_attendance": (OK, DENY),
    "activities.series": (DENY, DENY),
    "activities.session_ics": (OK, OK),
    "activities.show": (OK, OK),
    "activities.sign_off": (DENY, DENY),
    "activities.unfollow": (OK, OK),
    "activities.unhost": (OK, OK),
    "activities.update": (DENY, DENY),
    "activities.update_session": (DENY, DENY),
    "activities.write_note": (OK, DENY),
    # What participants said about the activity is for its leaders, not its co-leaders.
    "reports.activity_feedback": (DENY, DENY),
}


def _activity_routes(app):
    from tests.test_authorization import routes

    return [(rule, method) for rule, method in routes(app)
            if rule.endpoint.startswith("activities.")
            or rule.endpoint == "reports.activity_feedback"]


def test_every_activities_route_has_a_decision_for_co_leaders(app):
    assert set(CO_LEADER_EXPECT) == {rule.endpoint for rule, _method in _activity_routes(app)}


@pytest.mark.parametrize("who, column", [("nour", 0), ("hodan", 1)],
                         ids=["co-leader of this activity", "co-leader of another activity"])
def test_every_activities_route_for_co_leaders(app, team, who, column):
    """Every route about the circle (and its session going on), as its co-leader and as the
    co-leader of the café; forms are sent empty (getting past the gate: 200, 303 or 422)."""
    ids = {"activity_id": team["circle"].id, "session_id": team["session"].id,
           "user_id": team["nour"].id, "site_id": team["circle"].site_id}
    db.session.commit()
    client = Client(app.test_client())
    client.login(team[who].email)
    wrong = []
    for rule, method in _activity_routes(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})
        response = client.get(url) if method == "GET" else client.post(url, {})
        got = observed(response, method)
        expected = CO_LEADER_EXPECT[rule.endpoint][column]
        if got != expected:
            wrong.append(f"{method} {url} ({rule.endpoint}): got {got}, expected {expected}")
    assert LOGIN not in {row[column] for row in CO_LEADER_EXPECT.values()}
    assert not wrong, "\n  ".join(wrong)


def test_what_a_co_leader_sends_through_the_routes_changes_only_their_list_and_notes(
        client, team):
    """Filled-in forms, not empty ones: what each route did is read from the database."""
    circle, going_on, nour = team["circle"], team["session"], team["nour"]
    amal, olena = team["members"]
    coming = circle.sessions[-1]
    client.login(nour.email)
    page = client.get(f"/activities/{circle.id}").text
    assert f"/activities/sessions/{going_on.id}/attendance" in page
    assert f"/activities/sessions/{coming.id}\"" not in page  # no "Change" of a session
    assert "/series" not in page and f"/activities/{circle.id}/edit" not in page
    listing = client.get(f"/activities/sessions/{going_on.id}/attendance").text
    assert "Sign off the list" not in listing and 'id="note-form"' in listing
    saved = client.post(f"/activities/sessions/{going_on.id}/attendance", {
        f"present-{amal.id}": "y", f"minutes-{amal.id}": "80", f"minutes-{olena.id}": "90"})
    assert saved.status_code == 303
    assert dict(db.session.execute(select(Attendance.user_id, Attendance.minutes)).all()) == {
        amal.id: 80, olena.id: 0}
    noted = client.post(f"/activities/sessions/{going_on.id}/note", {"note": "Verbs"})
    assert noted.status_code == 303
    assert db.session.get(Session, going_on.id).note == "Verbs"
    too_long = client.post(f"/activities/sessions/{going_on.id}/note", {"note": "x" * 301})
    assert too_long.status_code == 422 and "at most 300 characters" in too_long.text
    refused = [
        client.post(f"/activities/sessions/{going_on.id}/sign-off"),
        client.post(f"/activities/sessions/{coming.id}/cancel", {"reason": "Ill"}),
        client.post(f"/activities/sessions/{coming.id}", {
            "day": (coming.starts_at + timedelta(days=1)).date().isoformat(),
            "start": "19:00", "minutes": "60", "place": "", "note": ""}),
        client.post(f"/activities/{circle.id}/edit", {
            "kind": "study_circle", "title": "Mine now", "level": "all", "capacity": "5",
            "status": "open", "leaders": str(circle.leaders[0].id)}),
        client.post(f"/activities/{circle.id}/co-leaders", {"user_id": str(amal.id)}),
        client.post(f"/activities/{circle.id}/co-leaders/{nour.id}/remove"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    db.session.expire_all()
    assert db.session.get(Session, going_on.id).signed_off_at is None
    assert db.session.get(Session, coming.id).status == SessionStatus.SCHEDULED
    assert db.session.get(Activity, circle.id).title == "Norsk A1"
    assert {u.id for u in db.session.get(Activity, circle.id).co_leaders} == {nour.id}


def test_the_co_leader_of_another_activity_changes_nothing_here(client, team):
    going_on, hodan = team["session"], team["hodan"]
    amal = team["members"][0]
    client.login(hodan.email)
    assert client.get(f"/activities/{team['circle'].id}").text.count("/attendance") == 0
    assert client.post(f"/activities/sessions/{going_on.id}/attendance", {
        f"present-{amal.id}": "y", f"minutes-{amal.id}": "80"}).status_code == 403
    assert client.post(f"/activities/sessions/{going_on.id}/note",
                       {"note": "Not mine"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    assert db.session.get(Session, going_on.id).note == ""


def test_the_co_leader_is_shown_and_coordinators_choose_them_on_a_page(client, team, site):
    circle, coordinator, nour = team["circle"], team["coordinator"], team["nour"]
    client.login(coordinator.email)
    page = client.get(f"/activities/{circle.id}").text
    assert "Co-leaders" in page and "Nour" in page
    assert f"/activities/{circle.id}/co-leaders" in page
    choose = client.get(f"/activities/{circle.id}/co-leaders")
    assert choose.status_code == 200 and "<html" in choose.text
    assert "<html" not in client.get(f"/activities/{circle.id}/co-leaders", htmx=True).text
    amal = team["members"][0]
    assert f'<option dir="auto" value="{amal.id}">' in choose.text
    assert client.post(f"/activities/{circle.id}/co-leaders",
                       {"user_id": "not a person"}).status_code == 422
    assert client.post(f"/activities/{circle.id}/co-leaders",
                       {"user_id": str(coordinator.id)}).status_code == 422  # not offered
    added = client.post(f"/activities/{circle.id}/co-leaders", {"user_id": str(amal.id)})
    assert added.status_code == 303
    assert {u.id for u in db.session.get(Activity, circle.id).co_leaders} == {nour.id, amal.id}
    assert client.post(f"/activities/{circle.id}/co-leaders/{amal.id}/remove").status_code == 303
    assert {u.id for u in db.session.get(Activity, circle.id).co_leaders} == {nour.id}
    client.post("/accounts/logout")
    client.login(nour.email)
    start = client.get("/").text
    assert "You are a co-leader" in start and "Norsk A1" in start


def test_reports_count_co_leaders_of_activities_with_a_session_in_the_period(app, team, site):
    today = utcnow().date()
    period = period_for("custom", today, today - timedelta(days=1), today + timedelta(days=14))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = reports.build([site], period)
        summary = {t.key: t for t in tables(report)}["summary"]
    assert report.co_leaders == 1  # Nour's circle has sessions; Hodan's café has none
    assert ["Participants who co-lead an activity", "<5"] in summary.rows
