"""My competences: the owner's verbs, what staff see when it is shared with them, and the
choices for My CV. Only the owner reaches an item here: anyone else gets "not found"."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, null, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from portal import speed
from portal.accounts.models import User
from portal.activities import rules
from portal.audit.services import note_read
from portal.competences.models import (
    LICENCE_NAMES,
    Certificate,
    CvChoice,
    CvCourseLeftOut,
    CvLanguage,
    Education,
    EducationLevel,
    LanguageLevel,
    LanguageSkill,
    Profile,
    WorkExperience,
)
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals.models import PlanStart, Share, ShareScope
from portal.i18n import _l
from portal.speed import statement

MAX_ITEMS = 30  # per part: more would not fit a one-page CV anyway


@dataclass
class LanguageData:
    language: str
    level: LanguageLevel

    def __post_init__(self):
        self.level = LanguageLevel(self.level)


@dataclass
class EducationData:
    level: EducationLevel
    field: str = ""
    country: str = ""
    from_year: int | None = None
    to_year: int | None = None
    recognition_applied: bool = False

    def __post_init__(self):
        self.level = EducationLevel(self.level)


@dataclass
class WorkData:
    what: str
    workplace: str = ""
    country: str = ""
    from_year: int | None = None
    to_year: int | None = None


@dataclass
class CertificateData:
    name: str
    issuer: str = ""
    year: int | None = None


# The parts with many items: URL name → model, and the data each is saved from.
KINDS = {"languages": LanguageSkill, "education": Education, "work": WorkExperience,
         "certificates": Certificate}
DATA = {LanguageSkill: LanguageData, Education: EducationData, WorkExperience: WorkData,
        Certificate: CertificateData}
_ORDER = {  # the CV's order: best language first, newest education and work first; an
    # unknown start or year last (PostgreSQL would put it first in a descending order)
    LanguageSkill: (LanguageSkill.id,),
    Education: (func.coalesce(Education.to_year, 9999).desc(),
                Education.from_year.desc().nulls_last(), Education.id),
    WorkExperience: (func.coalesce(WorkExperience.to_year, 9999).desc(),
                     WorkExperience.from_year.desc().nulls_last(), WorkExperience.id),
    Certificate: (Certificate.year.desc().nulls_last(), Certificate.id),
}
_LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LanguageLevel))}


def items(owner: User, kind: str) -> list:
    """The owner's items of one kind, in the CV's order, as objects to change."""
    model = KINDS[kind]
    found = list(db.session.scalars(select(model).where(model.owner_id == owner.id)
                                    .order_by(*_ORDER[model])))
    return _in_order(model, found)


def _in_order(model, found: list) -> list:
    if model is LanguageSkill:
        found.sort(key=lambda item: _LEVEL_RANK[item.level])
    return found


def shown_items(owner: User, kind: str) -> list[Row]:
    """The same items in the same order, only to be shown: plain rows with every column of the
    item (`id`, `in_cv`, the words and years), read as Core rows through `speed.rows` with a
    statement built once per process (no objects to build; the four parts of a page cost
    about 1 ms less)."""
    model = KINDS[kind]
    return _in_order(model, speed.rows(_items_statement(model), {"owner_id": owner.id}).all())


@statement
def _items_statement(model):
    table = model.__table__
    return (select(*(column for column in table.c if column.key not in ("owner_id",
                                                                        "created_at")))
            .where(table.c.owner_id == bindparam("owner_id")).order_by(*_ORDER[model]))


def own_item(owner: User, kind: str, item_id: int):
    """The item if this user owns it; None for anyone else (callers answer 404)."""
    model = KINDS.get(kind)
    item = db.session.get(model, item_id) if model else None
    return item if item is not None and item.owner_id == owner.id else None


def _check(data) -> None:
    start, end = getattr(data, "from_year", None), getattr(data, "to_year", None)
    if start is not None and end is not None and end < start:
        raise DomainError(_l("The year it ended is before the year it started."),
                          field="to_year")


def add_item(owner: User, data):
    model = next(m for m, kind in DATA.items() if isinstance(data, kind))
    _check(data)
    count = db.session.scalar(select(func.count()).select_from(model)
                              .where(model.owner_id == owner.id))
    if count >= MAX_ITEMS:
        raise DomainError(_l("You can add at most %(max)d here. Remove one first.",
                             max=MAX_ITEMS))
    item = model(owner_id=owner.id, **asdict(data))
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item, data) -> None:
    if not isinstance(data, DATA[type(item)]):
        raise TypeError(f"{type(data).__name__} for {type(item).__name__}")
    _check(data)
    for name in (f.name for f in fields(data)):
        setattr(item, name, getattr(data, name))
    db.session.flush()


def remove_item(owner: User, kind: str, item_id: int) -> bool:
    item = own_item(owner, kind, item_id)
    if item is None:
        return False
    db.session.delete(item)
    db.session.flush()
    return True


# -- the parts that are one text each ----------------------------------------------------------

def _one_row(model, owner: User, **defaults):
    """The owner's one row of `model`, made when missing (two tabs at once: the other's)."""
    row = db.session.scalar(select(model).where(model.owner_id == owner.id))
    if row is None:
        row = model(owner_id=owner.id, **defaults)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            row = db.session.scalar(select(model).where(model.owner_id == owner.id))
    return row


def talents_of(owner: User, own_view: bool = True) -> tuple[str, bool]:
    """The talents text, and whether it is the plan's "What are you good at?" answer offered
    until the person saves their own. Only the owner is offered that answer: it belongs to the
    plan, which a share of competences does not show."""
    return _talents(_profile(owner, own_view))


def _profile(owner: User, own_view: bool) -> Row:
    """The texts of the owner's profile (talents, licences; None without a profile) and, for
    the owner only, the plan's strengths (None without them): one row, one statement."""
    return speed.rows(_profile_statement(own_view), {"owner_id": owner.id}).one()


