"""Study circles, language cafés, dialogue seminars and workshops: their sessions, enrolments
and followers."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Site, User
from portal.extensions import UTCDateTime, db, enum_column, utcnow
from portal.i18n import _l


class Kind(StrEnum):
    STUDY_CIRCLE = "study_circle"
    LANGUAGE_CAFE = "language_cafe"
    # Participants and invited staff of partner services meet as equals (usually one session).
    DIALOGUE_SEMINAR = "dialogue_seminar"
    WORKSHOP = "workshop"  # a short series with a shared goal


KIND_NAMES = {Kind.STUDY_CIRCLE: _l("Study circle"), Kind.LANGUAGE_CAFE: _l("Language café"),
              Kind.DIALOGUE_SEMINAR: _l("Dialogue seminar"), Kind.WORKSHOP: _l("Workshop")}
# Kinds with guests, questions, main points and agreed actions (portal.dialogues).
DIALOGUE_KINDS = (Kind.DIALOGUE_SEMINAR, Kind.WORKSHOP)


class ActivityStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


STATUS_NAMES = {ActivityStatus.OPEN: _l("Open for new participants"),
                ActivityStatus.CLOSED: _l("Closed for new participants"),
                ActivityStatus.ARCHIVED: _l("Archived (hidden)")}


class Level(StrEnum):
    ALL = "all"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


LEVEL_NAMES = {Level.ALL: _l("All levels"), Level.BEGINNER: _l("Beginner"),
               Level.INTERMEDIATE: _l("Intermediate"), Level.ADVANCED: _l("Advanced")}


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    LEFT = "left"


activity_leader = db.Table(
    "activity_leader", db.metadata,
    db.Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    # indexed: "what a person leads" (start page, free times' busy times, My calendar)
    db.Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


# A participant who helps run one activity (a peer co-leader, e.g. a table at the café): they
# take its attendance and write its session notes, and nothing more (services.can_take_attendance).
activity_co_leader = db.Table(
    "activity_co_leader", db.metadata,
    db.Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
              index=True),
    db.Column("created_at", UTCDateTime, default=utcnow, nullable=False),
)


# A volunteer hosts a café session (a shift).
shift = db.Table(
    "shift", db.metadata,
    db.Column("session_id", ForeignKey("session.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
              index=True),
    db.Column("created_at", UTCDateTime, default=utcnow, nullable=False),
)


class CountingRule(StrEnum):
    NONE = "none"
    MEETINGS_INCLUDING_EARLY = "meetings_including_early"  # SE: ≥3 meetings, one of the first 3
    SHARE_OF_HOURS = "share_of_hours"  # NO: ≥ ¾ of the hours


class RuleSet(db.Model):
    """A funder's rules for a study circle, as data (domain.md §1): seeded by migration,
    new versions are new rows with a later valid_from."""

    __tablename__ = "rule_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))  # as the funder calls it; not translated
    valid_from: Mapped[date]
    hour_minutes: Mapped[int]  # 45 in Sweden, 60 in Norway
    min_participants: Mapped[int | None]
    max_participants: Mapped[int | None]
    leader_counts: Mapped[bool] = mapped_column(Boolean, default=False)
    min_meetings: Mapped[int | None]
    min_hours: Mapped[int | None]  # in this rule set's hours
    max_hours_per_meeting: Mapped[int | None]
    # A meeting is reported only with at least this many hours and people present (the leader
    # included), and a week reports at most so many meetings and hours (Sweden: 1, 3, 3, 12).
    min_hours_per_meeting: Mapped[int | None]
    min_present: Mapped[int | None]
    max_meetings_per_week: Mapped[int | None]
    max_hours_per_week: Mapped[int | None]
    # Norway: the leader may be counted to reach min_participants, and the course is then
    # funded as one without a teacher.
    leader_may_complete: Mapped[bool] = mapped_column(Boolean, default=False,
                                                      server_default=text("false"))
    min_age: Mapped[int | None]
    age_by_year_end: Mapped[bool] = mapped_column(Boolean, default=False)
    counting_rule: Mapped[CountingRule] = enum_column(CountingRule, "counting_rule", length=40,
                                                      default=CountingRule.NONE)
    counting_min_meetings: Mapped[int | None]
    counting_early_window: Mapped[int | None]
    counting_share_percent: Mapped[int | None]
    list_fields: Mapped[str] = mapped_column(String(200), default="name")  # for the export


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
        Index("ix_activity_site_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    kind: Mapped[Kind] = enum_column(Kind, "kind")
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(120), default="")  # as staff wrote them
    level: Mapped[Level] = enum_column(Level, "level", default=Level.ALL)
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int | None]  # None: no limit (drop-in café)
    women_only: Mapped[bool] = mapped_column(Boolean, default=False)
    childcare: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    children_welcome: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id",
                                                              ondelete="SET NULL"))
    status: Mapped[ActivityStatus] = enum_column(ActivityStatus, "status",
                                                 default=ActivityStatus.OPEN)
    # Bumped at the start of every enrolment change: serialises joins and leaves per activity
    # on SQLite and PostgreSQL alike, and numbers the waiting list.
    queue_counter: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    rule_set: Mapped[RuleSet | None] = relationship()
    leaders: Mapped[list[User]] = relationship(secondary=activity_leader,
                                               order_by="User.display_name")
    co_leaders: Mapped[list[User]] = relationship(secondary=activity_co_leader,
                                                  order_by="User.display_name")
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="activity", order_by="Session.starts_at", cascade="all, delete-orphan")

    @property
    def is_cafe(self) -> bool:
        """Drop-in: people follow it instead of joining, and volunteers host its sessions."""
        return self.kind == Kind.LANGUAGE_CAFE

    @property
    def is_circle(self) -> bool:
        return self.kind == Kind.STUDY_CIRCLE

    @property
    def is_dialogue(self) -> bool:
        return self.kind in DIALOGUE_KINDS


class Admission(db.Model):
    """A leader let this person take part in a women-only activity (for example a woman who
    has not given her gender). Written to the audit log when made."""

    __tablename__ = "admission"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    admitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Session(db.Model):
    """One meeting. Stored in UTC, made from the site's local wall time (DST-safe)."""

    __tablename__ = "session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_session_activity_starts", "activity_id", "starts_at"),
        Index("ix_session_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    # The wall-clock time people agreed on, in the site's zone: the truth. starts_at/ends_at
    # are derived from it (for queries) and recomputed if the site's zone changes.
    local_start: Mapped[datetime | None] = mapped_column(DateTime)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")  # empty: the activity's place
    status: Mapped[SessionStatus] = enum_column(SessionStatus, "status",
                                                default=SessionStatus.SCHEDULED)
    reason: Mapped[str] = mapped_column(String(300), default="")  # why it was cancelled
    note: Mapped[str] = mapped_column(String(300), default="")  # theme or note of the day
    holiday: Mapped[str] = mapped_column(String(120), default="")  # public holiday kept
    headcount: Mapped[int | None]  # anonymous count at a café
    # Marks on the list, kept by portal.reports.upkeep whenever attendance changes.
    present_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    absent_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    signed_off_at: Mapped[datetime | None]  # list locked
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    activity: Mapped[Activity] = relationship(back_populates="sessions")
    hosts: Mapped[list[User]] = relationship(secondary=shift, order_by="User.display_name")


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        Index("ix_enrolment_activity_status", "activity_id", "status", "queue_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrolmentStatus] = enum_column(EnrolmentStatus, "status")
    queue_position: Mapped[int]  # order on the waiting list (from Activity.queue_counter)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship(lazy="joined")
    user: Mapped[User] = relationship()


class Follow(db.Model):
    """A participant follows a drop-in café: its sessions show in their calendar."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class Attendance(db.Model):
    """One person at one session. Minutes, not units: each rule set counts its own units.
    `user_id` becomes NULL when a person is erased, so the numbers stay."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("minutes >= 0", name="minutes"),
        # Covers the reports' scans (who was present, how long) without reading the table.
        Index("ix_attendance_session_status_user", "session_id", "status", "user_id", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus, "status", length=10)
    minutes: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionReminder(db.Model):
    """A reminder sent to one person for one session at the time it had then. Inserting the row
    is how a run claims it, so no two runs (or workers) send it twice, and a moved session has
    a new time and so a reminder of its own (portal.activities.reminders)."""

    __tablename__ = "session_reminder"
    __table_args__ = (UniqueConstraint("session_id", "user_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    starts_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
