"""The participant's own plan: goals and the steps towards them. Private by default."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l


class Category(StrEnum):
    LANGUAGE = "language"
    WORK = "work"
    EDUCATION = "education"
    EVERYDAY = "everyday"
    NETWORK = "network"
    OTHER = "other"


CATEGORY_NAMES = {
    Category.LANGUAGE: _l("Language"), Category.WORK: _l("Work"),
    Category.EDUCATION: _l("Education"), Category.EVERYDAY: _l("Everyday life"),
    Category.NETWORK: _l("Network and friends"), Category.OTHER: _l("Other"),
}


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    LET_GO = "let_go"


STATUS_NAMES = {
    GoalStatus.ACTIVE: _l("I am working on it"), GoalStatus.ACHIEVED: _l("Achieved"),
    GoalStatus.PAUSED: _l("Paused"), GoalStatus.LET_GO: _l("I let it go"),
}


class Goal(db.Model):
    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_owner_status", "owner_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(160))
    why: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[Category] = enum_column(Category, "category", default=Category.OTHER)
    status: Mapped[GoalStatus] = enum_column(GoalStatus, "status", default=GoalStatus.ACTIVE)
    target_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    achieved_at: Mapped[datetime | None] = mapped_column()

    steps: Mapped[list["Step"]] = relationship(
        back_populates="goal", order_by="Step.position, Step.id", cascade="all, delete-orphan")
    comments: Mapped[list["Comment"]] = relationship(order_by="Comment.created_at",
                                                     cascade="all, delete-orphan")
    notes: Mapped[list["ProgressNote"]] = relationship(
        order_by="ProgressNote.created_at.desc()", cascade="all, delete-orphan")


class Step(db.Model):
    __tablename__ = "step"
    __table_args__ = (Index("ix_step_goal_position", "goal_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column()

    goal: Mapped[Goal] = relationship(back_populates="steps")


class ShareScope(StrEnum):
    PLAN = "plan"  # the whole plan (goal_id NULL) or one goal
    COMPETENCES = "competences"  # My competences (portal.competences)


class Share(db.Model):
    """The owner shows their whole plan (goal_id NULL), one goal, or their competences to a
    named staff member. Stored like a consent: given and withdrawn times are kept;
    withdrawing ends access."""

    __tablename__ = "share"
    __table_args__ = (
        Index("ix_share_staff_active", "staff_id", "withdrawn_at"),
        CheckConstraint("scope = 'plan' OR goal_id IS NULL", name="scope_goal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                          index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    scope: Mapped[ShareScope] = enum_column(ShareScope, "scope", default=ShareScope.PLAN,
                                            server_default=ShareScope.PLAN.value)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    goal: Mapped[Goal | None] = relationship()


class Comment(db.Model):
    """An encouraging word from a staff member the goal is shared with."""

    __tablename__ = "goal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ProgressNote(db.Model):
    """A dated line in the participant's own log of progress on a goal."""

    __tablename__ = "progress_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanStart(db.Model):
    """Answers to the guided start: a dream, strengths, what and who can help. All optional."""

    __tablename__ = "plan_start"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                          unique=True)
    dream: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