@statement
def _profile_statement(own_view: bool):
    user, profile = User.__table__, Profile.__table__
    tables = user.outerjoin(profile, profile.c.owner_id == user.c.id)
    strengths = null()
    if own_view:
        start = PlanStart.__table__
        tables = tables.outerjoin(start, start.c.owner_id == user.c.id)
        strengths = start.c.strengths
    return (select(profile.c.talents, profile.c.licences, strengths.label("strengths"))
            .select_from(tables).where(user.c.id == bindparam("owner_id")))


def _talents(profile: Row) -> tuple[str, bool]:
    if profile.talents is not None:
        return profile.talents, False
    return (profile.strengths, True) if profile.strengths else ("", False)


def save_talents(owner: User, text: str) -> None:
    profile = _one_row(Profile, owner)
    profile.talents = text
    profile.updated_at = utcnow()
    db.session.flush()


def licences_of(owner: User) -> list[str]:
    return _licences(_profile(owner, own_view=False))


def _licences(profile: Row) -> list[str]:
    return [c for c in profile.licences.split(",") if c] if profile.licences else []


def save_licences(owner: User, classes: list[str]) -> None:
    if any(c not in LICENCE_NAMES for c in classes):
        raise DomainError(_l("Choose only from the options shown."), field="classes")
    profile = _one_row(Profile, owner)
    profile.licences = ",".join(c for c in LICENCE_NAMES if c in classes)
    profile.updated_at = utcnow()
    db.session.flush()


@dataclass
class Competences:
    """What a person wrote in My competences, to be shown: each part's items as plain rows
    (shown_items)."""

    languages: list[Row]
    education: list[Row]
    work: list[Row]
    certificates: list[Row]
    talents: str
    talents_from_plan: bool
    licences: list[str]

    @property
    def empty(self) -> bool:
        return not (self.languages or self.education or self.work or self.certificates
                    or self.talents or self.licences)


def competences_of(owner: User, own_view: bool = True) -> Competences:
    profile = _profile(owner, own_view)
    talents, from_plan = _talents(profile)
    return Competences(*(shown_items(owner, kind) for kind in KINDS), talents=talents,
                       talents_from_plan=from_plan, licences=_licences(profile))


