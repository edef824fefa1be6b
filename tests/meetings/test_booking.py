"""Booking, moving, cancelling and marking meetings; one booking per host and time, always."""

import os
import subprocess
import sys
import threading
from datetime import time, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import work
from portal.accounts.models import Role, User
from portal.activities import services as activities
from portal.activities.models import Kind
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from portal.meetings import services
from portal.meetings.models import Booking, BookingStatus
from portal.notify import services as notify
from portal.notify.models import Notification

from .conftest import key_at, working_day


@pytest.fixture
def slot(make_availability):
    """A free slot a week or so ahead: (availability, day, key of 10:00)."""
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()])
    return availability, day, key_at(availability, day, time(10))


def test_booking_confirms_to_both_in_their_own_language(slot, coach, make_user, smtp_server):
    availability, day, key = slot
    person = make_user(language="sv", email="amal@example.org", name="Amal")
    booking = services.book(person, key, "CV", "ar")
    work.commit()  # e-mails leave once the booking is stored
    assert (booking.host_id, booking.participant_id, booking.status) == (
        coach.id, person.id, BookingStatus.BOOKED)
    assert (booking.mode, booking.place, booking.topic, booking.interpreter) == (
        availability.mode, "Rom 2", "CV", "ar")
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind) for n in rows] == [(person.id, "booking_confirmed"),
                                                   (coach.id, "booking_new")]
    received = {m["To"]: m for m in smtp_server}
    assert set(received) == {"amal@example.org", "coach@example.org"}
    for user, notification in ((person, rows[0]), (coach, rows[1])):
        with force_locale(user.language):
            expected = notify.subject(notification)
        subject = str(make_header(decode_header(received[user.email]["Subject"])))
        assert subject.split() == expected.split()
    body = received["amal@example.org"].get_payload(decode=True).decode()
    assert "Kari Coach" in body and "bokat" in body  # Swedish for the participant
    assert "Amal" in received["coach@example.org"].get_payload(decode=True).decode()


def test_one_booking_per_time_and_a_friendly_answer_with_next_times(slot, make_user):
    availability, day, key = slot
    services.book(make_user(), key)
    with pytest.raises(services.SlotTaken, match="just taken") as taken:
        services.book(make_user(), key)
    alternatives = [s.starts_at for s in taken.value.alternatives]
    assert alternatives and all(t > services.slot_rules.parse_key(key)[1] for t in alternatives)


def _someone_else_can_book_with(host_id: int) -> bool:
    """Whether another connection can take this host's calendar now (a write on their row,
    giving up after a tenth of a second)."""
    with db.engine.connect() as other:
        try:
            other.execute(text("PRAGMA busy_timeout = 100" if other.dialect.name == "sqlite"
                               else "SET lock_timeout = '100ms'"))
            other.execute(update(User).where(User.id == host_id)
                          .values(session_version=User.session_version))
        except OperationalError:
            return False
        finally:
            other.invalidate()  # never back to the pool with that short timeout
    return True


def test_a_booking_owns_both_calendars_until_its_unit_of_work_ends(slot, coach, make_user):
    availability, day, key = slot
    services.book(make_user(), key)
    assert not _someone_else_can_book_with(coach.id)
    work.commit()
    assert _someone_else_can_book_with(coach.id)


def test_the_next_free_times_are_looked_up_after_letting_go_of_the_locks(
        client, login_as, slot, coach, make_user, monkeypatch):
    """Found by wapiti's logged-in scan (hundreds of bookings of taken times at once): the
    next free times were computed while the booking held SQLite's one write lock, until
    other writers gave up after the busy timeout (503)."""
    availability, day, key = slot
    services.book(make_user(), key)
    login_as()
    looked_up = services._alternatives
    free_to_book = []

    def spy(*args, **kwargs):
        free_to_book.append(_someone_else_can_book_with(coach.id))
        return looked_up(*args, **kwargs)

    monkeypatch.setattr(services, "_alternatives", spy)
    response = client.post(f"/meetings/book/{key}", {"topic": ""})
    assert response.status_code == 422 and "just taken" in response.get_data(as_text=True)
    assert free_to_book == [True]


def test_the_database_itself_refuses_a_second_active_booking(slot, coach, make_user):
    availability, day, key = slot
    first = services.book(make_user(), key)
    twin = Booking(site_id=first.site_id, host_id=coach.id, participant_id=make_user().id,
                   starts_at=first.starts_at, ends_at=first.ends_at, mode=first.mode)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        work.commit()
    db.session.rollback()
    # A cancelled meeting does not hold the time.
    first = db.session.get(Booking, first.id)
    first.status = BookingStatus.CANCELLED
    work.commit()
    twin = Booking(site_id=first.site_id, host_id=coach.id, participant_id=make_user().id,
                   starts_at=first.starts_at, ends_at=first.ends_at, mode=first.mode)
    db.session.add(twin)
    work.commit()


