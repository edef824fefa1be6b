"""The figures the reports keep (marks per session, active people per month, course results)
always equal a recount from the raw rows, whatever sequence of changes came before."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import Role, Site
from portal.activities import attendance, rules
from portal.activities import services as activities
from portal.activities.models import Activity, Kind, RuleSet, Session
from portal.extensions import db, utcnow
from portal.meetings import services as meetings
from portal.meetings.models import Booking
from portal.privacy import services as privacy
from portal.reports import courses, services, upkeep
from portal.reports.models import ActiveMonth, CourseResult

NUMBERS = ("held", "planned", "units_held", "units_planned", "enrolled", "counted", "state")


def kept() -> tuple[dict, set]:
    marks = dict((row[0], (row[1], row[2])) for row in db.session.execute(
        select(Session.id, Session.present_count, Session.absent_count)))
    active = set(db.session.execute(select(ActiveMonth.site_id, ActiveMonth.month,
                                           ActiveMonth.user_id)).all())
    return marks, active


def circles_now() -> dict:
    """Each circle as the reports see it (kept results where they hold, with the rule set's
    columns read with the circle, as services._circles reads them)."""
    rows = db.session.execute(
        select(Activity.id, Activity.rule_set_id, CourseResult.changes, CourseResult.computed,
               CourseResult.rule_set_id.label("kept_rule_set_id"), CourseResult.fresh_until,
               *(getattr(CourseResult, n) for n in courses.NUMBERS),
               *courses.rule_set_columns())
        .outerjoin(RuleSet, RuleSet.id == Activity.rule_set_id)
        .outerjoin(CourseResult, CourseResult.activity_id == Activity.id)
        .where(Activity.kind == Kind.STUDY_CIRCLE)).all()
    return {i: tuple(getattr(s, n) for n in NUMBERS) for i, s in courses.results(rows).items()}


def assert_kept_equals_recount() -> None:
    db.session.commit()
    reported = circles_now()  # twice: counted and kept, then read back from what was kept
    assert circles_now() == reported
    circles = db.session.scalars(select(Activity).where(Activity.kind == Kind.STUDY_CIRCLE)).all()
    assert reported == {i: tuple(getattr(s, n) for n in NUMBERS)
                        for i, s in rules.evaluate_many(circles).items()}
    before = kept()
    connection = db.session.connection()
    upkeep.count_marks(connection)
    for site_id in db.session.scalars(select(Site.id)).all():
        upkeep.rebuild_active(connection, site_id)  # course results stay: they are checked
    db.session.commit()
    assert kept() == before


@pytest.fixture
def world(site, make_user):
    lead = make_user(Role.VOLUNTEER, name="Lead")
    boss = make_user(Role.COORDINATOR, name="Boss")
    people = [make_user(name=f"P{i}", birth_year=1990) for i in range(4)]
    circle = activities.create_activity(lead, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk", capacity=3))
    now = utcnow()
    past = [Session(activity_id=circle.id, starts_at=now - timedelta(days=d),
                    ends_at=now - timedelta(days=d) + timedelta(minutes=120))
            for d in (40, 33, 26)]
    soon = Session(activity_id=circle.id, starts_at=now + timedelta(hours=1),
                   ends_at=now + timedelta(hours=3))
    later = Session(activity_id=circle.id, starts_at=now + timedelta(days=10),
                    ends_at=now + timedelta(days=10, hours=2))
    db.session.add_all([*past, soon, later])
    db.session.commit()
    for person in people:
        activities.enrol(person, circle.id)  # the fourth waits
    return site, lead, boss, people, circle, past, soon, later


def test_every_change_keeps_the_figures_equal_to_a_recount(world, monkeypatch):
    site, lead, boss, people, circle, past, soon, later = world
    assert_kept_equals_recount()
    p0, p1, p2, p3 = people
    attendance.save(lead, past[0], {p0.id: (True, 120), p1.id: (True, 60), p2.id: (False, 0)},
                    None)
    assert_kept_equals_recount()
    attendance.save(lead, past[0], {p1.id: (False, 0)}, None)  # a correction
    attendance.save(lead, past[2], {p0.id: (True, 120)}, None)
    attendance.save(lead, past[1], {p0.id: (True, 120), p2.id: (True, 120)}, None)
    assert_kept_equals_recount()
    attendance.sign_off(lead, past[1])
    attendance.reopen(boss, past[1])
    attendance.save(lead, past[1], {p2.id: (False, 0), p0.id: (True, 90)}, None)
    assert_kept_equals_recount()
    attendance.save(lead, soon, {p0.id: (True, 120), p1.id: (True, 120)}, None)
    assert_kept_equals_recount()
    moved_day = (utcnow() + timedelta(days=40)).date()
    activities.move_session(lead, soon, moved_day, (utcnow() + timedelta(hours=1)).time(), 120,
                            "", "")  # into another month: its presences move with it
    assert_kept_equals_recount()
    activities.cancel_session(lead, later, "Ill")
    assert_kept_equals_recount()
    activities.leave(p1, circle.id)  # the fourth gets the seat
    assert_kept_equals_recount()
    p0.birth_year = 2015  # too young to count in Norway
    db.session.commit()
    assert_kept_equals_recount()
    booking = Booking(site_id=site.id, host_id=lead.id, participant_id=p3.id, mode="phone",
                      starts_at=utcnow() + timedelta(days=3),
                      ends_at=utcnow() + timedelta(days=3, minutes=30))
    held = Booking(site_id=site.id, host_id=lead.id, participant_id=p1.id, mode="phone",
                   starts_at=utcnow() - timedelta(days=50),
                   ends_at=utcnow() - timedelta(days=50) + timedelta(minutes=30))
    db.session.add_all([booking, held])
    db.session.commit()
    assert_kept_equals_recount()
    meetings.mark(lead, held, "no_show")
    meetings.mark(lead, held, "held")
    booking.starts_at += timedelta(days=30)
    booking.ends_at += timedelta(days=30)
    db.session.commit()
    assert_kept_equals_recount()
    meetings.cancel(lead, booking, "Away")
    assert_kept_equals_recount()
    privacy.erase(None, p2)  # anonymised: the same ids, the same numbers for the past
    assert_kept_equals_recount()
    accounts.save_site(site, site.name, site.country, "Europe/London", site.address)
    assert_kept_equals_recount()
    # Time passes: once the moved session has started, it counts as held.
    soon_start = db.session.get(Session, soon.id).starts_at
    later_now = soon_start + timedelta(minutes=5)
    monkeypatch.setattr(courses, "utcnow", lambda: later_now)
    monkeypatch.setattr(rules, "utcnow", lambda: later_now)
    assert_kept_equals_recount()


@pytest.mark.parametrize("model", ["Attendance", "Session", "Enrolment", "Booking", "User"])
def test_a_feature_that_stops_describing_its_writes_is_caught(world, monkeypatch, model):
    """The recount check above is what guards the figures: with one feature's describer
    switched off, the same story must fail it."""
    from portal import figures

    watched = {type_.__name__: type_ for type_ in figures.watched()}
    assert model in watched
    monkeypatch.setitem(figures._WATCHED, watched[model], lambda *args: None)
    with pytest.raises(AssertionError):
        test_every_change_keeps_the_figures_equal_to_a_recount(world, monkeypatch)


def test_the_reports_read_the_kept_figures(site, world):
    from portal.activities.models import Attendance
    from portal.reports.periods import year

    _site, lead, _boss, people, _circle, past, _soon, _later = world
    attendance.save(lead, past[0], {people[0].id: (True, 120), people[1].id: (False, 0)}, None)
    period = year(past[0].starts_at.date())
    report = services.build([site], period)
    assert (report.activities[0]["present"], report.activities[0]["absent"]) == (1, 1)
    assert report.participants["active"] == 1
    # Raw rows removed behind the upkeep's back: the report still reads the kept figures,
    # until a recount.
    db.session.execute(Attendance.__table__.delete())
    db.session.commit()
    again = services.build([site], period)
    assert (again.activities[0]["present"], again.participants["active"]) == (1, 1)
    services.recount()
    recounted = services.build([site], period)
    assert (recounted.activities[0]["present"], recounted.participants["active"]) == (0, 0)


def test_a_result_counted_before_a_change_is_not_kept(world):
    """A report counts a circle while a list is saved: its result must not be kept."""
    _site, lead, _boss, people, circle, past, _soon, _later = world
    circles_now()  # counted and kept
    attendance.save(lead, past[0], {people[0].id: (True, 120)}, None)
    row = db.session.get(CourseResult, circle.id)
    assert row.computed != row.changes
    read = db.session.execute(
        select(Activity.id, Activity.rule_set_id, CourseResult.changes)
        .join(CourseResult, CourseResult.activity_id == Activity.id)).all()
    counted = rules.evaluate_many(read)
    attendance.save(lead, past[1], {people[0].id: (True, 120)}, None)  # meanwhile
    courses._keep(read, counted)
    db.session.expire_all()
    row = db.session.get(CourseResult, circle.id)
    assert row.computed != row.changes  # not kept: counted again next time
    assert_kept_equals_recount()


def test_a_recount_after_bulk_writes(site, world):
    _site, _lead, _boss, people, circle, past, _soon, _later = world
    from portal.activities.models import Attendance

    db.session.execute(Attendance.__table__.insert(), [
        {"session_id": past[2].id, "user_id": p.id, "status": "present", "minutes": 120,
         "updated_at": utcnow()} for p in people[:3]])  # bulk: past the upkeep
    db.session.commit()
    assert db.session.get(Session, past[2].id).present_count == 0
    assert services.recount() == 1
    db.session.expire_all()
    assert db.session.get(Session, past[2].id).present_count == 3
    assert_kept_equals_recount()
