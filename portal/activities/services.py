"""Activity verbs: create, schedule a series, browse, join, leave, follow; admit someone to a
women-only activity."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import WEEKLY, rrule
from sqlalchemy import and_, bindparam, func, literal, or_, select, union_all, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal import speed, work
from portal.accounts import policy
from portal.accounts.models import ROLE_RANK, Gender, Membership, Role, Site, User
from portal.activities import calendar
from portal.activities.models import (
    Activity,
    ActivityStatus,
    Admission,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Kind,
    Session,
    SessionStatus,
    activity_co_leader,
    activity_leader,
    shift,
)
from portal.activities.rules import default_rule_set
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l, lazy_ngettext
from portal.notify.services import notify
from portal.speed import statement

MAX_SERIES = 60
HOLIDAY_LANGUAGE = {"NO": "no", "SE": "sv", "DK": "da"}


def activity(activity_id: int) -> Activity | None:
    """What db.session.get(Activity, id) gives (with its meeting place): the object the
    session already holds, or else read by a statement built once per process. get builds
    its own statement and cache key at each call: about 60-100 µs of every page that reads an
    activity first."""
    held = db.session.identity_map.get(db.session.identity_key(Activity, activity_id))
    if held is not None:
        return held
    return db.session.scalars(_activity_statement(), {"id": activity_id}).one_or_none()


@statement
def _activity_statement():
    return select(Activity).where(Activity.id == bindparam("id"))


# -- permissions ---------------------------------------------------------------------------

def can_create_at(user: User, site: Site) -> bool:
    return user.has_role(site.id, Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


def can_lead(user: User, activity: Activity, people: "People | None" = None) -> bool:
    """Leaders of the activity, and coordinators of its site, keep its schedule. `people`:
    the activity's leaders as already read (see people()), instead of loading them. A
    coordinator's role is asked first: it is known without a statement (the leaders' lazy
    load is about 0.3 ms of a staff page)."""
    if not user.is_authenticated:
        return False
    if user.has_role(activity.site_id, Role.COORDINATOR):  # known without reading the leaders
        return True
    return People.includes(user, people.leaders if people else activity.leaders)


def is_co_leader(user: User, activity: Activity, people: "People | None" = None) -> bool:
    if not user.is_authenticated:
        return False
    return People.includes(user, people.co_leaders if people else activity.co_leaders)


def can_take_attendance(user: User, activity: Activity, people: "People | None" = None) -> bool:
    """Leaders, and the activity's peer co-leaders: a co-leader takes attendance and writes
    session notes for their own activity, and nothing else opens to them (its schedule, its
    settings, the funder's list and signing the list off stay with can_lead)."""
    return can_lead(user, activity, people) or is_co_leader(user, activity, people)


# -- creating activities and sessions ------------------------------------------------------

@dataclass
class ActivityData:
    kind: str
    title: str
    description: str = ""
    languages: str = ""
    level: str = "all"
    place: str = ""
    capacity: int | None = None
    women_only: bool = False
    childcare: bool = False
    children_welcome: bool = False


def create_activity(user: User, site: Site, data: ActivityData,
                    status: ActivityStatus = ActivityStatus.OPEN) -> Activity:
    if not can_create_at(user, site):
        raise DomainError(_l("Only volunteers and coordinators can create activities here."))
    if data.kind == Kind.STUDY_CIRCLE and not data.capacity:
        raise DomainError(_l("A study circle needs a number of seats."), field="capacity")
    activity = Activity(site_id=site.id, status=status, **vars(data))
    if data.kind == Kind.STUDY_CIRCLE:  # the other kinds have no funding rule set
        activity.rule_set = default_rule_set(site.country)
    activity.leaders.append(user.account)
    db.session.add(activity)
    db.session.flush()  # its id, for the next step (adding sessions)
    return activity


def possible_leaders(site: Site) -> list[User]:
    """Staff of the meeting place: who can lead or host its activities."""
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.site_id == site.id,
        Membership.role.in_([Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN]))
        .order_by(User.display_name)))


def leader_choices(activity: Activity) -> list[Row]:
    """The edit page's leaders to choose from: `possible_leaders` (id, display_name) with
    whether each leads the activity now, as plain rows of one statement built once per
    process (not the staff and the leaders as ORM objects from two: about 0.5 ms)."""
    return speed.rows(_leader_choices_statement(), {"site_id": activity.site_id,
                                                    "activity_id": activity.id}).all()


@statement
def _leader_choices_statement():
    leaders = select(activity_leader.c.user_id).where(
        activity_leader.c.activity_id == bindparam("activity_id"))
    return (select(User.id, User.display_name, User.id.in_(leaders).label("leads"))
            .join(Membership).where(
                Membership.site_id == bindparam("site_id"),
                Membership.role.in_([Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN]))
            .order_by(User.display_name))


