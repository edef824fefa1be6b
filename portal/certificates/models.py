"""Certificates of participation: a PDF for a study circle, a workshop or work practice a person
completed, with a short code that a public page checks. The facts are kept as printed (the
name, what, where, when and the hours), so the page confirms the paper even if the records
change later."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db, enum_column, utcnow


class CertificateKind(StrEnum):
    COURSE = "course"  # a study circle, completed by its funding rule set
    WORK_PRACTICE = "work_practice"
    WORKSHOP = "workshop"  # present for most of its time (services.completed_workshops)


class CourseCertificate(db.Model):
    __table_args__ = (UniqueConstraint("holder_id", "activity_id"),
                      UniqueConstraint("holder_id", "placement_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # Ten letters from Crockford's alphabet (about 50 bits): not guessable, easy to type.
    code: Mapped[str] = mapped_column(String(10), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[CertificateKind] = enum_column(CertificateKind, "kind", length=20)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id",
                                                               ondelete="SET NULL"))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id",
                                                                ondelete="SET NULL"))
    holder_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))  # the course, or the role in work practice
    organisation: Mapped[str] = mapped_column(String(200))  # the meeting place, or the partner
    country: Mapped[str] = mapped_column(String(2))  # where it took place: the words for hours
    first_day: Mapped[date]
    last_day: Mapped[date]
    hours: Mapped[int]  # a course: hours present in the rule set's units; work practice: a week
    hour_minutes: Mapped[int]  # 45 (a Swedish study hour) or 60
    # A workshop states the real time present, in minutes (`hours` is its whole hours); None
    # for the others, which state hours as their funder or workplace counts them.
    minutes: Mapped[int | None]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
