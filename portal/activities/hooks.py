"""What activities do for other features: their messages, the kept report figures their
changes feed, and their part when a person is erased, asks for their data or a meeting
place changes its time zone (portal.signals). Connected by create_app through `connect()`,
never by importing this module."""

from datetime import datetime

from sqlalchemy import bindparam, delete, select

from portal import signals, speed
from portal.accounts.models import User
from portal.activities import figures, messages, rules, services
from portal.activities.models import (
    Activity,
    Admission,
    Attendance,
    Enrolment,
    Follow,
    Session,
    activity_co_leader,
    activity_leader,
    shift,
)
from portal.extensions import db, utcnow
from portal.speed import statement


def connect() -> None:
    messages.init()
    figures.register()
    signals.person_erased.connect(erase_person)
    signals.data_requested.connect(personal_data)
    signals.site_timezone_changed.connect(services.keep_wall_times)
    signals.profile_fields_asked.connect(rules.funder_details_asked)


def erase_person(person: User, actor: User | None = None, now: datetime | None = None,
                 **_ignored) -> None:
    """person_erased: the person leaves every circle that still has sessions to come, so
    each seat goes to the next in line (who is told), through `services.leave` in the
    eraser's transaction; the cafés they follow go; they lead or co-lead nothing and host no
    coming café session any more. Their
    attendance and the enrolments of finished courses stay, under the anonymous account, for
    the reports."""
    now = now or utcnow()
    services.leave_running_courses(person, now)
    db.session.execute(delete(Follow).where(Follow.user_id == person.id))
    # Being let into a women-only activity tells something about the person: it goes too.
    db.session.execute(delete(Admission).where(Admission.user_id == person.id))
    # No longer staff: they lead nothing, and their coming café shifts are free again (the
    # café shows "no host yet"); past shifts stay for the reports' count of hosted sessions.
    db.session.execute(delete(activity_leader).where(activity_leader.c.user_id == person.id))
    db.session.execute(delete(activity_co_leader).where(
        activity_co_leader.c.user_id == person.id))
    db.session.execute(delete(shift).where(shift.c.user_id == person.id, shift.c.session_id.in_(
        select(Session.id).where(Session.starts_at > now))))


def personal_data(person: User, sections=None, **_ignored) -> dict:
    """data_requested: the sections "enrolments" (circles and waiting lists, with status and
    since when), "following" (cafés), "attendance" (each session marked, with minutes),
    "co_leading" (activities they help run as a co-leader) and "admitted_to" (women-only
    activities a leader let them take part in) of My data, those asked for. Plain rows from
    statements built once per process (about 0.1 ms less each on My data)."""
    enrolments, following, attendance, co_leading, admitted = (
        speed.rows(built(), {"user_id": person.id}).all() if signals.asked(sections, name)
        else [] for name, built in _DATA_STATEMENTS)
    following = [title for title, in following]
    co_leading = [title for title, in co_leading]
    return {
        "admitted_to": [{"activity": title, "since": at.isoformat()} for title, at in admitted],
        "enrolments": [{"activity": title, "status": str(status), "since": at.isoformat()}
                       for title, status, at in enrolments],
        "following": following,
        "attendance": [{"activity": title, "session": at.isoformat(), "status": str(status),
                        "minutes": minutes} for title, at, status, minutes in attendance],
        "co_leading": co_leading,
    }


@statement
def _enrolments():
    return (select(Activity.title, Enrolment.status, Enrolment.updated_at)
            .join(Activity, Activity.id == Enrolment.activity_id)
            .where(Enrolment.user_id == bindparam("user_id")).order_by(Enrolment.updated_at))


@statement
def _following():
    return select(Activity.title).join(Follow, Follow.activity_id == Activity.id).where(
        Follow.user_id == bindparam("user_id"))


@statement
def _attendance():
    return (select(Activity.title, Session.starts_at, Attendance.status, Attendance.minutes)
            .join(Session, Session.id == Attendance.session_id)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Attendance.user_id == bindparam("user_id")).order_by(Session.starts_at))


@statement
def _co_leading():
    return (select(Activity.title).join(
        activity_co_leader, activity_co_leader.c.activity_id == Activity.id).where(
        activity_co_leader.c.user_id == bindparam("user_id")).order_by(Activity.title))


@statement
def _admitted():
    return (select(Activity.title, Admission.created_at).join(
        Admission, Admission.activity_id == Activity.id)
        .where(Admission.user_id == bindparam("user_id")).order_by(Admission.created_at))


# In personal_data's order, with the section each makes.
_DATA_STATEMENTS = (("enrolments", _enrolments), ("following", _following),
                    ("attendance", _attendance), ("co_leading", _co_leading),
                    ("admitted_to", _admitted))
