"""Notify people in their own language: in the app always, by e-mail when they have one."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import current_app, g, has_app_context, render_template
from sqlalchemy import bindparam, func, select, update

from portal import work
from portal.extensions import db, utcnow
from portal.i18n import _, force_locale, format_local
from portal.notify.mail import mail_configured, send_mail
from portal.notify.models import EmailStatus, Notification
from portal.speed import statement

MAX_EMAIL_ATTEMPTS = 5
_QUEUED = "bro_emails_queued"  # in the session's info: the transaction e-mails wait for


@dataclass(frozen=True)
class Message:
    """How a feature words one kind of notification (in the current language)."""

    subject: Callable[[dict], str]
    body: Callable[[dict], str]
    link: Callable[[dict], tuple[str, str]] | None = None  # (url, label) to open what it is about


MESSAGES: dict[str, Message] = {}


def register(kind: str, message: Message) -> None:
    MESSAGES[kind] = message


class Recipient(Protocol):
    """What notify reads of a person (a User): notify keeps user ids, not the accounts model."""

    id: int
    email: str | None
    erased_at: datetime | None


def notify(users: Iterable[Recipient], kind: str, params: dict,
           about: Recipient | None = None) -> list[Notification]:
    """Queue one notification per person (call inside the transaction that made the change).
    `about`: the person the message names (the other side of a meeting), kept by id; their
    name is read when the message is shown, never stored in `params`."""
    email = mail_configured()
    notifications = [
        Notification(user_id=user.id, kind=kind, params=params,
                     about_id=about.id if about is not None else None,
                     email_status=EmailStatus.PENDING if email and user.email
                     else EmailStatus.NONE)
        for user in {user.id: user for user in users}.values()
        if user.erased_at is None]  # an erased account hears nothing more
    db.session.add_all(notifications)
    _messages_changed()
    if any(n.email_status == EmailStatus.PENDING for n in notifications):
        _send_after_commit()
    return notifications


def _send_after_commit() -> None:
    """E-mails leave once the change that caused them is committed (portal.work), once per
    unit of work however many notifications it queued; never for a change rolled back."""
    if _QUEUED not in db.session.info:
        work.after_commit(_send_queued)
    db.session.info[_QUEUED] = db.session().get_transaction()  # what they wait for


def _send_queued() -> None:
    db.session.info.pop(_QUEUED, None)
    deliver_emails()


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


def deliver_emails(limit: int = 100) -> int:
    """The delivery job: send pending e-mails, each in its recipient's language.

    Not a service: it runs where no unit of work has changes waiting — `flask
    send-notifications`, or after a unit of work committed (notify() arranges that) — and
    commits its own short transactions: one claims a row (pending → sending), so that no other
    sender takes it and none goes out twice, even from several processes at once; one settles
    it after the mail server answered, so no lock is held while it talks. Called in a unit of
    work with changes not yet committed it refuses: it would commit them half-way."""
    _refuse_inside_unfinished_work()
    if not mail_configured():
        return 0
    ids = db.session.scalars(select(Notification.id).where(
        Notification.email_status == EmailStatus.PENDING).order_by(Notification.id).limit(limit))
    sent = 0
    for notification_id in list(ids):
        claimed = db.session.execute(update(Notification).where(
            Notification.id == notification_id,
            Notification.email_status == EmailStatus.PENDING).values(
            email_status=EmailStatus.SENDING, email_attempts=Notification.email_attempts + 1))
        db.session.commit()
        if claimed.rowcount != 1:
            continue  # another sender has it
        notification = db.session.get(Notification, notification_id)
        user = notification.user
        with force_locale(user.language):
            mail_subject = subject(notification)
            text = render_template("email/notification.txt", user=user,
                                   body=body(notification))
        try:
            send_mail(user.email, mail_subject, text)
        except OSError:
            current_app.logger.warning("E-mail to user %s failed; will retry", user.id)
            failed = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
            notification.email_status = EmailStatus.FAILED if failed else EmailStatus.PENDING
        else:
            notification.email_status, notification.emailed_at = EmailStatus.SENT, utcnow()
            sent += 1
        db.session.commit()
    return sent


def _refuse_inside_unfinished_work() -> None:
    session = db.session()
    queued = session.info.get(_QUEUED)
    if session.new or session.dirty or session.deleted or (
            queued is not None and queued is session.get_transaction()):
        raise RuntimeError("deliver_emails() inside a unit of work with changes not yet "
                           "committed: e-mails leave after the commit (notify() arranges it)")