def update_activity(user: User, activity_id: int, data: ActivityData, status: str,
                    leader_ids: list[int] | None = None) -> Activity:
    """Edit an activity. Seats can't drop below who is enrolled; new seats go to the queue."""
    _lock(activity_id)  # capacity and enrolments change together, one at a time
    activity = db.session.get(Activity, activity_id, populate_existing=True)
    if not can_lead(user, activity):
        raise DomainError(_l("Only the leaders of this activity can change it."))
    if data.kind != activity.kind:
        raise DomainError(_l("The type of an activity cannot be changed."), field="kind")
    if data.kind == Kind.STUDY_CIRCLE and not data.capacity:
        raise DomainError(_l("A study circle needs a number of seats."), field="capacity")
    taken = enrolled_count(activity)
    if data.capacity is not None and data.capacity < taken:
        raise DomainError(lazy_ngettext(
            "%(num)d person has already joined. Choose at least %(num)d seat.",
            "%(num)d people have already joined. Choose at least %(num)d seats.", taken),
            field="capacity")
    if leader_ids is not None:
        staff = {u.id: u for u in possible_leaders(activity.site)}
        leaders = [staff[i] for i in leader_ids if i in staff]
        if not leaders:
            raise DomainError(_l("Choose at least one leader."), field="leaders")
        activity.leaders = leaders
    for name, value in vars(data).items():
        setattr(activity, name, value)
    activity.status = status
    _fill_seats(activity)
    return activity


def enrolled_count(activity: Activity) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.ENROLLED))


@dataclass
class PlannedSession:
    day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    holiday: str  # the public holiday on that day, if any


def plan_series(site: Site, first_day: date, start: time, minutes: int, every_weeks: int,
                until: date | None = None, count: int | None = None) -> list[PlannedSession]:
    """Dates of a weekly or fortnightly series at a local wall time, holidays flagged.

    Each occurrence is converted from the site's local time on its own date, so an 18:00
    session stays at 18:00 on both sides of a daylight-saving change."""
    if minutes <= 0:
        raise DomainError(_l("The session must end after it starts."), field="minutes")
    if first_day < site.today():
        raise DomainError(_l("A new series cannot start in the past."), field="first_day")
    if until is None and not count:
        raise DomainError(_l("Choose an end date or a number of sessions."), field="until")
    if until is not None and until < first_day:
        raise DomainError(_l("The end date is before the first date."), field="until")
    zone = ZoneInfo(site.timezone)
    rule = rrule(WEEKLY, interval=every_weeks, dtstart=datetime.combine(first_day, start),
                 until=datetime.combine(until, start) if until else None,
                 count=None if until else count)
    days = [moment.date() for moment in rule[:MAX_SERIES + 1]]
    if len(days) > MAX_SERIES:
        raise DomainError(_l("A series can have at most %(max)d sessions.", max=MAX_SERIES),
                          field="until")
    # Holiday names in the country's own language, as its calendars print them.
    public = holidays.country_holidays(site.country, years={d.year for d in days},
                                       language=HOLIDAY_LANGUAGE[site.country])
    planned = []
    for day in days:
        local = datetime.combine(day, start, tzinfo=zone)
        starts = local.astimezone(ZoneInfo("UTC"))
        planned.append(PlannedSession(day, starts, starts + timedelta(minutes=minutes),
                                      public.get(day, "")))
    return planned


def _overlaps(activity: Activity, starts_at: datetime, ends_at: datetime,
              ignore: Session | None = None) -> bool:
    query = select(Session.id).where(
        Session.activity_id == activity.id, Session.status == SessionStatus.SCHEDULED,
        Session.starts_at < ends_at, Session.ends_at > starts_at)
    if ignore is not None:
        query = query.where(Session.id != ignore.id)
    return db.session.scalar(query.limit(1)) is not None


def add_series(user: User, activity: Activity, planned: list[PlannedSession],
               keep_holidays: bool) -> list[Session]:
    if not can_lead(user, activity):
        raise DomainError(_l("Only the leaders of this activity can change its schedule."))
    sessions = []
    for item in planned:
        if item.holiday and not keep_holidays:
            continue
        if _overlaps(activity, item.starts_at, item.ends_at):
            raise DomainError(_l("A session on %(day)s overlaps another session of this "
                                 "activity.", day=item.day.isoformat()), field="first_day")
        sessions.append(Session(activity_id=activity.id, starts_at=item.starts_at,
                                ends_at=item.ends_at, holiday=item.holiday,
                                local_start=item.starts_at.astimezone(
                                    ZoneInfo(activity.site.timezone)).replace(tzinfo=None)))
    db.session.add_all(sessions)
    db.session.flush()
    db.session.expire(activity, ["sessions"])  # read again, in time order, when next used
    return sessions


# -- browsing ----------------------------------------------------------------------------------

@dataclass
class Filters:
    site_id: int | None = None
    kind: str = ""
    language: str = ""
    level: str = ""
    weekday: int | None = None  # 0 = Monday, in the site's local time
    query: str = ""
    women_only: bool = False
    childcare: bool = False
    children_welcome: bool = False


PAGE_SIZE = 30


@dataclass
class Page:
    rows: list[Row]  # the columns of LISTED, site_name, site_timezone and next_start
    total: int
    page: int

    @property
    def has_more(self) -> bool:
        return self.page * PAGE_SIZE < self.total


