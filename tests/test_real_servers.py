"""Issue 7, on real servers: two gunicorn instances (separate processes and ports) on the one
database of the test run, people logged in over real HTTP with the CSRF tokens of the forms.

- Many people join the last seat of a circle and book the same meeting time at once, spread
  over both servers: never over capacity, never a double booking, a clear answer for all.
- kill -9 of a worker, then of the whole server, in the middle of writes: after a restart the
  database passes its integrity check, every write someone was told about is there, and
  whatever was cut off is there completely or not at all."""

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Enrolment, EnrolmentStatus, Kind, Session
from portal.extensions import db, utcnow
from portal.meetings.models import Availability, Booking, BookingStatus, Mode, Window

from .conftest import CHEAP_ARGON2, PASSWORD
from .invariants import ACK, REFUSED, UNKNOWN, Ledger, domain_problems, storage_problems
from .live import Browser, NoAnswer, Server
from .meetings.conftest import key_at, working_day

pytestmark = pytest.mark.servers

# The accounts of these tests are hashed with cheap argon2 parameters (conftest): the servers
# use the same, or every login would re-hash the password with the production cost.
APP = f"portal:create_app({{'ARGON2_PARAMETERS': {CHEAP_ARGON2!r}}})"
BOOKED = re.compile(r"/meetings/(\d+)$")


def _server(app, folder, name) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    return Server(app.config["SQLALCHEMY_DATABASE_URI"], str(folder / "instance"),
                  str(folder / f"{name}.log"), app=APP)


@pytest.fixture(scope="module")
def two_servers(app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("servers")
    servers = [_server(app, folder, name).start() for name in ("first", "second")]
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def _no_tracebacks(*servers):
    for server in servers:
        assert "Traceback" not in server.log(), server.log()[-3000:]


def _availability(coach, site, day):
    availability = Availability(
        host_id=coach.id, site_id=site.id, mode=Mode.IN_PERSON, place="Rom 2", languages="",
        slot_minutes=30, buffer_minutes=0, valid_from=utcnow().date() - timedelta(days=1),
        windows=[Window(weekday=day.weekday(), starts=clock(9), ends=clock(17))])
    db.session.add(availability)
    db.session.commit()
    return availability


def _circle(leader, site, title, capacity):
    return activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title=title, capacity=capacity))


def _log_in(pairs) -> list[Browser]:
    """[(email, base URL)] → logged-in browsers, logging in several at a time."""
    def log_in(pair):
        browser = Browser(pair[1])
        browser.login(pair[0], PASSWORD)
        return browser

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(log_in, pairs))


