"""What happened (a notification, shown in the app) and how it travels to the person (a
delivery per channel: e-mail, SMS, push), and each person's choice of channels."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l

if TYPE_CHECKING:  # notify keeps user ids: the accounts model only names the relationship
    from portal.accounts.models import User


class Channel(StrEnum):
    """Ways out of Bro besides the app itself. In the app is not a channel: the notification
    row is the in-app message, there for everyone, always."""

    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


CHANNEL_NAMES = {
    Channel.EMAIL: _l("E-mail"),
    Channel.SMS: _l("SMS"),
    Channel.PUSH: _l("Push on this phone"),
}


class Group(StrEnum):
    """What a message is about, as people choose channels for it (each kind has one)."""

    CHANGES = "changes"
    REMINDERS = "reminders"
    NEWS = "news"
    COACH = "coach"
    ACCOUNT = "account"  # a code for a new password, the account to be deleted: not switchable


GROUP_NAMES = {
    Group.CHANGES: _l("Changes to my sessions and meetings"),
    Group.REMINDERS: _l("Reminders"),
    Group.NEWS: _l("News from my meeting place"),
    Group.COACH: _l("Messages from my coach"),
}  # account messages are not on the settings page: nobody turns them off
SWITCHABLE = (Group.CHANGES, Group.REMINDERS, Group.NEWS, Group.COACH)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waits for a worker, from next_attempt_at on
    SENDING = "sending"  # claimed by one worker; never sent twice
    SENT = "sent"  # the provider took it
    DELIVERED = "delivered"  # SMS: the provider's report says it reached the phone
    FAILED = "failed"  # gave up (too many attempts, or refused for good)
    SKIPPED = "skipped"  # nothing to send any more (no address, turned off, not configured)


class Notification(db.Model):
    """What happened, as a kind and parameters: the text is written in the reader's language
    when it is shown or sent, never stored. The row itself is the message in the app. The
    person a message is about (the other side of a meeting) is `about`, never a name in the
    parameters: their name is read when the message is shown, so a changed name shows as it is
    now and an erased person's as "–"."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    about_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    # The addressee (the worker writes in their language), and whom the message is about
    user: Mapped["User"] = relationship(foreign_keys=[user_id])
    about: Mapped["User | None"] = relationship(foreign_keys=[about_id], lazy="joined")
    deliveries: Mapped[list["Delivery"]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Delivery.id")


class Delivery(db.Model):
    """One notification on its way out by one channel: the worker's queue and its record."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_site_sent", "site_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: an SMS whose addressee was erased (portal.notify.hooks), kept for the SMS counts
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = enum_column(Channel, "channel", length=10)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, "status", length=10,
                                                 default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()  # when the last attempt began
    sent_at: Mapped[datetime | None] = mapped_column()
    # The provider's message id (its delivery reports name it)
    provider_id: Mapped[str | None] = mapped_column(String(100), index=True)
    error: Mapped[str | None] = mapped_column(String(200))  # the last failure, for staff
    segments: Mapped[int | None] = mapped_column()  # SMS: the parts it was billed as
    # SMS: the meeting place whose budget it counts against (the person's, when it was sent)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    # Made because an SMS went over its meeting place's budget: it goes by this channel whatever
    # the person chose for it (they chose to be told by SMS, which cannot be sent now).
    fallback: Mapped[bool] = mapped_column(default=False, server_default=false())

    notification: Mapped[Notification | None] = relationship(back_populates="deliveries")


class CodeSms(db.Model):
    """An SMS with a code that Bro sent during a request, not by the worker: to confirm a
    phone number or for a new password (portal.accounts.phone). It counts against the monthly
    SMS budget of the person's meeting place like a notice does, and is sent even when the
    budget is reached (`over_budget`: the place's budget page and reports say so), because
    without it the person cannot confirm their number or get into their account. Nothing in
    it says whom it went to: it stays when the person is erased, so the counts stay."""

    __tablename__ = "code_sms"
    __table_args__ = (Index("ix_code_sms_site_sent", "site_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(10))  # "confirm" a number, "reset" a password
    segments: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    over_budget: Mapped[bool] = mapped_column(default=False, server_default=false())


class ChannelChoice(db.Model):
    """A person's own choice for one group and channel. Without a row, the default holds
    (portal.notify.preferences.default)."""

    __tablename__ = "channel_choice"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    message_group: Mapped[Group] = enum_column(Group, "message_group", length=10,
                                               primary_key=True)
    channel: Mapped[Channel] = enum_column(Channel, "channel", length=10, primary_key=True)
    enabled: Mapped[bool] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