# What a card of the list shows: plain columns, not Activity objects.
_activity = Activity.__table__
LISTED = (_activity.c.id, _activity.c.title, _activity.c.kind, _activity.c.level,
          _activity.c.languages, _activity.c.women_only, _activity.c.childcare,
          _activity.c.children_welcome)


def browse_page(filters: Filters, page: int = 1) -> Page:
    """One page of the list (phones: short pages), with the total for "show more". The list
    is only shown, so its rows are Core rows of the columns the cards print (no Activity and
    Site objects to build: about 0.5 ms of the activity page's 6)."""
    rows = speed.rows(_browsing(_asked(filters), cards=True, limit=500), _values(filters))
    rows = _on_weekday(rows, filters.weekday)
    page = max(page, 1)
    return Page(rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], len(rows), page)


def browse(filters: Filters, limit: int = 100) -> list[tuple[Activity, datetime | None]]:
    """Open activities with their next scheduled session, in one query."""
    rows = db.session.execute(_browsing(_asked(filters), cards=False, limit=limit),
                              _values(filters))
    return [(row.Activity, row.next_start) for row in _on_weekday(rows, filters.weekday)]


_FLAGS = ("women_only", "childcare", "children_welcome")
_ASKED = ("site_id", "kind", "level", *_FLAGS, "language", "query")


def _asked(filters: Filters) -> tuple[str, ...]:
    return tuple(name for name in _ASKED if getattr(filters, name))


def _values(filters: Filters) -> dict:
    """The statement's parameters: the time now and the filters' values."""
    return {"now": utcnow(), "site_id": filters.site_id, "kind": filters.kind,
            "level": filters.level, "language": f"%{filters.language.lower()}%",
            "query": f"%{filters.query.lower()}%"}


@statement
def _browsing(asked: tuple[str, ...], cards: bool, limit: int):
    """Open activities that match the filters asked for, with their site's name and time zone
    and their next scheduled session (next_start), soonest first. Built once per process for
    each set of filters (the values are parameters): building it cost about 0.3 ms a page."""
    next_session = (select(func.min(Session.starts_at))
                    .where(Session.activity_id == Activity.id,
                           Session.status == SessionStatus.SCHEDULED,
                           Session.starts_at > bindparam("now"))
                    .correlate(Activity).scalar_subquery())
    columns = LISTED if cards else (Activity,)
    statement = (select(*columns, Site.name.label("site_name"),
                        Site.timezone.label("site_timezone"), next_session.label("next_start"))
                 .select_from(Activity).join(Site, Site.id == Activity.site_id)
                 .where(Activity.status == ActivityStatus.OPEN)
                 .order_by(next_session.is_(None), next_session, Activity.title).limit(limit))
    if "site_id" in asked:
        statement = statement.where(Activity.site_id == bindparam("site_id"))
    if "kind" in asked:
        statement = statement.where(Activity.kind == bindparam("kind"))
    if "level" in asked:
        statement = statement.where(Activity.level == bindparam("level"))
    for flag in _FLAGS:
        if flag in asked:
            statement = statement.where(getattr(Activity, flag).is_(True))
    if "language" in asked:
        statement = statement.where(func.lower(Activity.languages).like(bindparam("language")))
    if "query" in asked:
        statement = statement.where(or_(func.lower(Activity.title).like(bindparam("query")),
                                        func.lower(Activity.description).like(
                                            bindparam("query"))))
    return statement


def _on_weekday(rows, weekday: int | None) -> list:
    """The rows whose next session is on the weekday, where the activity meets (all rows
    when no weekday is asked for)."""
    if weekday is None:
        return list(rows)
    return [row for row in rows if row.next_start is not None
            and row.next_start.astimezone(ZoneInfo(row.site_timezone)).weekday() == weekday]


def cafe_sessions(site: Site, start: datetime, end: datetime) -> list[Session]:
    return list(db.session.scalars(
        select(Session).join(Session.activity).options(contains_eager(Session.activity))
        .where(Activity.site_id == site.id, Activity.kind == Kind.LANGUAGE_CAFE,
               Activity.status == ActivityStatus.OPEN, Session.starts_at >= start,
               Session.starts_at < end).order_by(Session.starts_at)))


# -- joining, leaving, following ------------------------------------------------------------

# Who may join an activity while it is still closed to others: rules other features register
# by name (voice: the people who asked for it get a head start). Each answers (user, activity).
EARLY_JOINERS: dict[str, Callable[[User, Activity], bool]] = {}


def may_join_early(user: User, activity: Activity) -> bool:
    return (activity.status == ActivityStatus.CLOSED and user.is_authenticated
            and any(rule(user, activity) for rule in EARLY_JOINERS.values()))


def _lock(activity_id: int) -> int:
    """Own the activity's enrolments until the unit of work ends: a write on the activity row,
    which waits for every other join or leave of the same activity (row lock on PostgreSQL,
    write lock on SQLite). Returns the next waiting-list number. What was read before it may
    be stale: read again after it (`populate_existing`)."""
    counter = work.lock(
        update(Activity).where(Activity.id == activity_id)
        .values(queue_counter=Activity.queue_counter + 1)
        .returning(Activity.queue_counter)).scalar()
    if counter is None:
        raise DomainError(_l("This activity does not exist any more."))
    return counter