def _at_once(calls):
    """Run the calls in threads released together; their results (or exceptions) in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index):
        try:
            barrier.wait(timeout=60)
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - returned and asserted by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results


def test_last_seat_and_same_time_from_two_servers_at_once(app, two_servers, site, make_user):
    leader, coach = make_user(Role.VOLUNTEER), make_user(Role.VOLUNTEER)
    day = working_day()
    availability = _availability(coach, site, day)
    people = [make_user() for _ in range(16)]
    browsers = _log_in([(p.email, two_servers[i % 2].base) for i, p in enumerate(people)])
    ids = [p.id for p in people]
    for round_number in range(3):
        circle = _circle(leader, site, f"Circle {round_number}", capacity=3)
        for _ in range(2):
            activities.enrol(make_user(), circle.id)  # one seat left
        work.commit()  # the servers see it (and the test holds no lock while they write)
        key = key_at(availability, day, clock(10 + round_number))
        # Half join, half book (swapped every round), alternating servers within each half.
        half = len(browsers) // 2
        order = browsers if round_number % 2 == 0 else browsers[half:] + browsers[:half]
        joiners, bookers = order[:half], order[half:]
        for browser in joiners:  # each takes the CSRF token from the page with the form
            assert browser.get(f"/activities/{circle.id}").status == 200
        for browser in bookers:
            assert browser.get(f"/meetings/book/{key}").status == 200
        join, book = f"/activities/{circle.id}/join", f"/meetings/book/{key}"
        answers = _at_once(
            [lambda b=b, path=join: b.post(path) for b in joiners]
            + [lambda b=b, path=book: b.post(path, {"topic": "", "interpreter": ""})
               for b in bookers])
        joined, booked = answers[:half], answers[half:]
        assert [getattr(a, "status", a) for a in joined] == [303] * half
        assert sorted(getattr(a, "status", a) for a in booked) == [303] + [422] * (half - 1)
        assert all("just taken" in a.body for a in booked if a.status == 422)

        db.session.expire_all()
        statuses = db.session.execute(select(Enrolment.status, Enrolment.queue_position).where(
            Enrolment.activity_id == circle.id, Enrolment.user_id.in_(ids))).all()
        seated = [s for s in statuses if s.status == EnrolmentStatus.ENROLLED]
        waiting = [s.queue_position for s in statuses if s.status == EnrolmentStatus.WAITLISTED]
        assert len(seated) == 1 and len(waiting) == half - 1 == len(set(waiting))
        assert activities.enrolled_count(circle) == 3
        winner = next(a for a in booked if a.status == 303)
        booking_id = int(BOOKED.search(winner.location).group(1))
        active = db.session.scalars(select(Booking).where(
            Booking.host_id == coach.id, Booking.status == BookingStatus.BOOKED,
            Booking.starts_at == db.session.get(Booking, booking_id).starts_at)).all()
        assert [b.id for b in active] == [booking_id]
        assert active[0].participant_id == ids[browsers.index(bookers[booked.index(winner)])]
    assert domain_problems() == []
    assert storage_problems() == []
    _no_tracebacks(*two_servers)


class Writers:
    """People writing as fast as they can, each recording what they were told in a ledger;
    they follow `base` when the server moves and wait out the time it is down."""

    def __init__(self, base: str, ledger: Ledger):
        self.base, self.ledger = base, ledger
        self.stop = threading.Event()
        self.server_errors: list[tuple[str, int]] = []
        self.threads: list[threading.Thread] = []

    def start(self, target, *args):
        thread = threading.Thread(target=self._guard, args=(target, *args), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _guard(self, target, *args):
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 - a crashed writer is a failure below
            self.server_errors.append((f"writer crashed: {error!r}", 0))

    def browser(self, email: str) -> Browser:
        while not self.stop.is_set():
            browser = Browser(self.base, timeout=60)
            try:
                browser.login(email, PASSWORD)
                return browser
            except NoAnswer:
                time.sleep(0.05)
        return None

    def write(self, browser, user_id, op, target, path, data=None):
        """POST once (never retried: a write is acknowledged, refused or unknown)."""
        if browser.base != self.base:
            browser.base = self.base
            browser.close()
        try:
            response = browser.post(path, data)
        except NoAnswer as error:
            if error.sent:  # cut off in the middle; a refused connection never arrived
                self.ledger.add(user_id, op, target, UNKNOWN)
            time.sleep(0.05)
            return None
        if response.status >= 500:
            self.server_errors.append((path, response.status))
            self.ledger.add(user_id, op, target, UNKNOWN)
        elif response.status in (200, 303):
            self.ledger.add(user_id, op, target, ACK, _result(op, response))
        else:
            self.ledger.add(user_id, op, target, REFUSED, response.status)
            if not (op == "book" and response.status == 422):
                self.server_errors.append((f"unexpected refusal of {path}", response.status))
        return response

    def wait_for_acks(self, count: int, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.ledger.count(ACK) < count:
            assert time.monotonic() < deadline, f"only {self.ledger.count(ACK)} writes acked"
            assert not any("crashed" in e[0] for e in self.server_errors), self.server_errors
            time.sleep(0.02)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(180)


def _result(op, response):
    if op == "book":
        return int(BOOKED.search(response.location).group(1))
    return None


def _participant(writers: Writers, email, user_id, circles, keys, seed):
    rng = random.Random(seed)
    browser = writers.browser(email)
    mine, number = [], 0
    while not writers.stop.is_set():
        op = rng.choice(["join", "leave", "book", "cancel", "goal"])
        if op in ("join", "leave"):
            circle = rng.choice(circles)
            writers.write(browser, user_id, op, circle, f"/activities/{circle}/{op}")
        elif op == "book" and len(mine) < 2:
            key = rng.choice(keys)
            response = writers.write(browser, user_id, "book", key, f"/meetings/book/{key}",
                                     {"topic": "", "interpreter": ""})
            if response is not None and response.status == 303:
                mine.append(_result("book", response))
        elif op == "cancel" and mine:
            booking_id = mine.pop(0)
            writers.write(browser, user_id, "cancel", booking_id,
                          f"/meetings/{booking_id}/cancel", {"reason": ""})
        elif op == "goal":
            number += 1
            title = f"Goal {user_id}-{number}"
            writers.write(browser, user_id, "goal", title, "/goals/new",
                          {"title": title, "category": "other"})


def _roll_caller(writers: Writers, email, user_id, session_id, members):
    """A leader saving the attendance list again and again: save n marks all present with
    n minutes, so a list saved half-way would show two different numbers."""
    browser = writers.browser(email)
    minutes = 0
    while not writers.stop.is_set():
        minutes = minutes % 120 + 1
        form = {f"present-{m}": "y" for m in members} | {f"minutes-{m}": minutes
                                                         for m in members}
        writers.write(browser, user_id, "attendance", (session_id, minutes),
                      f"/activities/sessions/{session_id}/attendance", form)


def test_kill_9_in_the_middle_of_writes(app, site, make_user, tmp_path):
    leader, coach = make_user(Role.VOLUNTEER), make_user(Role.VOLUNTEER)
    day = working_day()
    availability = _availability(coach, site, day)
    keys = [key_at(availability, day, clock(hour, minute))
            for hour in range(9, 17) for minute in (0, 30)]
    circles = [_circle(leader, site, f"Circle {n}", capacity=2).id for n in range(2)]
    roll = _circle(leader, site, "Roll call", capacity=10)
    members = [make_user() for _ in range(4)]
    for member in members:
        activities.enrol(member, roll.id)
    session = Session(activity_id=roll.id, starts_at=utcnow() - timedelta(minutes=10),
                      ends_at=utcnow() + timedelta(minutes=110))
    db.session.add(session)
    work.commit()
    people = [(p.email, p.id) for p in (make_user() for _ in range(6))]

    server = _server(app, tmp_path, "before").start().wait_ready()
    writers = Writers(server.base, Ledger())
    replacement = None
    try:
        for number, (email, user_id) in enumerate(people):
            writers.start(_participant, writers, email, user_id, circles, keys, number)
        writers.start(_roll_caller, writers, leader.email, leader.id, session.id,
                      [m.id for m in members])
        writers.wait_for_acks(20)
        for _attempt in range(10):  # until a write was cut off (nearly always the first time)
            server.kill_worker()  # gunicorn starts another; the other worker goes on
            writers.wait_for_acks(writers.ledger.count(ACK) + 10)
            if writers.ledger.count(UNKNOWN):
                break
        server.kill_all()  # master and workers at once
        cut_off = writers.ledger.count(ACK)
        replacement = _server(app, tmp_path, "after").start().wait_ready()
        writers.base = replacement.base
        writers.wait_for_acks(cut_off + 20)
    finally:
        writers.finish()
        server.stop()
        if replacement is not None:
            replacement.stop()

    ledger = writers.ledger
    print(f"writes: {ledger.count(ACK)} acknowledged, {ledger.count(REFUSED)} refused, "
          f"{ledger.count(UNKNOWN)} without an answer")
    assert writers.server_errors == []
    assert ledger.count(ACK) >= cut_off + 20 and ledger.count(UNKNOWN) >= 1
    db.session.expire_all()
    assert storage_problems() == []
    assert domain_problems() == []
    assert ledger.problems() == []
    _no_tracebacks(server, replacement)


def test_the_checks_catch_what_they_promise_to(site, make_user):
    """The checks above would fail: an extra seat, a lost write, a phantom booking."""
    leader, coach = make_user(Role.VOLUNTEER), make_user(Role.VOLUNTEER)
    circle = _circle(leader, site, "Tiny", capacity=1)
    first, second = make_user(), make_user()
    for person in (first, second):
        db.session.add(Enrolment(activity_id=circle.id, user_id=person.id,
                                 status=EnrolmentStatus.ENROLLED, queue_position=1))
    day = working_day()
    key = key_at(_availability(coach, site, day), day, clock(10))
    db.session.commit()
    from portal.meetings import services as meetings

    booking = meetings.book(first, key)
    ledger = Ledger()
    ledger.add(second.id, "goal", "Never saved", ACK)
    ledger.add(second.id, "leave", circle.id, ACK)
    ledger.add(second.id, "book", key, REFUSED, 422)
    ledger.add(first.id, "book", key, ACK, booking.id + 1)
    assert domain_problems() == [f"activity {circle.id}: 2 enrolled, 1 seats"]
    assert sorted(ledger.problems()) == sorted([
        f"user {second.id} in activity {circle.id}: enrolled, expected one of ['None', 'left']",
        f"acknowledged booking {booking.id + 1} is missing",
        f"user {first.id} has booking [{booking.id}] at {key} that nobody was told about",
        f"goal 'Never saved' of user {second.id}: 0 rows after ack"])
