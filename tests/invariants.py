"""What must hold in the database after concurrent writes, crashes or a load run, and a ledger
of what the clients were told. Every function runs inside an app context and returns a list
of problems (empty when all is well). Used by tests/test_real_servers.py and bench/load.py."""

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from portal.activities.models import Activity, Attendance, Enrolment, EnrolmentStatus
from portal.extensions import db
from portal.goals.models import Goal, Step
from portal.meetings import slots
from portal.meetings.models import Availability, Booking, BookingStatus
from portal.notify.models import Notification

ACK, REFUSED, UNKNOWN = "ack", "refused", "unknown"


def storage_problems() -> list[str]:
    """The database's own integrity check: SQLite's integrity_check and foreign_key_check;
    on PostgreSQL amcheck's B-tree checks of every index (heap and index agree, order holds)."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            integrity = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            foreign = list(connection.execute(text("PRAGMA foreign_key_check")))
            return ([] if integrity == ["ok"] else [f"integrity_check: {integrity}"]) + [
                f"foreign key broken: {row}" for row in foreign]
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = connection.execute(text(
            "SELECT c.relname, c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = current_schema() AND i.indisready "
            "AND i.indisvalid")).all()
        problems = []
        for name, oid in indexes:
            try:
                connection.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
            except Exception as error:  # noqa: BLE001 - reported as a problem
                problems.append(f"index {name}: {error}")
        connection.commit()
        if not indexes:
            problems.append("no indexes found to check")
        return problems


def domain_problems(after_booking: int = 0) -> list[str]:
    """Rules that hold under any concurrency: seats, queue, one meeting per host and time,
    no participant in two meetings at once, and (for bookings with an id above
    `after_booking`: seeded ones have none) no booking without its notifications."""
    problems = []
    seats = db.session.execute(
        select(Activity.id, Activity.capacity, func.count(Enrolment.id))
        .join(Enrolment, Enrolment.activity_id == Activity.id)
        .where(Enrolment.status == EnrolmentStatus.ENROLLED, Activity.capacity.is_not(None))
        .group_by(Activity.id, Activity.capacity)).all()
    problems += [f"activity {a}: {n} enrolled, {c} seats" for a, c, n in seats if n > c]
    queue = db.session.execute(
        select(Enrolment.activity_id, Enrolment.queue_position, func.count())
        .where(Enrolment.status == EnrolmentStatus.WAITLISTED)
        .group_by(Enrolment.activity_id, Enrolment.queue_position).having(func.count() > 1))
    problems += [f"activity {a}: queue position {p} held {n} times" for a, p, n in queue]
    active = db.session.scalars(select(Booking).where(Booking.status == BookingStatus.BOOKED)
                                .order_by(Booking.starts_at)).all()
    by_host, by_person = defaultdict(list), defaultdict(list)
    for booking in active:
        by_host[booking.host_id].append(booking)
        by_person[booking.participant_id].append(booking)
    for owner, groups in (("host", by_host), ("participant", by_person)):
        for person, bookings in groups.items():
            for first, second in zip(bookings, bookings[1:], strict=False):
                if second.starts_at < first.ends_at:
                    problems.append(f"{owner} {person}: bookings {first.id} and {second.id} "
                                    "overlap")
    told = defaultdict(set)
    for user_id, kind, params in db.session.execute(select(
            Notification.user_id, Notification.kind, Notification.params).where(
            Notification.kind.in_(["booking_confirmed", "booking_new"]))):
        told[(params or {}).get("booking_id")].add((user_id, kind))
    for booking in db.session.scalars(select(Booking).where(Booking.id > after_booking)):
        expected = {(booking.participant_id, "booking_confirmed"),
                    (booking.host_id, "booking_new")}
        if not expected <= told[booking.id]:
            problems.append(f"booking {booking.id} without its notifications")
        availability = db.session.get(Availability, booking.availability_id or 0)
        if availability is not None and availability.host_id != booking.host_id:
            problems.append(f"booking {booking.id}: host is not the availability's host")
    return problems


@dataclass
class Ledger:
    """What each client was told about each write: acknowledged (2xx/303), refused (a clear
    4xx answer), or unknown (no answer: the connection broke)."""

    entries: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, user_id: int, op: str, target, outcome: str, result=None) -> None:
        with self._lock:
            self.entries.append((len(self.entries), user_id, op, target, outcome, result))

    def count(self, outcome: str) -> int:
        return sum(1 for e in self.entries if e[4] == outcome)

    def problems(self) -> list[str]:
        """Every acknowledged write is in the database, nothing refused is, and an unanswered
        write is there completely or not at all."""
        problems = []
        entries = sorted(self.entries)
        problems += self._enrolments([e for e in entries if e[2] in ("join", "leave")])
        problems += self._bookings([e for e in entries if e[2] in ("book", "cancel")])
        problems += self._texts([e for e in entries if e[2] == "goal"], Goal.title,
                                lambda user_id: Goal.owner_id == user_id)
        problems += self._texts([e for e in entries if e[2] == "step"], Step.text,
                                lambda user_id: Step.goal.has(Goal.owner_id == user_id))
        problems += self._attendance([e for e in entries if e[2] == "attendance"])
        return problems

    @staticmethod
    def _enrolments(entries) -> list[str]:
        states = {"join": {EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED},
                  "leave": {EnrolmentStatus.LEFT, None}}
        allowed = {}
        for _seq, user_id, op, activity_id, outcome, _result in entries:
            key = (user_id, activity_id)
            if outcome == ACK:
                allowed[key] = set(states[op])
            elif outcome == UNKNOWN:
                allowed[key] = allowed.get(key, {None}) | states[op]
        problems = []
        for (user_id, activity_id), possible in allowed.items():
            status = db.session.scalar(select(Enrolment.status).where(
                Enrolment.user_id == user_id, Enrolment.activity_id == activity_id))
            if status not in possible:
                problems.append(f"user {user_id} in activity {activity_id}: {status}, "
                                f"expected one of {sorted(map(str, possible))}")
        return problems

    @staticmethod
    def _bookings(entries) -> list[str]:
        problems = []
        booked = {}  # booking id -> (user, key)
        outcomes = defaultdict(set)  # (user, key) -> outcomes of booking it
        cancels = defaultdict(set)  # booking id -> outcomes of cancelling it
        for _seq, user_id, op, target, outcome, result in entries:
            if op == "book":
                outcomes[(user_id, target)].add(outcome)
                if outcome == ACK:
                    booked[result] = (user_id, target)
            else:
                cancels[target].add(outcome)
        for booking_id, (user_id, key) in booked.items():
            booking = db.session.get(Booking, booking_id)
            if booking is None:
                problems.append(f"acknowledged booking {booking_id} is missing")
                continue
            availability_id, starts_at = slots.parse_key(key)
            if (booking.participant_id, booking.availability_id, booking.starts_at) != (
                    user_id, availability_id, starts_at):
                problems.append(f"booking {booking_id} is not the one user {user_id} booked")
            if ACK in cancels[booking_id]:
                wanted = {BookingStatus.CANCELLED}
            elif UNKNOWN in cancels[booking_id]:
                wanted = {BookingStatus.CANCELLED, BookingStatus.BOOKED}
            else:
                wanted = {BookingStatus.BOOKED}
            if booking.status not in wanted:
                problems.append(f"booking {booking_id} is {booking.status}")
        for (user_id, key), seen in outcomes.items():
            availability_id, starts_at = slots.parse_key(key)
            rows = db.session.scalars(select(Booking).where(
                Booking.participant_id == user_id, Booking.availability_id == availability_id,
                Booking.starts_at == starts_at)).all()
            known = {b.id for b in rows} - set(booked)
            if known and UNKNOWN not in seen:
                problems.append(f"user {user_id} has booking {sorted(known)} at {key} that "
                                "nobody was told about")
        return problems

    @staticmethod
    def _texts(entries, column, owned) -> list[str]:
        """Goals and steps, each written with a text used once: there once if acknowledged,
        at most once if unanswered, never if refused."""
        problems = []
        for _seq, user_id, op, written, outcome, _result in entries:
            found = db.session.scalar(select(func.count()).select_from(column.class_).where(
                owned(user_id), column == written))
            limits = {ACK: (1, 1), UNKNOWN: (0, 1), REFUSED: (0, 0)}[outcome]
            if not limits[0] <= found <= limits[1]:
                problems.append(f"{op} {written!r} of user {user_id}: {found} rows after "
                                f"{outcome}")
        return problems

    @staticmethod
    def _attendance(entries) -> list[str]:
        """Each save marks everyone on the list present with its own number of minutes: a list
        saved half-way would show two different numbers. (Someone who joined after the leader
        opened the list is stored as absent, 0 minutes, by that save: not counted here.)"""
        problems = []
        by_session = defaultdict(list)
        for entry in entries:
            by_session[entry[3][0]].append(entry)
        for session_id, saves in by_session.items():
            possible = set()
            for _seq, _user, _op, (_sid, minutes), outcome, _result in saves:
                if outcome == ACK:
                    possible = {minutes}
                elif outcome == UNKNOWN:
                    possible.add(minutes)
            stored = set(db.session.scalars(select(Attendance.minutes).where(
                Attendance.session_id == session_id, Attendance.status == "present")))
            if len(stored) > 1:
                problems.append(f"session {session_id}: half a list saved ({sorted(stored)})")
            elif possible and not stored <= possible:
                problems.append(f"session {session_id}: minutes {stored}, expected one of "
                                f"{sorted(possible)}")
            elif possible and not stored and ACK in {s[4] for s in saves}:
                problems.append(f"session {session_id}: acknowledged list missing")
        return problems