def _enrolment(activity_id: int, user_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(
        Enrolment.activity_id == activity_id, Enrolment.user_id == user_id)
        .execution_options(populate_existing=True))


def enrol(user: User, activity_id: int) -> Enrolment:
    """Join a study circle: a seat if one is free, otherwise the end of the waiting list."""
    position = _lock(activity_id)
    activity = db.session.get(Activity, activity_id, populate_existing=True)
    if activity.status != ActivityStatus.OPEN and not may_join_early(user, activity):
        raise DomainError(_l("This activity is not open for new participants."))
    if activity.is_cafe:
        raise DomainError(_l("Language cafés have no sign-up: follow the café instead."))
    enrolment = _enrolment(activity_id, user.id)
    if enrolment is not None and enrolment.status != EnrolmentStatus.LEFT:
        return enrolment  # joining twice changes nothing
    _check_women_only(user, activity)
    full = activity.capacity is not None and enrolled_count(activity) >= activity.capacity
    status = EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED
    if enrolment is None:
        enrolment = Enrolment(activity_id=activity_id, user_id=user.id)
        db.session.add(enrolment)
    enrolment.status, enrolment.queue_position = status, position
    enrolment.updated_at = utcnow()
    return enrolment


def leave(user: User, activity_id: int) -> list[Enrolment]:
    """Leave a circle or its waiting list. Returns whoever was promoted into a freed seat."""
    _lock(activity_id)
    enrolment = _enrolment(activity_id, user.id)
    if enrolment is None or enrolment.status == EnrolmentStatus.LEFT:
        return []
    enrolment.status, enrolment.updated_at = EnrolmentStatus.LEFT, utcnow()
    return _fill_seats(db.session.get(Activity, activity_id, populate_existing=True))


def leave_running_courses(user: User, now: datetime) -> list[Enrolment]:
    """Leave every circle (or its waiting list) that still has sessions to come, so each seat
    goes to the next in line (when a person is erased). Circles are locked in id order: two
    such calls at once never wait for each other in a circle. Returns whoever was promoted."""
    coming = select(Session.activity_id).where(Session.status == SessionStatus.SCHEDULED,
                                               Session.starts_at > now)
    running = db.session.scalars(select(Enrolment.activity_id).where(
        Enrolment.user_id == user.id, Enrolment.status != EnrolmentStatus.LEFT,
        Enrolment.activity_id.in_(coming)).order_by(Enrolment.activity_id)).all()
    return [promoted for activity_id in running for promoted in leave(user, activity_id)]


def _fill_seats(activity: Activity) -> list[Enrolment]:
    """Promote from the waiting list, first come first served, while seats are free; tell
    those promoted."""
    db.session.flush()
    free = None if activity.capacity is None else activity.capacity - enrolled_count(activity)
    waiting = select(Enrolment).where(
        Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.WAITLISTED
    ).order_by(Enrolment.queue_position).execution_options(populate_existing=True)
    if free is not None:
        waiting = waiting.limit(max(free, 0))
    promoted = list(db.session.scalars(waiting))
    for enrolment in promoted:
        enrolment.status, enrolment.updated_at = EnrolmentStatus.ENROLLED, utcnow()
    if promoted:
        notify([e.user for e in promoted], "promoted", _params(activity))
    return promoted


def waitlist_position(enrolment: Enrolment) -> int:
    ahead = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.activity_id == enrolment.activity_id,
        Enrolment.status == EnrolmentStatus.WAITLISTED,
        Enrolment.queue_position < enrolment.queue_position))
    return ahead + 1


def enrolment_of(user: User, activity: Activity) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    enrolment = _enrolment(activity.id, user.id)
    return enrolment if enrolment and enrolment.status != EnrolmentStatus.LEFT else None


def is_following(user: User, activity: Activity) -> bool:
    return user.is_authenticated and db.session.scalar(select(Follow.id).where(
        Follow.activity_id == activity.id, Follow.user_id == user.id)) is not None


def follow(user: User, activity: Activity) -> None:
    if not activity.is_cafe:
        raise DomainError(_l("Join a study circle instead of following it."))
    if not is_following(user, activity):
        _check_women_only(user, activity)
        try:
            with db.session.begin_nested():  # rolled back alone if the follow is there already
                db.session.add(Follow(activity_id=activity.id, user_id=user.id))
                db.session.flush()
        except IntegrityError:  # the same person pressed twice at once: following once is enough
            pass


# -- women only ------------------------------------------------------------------------------

WOMEN_ONLY = _l("This activity is for women only. If you are a woman, you can say so in your "
                "profile, or ask a leader of the activity to add you.")


def may_take_part(user: User, activity: Activity) -> bool:
    """Everyone, unless the activity is for women only: then women (as they said in their
    profile) and whoever a leader admitted."""
    if not activity.women_only:
        return True
    if not user.is_authenticated:
        return False
    return user.gender == Gender.WOMAN or db.session.scalar(select(Admission.id).where(
        Admission.activity_id == activity.id, Admission.user_id == user.id)) is not None