# -- shared with staff, by the plan's consent mechanism (goals.Share, scope competences) -------

def _active_shares():
    return select(Share).where(Share.scope == ShareScope.COMPETENCES,
                               Share.withdrawn_at.is_(None))


def shared_with(owner: User) -> list[Share]:
    """Whom the owner shows their competences to, right now."""
    return list(db.session.scalars(_active_shares().where(Share.owner_id == owner.id)
                                   .order_by(Share.given_at)))


def shown_to(owner: User) -> list[Row]:
    """The same shares, only to be shown on the owner's page: the staff member's display_name
    for each, in one statement built once per process (not a Share and then its staff member
    loaded, for each)."""
    return speed.rows(_shown_to_statement(), {"owner_id": owner.id}).all()


@statement
def _shown_to_statement():
    share, staff = Share.__table__, User.__table__
    return (select(staff.c.display_name)
            .select_from(share.join(staff, staff.c.id == share.c.staff_id))
            .where(share.c.scope == ShareScope.COMPETENCES, share.c.withdrawn_at.is_(None),
                   share.c.owner_id == bindparam("owner_id"))
            .order_by(share.c.given_at))


def owners_sharing_with(staff: User) -> list[User]:
    """The people who show their competences to this staff member, right now."""
    return list(db.session.scalars(select(User).where(User.id.in_(
        _active_shares().with_only_columns(Share.owner_id).where(Share.staff_id == staff.id)))
        .order_by(User.display_name)))


def shared_owner(staff: User, owner_id: int) -> User | None:
    """The owner if they show their competences to this staff member; None otherwise."""
    if not staff.is_authenticated:
        return None
    share = db.session.scalar(_active_shares().where(
        Share.staff_id == staff.id, Share.owner_id == owner_id).limit(1))
    return share.owner if share is not None else None


def read_shared(staff: User, owner: User) -> Competences:
    """A staff member reads someone's competences: written to the audit log (who, whose,
    when; never what they read)."""
    note_read(staff, "competences.view", "user", owner.id)
    return competences_of(owner, own_view=False)


# -- My CV --------------------------------------------------------------------------------------

@dataclass
class CourseDone:
    """A study circle the person completed by its funding rules, or a workshop they completed
    by Bro's own rule (added by portal.certificates, see add_course_source), from Bro's own
    records."""

    activity_id: int
    title: str
    place: str
    first_day: date
    last_day: date
    hours: int  # whole clock hours present
    units: int  # hours present in the rule set's units (Sweden: study hours of 45 minutes)
    hour_minutes: int
    minutes: int | None = None  # a workshop: the real time present, as its certificate states


def completed_courses(owner: User) -> list[CourseDone]:
    """Study circles that have ended (every session held) in which the person counts as a
    participant by the circle's rule set (activities.rules.standings), newest first."""
    now, done = utcnow(), []
    for circle in rules.standings(owner):
        person = circle.person
        if not circle.ended(now) or not person.counts:
            continue
        zone, sessions = circle.circle.timezone, circle.sessions
        done.append(CourseDone(circle.circle.activity_id, circle.circle.title,
                               circle.circle.place,
                               _local_day(min(s.starts_at for s in sessions), zone),
                               _local_day(max(s.ends_at for s in sessions), zone),
                               person.minutes // 60, person.units,
                               circle.rule_set.hour_minutes))
    return sorted(done, key=lambda course: course.last_day, reverse=True)


