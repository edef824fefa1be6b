from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.activities import attendance, services
from portal.activities.models import Attendance, Kind, Session
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db, utcnow


@pytest.fixture
def held(make_activity, make_user):
    """A circle whose session started 30 minutes ago (90 minutes long), with two members."""
    circle = make_activity(capacity=5, title="Norsk A1")
    start = utcnow() - timedelta(minutes=30)
    session = Session(activity_id=circle.id, starts_at=start,
                      ends_at=start + timedelta(minutes=90))
    db.session.add(session)
    db.session.commit()
    members = [make_user(name="Amina"), make_user(name="Olena")]
    for person in members:
        services.enrol(person, circle.id)
    return circle, session, members


def test_sheet_defaults_to_absent_with_full_minutes(held):
    circle, session, members = held
    rows = attendance.sheet(session)
    assert [r.user.display_name for r in rows] == ["Amina", "Olena"]
    assert all(not r.present and r.minutes == 90 for r in rows)


def test_save_marks_and_minutes_then_sign_off_locks(held, leader, make_user):
    circle, session, (amina, olena) = held
    stranger = make_user()
    attendance.save(leader, session, {amina.id: (True, 90), olena.id: (True, 45),
                                      stranger.id: (True, 90)}, None)
    stored = {a.user_id: (a.status, a.minutes) for a in db.session.scalars(select(Attendance))}
    assert stored == {amina.id: ("present", 90), olena.id: ("present", 45)}
    attendance.save(leader, session, {olena.id: (False, 45)}, None)
    assert db.session.scalar(select(Attendance.minutes).where(
        Attendance.user_id == olena.id)) == 0
    with pytest.raises(DomainError, match="between 0 and the length of the session"):
        attendance.save(leader, session, {amina.id: (True, 91)}, None)
    attendance.sign_off(leader, session)
    with pytest.raises(DomainError, match="This list is signed off"):
        attendance.save(leader, session, {amina.id: (False, 0)}, None)
    assert db.session.scalar(select(AuditEvent.action)) == "attendance.sign_off"


def test_only_coordinators_reopen_and_it_is_logged(held, leader, make_user):
    circle, session, members = held
    attendance.sign_off(leader, session)
    with pytest.raises(DomainError, match="Only a coordinator can open a signed-off list"):
        attendance.reopen(leader, session)  # a volunteer leader may not
    coordinator = make_user(Role.COORDINATOR)
    attendance.reopen(coordinator, session)
    assert session.signed_off_at is None
    events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id,
                                       AuditEvent.subject_id)).all()
    assert ("attendance.reopen", coordinator.id, session.id) in events


def test_future_sessions_cannot_be_marked_or_signed(make_activity, leader, make_user):
    circle = make_activity()
    start = utcnow() + timedelta(days=2)
    session = Session(activity_id=circle.id, starts_at=start, ends_at=start + timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    with pytest.raises(DomainError, match="from shortly before the session starts"):
        attendance.save(leader, session, {}, None)
    with pytest.raises(DomainError, match="once the session has started"):
        attendance.sign_off(leader, session)


def test_only_leaders_take_attendance(held, make_user):
    circle, session, members = held
    with pytest.raises(DomainError, match="Only the leaders of this activity can take"):
        attendance.save(make_user(Role.VOLUNTEER), session, {}, None)


def test_cafe_headcount_and_followers(make_activity, leader, make_user):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    start = utcnow() - timedelta(minutes=10)
    session = Session(activity_id=cafe.id, starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.add(session)
    db.session.commit()
    follower = make_user(name="Follower")
    services.follow(follower, cafe)
    assert [r.user.display_name for r in attendance.sheet(session)] == ["Follower"]
    attendance.save(leader, session, {follower.id: (True, 120)}, 14)
    assert session.headcount == 14
    with pytest.raises(DomainError, match="number of people cannot be negative"):
        attendance.save(leader, session, {}, -1)


def test_attendance_page_fragment_and_form(client, held, leader):
    circle, session, (amina, olena) = held
    client.login(leader.email)
    url = f"/activities/sessions/{session.id}/attendance"
    page = client.get(url)
    assert page.status_code == 200 and 'id="attendance-form"' in page.text
    assert "<html" not in client.get(url, htmx=True).text
    bad = client.post(url, {f"present-{amina.id}": "y", f"minutes-{amina.id}": "500"},
                      htmx=True)
    assert bad.status_code == 422 and 'value="500"' in bad.text
    ok = client.post(url, {f"present-{amina.id}": "y", f"minutes-{amina.id}": "٦٠",
                           f"minutes-{olena.id}": "90"})
    assert ok.status_code == 303
    assert db.session.scalar(select(Attendance.minutes).where(
        Attendance.user_id == amina.id)) == 60
    assert client.post(f"/activities/sessions/{session.id}/sign-off").status_code == 303
    locked = client.get(url).text
    assert "The list is locked" in locked and "Present, 60 minutes" in locked
    assert "Open the list again" not in locked  # the volunteer leader cannot reopen
    assert client.post(f"/activities/sessions/{session.id}/reopen").status_code == 422


def test_attendance_permissions(client, held, login_as):
    circle, session, members = held
    login_as()
    assert client.get(f"/activities/sessions/{session.id}/attendance").status_code == 403
    client.post("/accounts/logout")
    login_as(Role.VOLUNTEER)
    assert client.get(f"/activities/sessions/{session.id}/attendance").status_code == 403
    assert client.get("/activities/sessions/999999/attendance").status_code == 404


def test_leader_sees_earlier_sessions_with_attendance_link(client, held, leader):
    circle, session, members = held
    session.starts_at -= timedelta(days=1)
    session.ends_at -= timedelta(days=1)
    db.session.commit()
    client.login(leader.email)
    page = client.get(f"/activities/{circle.id}").text
    assert "Earlier sessions" in page
    assert f"/activities/sessions/{session.id}/attendance" in page


def test_someone_who_joins_while_the_list_is_open_is_not_marked_absent(client, held, leader,
                                                                       make_user):
    """The leader saves what they saw: a person who joined after the list was opened gets no
    mark (not "absent, 0 minutes") and appears, unmarked, the next time the list opens."""
    circle, session, (amina, olena) = held
    client.login(leader.email)
    url = f"/activities/sessions/{session.id}/attendance"
    assert client.get(url).status_code == 200  # the list as the leader opened it
    late = make_user(name="Late")
    services.enrol(late, circle.id)
    saved = client.post(url, {f"present-{amina.id}": "y", f"minutes-{amina.id}": "90",
                              f"minutes-{olena.id}": "90"})
    assert saved.status_code == 303
    stored = {a.user_id: a.status for a in db.session.scalars(select(Attendance))}
    assert stored == {amina.id: "present", olena.id: "absent"}
    assert f'name="minutes-{late.id}"' in client.get(url).text
