"""Ask "How was it?" once after each session a person was present at and each meeting of
theirs that was held; count the answers for leaders without ever saying who gave them.

Anonymity: an answer keeps the person's id only so that nobody is asked twice. Leaders see,
per activity (coordinators also for their place's meetings) and period, how many chose each
face — counts from 1 to REPORT_SMALL_CELL − 1 shown as "<5", as in every report — and the
comments only once at least REPORT_SMALL_CELL different people answered in the period, sorted
by their text so that the order says nothing about who wrote them or when."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, distinct, func, literal, literal_column, select, union_all
from sqlalchemy.exc import IntegrityError

from portal import speed
from portal.accounts.models import Site, User
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Session,
    SessionStatus,
)
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.feedback.models import FACES, Face, Feedback
from portal.i18n import _l
from portal.meetings.models import Booking, BookingStatus
from portal.speed import statement

ASK_DAYS = 14  # how long after a session or a meeting the start page asks about it


@dataclass
class Question:
    """What the start page asks about: a session or a meeting."""

    kind: str  # "session" or "meeting"
    id: int
    starts_at: datetime
    timezone: str
    title: str  # the activity's title; for a meeting, the host's name ("" without one)


# -- asking --------------------------------------------------------------------------------------

def next_question(user: User, now: datetime | None = None) -> Question | None:
    """The latest session or meeting of the last ASK_DAYS days that the person has neither
    answered about nor skipped: one question at a time, never the same one twice. (Asked on
    every start page: one prebuilt statement of plain rows.)"""
    now = now or utcnow()
    row = speed.rows(question_statement(), {
        "user_id": user.id, "now": now, "since": now - timedelta(days=ASK_DAYS)}).first()
    if row is None:
        return None
    return Question(row.kind, row.id, row.starts_at, row.timezone, row.title or "")


@statement
def question_statement():
    """The latest session the person was present at and the latest meeting of theirs that was
    held, both over and unanswered; the later of the two (a meeting on a tie). Also one part of
    the start page's one statement (home.services.start_page)."""
    answered_sessions = select(Feedback.session_id).where(
        Feedback.user_id == bindparam("user_id"), Feedback.session_id.is_not(None))
    session = (select(literal("session").label("kind"), Session.id, Session.starts_at,
                      Site.timezone, Activity.title.label("title"))
               .join(Attendance, Attendance.session_id == Session.id)
               .join(Activity, Activity.id == Session.activity_id)
               .join(Site, Site.id == Activity.site_id)
               .where(Attendance.user_id == bindparam("user_id"),
                      Attendance.status == AttendanceStatus.PRESENT,
                      Session.status == SessionStatus.SCHEDULED,
                      Session.ends_at <= bindparam("now"), Session.ends_at > bindparam("since"),
                      Session.id.not_in(answered_sessions))
               .order_by(Session.starts_at.desc()).limit(1))
    answered_meetings = select(Feedback.booking_id).where(
        Feedback.user_id == bindparam("user_id"), Feedback.booking_id.is_not(None))
    meeting = (select(literal("meeting").label("kind"), Booking.id, Booking.starts_at,
                      Site.timezone, User.display_name.label("title"))
               .join(Site, Site.id == Booking.site_id)
               .outerjoin(User, User.id == Booking.host_id)
               .where(Booking.participant_id == bindparam("user_id"),
                      Booking.status == BookingStatus.HELD,
                      Booking.ends_at <= bindparam("now"), Booking.ends_at > bindparam("since"),
                      Booking.id.not_in(answered_meetings))
               .order_by(Booking.starts_at.desc()).limit(1))
    # Each part keeps its own ORDER BY … LIMIT 1 as a subquery (SQLite and PostgreSQL alike).
    both = union_all(select(session.subquery()), select(meeting.subquery())).subquery()
    return (select(both).order_by(both.c.starts_at.desc(), both.c.kind).limit(1))


def may_answer_session(user: User, session: Session) -> bool:
    """The person was marked present, and the session is over."""
    return user.is_authenticated and session.ends_at <= utcnow() and db.session.scalar(
        select(Attendance.id).where(Attendance.session_id == session.id,
                                    Attendance.user_id == user.id,
                                    Attendance.status == AttendanceStatus.PRESENT)) is not None


def may_answer_meeting(user: User, booking: Booking) -> bool:
    """The person's own meeting, marked held, and over."""
    return (user.is_authenticated and booking.participant_id == user.id
            and booking.status == BookingStatus.HELD and booking.ends_at <= utcnow())