def test_many_people_at_once_get_one_booking(app, slot, make_user):
    availability, day, key = slot
    ids = [make_user().id for _ in range(12)]
    results, barrier = [], threading.Barrier(len(ids))

    def worker(user_id):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                with work.unit():  # as a request would be
                    services.book(db.session.get(User, user_id), key)
                results.append("booked")
            except services.SlotTaken:
                results.append("taken")
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                results.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == ["booked"] + ["taken"] * 11
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1


BOOK_IN_A_PROCESS = """
import sys
from portal import create_app, work
from portal.accounts.models import User
from portal.extensions import db
from portal.meetings import services
app = create_app()
with app.app_context():
    user = db.session.get(User, int(sys.argv[1]))
    services.slot_for(sys.argv[2], user)  # warm, as a worker that has served pages is
    print("ready", flush=True)
    sys.stdin.readline()  # all start together, when the test says go
    try:
        with work.unit():
            services.book(user, sys.argv[2])
        print("booked")
    except services.SlotTaken:
        print("taken")
"""


def test_separate_processes_at_once_get_one_booking(app, slot, make_user):
    """Separate processes (as several gunicorn workers would be) on the same database."""
    availability, day, key = slot
    ids = [make_user().id for _ in range(6)]
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY="test-secret-key", MAIL_SERVER="")
    processes = [subprocess.Popen([sys.executable, "-c", BOOK_IN_A_PROCESS, str(i), key],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for i in ids]
    # Each one has started Bro and looked at the time before any of them books.
    ready = [p.stdout.readline().strip() for p in processes]
    assert ready == ["ready"] * len(ids), [p.stderr.read() for p in processes]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [p.communicate(timeout=120) for p in processes]
    answers = sorted(out.strip() for out, _err in outputs)
    assert answers == ["booked"] + ["taken"] * 5, [err for _out, err in outputs]
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1


def test_people_cannot_book_twice_at_once_or_hoard(app, site, make_availability, make_user):
    day = working_day()
    first = make_availability(weekdays=[day.weekday()])
    second = make_availability(host=make_user(Role.VOLUNTEER), weekdays=[day.weekday()])
    person = make_user()
    services.book(person, key_at(first, day, time(9)))
    with pytest.raises(DomainError, match="already have a meeting"):
        services.book(person, key_at(second, day, time(9)))
    services.book(person, key_at(second, day, time(10)))
    services.book(person, key_at(first, day, time(11)))
    with pytest.raises(DomainError, match="3 meetings booked already"):
        services.book(person, key_at(second, day, time(11, 30)))


def test_not_with_yourself_not_at_another_place_not_off_the_grid(slot, coach, make_user,
                                                                 make_site):
    availability, day, key = slot
    with pytest.raises(DomainError, match="yourself"):
        services.book(coach, key)
    stranger = make_user(at=make_site("Elsewhere"))
    with pytest.raises(DomainError, match="your own meeting place"):
        services.book(stranger, key)
    with pytest.raises(services.SlotTaken, match="just taken"):
        services.book(make_user(), key_at(availability, day, time(10, 10)))
    with pytest.raises(DomainError, match="not offered any more"):
        services.book(make_user(), "999-20300101T0900")


def test_clashes_with_joined_sessions_are_flagged(site, slot, make_user, coach):
    availability, day, key = slot
    person = make_user()
    teacher = make_user(Role.VOLUNTEER)  # not the coach: the coach's own circle blocks the time
    circle = activities.create_activity(teacher, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk", capacity=5))
    activities.add_series(teacher, circle, activities.plan_series(
        site, day, time(10, 15), 60, 1, count=1), keep_holidays=True)
    activities.enrol(person, circle.id)
    flagged = {s.key: s.clash for s in services.find_slots(person, site, coach.id, day, 1)}
    assert flagged[key] is True
    assert flagged[key_at(availability, day, time(9))] is False
    assert services.slot_for(key, person).clash is True
    services.book(person, key)  # a warning, not a rule


def test_the_host_is_not_offered_while_running_a_circle_or_a_cafe_shift(site, slot, make_user,
                                                                      coach):
    availability, day, key = slot
    person = make_user()

    def offered(at: time) -> bool:
        free = {s.key for s in services.find_slots(person, site, coach.id, day, 1)}
        return key_at(availability, day, at) in free

    def planned(kind, at: time, leader=coach):
        activity = activities.create_activity(leader, site, activities.ActivityData(
            kind=kind, title=f"{kind} {at}", capacity=5 if kind == Kind.STUDY_CIRCLE else None))
        activities.add_series(leader, activity, activities.plan_series(
            site, day, at, 60, 1, count=1), keep_holidays=True)
        return activity.sessions[0]

    starts = [time(9), time(9, 30), time(10), time(10, 30), time(11), time(11, 30)]
    assert all(offered(at) for at in starts)  # the whole morning, to begin with
    planned(Kind.STUDY_CIRCLE, time(9))  # a circle the coach leads: 09:00–10:00 taken
    organised = planned(Kind.LANGUAGE_CAFE, time(10))  # a café the coach only organises
    hosted = planned(Kind.LANGUAGE_CAFE, time(11), leader=make_user(Role.VOLUNTEER))
    activities.take_shift(coach, hosted)  # a shift the coach took: 11:00–12:00 taken
    assert not offered(time(9)) and not offered(time(9, 30))
    assert offered(time(10)) and offered(time(10, 30)) and organised.hosts == []
    assert not offered(time(11)) and not offered(time(11, 30))
    with pytest.raises(services.SlotTaken, match="just taken"):  # the booking checks again
        services.book(person, key_at(availability, day, time(11)))
    activities.drop_shift(coach, hosted)
    assert offered(time(11))


def test_staff_who_book_a_colleague_are_never_in_two_places(site, slot, make_user, coach,
                                                            make_availability):
    availability, day, key = slot  # the coach's times; the coach's 10:00
    colleague = make_user(Role.VOLUNTEER, name="Kim Colleague")
    theirs = make_availability(host=colleague, weekdays=[day.weekday()])
    person = make_user()

    def coach_offers(at: time) -> bool:
        return key_at(availability, day, at) in {
            s.key for s in services.find_slots(person, site, coach.id, day, 1)}

    # The coach books the colleague at 10:00, as a participant: nobody can book the coach then.
    services.book(coach, key_at(theirs, day, time(10)))
    assert not coach_offers(time(10)) and coach_offers(time(9))
    # Someone books the coach at 11:00: the coach cannot book the colleague then.
    services.book(person, key_at(availability, day, time(11)))
    with pytest.raises(DomainError, match="already have a meeting"):
        services.book(coach, key_at(theirs, day, time(11)))
    # A circle the coach leads at 09:00 is flagged when the coach looks at the colleague's times.
    circle = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk", capacity=5))
    activities.add_series(coach, circle, activities.plan_series(
        site, day, time(9), 60, 1, count=1), keep_holidays=True)
    flagged = {s.key: s.clash for s in services.find_slots(coach, site, colleague.id, day, 1)}
    assert flagged[key_at(theirs, day, time(9))] is True
    assert flagged[key_at(theirs, day, time(11, 30))] is False


def test_participants_cancel_until_the_cut_off_and_the_host_is_told(slot, coach, make_user):
    availability, day, key = slot
    person = make_user()
    booking = services.book(person, key)
    services.cancel(person, booking, "Sick child")
    assert booking.status == BookingStatus.CANCELLED
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == coach.id, Notification.kind == "booking_cancelled")).one()
    assert told.params["reason"] == "Sick child"
    services.book(make_user(), key)  # the time is free again

    late = services.book(person, key_at(availability, day, time(11)))
    late.starts_at = utcnow() + timedelta(hours=1)
    late.ends_at = late.starts_at + timedelta(minutes=30)
    work.commit()
    with pytest.raises(DomainError, match="too late"):
        services.cancel(person, late)
    with pytest.raises(DomainError, match="why"):
        services.cancel(coach, late, "")
    services.cancel(coach, late, "Ill today")
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == person.id, Notification.kind == "booking_cancelled")).one()


