"""The road to work: partner organisations, work practice, outcomes, job interviews and the
participant's self-assessment. Staff notes never reach the participant; reports count only
numbers (see portal.reports.employment)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Country, Site, User
from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l


class PartnerKind(StrEnum):
    EMPLOYER = "employer"
    SOCIAL_ECONOMY = "social_economy"
    JOB_CENTRE = "job_centre"
    MUNICIPAL = "municipal"
    STUDY_ASSOCIATION = "study_association"
    VOLUNTARY = "voluntary"


PARTNER_KIND_NAMES = {
    PartnerKind.EMPLOYER: _l("Employer"),
    PartnerKind.SOCIAL_ECONOMY: _l("Social-economy firm"),
    PartnerKind.JOB_CENTRE: _l("Job centre"),
    PartnerKind.MUNICIPAL: _l("Municipal service"),
    PartnerKind.STUDY_ASSOCIATION: _l("Study association"),
    PartnerKind.VOLUNTARY: _l("Voluntary organisation"),
}
# The public employment service by its own name: a proper name, the same in every language.
JOB_CENTRE_NAMES = {Country.NO: "NAV", Country.SE: "Arbetsförmedlingen", Country.DK: "Jobcenter"}


def partner_kind_name(kind: str, country: str) -> str:
    """The kind's name; a job centre with the country's own name beside it ("Job centre
    (NAV)"), unless the language calls it by that name already (Norwegian: "NAV")."""
    name = str(PARTNER_KIND_NAMES[PartnerKind(kind)])
    own = JOB_CENTRE_NAMES.get(country) if kind == PartnerKind.JOB_CENTRE else None
    if own and own.lower() not in name.lower():
        return f"{name} ({own})"
    return name


class PlacementStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ENDED_EARLY = "ended_early"
    COMPLETED = "completed"


PLACEMENT_STATUS_NAMES = {
    PlacementStatus.PLANNED: _l("Planned"),
    PlacementStatus.ACTIVE: _l("Going on"),
    PlacementStatus.ENDED_EARLY: _l("Ended early"),
    PlacementStatus.COMPLETED: _l("Completed"),
}


class OutcomeKind(StrEnum):
    PROGRAMME = "programme"
    WORK_PRACTICE = "work_practice"
    JOB = "job"
    EDUCATION = "education"
    OTHER = "other"
    MOVED = "moved"
    UNKNOWN = "unknown"


OUTCOME_NAMES = {
    OutcomeKind.PROGRAMME: _l("In the programme"),
    OutcomeKind.WORK_PRACTICE: _l("Work practice"),
    OutcomeKind.JOB: _l("Job"),
    OutcomeKind.EDUCATION: _l("Education"),
    OutcomeKind.OTHER: _l("Something else"),
    OutcomeKind.MOVED: _l("Moved away"),
    OutcomeKind.UNKNOWN: _l("Not known"),
}
EXITS = (OutcomeKind.JOB, OutcomeKind.EDUCATION)  # what funders count as going on


class JobExtent(StrEnum):
    PART_TIME = "part_time"
    FULL_TIME = "full_time"


EXTENT_NAMES = {JobExtent.PART_TIME: _l("Part-time"), JobExtent.FULL_TIME: _l("Full-time")}


class Subsidy(StrEnum):
    NONE = "none"
    LONNSTILSKUDD = "lonnstilskudd"  # Norway
    LONEBIDRAG = "lonebidrag"  # Sweden
    NYSTARTSJOBB = "nystartsjobb"  # Sweden
    FLEXJOB = "flexjob"  # Denmark
    LONTILSKUD = "lontilskud"  # Denmark


# The schemes by their official names (proper names, not translated), per country.
SUBSIDY_NAMES = {
    Subsidy.LONNSTILSKUDD: "Lønnstilskudd", Subsidy.LONEBIDRAG: "Lönebidrag",
    Subsidy.NYSTARTSJOBB: "Nystartsjobb", Subsidy.FLEXJOB: "Fleksjob",
    Subsidy.LONTILSKUD: "Løntilskud",
}
SUBSIDIES = {
    Country.NO: (Subsidy.LONNSTILSKUDD,),
    Country.SE: (Subsidy.LONEBIDRAG, Subsidy.NYSTARTSJOBB),
    Country.DK: (Subsidy.FLEXJOB, Subsidy.LONTILSKUD),
}


class Partner(db.Model):
    """An organisation a meeting place works with. Its contact person's details are personal
    data: removing a partner that placements still name keeps only its name and kind."""

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_site_name", "site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[PartnerKind] = enum_column(PartnerKind, "kind")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column()

    site: Mapped[Site] = relationship(lazy="joined")


class Placement(db.Model):
    """Work practice: a participant at a partner for a while, some days a week."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 60", name="hours_per_week"),
        Index("ix_placement_participant_starts", "participant_id", "starts_on"),
        Index("ix_placement_site_ends", "site_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"),
                                            index=True)
    role: Mapped[str] = mapped_column(String(160))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    weekdays: Mapped[str] = mapped_column(String(7))  # "024": Monday, Wednesday, Friday
    hours_per_week: Mapped[int]
    mentor_name: Mapped[str] = mapped_column(String(120), default="")
    mentor_phone: Mapped[str] = mapped_column(String(40), default="")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    status: Mapped[PlacementStatus] = enum_column(PlacementStatus, "status",
                                                  default=PlacementStatus.PLANNED)
    staff_notes: Mapped[str] = mapped_column(Text, default="")  # never shown to the participant
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    partner: Mapped[Partner] = relationship(lazy="joined")
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])

    @property
    def days(self) -> list[int]:
        return [int(day) for day in self.weekdays]


class Outcome(db.Model):
    """One dated step in a participant's status history. Staff record it (confirmed at once),
    or the participant reports it and staff confirm it; reports count confirmed ones only."""

    __tablename__ = "outcome"
    __table_args__ = (
        CheckConstraint("extent IS NULL OR kind = 'job'", name="extent_for_jobs"),
        CheckConstraint("subsidy IS NULL OR kind = 'job'", name="subsidy_for_jobs"),
        Index("ix_outcome_participant_on", "participant_id", "on_date"),
        Index("ix_outcome_site_kind", "site_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[OutcomeKind] = enum_column(OutcomeKind, "kind")
    extent: Mapped[JobExtent | None] = enum_column(JobExtent, "extent")
    subsidy: Mapped[Subsidy | None] = enum_column(Subsidy, "subsidy")
    on_date: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    reported_by_participant: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column()
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))


class Interview(db.Model):
    """A job interview the participant went to (noted by them or by staff)."""

    __tablename__ = "job_interview"
    __table_args__ = (Index("ix_job_interview_site_on", "site_id", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date]
    employer: Mapped[str] = mapped_column(String(160), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Statement(StrEnum):
    LANGUAGE = "language"
    NETWORK = "network"
    NEXT_STEP = "next_step"
    AT_HOME = "at_home"


STATEMENT_TEXT = {
    Statement.LANGUAGE: _l("I speak the country's language in daily life."),
    Statement.NETWORK: _l("I know people I can ask for help."),
    Statement.NEXT_STEP: _l("I know my next step towards work or study."),
    Statement.AT_HOME: _l("I feel at home where I live."),
}
SCALE = (1, 2, 3, 4, 5)  # five faces, from very sad (1) to very happy (5)
SCALE_NAMES = {1: _l("Not at all"), 2: _l("A little"), 3: _l("Somewhat"), 4: _l("Mostly"),
               5: _l("Completely")}


class CheckIn(db.Model):
    """One self-assessment: four answers on a five-face scale, or skipped. `respondent` is a
    random key shared by one person's check-ins: erasure unlinks the person and keeps the key,
    so the reports still see one anonymous person's change and nobody can tell whose it was."""

    __tablename__ = "check_in"
    __table_args__ = (
        *(CheckConstraint(f"{s.value} IS NULL OR {s.value} BETWEEN 1 AND 5", name=s.value)
          for s in Statement),
        Index("ix_check_in_participant_at", "participant_id", "created_at"),
        Index("ix_check_in_site_respondent", "site_id", "respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    respondent: Mapped[str] = mapped_column(String(22))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[int | None] = mapped_column(SmallInteger)
    network: Mapped[int | None] = mapped_column(SmallInteger)
    next_step: Mapped[int | None] = mapped_column(SmallInteger)
    at_home: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def answer(self, statement: Statement) -> int | None:
        return getattr(self, statement.value)