def _check_women_only(user: User, activity: Activity) -> None:
    if not may_take_part(user, activity):
        raise DomainError(WOMEN_ONLY)


def admission_candidates(leader: User, activity: Activity, name: str,
                         limit: int = 20) -> list[User]:
    """Participants of the activity's meeting place whose name holds `name`, for a leader to
    admit. Nothing here tells what anyone said about their gender: everyone found can be
    admitted (a woman admitted changes nothing)."""
    _check_can_admit(leader, activity)
    name = name.strip().lower()
    if len(name) < 2:
        return []
    admitted = select(Admission.user_id).where(Admission.activity_id == activity.id)
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.site_id == activity.site_id, Membership.role == Role.PARTICIPANT,
        User.erased_at.is_(None), User.id.not_in(admitted),
        func.lower(User.display_name).contains(name, autoescape=True))
        .order_by(User.display_name).limit(limit)))


def admitted(activity: Activity) -> list[Admission]:
    return list(db.session.scalars(select(Admission).where(
        Admission.activity_id == activity.id).order_by(Admission.created_at)))


def _check_can_admit(leader: User, activity: Activity) -> None:
    if not can_lead(leader, activity):
        raise DomainError(_l("Only the leaders of this activity can add people to it."))
    if not activity.women_only:
        raise DomainError(_l("Everyone can take part in this activity already."))


def admit(leader: User, activity: Activity, person_id: int) -> Admission:
    """Let one person take part in a women-only activity: a participant of its meeting place.
    Written to the audit log (who admitted whom); the person is told they can join now."""
    _check_can_admit(leader, activity)
    person = db.session.get(User, person_id)
    if person is None or person.erased_at is not None or person.role_at(
            activity.site_id) != Role.PARTICIPANT:
        raise DomainError(_l("Choose a participant of this meeting place."))
    admission = db.session.scalar(select(Admission).where(
        Admission.activity_id == activity.id, Admission.user_id == person.id))
    if admission is not None:
        return admission
    admission = Admission(activity_id=activity.id, user_id=person.id, admitted_by_id=leader.id)
    try:
        with db.session.begin_nested():  # two leaders admitting the same person at once
            db.session.add(admission)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(select(Admission).where(
            Admission.activity_id == activity.id, Admission.user_id == person.id))
    record(leader, "activity.admit", "user", person.id)
    notify([person], "admitted", _params(activity))
    return admission


def unfollow(user: User, activity: Activity) -> None:
    db.session.execute(Follow.__table__.delete().where(and_(
        Follow.activity_id == activity.id, Follow.user_id == user.id)))


# -- changing one session ------------------------------------------------------------------

def _params(activity: Activity, session: Session | None = None, **extra) -> dict:
    params = {"activity_id": activity.id, "title": activity.title,
              "timezone": activity.site.timezone}
    if session is not None:
        params |= {"session_id": session.id, "starts_at": session.starts_at.isoformat()}
    return params | extra


def audience(activity: Activity) -> list[User]:
    """Everyone who should hear about a change: enrolled and waiting, or following."""
    if activity.is_cafe:
        statement = select(User).join(Follow, Follow.user_id == User.id).where(
            Follow.activity_id == activity.id)
    else:
        statement = select(User).join(Enrolment, Enrolment.user_id == User.id).where(
            Enrolment.activity_id == activity.id, Enrolment.status != EnrolmentStatus.LEFT)
    return list(db.session.scalars(statement))


def _check_leader(user: User, activity: Activity) -> None:
    if not can_lead(user, activity):
        raise DomainError(_l("Only the leaders of this activity can change its schedule."))


def cancel_session(user: User, session: Session, reason: str) -> None:
    activity = session.activity
    _check_leader(user, activity)
    if session.status == SessionStatus.CANCELLED:
        return
    if session.ends_at <= utcnow():
        raise DomainError(_l("This session is over and cannot be changed."))
    session.status, session.reason = SessionStatus.CANCELLED, reason
    notify(audience(activity), "session_cancelled", _params(activity, session, reason=reason))


def move_session(user: User, session: Session, day: date, start: time, minutes: int,
                 place: str, note: str) -> None:
    """New time, place or note. People are told when the time or the place changes."""
    activity = session.activity
    _check_leader(user, activity)
    if session.ends_at <= utcnow():
        raise DomainError(_l("This session is over and cannot be changed."))
    if minutes <= 0:
        raise DomainError(_l("The session must end after it starts."), field="minutes")
    starts_at = datetime.combine(day, start, tzinfo=ZoneInfo(activity.site.timezone)).astimezone(
        ZoneInfo("UTC"))
    ends_at = starts_at + timedelta(minutes=minutes)
    if starts_at < utcnow():
        raise DomainError(_l("A session cannot be moved into the past."), field="day")
    if _overlaps(activity, starts_at, ends_at, ignore=session):
        raise DomainError(_l("This time overlaps another session of this activity."),
                          field="start")
    old_start, old_place = session.starts_at, session.place
    session.starts_at, session.ends_at, session.place, session.note = (
        starts_at, ends_at, place, note)
    session.local_start = datetime.combine(day, start)
    if session.status == SessionStatus.CANCELLED:
        session.status, session.reason = SessionStatus.SCHEDULED, ""
    if (starts_at, place) != (old_start, old_place):
        notify(audience(activity), "session_moved", _params(
            activity, session, old_starts_at=old_start.isoformat(), place=place))


