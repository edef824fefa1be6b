"""In-app notifications; the same row is the e-mail outbox (one message, two channels)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import UTCDateTime, db, one_of, utcnow


class EmailStatus(StrEnum):
    NONE = "none"  # no address, or e-mail not configured: in-app only
    PENDING = "pending"
    SENDING = "sending"  # claimed by one sender; never sent twice
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    """What happened, as a kind and parameters: the text is written in the reader's language
    when it is shown or e-mailed, never stored."""

    __tablename__ = "notification"
    __table_args__ = (
        one_of("email_status", EmailStatus),
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_email_status", "email_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(10), default=EmailStatus.NONE)
    email_attempts: Mapped[int] = mapped_column(default=0)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
