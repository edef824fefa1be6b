"""Staff availability and the meetings participants book in it."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Site, User
from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l, lazy_pgettext


class Mode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


MODE_NAMES = {Mode.IN_PERSON: _l("In person"), Mode.PHONE: _l("By phone"),
              Mode.VIDEO: _l("Video call")}


class BookingStatus(StrEnum):
    BOOKED = "booked"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# "Cancelled" has a context: sessions and meetings differ in gender (Arabic, Swedish).
STATUS_NAMES = {BookingStatus.BOOKED: _l("Booked"), BookingStatus.HELD: _l("Held"),
                BookingStatus.NO_SHOW: _l("Did not come"),
                BookingStatus.CANCELLED: lazy_pgettext("meeting", "Cancelled")}

SLOT_MINUTES = (15, 30, 45, 60)


class Availability(db.Model):
    """When a staff member can meet, week after week: weekly windows in the site's local time,
    from one date until another, cut into slots of a fixed length with a buffer between."""

    __tablename__ = "availability"
    __table_args__ = (
        CheckConstraint("slot_minutes IN (15, 30, 45, 60)", name="slot_minutes"),
        CheckConstraint("buffer_minutes >= 0 AND buffer_minutes <= 60", name="buffer_minutes"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="dates"),
        Index("ix_availability_site_host", "site_id", "host_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    mode: Mapped[Mode] = enum_column(Mode, "mode", default=Mode.IN_PERSON)
    place: Mapped[str] = mapped_column(String(300), default="")  # room, phone note or video link
    languages: Mapped[str] = mapped_column(String(120), default="")  # as the host wrote them
    slot_minutes: Mapped[int] = mapped_column(default=30)
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    host: Mapped[User] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    windows: Mapped[list["Window"]] = relationship(
        back_populates="availability", cascade="all, delete-orphan",
        order_by="(Window.weekday, Window.starts)", lazy="selectin")
    extras: Mapped[list["ExtraWindow"]] = relationship(
        cascade="all, delete-orphan", order_by="(ExtraWindow.day, ExtraWindow.starts)",
        lazy="selectin")


class Window(db.Model):
    """A weekly window: e.g. Tuesdays 09:00–12:00 (local wall time)."""

    __tablename__ = "availability_window"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("ends > starts", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(
        ForeignKey("availability.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 = Monday
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    availability: Mapped[Availability] = relationship(back_populates="windows")


class ExtraWindow(db.Model):
    """A one-off window on one date, with its availability's mode and slot length."""

    __tablename__ = "availability_extra"
    __table_args__ = (CheckConstraint("ends > starts", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(
        ForeignKey("availability.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class TimeOff(db.Model):
    """Days a host does not meet anyone (holiday, course, sick): no slots on these days."""

    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]


class Booking(db.Model):
    """A meeting between a participant and a staff member. `participant_id` becomes NULL when
    a person is erased, so the numbers stay."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # The rule that must hold under any concurrency: one active meeting per host and time.
        Index("uq_booking_host_start_active", "host_id", "starts_at", unique=True,
              sqlite_where=text("status != 'cancelled'"),
              postgresql_where=text("status != 'cancelled'")),
        Index("ix_booking_host_starts", "host_id", "starts_at"),
        Index("ix_booking_participant_starts", "participant_id", "starts_at"),
        Index("ix_booking_site_starts", "site_id", "starts_at"),
        Index("ix_booking_status_starts", "status", "starts_at"),
        # Free times' busy times: the active meetings of a host (or of staff as a participant)
        # that end after a moment. By start, SQLite read a host's whole history before the
        # period's end (9.6 ms with five years of meetings); by end, only what is to come
        # (54 µs). The start is in the index, so the rows come from it alone.
        Index("ix_booking_host_ends_active", "host_id", "ends_at", "starts_at",
              sqlite_where=text("status != 'cancelled'"),
              postgresql_where=text("status != 'cancelled'")),
        Index("ix_booking_participant_ends_active", "participant_id", "ends_at", "starts_at",
              sqlite_where=text("status != 'cancelled'"),
              postgresql_where=text("status != 'cancelled'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    availability_id: Mapped[int | None] = mapped_column(
        ForeignKey("availability.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[Mode] = enum_column(Mode, "mode")
    place: Mapped[str] = mapped_column(String(300), default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    interpreter: Mapped[str] = mapped_column(String(5), default="")  # a language code or ""
    status: Mapped[BookingStatus] = enum_column(BookingStatus, "status",
                                                default=BookingStatus.BOOKED)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the current time was agreed (booked or moved): reminders due before it are skipped.
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    host: Mapped[User | None] = relationship(foreign_keys=[host_id], lazy="joined")
    participant: Mapped[User | None] = relationship(foreign_keys=[participant_id],
                                                    lazy="joined")


    @hybrid_property
    def is_active(self) -> bool:
        """Not cancelled. In a statement, `Booking.is_active` writes 'cancelled' into the SQL
        rather than binding it: a bound value that could decide whether the partial index
        above applies makes SQLite prepare the statement again on every run (about 20 µs
        each time), and PostgreSQL can use that index only with the value in the SQL."""
        return self.status != BookingStatus.CANCELLED

    @is_active.inplace.expression
    @classmethod
    def _is_active_in_sql(cls):
        return cls.status != literal_column(f"'{BookingStatus.CANCELLED}'")


class Reminder(db.Model):
    """A reminder that was sent: one per meeting, kind and meeting time. Inserting the row is
    how a sender claims it, so two senders at once never send the same reminder twice, and a
    moved meeting gets reminders for its new time only."""

    __tablename__ = "booking_reminder"
    __table_args__ = (UniqueConstraint("booking_id", "hours_before", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    hours_before: Mapped[int]
    starts_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