def answered(user: User, session: Session | None = None, booking: Booking | None = None) -> bool:
    """Whether the person has answered or skipped this session or meeting already."""
    about = (Feedback.session_id == session.id if session is not None
             else Feedback.booking_id == booking.id)
    return db.session.scalar(select(Feedback.id).where(about, Feedback.user_id == user.id)
                             ) is not None


def answer(user: User, face: Face | None, comment: str = "", change: str = "",
           session: Session | None = None, booking: Booking | None = None) -> Feedback:
    """Keep the person's answer about a session or a meeting (face None: "Not now"). Once
    only: a second answer, or two at once, is refused."""
    if session is not None and not may_answer_session(user, session):
        raise DomainError(_l("You can say how it was after a session you took part in."))
    if booking is not None and not may_answer_meeting(user, booking):
        raise DomainError(_l("You can say how it was after a meeting of yours that was held."))
    feedback = Feedback(user_id=user.id, face=face, comment=comment if face else "",
                        change=change if face else "",
                        session_id=session.id if session is not None else None,
                        booking_id=booking.id if booking is not None else None)
    try:
        with db.session.begin_nested():  # rolled back alone if they answered already
            db.session.add(feedback)
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("You have already answered this question. Thank you!")) from None
    return feedback


# -- counting, for leaders -----------------------------------------------------------------------

@dataclass
class Summary:
    """What leaders see of the answers about an activity's sessions (or a place's meetings)
    in a period. Numbers are raw here; pages and reports protect the small ones."""

    faces: dict[Face, int] = field(default_factory=lambda: dict.fromkeys(FACES, 0))
    answers: int = 0  # answers with a face ("Not now" is not an answer)
    people: int = 0  # different people among them (erased people no longer count)
    asked: int = 0  # present marks (sessions) or meetings held: the response rate's base
    comments: list[tuple[str, str]] = field(default_factory=list)  # (comment, change)
    comments_shown: bool = False


def small_cell() -> int:
    return current_app.config["REPORT_SMALL_CELL"]


def _summarise(about: str, parameters: dict, places: int = 0) -> Summary:
    """`about`: whose answers (see _answers), read with `parameters`: the counts in one
    statement, the comments in a second one when they show. `places`: how many places
    (_places) for the meetings."""
    asked, people, *per_face = speed.rows(_counts(about, places), parameters).one()
    summary = Summary(asked=asked, people=people)
    summary.faces.update(zip(FACES, per_face, strict=True))
    summary.answers = sum(summary.faces.values())
    summary.comments_shown = summary.people >= small_cell()
    if summary.comments_shown:
        rows = speed.rows(_comments(about, places), parameters)
        summary.comments = sorted((tuple(row) for row in rows),
                                  key=lambda row: (row[0].casefold(), row[1].casefold()))
    return summary


# The counts are prebuilt statements of plain rows (portal.speed): built on every request, the
# four or five statements of a summary cost about 0.3 ms each in SQLAlchemy's construction,
# cache key and ORM layer before SQLite saw them (the places' meetings in the reports: 1.5 →
# 0.4 ms); and the base, the answers per face and the people are one statement (each
# statement has its own cost, about 60-80 µs here).

def _activity_sessions():
    """The activity's sessions that started in [start, end)."""
    return select(Session.id).where(Session.activity_id == bindparam("activity_id"),
                                    Session.starts_at >= bindparam("start"),
                                    Session.starts_at < bindparam("end"))


def _places(count: int):
    """`count` places as plain bound values site_0, site_1, … (_place_values gives them), not
    one expanding list: SQLAlchemy rewrites an expanding list's SQL at every run, so the
    statement would never run prepared (portal.speed._Prepared: about 50–70 µs a statement;
    the reports run four of these). Built once per number of places."""
    return [bindparam(f"site_{i}") for i in range(count)]


def _place_values(site_ids: list[int]) -> dict:
    return {f"site_{i}": site_id for i, site_id in enumerate(site_ids)}


def _held_meetings(places: int):
    """The places' meetings held that started in [start, end). 'held' is written into the SQL,
    not bound (see Booking.is_active: SQLite would prepare the statement again on every run,
    the value could decide whether the partial index on active meetings applies)."""
    return select(Booking.id).where(Booking.site_id.in_(_places(places)),
                                    Booking.starts_at >= bindparam("start"),
                                    Booking.starts_at < bindparam("end"),
                                    Booking.status == literal_column(f"'{BookingStatus.HELD}'"))


