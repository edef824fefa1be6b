"""In-app notifications; the same row is the e-mail outbox (one message, two channels)."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db, enum_column, utcnow

if TYPE_CHECKING:  # notify keeps user ids: the accounts model only names the relationship
    from portal.accounts.models import User


class EmailStatus(StrEnum):
    NONE = "none"  # no address, or e-mail not configured: in-app only
    PENDING = "pending"
    SENDING = "sending"  # claimed by one sender; never sent twice
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    """What happened, as a kind and parameters: the text is written in the reader's language
    when it is shown or e-mailed, never stored. The person a message is about (the other side
    of a meeting) is `about`, never a name in the parameters: their name is read when the
    message is shown, so a changed name shows as it is now and an erased person's as "–"."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_email_status", "email_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    about_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    email_status: Mapped[EmailStatus] = enum_column(EmailStatus, "email_status", length=10,
                                                    default=EmailStatus.NONE)
    email_attempts: Mapped[int] = mapped_column(default=0)
    emailed_at: Mapped[datetime | None] = mapped_column()

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # the e-mail's addressee
    about: Mapped["User | None"] = relationship(foreign_keys=[about_id], lazy="joined")
