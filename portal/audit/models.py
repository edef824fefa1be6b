"""The audit log: who did what to which record, when. Never any personal content."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))  # e.g. "attendance.reopen"
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


def record(actor, action: str, subject_type: str, subject_id: int | None) -> AuditEvent:
    """Add an event to the current transaction (it is saved with the change it describes).
    `actor` is the person acting (only their id is kept), or None for the system."""
    event = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       subject_type=subject_type, subject_id=subject_id)
    db.session.add(event)
    return event
