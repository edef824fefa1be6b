"""Notify people in their own language: in the app always, and by the channels they chose
(e-mail, SMS, push) when a channel can reach them. What leaves Bro is sent by the delivery
worker (portal.notify.worker) after the change is committed: a request never waits for it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import JSON, Integer, bindparam, cast, func, insert, literal, select, update

from portal.extensions import UTCDateTime, db, utcnow
from portal.i18n import _, format_local
from portal.notify import channels, preferences
from portal.notify.channels import Recipient
from portal.notify.models import Channel, Delivery, DeliveryStatus, Group, Notification
from portal.speed import statement


@dataclass(frozen=True)
class Message:
    """How a feature words one kind of notification (in the current language)."""

    subject: Callable[[dict], str]
    body: Callable[[dict], str]
    link: Callable[[dict], tuple[str, str]] | None = None  # (url, label) to open what it is about


MESSAGES: dict[str, Message] = {}
GROUPS: dict[str, Group] = {}
def register(kind: str, message: Message, group: Group = Group.CHANGES) -> None:
    """A feature's kind of notification: its words and the group a person chooses channels
    for (most are changes to what they take part in)."""
    MESSAGES[kind] = message
    GROUPS[kind] = group


def group_of(kind: str) -> Group:
    return GROUPS.get(kind, Group.CHANGES)


def notify(users: Iterable[Recipient], kind: str, params: dict,
           about: Recipient | None = None, at: datetime | None = None) -> list[int]:
    """Queue one notification per person, and a delivery for each channel they want it by
    and can be reached on (call inside the transaction that made the change); returns the
    notifications' ids. `about`: the person the message names (the other side of a meeting),
    kept by id; their name is read when the message is shown, never stored in `params`.
    `at`: when it happened, if not now (a job run as of a given time).
    Nothing is sent here: the worker sends once the change is committed, never for a change
    rolled back. A statement per table however many people (the database makes the rows), so
    a café cancelled for 1,000 followers costs its request little more than for one."""
    people = [person for person in {user.id: user for user in users}.values()
              if person.erased_at is None]  # an erased account hears nothing more
    if not people:
        return []
    # The caller's own pending rows are flushed when it chooses (a claim it guards with a
    # savepoint, say), not by the statements notify runs.
    with db.session.no_autoflush:
        wanted = preferences.chosen(people, group_of(kind))
        reach = channels.reachable(people)
        made = _insert(people, kind, params, about, at)
        for channel in Channel:
            ids = [made[person.id] for person in people
                   if channel in wanted[person.id] and person.id in reach.get(channel, ())]
            if ids:
                _insert_deliveries(ids, channel)
    _messages_changed()
    return [made[person.id] for person in people]


def _insert(people: list[Recipient], kind: str, params: dict, about: Recipient | None,
            at: datetime | None) -> dict[int, int]:
    """A notification per person, made from their ids: user id → notification id."""
    notification = Notification.__table__
    users = db.metadata.tables["user_account"]  # by name: notify keeps user ids
    return dict(db.session.execute(insert(notification).from_select(
        ["user_id", "kind", "params", "about_id", "created_at"],
        select(users.c.id, literal(kind), literal(params, JSON),
               cast(literal(about.id if about is not None else None), Integer),
               literal(at or utcnow(), UTCDateTime()))
        .where(users.c.id.in_([person.id for person in people])))
        .returning(notification.c.user_id, notification.c.id)).all())


def _insert_deliveries(notification_ids: list[int], channel: Channel) -> None:
    notification = Notification.__table__
    db.session.execute(insert(Delivery.__table__).from_select(
        ["notification_id", "channel", "status", "attempts", "next_attempt_at"],
        select(notification.c.id, literal(channel.value), literal(DeliveryStatus.PENDING.value),
               literal(0), literal(utcnow(), UTCDateTime()))
        .where(notification.c.id.in_(notification_ids))))


def when(params: dict, key: str) -> str:
    return format_local(datetime.fromisoformat(params[key]), params["timezone"], "yMMMMEEEEd")


def _params(notification: Notification) -> dict:
    """The stored parameters, and as "with" the name of the person the message is about, as
    it is now ("–" once they are erased)."""
    about = notification.about
    return notification.params | {"with": about.display_name if about else ""}


def subject(notification: Notification) -> str:
    message = MESSAGES.get(notification.kind)
    return message.subject(_params(notification)) if message else _("News from Bro")


def body(notification: Notification) -> str:
    """The message in the current language (force_locale picks the reader's)."""
    message = MESSAGES.get(notification.kind)
    return message.body(_params(notification)) if message else ""


def link(notification: Notification) -> tuple[str, str] | None:
    """Where the reader can see what the notification is about, if anywhere."""
    message = MESSAGES.get(notification.kind)
    return message.link(_params(notification)) if message and message.link else None


def unread_count(user: Recipient) -> int:
    """The menu's count. Loaded with the user (accounts.views.load_user: one query less on
    every page) unless this request queued or read messages: then counted again, and through
    the session a Core statement autoflushes too (SQLAlchemy 2.1), so notifications queued
    earlier in the same request are counted."""
    known = getattr(user, "unread_on_load", None)
    if known is not None and not g.get("bro_messages_changed"):
        return known
    return db.session.execute(_unread_statement(), {"user_id": user.id}).scalar()


def unread_column():
    """The unread count as a column beside a User in a select() (correlated with the accounts
    table by its name, as the foreign key names it)."""
    users = db.metadata.tables["user_account"]
    return (select(func.count()).where(Notification.user_id == users.c.id,
                                       Notification.read_at.is_(None))
            .correlate(users).scalar_subquery().label("unread"))


def _messages_changed() -> None:
    if has_app_context():
        g.bro_messages_changed = True


@statement
def _unread_statement():
    # On the table, not the entity: a Core statement skips the ORM's per-execution setup
    # (every logged-in page shows the count in its menu).
    notification = Notification.__table__
    return select(func.count()).select_from(notification).where(
        notification.c.user_id == bindparam("user_id"), notification.c.read_at.is_(None))


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user_id: int) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    _messages_changed()