def _answers(about: str, places: int):
    """The answers (with a face) about an activity's sessions ("sessions") or about places'
    meetings ("meetings")."""
    which = (Feedback.session_id.in_(_activity_sessions()) if about == "sessions"
             else Feedback.booking_id.in_(_held_meetings(places)))
    return which, Feedback.face.is_not(None)


def _asked(about: str, places: int):
    """The response rate's base: present marks at the activity's sessions ("sessions"), or
    the places' meetings held ("meetings")."""
    if about == "sessions":
        return select(func.coalesce(func.sum(Session.present_count), 0)).where(
            Session.id.in_(_activity_sessions()))
    return select(func.count()).select_from(_held_meetings(places).subquery())


@statement
def _counts(about: str, places: int):
    """One row: the base, the different people who answered, and the answers per face (in
    the order of FACES)."""
    return select(_asked(about, places).scalar_subquery(), func.count(distinct(Feedback.user_id)),
                  *(func.count().filter(Feedback.face == face) for face in FACES)).where(
        *_answers(about, places))


@statement
def _comments(about: str, places: int):
    return select(Feedback.comment, Feedback.change).where(
        *_answers(about, places), (Feedback.comment != "") | (Feedback.change != ""))


def activity_summary(activity: Activity, start: datetime, end: datetime) -> Summary:
    """Answers about the activity's sessions that started in [start, end)."""
    return _summarise("sessions", {"activity_id": activity.id, "start": start, "end": end})


def meetings_summary(site_ids: list[int], start: datetime, end: datetime) -> Summary:
    """Answers about the places' meetings held that started in [start, end) — never per
    host: a meeting has one participant, and a host's own numbers would point at them."""
    return _summarise("meetings", {**_place_values(site_ids), "start": start, "end": end},
                      len(site_ids))


def per_activity(site_ids: list[int], start: datetime, end: datetime,
                 present_marks=None) -> list[dict]:
    """For the reports: each activity whose sessions in [start, end) had someone present or
    an answer, with its answers per face, answers and present marks (raw numbers). Prebuilt
    statements (about 1 ms of SQLAlchemy saved per report); the present marks come with the
    activity's title (a third statement for the titles of those without answers, with an
    expanding list of ids, cost about 80 µs). `present_marks`: (activity id, title, present marks)
    of each activity with a session in the period, when the caller has read them already
    (the reports' activity rows): one statement less, about 50 µs."""
    parameters = {**_place_values(site_ids), "start": start, "end": end}
    if present_marks is None:
        present_marks = speed.rows(_present_per_activity(len(site_ids)), parameters)
    present, titles = {}, {}
    for activity_id, title, marks in present_marks:
        present[activity_id] = marks
        if marks:
            titles[activity_id] = title
    found: dict[int, dict] = {}
    for activity_id, title, face, count in speed.rows(_faces_per_activity(len(site_ids)),
                                                      parameters):
        row = found.setdefault(activity_id, {"id": activity_id, "title": title,
                                             **{f.value: 0 for f in FACES}})
        row[face.value] = count
    for activity_id, title in titles.items():
        found.setdefault(activity_id, {"id": activity_id, "title": title,
                                       **{f.value: 0 for f in FACES}})
    for row in found.values():
        row["answers"] = sum(row[f.value] for f in FACES)
        row["present"] = present.get(row["id"]) or 0
    return sorted(found.values(), key=lambda row: (row["title"].casefold(), row["id"]))


def _sessions_in_period(places: int):
    return (Activity.site_id.in_(_places(places)),
            Session.starts_at >= bindparam("start"), Session.starts_at < bindparam("end"))


@statement
def _present_per_activity(places: int):
    return (select(Activity.id, Activity.title, func.sum(Session.present_count))
            .join(Session, Session.activity_id == Activity.id).where(*_sessions_in_period(places))
            .group_by(Activity.id, Activity.title))


@statement
def _faces_per_activity(places: int):
    return (select(Activity.id, Activity.title, Feedback.face, func.count())
            .join(Session, Session.activity_id == Activity.id)
            .join(Feedback, Feedback.session_id == Session.id)
            .where(*_sessions_in_period(places), Feedback.face.is_not(None))
            .group_by(Activity.id, Activity.title, Feedback.face))