def _local_day(moment, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


# Other completed courses for My CV, from a feature above this one: portal.certificates adds
# the workshops a person completed by its rule (one definition of it, there). A source gives
# the person's CourseDone rows.
CourseSource = Callable[[User], list[CourseDone]]
_COURSE_SOURCES: list[CourseSource] = []


def add_course_source(source: CourseSource) -> None:
    if source not in _COURSE_SOURCES:  # create_app may run more than once (tests)
        _COURSE_SOURCES.append(source)


def cv_courses(owner: User) -> list[CourseDone]:
    """What My CV offers under Courses: the study circles the person completed and what the
    sources add (workshops completed), newest first."""
    found = completed_courses(owner)
    for source in _COURSE_SOURCES:
        found += source(owner)
    return sorted(found, key=lambda course: course.last_day, reverse=True)


def cv_languages(owner: User) -> list[CvLanguage]:
    """The languages of the countries of the person's meeting places, then English."""
    found = [CvLanguage(m.site.language) for m in owner.memberships]
    return list(dict.fromkeys([*found, CvLanguage.EN]))


def cv_choice(owner: User) -> Row | CvChoice:
    """The person's CV choices, or the first ones (not stored until they save). Only read, to
    be shown: the stored ones as a plain row of the same columns (speed.rows)."""
    choice = speed.rows(_choice_statement(), {"owner_id": owner.id}).first()
    return choice or CvChoice(owner_id=owner.id, language=cv_languages(owner)[0], summary="",
                              show_phone=True, show_email=True, show_birth_year=False,
                              show_talents=True, show_licences=True)


@statement
def _choice_statement():
    table = CvChoice.__table__
    return select(table).where(table.c.owner_id == bindparam("owner_id"))


def courses_left_out(owner: User) -> set[int]:
    return set(speed.rows(_left_out_statement(), {"owner_id": owner.id}).scalars())


@statement
def _left_out_statement():
    table = CvCourseLeftOut.__table__
    return select(table.c.activity_id).where(table.c.owner_id == bindparam("owner_id"))


@dataclass
class CvChoices:
    language: str
    summary: str = ""
    show_phone: bool = True
    show_email: bool = True
    show_birth_year: bool = False
    show_talents: bool = True
    show_licences: bool = True
    included: dict[str, set[int]] | None = None  # kind → ids of the items that go in
    courses: set[int] | None = None  # activity ids of the completed courses that go in


def save_cv_choices(owner: User, choices: CvChoices) -> CvChoice:
    if choices.language not in cv_languages(owner):
        raise DomainError(_l("Choose one of the languages shown."), field="language")
    row = _one_row(CvChoice, owner, language=CvLanguage(choices.language))
    row.language = CvLanguage(choices.language)
    for name in ("summary", "show_phone", "show_email", "show_birth_year", "show_talents",
                 "show_licences"):
        setattr(row, name, getattr(choices, name))
    row.updated_at = utcnow()
    included = choices.included or {}
    for kind in KINDS:
        for item in items(owner, kind):
            item.in_cv = item.id in included.get(kind, set())
    completed = {course.activity_id for course in cv_courses(owner)}
    db.session.execute(delete(CvCourseLeftOut).where(CvCourseLeftOut.owner_id == owner.id))
    db.session.add_all(CvCourseLeftOut(owner_id=owner.id, activity_id=activity_id)
                       for activity_id in sorted(completed - (choices.courses or set())))
    db.session.flush()
    return row


@dataclass
class Cv:
    """Everything that goes into the person's CV, as they chose it."""

    language: CvLanguage
    name: str
    phone: str | None
    email: str | None
    birth_year: int | None
    summary: str
    languages: list[LanguageSkill]
    education: list[Education]
    work: list[WorkExperience]
    courses: list[CourseDone]
    certificates: list[Certificate]
    talents: str
    licences: list[str]


def cv_of(owner: User) -> Cv:
    choice = cv_choice(owner)
    mine = competences_of(owner)
    left_out = courses_left_out(owner)

    def chosen(found):
        return [item for item in found if item.in_cv]

    return Cv(
        language=CvLanguage(choice.language), name=owner.display_name,
        phone=owner.phone if choice.show_phone else None,
        email=owner.email if choice.show_email else None,
        birth_year=owner.birth_year if choice.show_birth_year else None,
        summary=choice.summary, languages=chosen(mine.languages),
        education=chosen(mine.education), work=chosen(mine.work),
        courses=[c for c in cv_courses(owner) if c.activity_id not in left_out],
        certificates=chosen(mine.certificates),
        talents=mine.talents if choice.show_talents else "",
        licences=mine.licences if choice.show_licences else [])
