"""The audit log: what is written, who can read it, and that it holds no personal content."""

from sqlalchemy import select

from portal import work
from portal.accounts import services as accounts
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.audit.services import note_read
from portal.extensions import db


def test_staff_reads_and_role_changes_are_logged_and_admins_filter_them(
        client, login_as, site, make_user):
    participant = make_user(name="Hodan Private")
    coordinator = login_as(Role.COORDINATOR, name="Ingrid Coordinator")
    assert client.get(f"/accounts/sites/{site.id}/members").status_code == 200
    invitation, code = accounts.invite(coordinator, site, Role.VOLUNTEER)
    accounts.accept_invitation(participant, code)
    actions = [(e.actor_id, e.action, e.subject_type, e.subject_id)
               for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [(coordinator.id, "members.view", "site", site.id),
                       (participant.id, "role.grant.volunteer", "site", site.id)]
    assert client.get("/audit").status_code == 403  # coordinators do not read the log

    login_as(Role.ADMIN)
    page = client.get("/audit").get_data(as_text=True)
    assert "members.view" in page and "role.grant.volunteer" in page
    assert "Ingrid Coordinator" in page  # who (staff)
    only = client.get("/audit?action=role.grant", htmx=True).get_data(as_text=True)
    assert "<html" not in only and "role.grant.volunteer" in only
    assert "members.view" not in only.split('id="events"')[1]
    by_person = client.get(f"/audit?actor={coordinator.id}").get_data(as_text=True)
    listed = by_person.split('id="events"')[1]  # the entries, not the filter's choices
    assert "members.view" in listed and "role.grant" not in listed
    none = client.get("/audit?first_day=2001-01-01&last_day=2001-01-02").get_data(
        as_text=True)
    assert "0 entries" in none
    bad = client.get("/audit?first_day=nonsense&actor=x&action=%3Cscript%3E")
    assert bad.status_code == 200
    for wildcard in ("role_grant", "%25grant"):  # LIKE's wildcards are taken as they are
        assert "0 entries" in client.get(f"/audit?action={wildcard}").get_data(as_text=True)


def test_staff_looking_at_a_meeting_or_an_attendance_list_is_logged(client, login_as, site,
                                                                    make_user):
    from datetime import timedelta

    from portal.activities import services as activities
    from portal.activities.models import Kind, Session
    from portal.extensions import utcnow

    leader = login_as(Role.VOLUNTEER)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Circle", capacity=3))
    started = utcnow() - timedelta(minutes=5)
    session = Session(activity_id=circle.id, starts_at=started,
                      ends_at=started + timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    assert client.get(f"/activities/sessions/{session.id}/attendance").status_code == 200
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_id) == (
        leader.id, "attendance.view", session.id)


def test_a_noted_read_is_kept_only_with_the_work_that_showed_it(site, make_user):
    """note_read joins the request's unit of work: a request that fails keeps no entry."""
    coordinator = make_user(Role.COORDINATOR)
    note_read(coordinator, "members.view", "site", site.id)
    work.roll_back()
    assert db.session.scalars(select(AuditEvent)).all() == []
    note_read(coordinator, "members.view", "site", site.id)
    work.commit()
    assert [(e.actor_id, e.action) for e in db.session.scalars(select(AuditEvent))] == [
        (coordinator.id, "members.view")]