def write_note(user: User, session: Session, note: str) -> None:
    """The theme or note of one session, before or after it (nobody is told)."""
    if not can_take_attendance(user, session.activity):
        raise DomainError(_l("Only the leaders and co-leaders of this activity can write its "
                             "notes."))
    session.note = note


# -- peer co-leaders ---------------------------------------------------------------------------

def may_appoint(actor: User, person: User, activity: Activity) -> bool:
    """A coordinator of the activity's meeting place (or an administrator) makes one of its
    participants a co-leader: someone who is staff nowhere (staff lead instead), within the
    rule of accounts/policy.py."""
    return (policy.manages(actor, activity.site_id) and policy.may_act_on(actor, person)
            and policy.rank(person) == ROLE_RANK[Role.PARTICIPANT]
            and person.role_at(activity.site_id) == Role.PARTICIPANT)


def possible_co_leaders(activity: Activity) -> list:
    """Participants of the meeting place who are staff nowhere and not co-leaders here yet:
    (id, display_name) as plain rows of a statement built once per process (a place has
    dozens; as ORM objects they took about 1 ms of the co-leaders page), as named tuples
    (records: each is read twice for its choice in the list)."""
    return speed.records(speed.rows(_co_leader_candidates_statement(), {
        "site_id": activity.site_id, "activity_id": activity.id}))


@statement
def _co_leader_candidates_statement():
    staff = select(Membership.user_id).where(Membership.role != Role.PARTICIPANT)
    already = select(activity_co_leader.c.user_id).where(
        activity_co_leader.c.activity_id == bindparam("activity_id"))
    return (select(User.id, User.display_name).join(Membership).where(
        Membership.site_id == bindparam("site_id"), Membership.role == Role.PARTICIPANT,
        User.erased_at.is_(None), User.id.not_in(staff), User.id.not_in(already))
        .order_by(User.display_name))


def _check_manager(actor: User, activity: Activity) -> None:
    if not policy.manages(actor, activity.site_id):
        raise DomainError(_l("Only a coordinator of this meeting place can choose co-leaders."))


def add_co_leader(actor: User, activity: Activity, person: User) -> None:
    """Make a participant a co-leader of this one activity: logged, and they are told."""
    _check_manager(actor, activity)
    if not may_appoint(actor, person, activity):
        raise DomainError(_l("Only a participant of this meeting place can be a co-leader."),
                          field="user_id")
    if person in activity.co_leaders:
        return
    try:
        with db.session.begin_nested():  # rolled back alone if made co-leader already
            activity.co_leaders.append(person)
            db.session.flush()
    except IntegrityError:  # two coordinators at once: once is enough, and told once
        return
    record(actor, "activity.co_leader.add", "user", person.id)
    notify([person], "co_leader_added", _params(activity))


def remove_co_leader(actor: User, activity: Activity, person: User) -> None:
    """No longer a co-leader (taking a right away needs no rank): logged, and they are told."""
    _check_manager(actor, activity)
    if person not in activity.co_leaders:
        return
    activity.co_leaders.remove(person)
    record(actor, "activity.co_leader.remove", "user", person.id)
    notify([person], "co_leader_removed", _params(activity))


def co_led_activities(user: User) -> list[Row]:
    """What this person helps run as a co-leader (for their start page): id, title, kind."""
    return speed.rows(co_led_statement(), {"user_id": user.id}).all()


@statement
def co_led_statement():
    """Also one part of the start page's one statement (home.services.start_page)."""
    return (select(Activity.id, Activity.title, Activity.kind)
            .join(activity_co_leader, activity_co_leader.c.activity_id == Activity.id)
            .where(activity_co_leader.c.user_id == bindparam("user_id"),
                   Activity.status != ActivityStatus.ARCHIVED)
            .order_by(Activity.title))


# -- café shifts --------------------------------------------------------------------------

