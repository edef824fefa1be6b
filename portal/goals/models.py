"""The participant's own plan: goals and the steps towards them. Private by default."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import _in
from portal.extensions import UTCDateTime, db, utcnow


class Category(StrEnum):
    LANGUAGE = "language"
    WORK = "work"
    EDUCATION = "education"
    EVERYDAY = "everyday"
    NETWORK = "network"
    OTHER = "other"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    LET_GO = "let_go"


class Goal(db.Model):
    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint(_in("category", Category), name="category"),
        CheckConstraint(_in("status", GoalStatus), name="status"),
        Index("ix_goal_owner_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(160))
    why: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default=Category.OTHER)
    status: Mapped[str] = mapped_column(String(20), default=GoalStatus.ACTIVE)
    target_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    achieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    steps: Mapped[list["Step"]] = relationship(
        back_populates="goal", order_by="Step.position, Step.id", cascade="all, delete-orphan")


class Step(db.Model):
    __tablename__ = "step"
    __table_args__ = (Index("ix_step_goal_position", "goal_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    goal: Mapped[Goal] = relationship(back_populates="steps")
