"""Keeps the reports' tables (portal.reports.models, session.present_count/absent_count) equal
to a recount from the raw rows.

After every flush, portal.figures tells what the written rows feed (each feature describes its
own rows there); this module recounts exactly that, from the raw rows, in the flush's
transaction:
- the marks of each session whose attendance changed;
- who was active at a site in the local months the change touched (old and new values: a
  moved meeting leaves one month and enters another);
- the course results of the study circles concerned are marked changed (portal.reports.courses
  counts them again when a report asks).
Recounting rather than adding and subtracting keeps the figures exact whatever the change:
corrections, re-opened lists, moved or cancelled sessions and meetings, erasure.

Writes that bypass the ORM (the demo's bulk history, imports) call `rebuild` afterwards, as
does `flask reports-rebuild`."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, func, literal, or_, select, union, update

from portal import figures
from portal.accounts.models import Site
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Enrolment,
    Kind,
    Session,
)
from portal.meetings.models import Booking
from portal.reports.models import ActiveMonth, CourseResult


def apply(connection, touched: figures.Touched) -> None:
    """Recount what a flush touched (connected to portal.figures.touched)."""
    if touched.marks:
        count_marks(connection, touched.marks)
    keys = set(touched.met)
    sessions = {s for s, _u in touched.present} | {s for s, _at in touched.moved}
    if sessions:
        found = connection.execute(
            select(Session.id, Activity.site_id, Session.starts_at)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Session.id.in_(sessions))).all()
        site = {session_id: site_id for session_id, site_id, _at in found}
        starts = {session_id: {at} for session_id, _site, at in found}
        for session_id, at in touched.moved:  # and where a moved session was before
            starts.setdefault(session_id, set()).add(at)
        present = set(touched.present) | set(connection.execute(
            select(Attendance.session_id, Attendance.user_id)
            .where(Attendance.session_id.in_({s for s, _at in touched.moved}),
                   Attendance.user_id.is_not(None),
                   Attendance.status == AttendanceStatus.PRESENT)).all())
        keys |= {(site[s], user, at) for s, user in present if s in site for at in starts[s]}
    keys = {(site, user, at) for site, user, at in keys if site not in touched.sites}
    if keys:
        refresh_active(connection, keys)
    for site_id in touched.sites:
        rebuild_active(connection, site_id)
    _mark_circles_changed(connection, touched)


# -- marks per session ---------------------------------------------------------------------

def count_marks(connection, session_ids=None) -> None:
    """Recount present and absent marks of these sessions (all sessions: None). The rows are
    locked first, so that on PostgreSQL the recount (a new statement) sees every list saved
    before it by a concurrent transaction."""
    if session_ids is not None:
        connection.execute(select(Session.id).where(Session.id.in_(session_ids))
                           .order_by(Session.id).with_for_update())

    def marks(status):
        return (select(func.count()).where(Attendance.session_id == Session.id,
                                           Attendance.status == status).scalar_subquery())

    statement = update(Session).values(present_count=marks(AttendanceStatus.PRESENT),
                                       absent_count=marks(AttendanceStatus.ABSENT))
    if session_ids is not None:
        statement = statement.where(Session.id.in_(session_ids))
    connection.execute(statement.execution_options(synchronize_session=False))


# -- who was active in which month ---------------------------------------------------------

def month_of(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date().replace(day=1)


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(datetime.combine(day, datetime.min.time(), tz).astimezone(UTC)
                 for day in (month, following))


def events(site_ids, start: datetime, end: datetime, user_ids=None):
    """(user_id, at) of every presence at a session and every meeting that was not cancelled
    at these sites in [start, end): what makes a person active."""
    present = (select(Attendance.user_id.label("user_id"), Session.starts_at.label("at"))
               .join(Session, Session.id == Attendance.session_id)
               .join(Activity, Activity.id == Session.activity_id)
               .where(Activity.site_id.in_(site_ids), Attendance.status == AttendanceStatus.PRESENT,
                      Session.starts_at >= start, Session.starts_at < end))
    met = (select(Booking.participant_id.label("user_id"), Booking.starts_at.label("at"))
           .where(Booking.site_id.in_(site_ids), Booking.is_active,
                  Booking.starts_at >= start, Booking.starts_at < end))
    if user_ids is not None:
        present = present.where(Attendance.user_id.in_(user_ids))
        met = met.where(Booking.participant_id.in_(user_ids))
    return present, met


def _refill(connection, site_id: int, zone: str, month: date, user_ids=None) -> None:
    """Recount one month of one site (for these people, or everyone)."""
    table = ActiveMonth.__table__
    forget = table.delete().where(table.c.site_id == site_id, table.c.month == month)
    if user_ids is not None:
        forget = forget.where(table.c.user_id.in_(user_ids))
    connection.execute(forget)
    present, met = events([site_id], *month_bounds(month, zone), user_ids)
    people = union(*(select(q.subquery().c.user_id) for q in (present, met))).subquery()
    connection.execute(table.insert().from_select(
        ["site_id", "month", "user_id"],
        select(literal(site_id), literal(month, Date), people.c.user_id)
        .where(people.c.user_id.is_not(None))))


def _zones(connection, site_ids) -> dict[int, str]:
    return dict(connection.execute(
        select(Site.id, Site.timezone).where(Site.id.in_(site_ids))).all())


def _lock_sites(connection, site_ids) -> None:
    """Recounts of a site's months take turns (PostgreSQL: the site row is locked until
    commit), so each recount sees the changes of the one before it."""
    connection.execute(select(Site.id).where(Site.id.in_(site_ids)).order_by(Site.id)
                       .with_for_update())


def refresh_active(connection, keys: set[tuple[int, int, datetime]]) -> None:
    """Recount the (site, person, moment's local month) keys a change touched."""
    _lock_sites(connection, {site for site, _u, _at in keys})
    zones = _zones(connection, {site for site, _u, _at in keys})
    groups: dict[tuple[int, date], set[int]] = {}
    for site, user, at in keys:
        groups.setdefault((site, month_of(at, zones[site])), set()).add(user)
    for (site, month), users in groups.items():
        _refill(connection, site, zones[site], month, users)


def rebuild_active(connection, site_id: int) -> None:
    """Recount every month of a site (after a change of its time zone, or a bulk import)."""
    _lock_sites(connection, [site_id])
    connection.execute(ActiveMonth.__table__.delete().where(ActiveMonth.site_id == site_id))
    zone = _zones(connection, [site_id])[site_id]
    present, met = events([site_id], datetime(1, 1, 2, tzinfo=UTC),
                          datetime(9999, 12, 30, tzinfo=UTC))
    moments = []
    for query in (present, met):
        happened = query.subquery()
        moments += connection.execute(select(func.min(happened.c.at),
                                             func.max(happened.c.at))).one()
    moments = [m for m in moments if m is not None]
    if not moments:
        return
    month, last = month_of(min(moments), zone), month_of(max(moments), zone)
    while month <= last:
        _refill(connection, site_id, zone, month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


# -- study circles -------------------------------------------------------------------------

def upsert(connection, table):
    """INSERT … ON CONFLICT for the connection's database (SQLite and PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _mark_circles_changed(connection, touched: figures.Touched) -> None:
    """Bump `changes` of each circle concerned (a row is made if it has none yet), so a
    course result counted before this change is never kept after it."""
    table = CourseResult.__table__
    if touched.all_circles:
        connection.execute(table.update().values(changes=table.c.changes + 1))
    conditions = []
    if touched.circles:
        conditions.append(Activity.id.in_(touched.circles))
    if touched.circle_sessions:
        conditions.append(Activity.id.in_(select(Session.activity_id).where(
            Session.id.in_(touched.circle_sessions))))
    if touched.people:
        conditions.append(Activity.id.in_(select(Enrolment.activity_id).where(
            Enrolment.user_id.in_(touched.people))))
    if conditions:
        circles = select(Activity.id, literal(1)).where(Activity.kind == Kind.STUDY_CIRCLE,
                                                        or_(*conditions))
        connection.execute(upsert(connection, table).from_select(
            ["activity_id", "changes"], circles).on_conflict_do_update(
            index_elements=["activity_id"], set_={"changes": table.c.changes + 1}))


# -- everything ----------------------------------------------------------------------------

def rebuild(connection) -> None:
    """Recount everything from the raw rows: after bulk writes, or to check."""
    count_marks(connection)
    for site_id in connection.scalars(select(Site.id)).all():
        rebuild_active(connection, site_id)
    connection.execute(CourseResult.__table__.delete())