def test_moving_keeps_the_host_and_tells_them(slot, coach, make_user):
    availability, day, key = slot
    person = make_user()
    booking = services.book(person, key)
    new_key = key_at(availability, day, time(11))
    services.move(person, booking, new_key)
    booking = db.session.get(Booking, booking.id)
    assert booking.starts_at == services.slot_rules.parse_key(new_key)[1]
    moved = db.session.scalars(select(Notification).where(
        Notification.kind == "booking_moved")).one()
    assert moved.user_id == coach.id
    services.book(make_user(), key)  # the old time is free again
    with pytest.raises(services.SlotTaken, match="just taken"):
        services.move(person, booking, key)
    with pytest.raises(DomainError, match="too late to change"):  # only the participant moves
        services.move(coach, booking, key_at(availability, day, time(9)))


def test_held_and_no_show_only_once_started_and_only_by_staff(slot, coach, make_user):
    availability, day, key = slot
    person = make_user()
    booking = services.book(person, key)
    with pytest.raises(DomainError, match="started"):
        services.mark(coach, booking, BookingStatus.HELD)
    booking.starts_at = utcnow() - timedelta(minutes=5)
    booking.ends_at = booking.starts_at + timedelta(minutes=30)
    work.commit()
    with pytest.raises(DomainError, match="cannot change this meeting"):
        services.mark(person, booking, BookingStatus.HELD)
    with pytest.raises(DomainError, match="cannot change this meeting"):
        services.mark(make_user(Role.VOLUNTEER), booking, BookingStatus.HELD)
    services.mark(coach, booking, BookingStatus.NO_SHOW)
    services.mark(coach, booking, BookingStatus.HELD)  # corrected
    assert booking.status == BookingStatus.HELD
    coordinator = make_user(Role.COORDINATOR)
    services.mark(coordinator, booking, BookingStatus.NO_SHOW)
    assert booking.status == BookingStatus.NO_SHOW
