import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal import work
from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Enrolment, EnrolmentStatus, Follow, Kind, Session, shift
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Notification


def status_of(user, activity):
    enrolment = services.enrolment_of(user, activity)
    return enrolment.status if enrolment else None


def test_only_staff_create_activities_and_circles_need_seats(site, make_user, leader):
    with pytest.raises(DomainError, match="Only volunteers and coordinators can create"):
        services.create_activity(make_user(), site, services.ActivityData(
            kind=Kind.LANGUAGE_CAFE, title="Café"))
    with pytest.raises(DomainError, match="needs a number of seats") as caught:
        services.create_activity(leader, site, services.ActivityData(
            kind=Kind.STUDY_CIRCLE, title="Circle"))
    assert caught.value.field == "capacity"
    cafe = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Språkkafé"))
    assert cafe.leaders == [leader] and cafe.capacity is None


def test_join_until_full_then_waiting_list_in_order(make_activity, make_user):
    circle = make_activity(capacity=2)
    people = [make_user() for _ in range(4)]
    statuses = [services.enrol(person, circle.id).status for person in people]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    third = services.enrolment_of(people[3], circle)
    assert services.waitlist_position(third) == 2
    assert services.enrol(people[0], circle.id).status == "enrolled"  # joining twice: no change


def test_leaving_promotes_the_first_on_the_waiting_list(make_activity, make_user):
    circle = make_activity(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    for person in (first, second, third):
        services.enrol(person, circle.id)
    promoted = services.leave(first, circle.id)
    assert [e.user_id for e in promoted] == [second.id]
    assert status_of(second, circle) == "enrolled"
    assert services.waitlist_position(services.enrolment_of(third, circle)) == 1
    assert services.leave(third, circle.id) == []  # leaving the waiting list frees no seat
    assert services.enrolment_of(first, circle) is None


def test_rejoining_goes_to_the_end_of_the_queue(make_activity, make_user):
    circle = make_activity(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    for person in (a, b, c):
        services.enrol(person, circle.id)
    services.leave(b, circle.id)
    services.enrol(b, circle.id)
    services.leave(a, circle.id)
    assert status_of(c, circle) == "enrolled" and status_of(b, circle) == "waitlisted"


def test_cafes_are_followed_not_joined(make_activity, make_user):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    person = make_user()
    with pytest.raises(DomainError, match="follow the café instead"):
        services.enrol(person, cafe.id)
    services.follow(person, cafe)
    services.follow(person, cafe)
    assert services.is_following(person, cafe)
    services.unfollow(person, cafe)
    assert not services.is_following(person, cafe)


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    today = date.today()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def test_series_keeps_local_wall_time_across_daylight_saving(site, make_activity, leader):
    circle = make_activity()
    # A Thursday series across the end of summer time (last Sunday of October).
    year = date.today().year + 1
    first = date(year, 10, 1)
    first += timedelta(days=(3 - first.weekday()) % 7)
    planned = services.plan_series(site, first, time(18, 0), 90, 1, count=6)
    sessions = services.add_series(leader, circle, planned, keep_holidays=True)
    oslo = ZoneInfo("Europe/Oslo")
    local_times = {s.starts_at.astimezone(oslo).time() for s in sessions}
    assert local_times == {time(18, 0)}
    utc_hours = {s.starts_at.hour for s in sessions}
    assert utc_hours == {16, 17}  # 18:00 CEST and 18:00 CET
    assert all(s.ends_at - s.starts_at == timedelta(minutes=90) for s in sessions)


def test_fortnightly_until_a_date(site, make_activity, leader):
    first = next_weekday(0)
    planned = services.plan_series(site, first, time(10, 0), 60, 2,
                                   until=first + timedelta(weeks=6))
    assert [p.day for p in planned] == [first + timedelta(weeks=w) for w in (0, 2, 4, 6)]


def test_public_holidays_are_flagged_and_skipped_or_kept(site, make_activity, leader):
    circle = make_activity()
    year = date.today().year + 1
    christmas = date(year, 12, 25)
    planned = services.plan_series(site, christmas - timedelta(weeks=2), time(18, 0), 60, 1,
                                   count=3)
    assert [bool(p.holiday) for p in planned] == [False, False, True]
    skipped = services.add_series(leader, circle, planned, keep_holidays=False)
    assert len(skipped) == 2
    other = make_activity(title="Another")
    kept = services.add_series(leader, other, planned, keep_holidays=True)
    assert len(kept) == 3 and kept[2].holiday


@pytest.mark.parametrize("kwargs, field, message", [
    ({"minutes": 0}, "minutes", "must end after it starts"),
    ({"first_day": date(2020, 1, 1)}, "first_day", "cannot start in the past"),
    ({"count": None}, "until", "Choose an end date or a number of sessions"),
    ({"count": 500}, "until", "at most 60 sessions"),
])
def test_series_rejects_bad_plans(site, kwargs, field, message):
    args = {"first_day": next_weekday(2), "start": time(18, 0), "minutes": 60,
            "every_weeks": 1, "count": 4}
    args.update(kwargs)
    with pytest.raises(DomainError, match=message) as caught:
        services.plan_series(site, **args)
    assert caught.value.field == field


def test_series_rejects_overlaps_and_non_leaders(site, make_activity, leader, make_user):
    circle = make_activity()
    planned = services.plan_series(site, next_weekday(1), time(18, 0), 90, 1, count=2)
    with pytest.raises(DomainError, match="Only the leaders of this activity can change its"):
        services.add_series(make_user(Role.VOLUNTEER), circle, planned, keep_holidays=True)
    services.add_series(leader, circle, planned, keep_holidays=True)
    later = services.plan_series(site, next_weekday(1), time(19, 0), 60, 1, count=1)
    with pytest.raises(DomainError, match="overlaps another session of this activity"):
        services.add_series(leader, circle, later, keep_holidays=True)
    assert db.session.scalar(select(func.count()).select_from(Session)) == 2
    coordinator = make_user(Role.COORDINATOR)
    assert services.can_lead(coordinator, circle)


def test_browse_filters_and_orders_by_next_session(site, make_activity, leader, make_site):
    circle = make_activity(title="Norsk A1", languages="norsk, arabisk", level="beginner")
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    make_activity(title="Closed one").status = "closed"
    db.session.commit()
    monday = next_weekday(0)
    services.add_series(leader, cafe, services.plan_series(site, monday, time(18, 0), 90, 1,
                                                           count=2), True)
    rows = services.browse(services.Filters())
    assert [a.title for a, _next in rows] == ["Språkkafé", "Norsk A1"]
    assert rows[0][1] is not None and rows[1][1] is None
    assert [a for a, _ in services.browse(services.Filters(kind="study_circle"))] == [circle]
    assert [a for a, _ in services.browse(services.Filters(language="ARAB"))] == [circle]
    assert [a for a, _ in services.browse(services.Filters(query="kafé"))] == [cafe]
    assert [a for a, _ in services.browse(services.Filters(weekday=0))] == [cafe]
    assert services.browse(services.Filters(weekday=1)) == []
    assert services.browse(services.Filters(site_id=make_site("Empty").id)) == []


def test_concurrent_joins_and_leaves_never_overfill(app, make_activity, make_user):
    """Many people join and leave at once: seats never exceed capacity, queue order holds."""
    circle = make_activity(capacity=5)
    people = [make_user() for _ in range(24)]
    circle_id = circle.id
    ids = [p.id for p in people]
    errors = []
    barrier = threading.Barrier(12)

    def worker(chunk):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                for user_id in chunk:  # each join and leave a unit of work, as a request is
                    with work.unit():
                        services.enrol(db.session.get(type(people[0]), user_id), circle_id)
                for user_id in chunk[:1]:
                    with work.unit():
                        services.leave(db.session.get(type(people[0]), user_id), circle_id)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(ids[i::12],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    db.session.expire_all()
    rows = db.session.execute(select(Enrolment.status, Enrolment.queue_position).where(
        Enrolment.activity_id == circle_id)).all()
    enrolled = [r for r in rows if r.status == EnrolmentStatus.ENROLLED]
    waiting = sorted(r.queue_position for r in rows if r.status == EnrolmentStatus.WAITLISTED)
    assert len(enrolled) == 5  # 12 left, 12 stayed: the seats are all filled, never more
    assert len(waiting) == 24 - 12 - 5
    assert len(set(waiting)) == len(waiting)
    # Queue order kept: nobody still waiting queued before anyone who holds a seat (seats are
    # only ever given in queue order, and never while someone waits).
    seated = [r.queue_position for r in enrolled]
    assert not waiting or min(waiting) > max(seated)


def test_capacity_cannot_drop_below_enrolled_and_new_seats_promote(make_activity, make_user,
                                                                    leader):
    circle = make_activity(capacity=2)
    people = [make_user() for _ in range(4)]
    for person in people:
        services.enrol(person, circle.id)
    data = services.ActivityData(kind=circle.kind, title=circle.title, capacity=1)
    with pytest.raises(DomainError, match="people have already joined") as caught:
        services.update_activity(leader, circle.id, data, "open")
    assert caught.value.field == "capacity"
    data.capacity = 3
    services.update_activity(leader, circle.id, data, "open")
    assert status_of(people[2], circle) == "enrolled"
    assert status_of(people[3], circle) == "waitlisted"
    with pytest.raises(DomainError, match="Only the leaders of this activity can change it"):
        services.update_activity(make_user(Role.VOLUNTEER), circle.id, data, "open")
    with pytest.raises(DomainError, match="type of an activity cannot be changed"):
        services.update_activity(leader, circle.id, services.ActivityData(
            kind=Kind.LANGUAGE_CAFE, title="x"), "open")


def test_sessions_keep_their_wall_time_when_the_site_changes_zone(site, make_activity, leader):
    from portal.accounts import services as accounts

    circle = make_activity()
    monday = next_weekday(0)
    services.add_series(leader, circle, services.plan_series(site, monday, time(18, 0), 60, 1,
                                                             count=2), True)
    session = circle.sessions[0]
    assert session.local_start == datetime.combine(monday, time(18, 0))
    before = session.starts_at
    accounts.save_site(site, site.name, "NO", "Europe/London", site.address)
    db.session.refresh(session)
    london = session.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert london.time() == time(18, 0) and session.starts_at - before == timedelta(hours=1)
    assert session.ends_at - session.starts_at == timedelta(minutes=60)
    services.move_session(leader, session, monday, time(19, 30), 60, "", "")
    assert session.local_start == datetime.combine(monday, time(19, 30))


def test_joins_and_leaves_refuse_to_run_outside_a_unit_of_work(app, make_activity, make_user):
    """The lock that serialises a circle's joins is held until the unit of work ends: where
    none would end it (a thread or script of its own), enrolling is refused outright."""
    circle = make_activity(capacity=1)
    person = make_user()
    circle_id, person_id = circle.id, person.id
    outcome = []

    def alone():
        with app.app_context():
            try:
                services.enrol(db.session.get(type(person), person_id), circle_id)
            except RuntimeError as error:
                outcome.append(str(error))
            finally:
                db.session.remove()

    thread = threading.Thread(target=alone)
    thread.start()
    thread.join(30)
    assert outcome == ["lock() outside a unit of work (a request, unit(), a test)"]


def test_a_leave_rolled_back_promotes_and_tells_nobody(make_activity, make_user, smtp_server):
    circle = make_activity(capacity=1)
    first, second = make_user(), make_user()
    services.enrol(first, circle.id)
    services.enrol(second, circle.id)
    work.commit()
    assert [e.user_id for e in services.leave(first, circle.id)] == [second.id]
    work.roll_back()
    assert status_of(first, circle) == "enrolled" and status_of(second, circle) == "waitlisted"
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    services.leave(first, circle.id)
    assert smtp_server == []  # the e-mail leaves with the commit, not before
    work.commit()
    worker.run_once()  # the delivery worker sends what the commit let out
    assert [m["To"] for m in smtp_server] == [second.email]


@pytest.fixture
def cafe_session(site, make_activity, leader):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    services.add_series(leader, cafe, services.plan_series(site, next_weekday(0), time(18, 0),
                                                           90, 1, count=1), True)
    return cafe.sessions[0]


def test_a_shift_is_kept_only_when_the_unit_of_work_commits(cafe_session, make_user):
    volunteer = make_user(Role.VOLUNTEER)
    services.take_shift(volunteer, cafe_session)
    work.roll_back()
    assert db.session.scalar(select(func.count()).select_from(shift)) == 0
    services.take_shift(volunteer, cafe_session)
    work.commit()
    assert db.session.scalar(select(func.count()).select_from(shift)) == 1


def test_a_shift_taken_twice_at_once_is_kept_once(cafe_session, make_user):
    """The same volunteer presses "I'll host" twice: the second press finds the first one's
    shift only when it stores its own; it is not an error, and one shift stays."""
    volunteer = make_user(Role.VOLUNTEER)
    work.commit()
    assert cafe_session.hosts == []  # what the second press saw
    with db.engine.begin() as first_press:
        first_press.execute(shift.insert().values(session_id=cafe_session.id,
                                                  user_id=volunteer.id, created_at=utcnow()))
    services.take_shift(volunteer, cafe_session)
    work.commit()
    assert db.session.scalar(select(func.count()).select_from(shift)) == 1
    assert cafe_session.hosts == [volunteer]


def test_following_twice_at_once_follows_once(make_activity, make_user, first_elsewhere):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    person = make_user()
    work.commit()
    first_elsewhere("INSERT INTO follow", Follow.__table__.insert().values(
        activity_id=cafe.id, user_id=person.id, created_at=utcnow()))
    services.follow(person, cafe)
    work.commit()
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1
    assert services.is_following(person, cafe)


def test_the_start_page_lists_what_a_leader_leads_soonest_first_then_by_title(
        site, leader, make_activity):
    from portal.activities.models import ActivityStatus

    later = make_activity(title="B later")
    sooner = make_activity(title="C sooner")
    make_activity(title="A nothing planned")
    archived = make_activity(title="D archived")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    services.add_series(leader, later, services.plan_series(site, monday, time(18), 60, 1,
                                                            count=1), True)
    services.add_series(leader, sooner, services.plan_series(site, monday, time(10), 60, 1,
                                                             count=1), True)
    archived.status = ActivityStatus.ARCHIVED
    db.session.flush()
    led = services.led_activities(leader)
    assert [row.title for row in led] == ["C sooner", "B later", "A nothing planned"]
    assert led[0].next_start == sooner.sessions[0].starts_at and led[2].next_start is None
    assert led[0].timezone == "Europe/Oslo"


def test_the_start_page_lists_a_volunteers_coming_shifts(site, leader, make_activity,
                                                         make_user):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    services.add_series(leader, cafe, services.plan_series(site, monday, time(18), 90, 1,
                                                           count=2), True)
    volunteer = make_user(Role.VOLUNTEER)
    for session in cafe.sessions:
        services.take_shift(volunteer, session)
    shifts = services.my_shifts(volunteer, limit=1)
    assert [(s.title, s.activity_id, s.timezone) for s in shifts] == [
        ("Språkkafé", cafe.id, "Europe/Oslo")]
    assert shifts[0].starts_at == min(s.starts_at for s in cafe.sessions)
    assert len(services.my_shifts(volunteer)) == 2 and services.my_shifts(leader) == []
