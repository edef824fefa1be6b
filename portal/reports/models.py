"""What the reports keep beside the raw rows so that a dashboard reads small tables instead of
millions of attendance rows. Kept by `portal.reports.upkeep` in the same transaction as every
change, always equal to a recount from the raw rows (`flask reports-rebuild` recounts)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import UTCDateTime, db


class ActiveMonth(db.Model):
    """Who was active at a site in one of its local months: present at a session there, or at
    a meeting there that was not cancelled (the reports' definition of "active")."""

    __tablename__ = "active_month"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"),
                                         primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # first day, in the site's zone
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)


class CourseResult(db.Model):
    """A study circle measured as a whole course (rules.evaluate_many), kept until something
    it depends on changes: every change bumps `changes`; the numbers hold while `computed`
    equals it and until `fresh_until`, when the next session starts and "held" grows."""

    __tablename__ = "course_result"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"),
                                             primary_key=True)
    changes: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    computed: Mapped[int | None]  # the `changes` the numbers were counted at; None: never
    rule_set_id: Mapped[int | None]
    held: Mapped[int | None]
    planned: Mapped[int | None]
    units_held: Mapped[int | None]
    units_planned: Mapped[int | None]
    enrolled: Mapped[int | None]
    counted: Mapped[int | None]  # participants who count, the leader not included
    fresh_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