def can_host(user: User, activity: Activity) -> bool:
    """Volunteers and coordinators of the activity's meeting place host café sessions."""
    return user.is_authenticated and user.has_role(
        activity.site_id, Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


def take_shift(user: User, session: Session) -> None:
    if not session.activity.is_cafe:
        raise DomainError(_l("Only language café sessions have hosts."))
    if not can_host(user, session.activity):
        raise DomainError(_l("Only volunteers at this meeting place can host."))
    if session.status == SessionStatus.CANCELLED or session.ends_at <= utcnow():
        raise DomainError(_l("This session is cancelled or over."))
    if not People.includes(user, session.hosts):
        try:
            with db.session.begin_nested():  # rolled back alone if the shift is there already
                session.hosts.append(user.account)
                db.session.flush()
        except IntegrityError:  # the same person pressed twice at once: one shift is enough
            pass


def drop_shift(user: User, session: Session) -> None:
    if People.includes(user, session.hosts):
        session.hosts.remove(user.account)


def led_activities(user: User) -> list[Row]:
    """What this person leads (not archived), for their start page: id, title, timezone and
    next_start, the start of its next session (None without one); those with one first,
    soonest first, then by title. Plain rows of a statement built once per process (as
    Activity objects with their sites, about 1 ms of a staff member's start page)."""
    return speed.rows(led_statement(), {"user_id": user.id, "now": utcnow()}).all()


@statement
def led_statement():
    """Also one part of the start page's one statement (home.services.start_page). The next
    session's start is worked out in a subquery and ordered by its name there
    (written out in the ORDER BY too, SQLite ran it three times per activity: 25 → 20 µs for
    the demo coordinator)."""
    next_session = (select(func.min(Session.starts_at))
                    .where(Session.activity_id == Activity.id,
                           Session.status == SessionStatus.SCHEDULED,
                           Session.starts_at > bindparam("now"))
                    .correlate(Activity).scalar_subquery())
    led = (select(Activity.id, Activity.title, Site.timezone, next_session.label("next_start"))
           .join(activity_leader, activity_leader.c.activity_id == Activity.id)
           .join(Site, Site.id == Activity.site_id)
           .where(activity_leader.c.user_id == bindparam("user_id"),
                  Activity.status != ActivityStatus.ARCHIVED)
           .subquery())
    order = (led.c.next_start.is_(None), led.c.next_start, led.c.title)
    return select(led).order_by(*order)


def my_shifts(user: User, limit: int = 5) -> list[Row]:
    """The café sessions this person hosts that are not over, soonest first (for their start
    page): starts_at, activity_id, title, timezone."""
    return speed.rows(shifts_statement(limit), {"user_id": user.id, "now": utcnow()}).all()


@statement
def shifts_statement(limit: int):
    """Also one part of the start page's one statement (home.services.start_page)."""
    return (select(Session.starts_at, Session.activity_id, Activity.title, Site.timezone)
            .join(shift, shift.c.session_id == Session.id)
            .join(Activity, Activity.id == Session.activity_id)
            .join(Site, Site.id == Activity.site_id)
            .where(shift.c.user_id == bindparam("user_id"), Session.ends_at > bindparam("now"))
            .order_by(Session.starts_at).limit(limit))


def keep_wall_times(site: Site) -> int:
    """After a site's time zone changes: coming sessions keep their local wall time (18:00
    stays 18:00), and their UTC times are recomputed. Returns how many moved."""
    zone = ZoneInfo(site.timezone)
    sessions = db.session.scalars(select(Session).join(Session.activity).where(
        Activity.site_id == site.id, Session.starts_at > utcnow(),
        Session.local_start.is_not(None)))
    moved = 0
    for session in sessions:
        length = session.ends_at - session.starts_at
        starts_at = session.local_start.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
        if starts_at != session.starts_at:
            session.starts_at, session.ends_at = starts_at, starts_at + length
            moved += 1
    db.session.flush()
    return moved


def session_times(run_by: Collection[int], start: datetime, end: datetime,
                  joined_by: User | None = None) -> list[tuple[int, datetime, datetime]]:
    """(person, start, end) of the scheduled sessions that take people's time in the period
    (what meetings need to know about activities): the sessions the people `run_by` run
    (calendar.runners) and, with `joined_by`, those that person takes part in
    (calendar.busy_times)."""
    taken = list(speed.rows(_sessions_run_statement(), {
        "people": list(run_by), "start": start, "end": end})) if run_by else []
    if joined_by is not None:
        taken += [(joined_by.id, starts_at, ends_at)
                  for starts_at, ends_at in calendar.busy_times(joined_by, start, end)]
    return taken


@statement
def _sessions_run_statement():
    runner = calendar.runners()
    return (select(runner.c.user_id, Session.starts_at, Session.ends_at)
            .join(Session, Session.id == runner.c.session_id)
            .where(runner.c.user_id.in_(bindparam("people", expanding=True)),
                   Session.status == SessionStatus.SCHEDULED,
                   Session.starts_at < bindparam("end"), Session.ends_at > bindparam("start")))


# -- an activity's page, read as plain rows ---------------------------------------------------
# The page only displays these: read as Core rows built once per process (portal.speed), not
# ORM objects, lazy loads and selectin loads. The activity page went from 11 statements to 7.


@dataclass(frozen=True)
class Place:
    """The person's enrolment as the activity page shows it: its status, and the number on the
    waiting list (the same as waitlist_position for a waitlisted enrolment)."""
    status: EnrolmentStatus
    position: int


@dataclass(frozen=True)
class TakingPart:
    enrolment: Place | None  # None: never joined, or left
    following: bool
    seats_taken: int  # enrolled, as enrolled_count


def taking_part(user: User, activity: Activity) -> TakingPart:
    """enrolment_of, is_following and enrolled_count (and the waiting-list number) in one
    statement instead of three or four."""
    row = speed.rows(_taking_part_statement(), {
        "activity_id": activity.id,
        "user_id": user.id if user.is_authenticated else None}).one()
    enrolment = None
    if row.status is not None and row.status != EnrolmentStatus.LEFT:
        enrolment = Place(row.status, row.ahead + 1)
    return TakingPart(enrolment, row.following, row.seats_taken)


@statement
def _taking_part_statement():
    activity_id, user_id = bindparam("activity_id"), bindparam("user_id")
    mine = (Enrolment.activity_id == activity_id) & (Enrolment.user_id == user_id)
    waiting = Enrolment.__table__.alias("waiting")
    position = select(Enrolment.queue_position).where(mine).scalar_subquery()
    return select(
        select(Enrolment.status).where(mine).scalar_subquery().label("status"),
        select(func.count()).select_from(waiting).where(
            waiting.c.activity_id == activity_id,
            waiting.c.status == EnrolmentStatus.WAITLISTED,
            waiting.c.queue_position < position).scalar_subquery().label("ahead"),
        select(Follow.id).where(Follow.activity_id == activity_id, Follow.user_id == user_id)
        .exists().label("following"),
        select(func.count()).select_from(Enrolment).where(
            Enrolment.activity_id == activity_id,
            Enrolment.status == EnrolmentStatus.ENROLLED).scalar_subquery().label("seats_taken"))


@dataclass(frozen=True)
class People:
    """An activity's leaders and co-leaders as rows (id, display_name), each by name, as the
    relationships order them."""
    leaders: list[Row]
    co_leaders: list[Row]

    @staticmethod
    def includes(user: User, rows: list[Row]) -> bool:
        return any(row.id == user.id for row in rows)


def people(activity: Activity) -> People:
    """Leaders and co-leaders in one statement instead of two lazy loads."""
    found = People([], [])
    for row in speed.rows(_people_statement(), {"activity_id": activity.id}):
        (found.leaders if row.leads else found.co_leaders).append(row)
    return found


@statement
def _people_statement():
    def part(table, leads: bool):
        return (select(literal(leads).label("leads"), User.id, User.display_name)
                .join(table, table.c.user_id == User.id)
                .where(table.c.activity_id == bindparam("activity_id")))
    both = union_all(part(activity_leader, True), part(activity_co_leader, False)).subquery()
    return select(both).order_by(both.c.display_name)


def session_rows(activity: Activity, recent: bool) -> tuple[list, list]:
    """The next 8 sessions (not ended yet, by start), and with `recent` those that ended in the
    last 28 days, newest first (where leaders finish their lists): plain rows with the columns
    a session row shows, as named tuples (rules.records: the template reads each row's columns
    a dozen times)."""
    now = utcnow()
    upcoming = speed.records(speed.rows(_upcoming_statement(), {"activity_id": activity.id,
                                                          "now": now, "limit": 8}))
    earlier = speed.records(speed.rows(_recent_statement(), {
        "activity_id": activity.id, "now": now,
        "since": now - timedelta(days=28)})) if recent else []
    return upcoming, earlier


def session_rows_and_schedule(activity: Activity, recent: bool) -> tuple[list, list, list]:
    """`session_rows` and the circle's scheduled sessions in order of time (what
    rules.evaluate reads), from one statement of every session of the activity instead of
    three: for a leader's page of a circle with a rule set, which reads every scheduled
    session anyway (with the evaluation 0.49 → 0.41 ms in-process). The same rows in the
    same order: by start, then id (as session_rows orders them)."""
    now = utcnow()
    every = speed.records(speed.rows(_every_session_statement(), {"activity_id": activity.id}))
    upcoming = [row for row in every if row.ends_at > now][:8]
    since = now - timedelta(days=28)
    earlier = [row for row in reversed(every) if since < row.ends_at <= now] if recent else []
    return upcoming, earlier, [row for row in every if row.status == SessionStatus.SCHEDULED]


def _session_columns():
    return select(Session.id, Session.status, Session.starts_at, Session.holiday,
                  Session.reason, Session.place, Session.note)


@statement
def _every_session_statement():
    return (_session_columns().add_columns(Session.ends_at, Session.local_start)
            .where(Session.activity_id == bindparam("activity_id"))
            .order_by(Session.starts_at, Session.id))


@statement
def _upcoming_statement():
    return (_session_columns().where(Session.activity_id == bindparam("activity_id"),
                                     Session.ends_at > bindparam("now"))
            .order_by(Session.starts_at, Session.id).limit(bindparam("limit")))


@statement
def _recent_statement():
    return (_session_columns().where(Session.activity_id == bindparam("activity_id"),
                                     Session.ends_at <= bindparam("now"),
                                     Session.ends_at > bindparam("since"))
            .order_by(Session.starts_at.desc(), Session.id.desc()))


def hosts_of(session_ids: list[int]) -> dict[int, list[Row]]:
    """Each session's hosts (id, display_name) by name, as Session.hosts orders them, in one
    statement for all the rows of a page."""
    hosts: dict[int, list[Row]] = {session_id: [] for session_id in session_ids}
    if session_ids:
        for row in speed.rows(_hosts_statement(), {"session_ids": session_ids}):
            hosts[row.session_id].append(row)
    return hosts


@statement
def _hosts_statement():
    return (select(shift.c.session_id, User.id, User.display_name)
            .join(shift, shift.c.user_id == User.id)
            .where(shift.c.session_id.in_(bindparam("session_ids", expanding=True)))
            .order_by(User.display_name))
