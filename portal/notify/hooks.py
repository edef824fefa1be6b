"""What notify connects: the e-mail and SMS channels, and its part when a person is erased or
asks for their data (portal.signals)."""

from sqlalchemy import and_, bindparam, case, delete, or_, select, update

from portal import signals, speed
from portal.extensions import db
from portal.notify import channels, mail, preferences, sms, worker
from portal.notify.models import Channel, ChannelChoice, Delivery, DeliveryStatus, Notification
from portal.speed import statement


def connect() -> None:
    channels.register(Channel.EMAIL, mail.SENDER)
    channels.register(Channel.SMS, sms.SENDER)
    worker.watch_writes()
    signals.person_erased.connect(erase_messages)
    signals.data_requested.connect(message_data)


def erase_messages(person, **_) -> None:
    """Their messages go (each may name a course, a meeting or another person), and with them
    what is waiting to be sent; so do their channel choices. The SMS they were sent, and those
    held back over the budget, stay as rows that no longer say to whom or what (no message, no
    provider id, no error text): the meeting place's monthly SMS counts do not fall."""
    counted = update(Delivery).where(
        Delivery.notification_id.in_(
            select(Notification.id).where(Notification.user_id == person.id)),
        Delivery.channel == Channel.SMS,
        or_(Delivery.sent_at.is_not(None),
            and_(Delivery.status == DeliveryStatus.SKIPPED, Delivery.error == sms.OVER_BUDGET)))
    db.session.execute(counted.values(
        notification_id=None, provider_id=None,
        error=case((Delivery.error == sms.OVER_BUDGET, sms.OVER_BUDGET), else_=None)),
        execution_options={"synchronize_session": False})
    db.session.execute(delete(Notification).where(Notification.user_id == person.id))
    db.session.execute(delete(ChannelChoice).where(ChannelChoice.user_id == person.id))


def message_data(person, **_) -> dict:
    """Which messages the person got, when they read them and how each went out (the texts
    are made from the kind when shown, never stored: an SMS's segments, tries and why one was
    not sent are kept), and how each group of messages reaches them: their own choice where
    they made one, otherwise the default. Plain rows from statements built once per process
    (not ORM objects with the user each message is about joined in)."""
    notifications = speed.rows(_notifications(), {"user_id": person.id}).all()
    sent: dict[int, list] = {}
    for delivery in speed.rows(_deliveries(), {"user_id": person.id}):
        sent.setdefault(delivery.notification_id, []).append(delivery)
    choices = speed.rows(_changed(), {"user_id": person.id}).all()  # the grid's too
    changed = {(group, channel): at for group, channel, _on, at in choices}
    stored = {(group, channel): on for group, channel, on, _at in choices}
    return {
        "notifications": [
            {"kind": n.kind, "created": n.created_at.isoformat(),
             "read": n.read_at.isoformat() if n.read_at else None,
             "sent": [_delivery(d) for d in sent.get(n.id, ())]} for n in notifications],
        "notification_settings": [
            {"messages": cell.group.value, "channel": cell.channel.value, "on": cell.on,
             "chosen": (cell.group, cell.channel) in changed,
             "changed": _when(changed.get((cell.group, cell.channel)))}
            for cells in preferences.grid(person, stored=stored).values() for cell in cells],
    }


@statement
def _notifications():
    return (select(Notification.id, Notification.kind, Notification.created_at,
                   Notification.read_at)
            .where(Notification.user_id == bindparam("user_id"))
            .order_by(Notification.created_at))


@statement
def _deliveries():
    """Each notification's deliveries, in the order of Notification.deliveries."""
    return (select(Delivery.notification_id, Delivery.channel, Delivery.status,
                   Delivery.sent_at, Delivery.attempts, Delivery.segments, Delivery.error,
                   Delivery.fallback)
            .where(Delivery.notification_id.in_(select(Notification.id).where(
                Notification.user_id == bindparam("user_id"))))
            .order_by(Delivery.id))


@statement
def _changed():
    return select(ChannelChoice.message_group, ChannelChoice.channel, ChannelChoice.enabled,
                  ChannelChoice.changed_at).where(ChannelChoice.user_id == bindparam("user_id"))


def _delivery(delivery) -> dict:
    return {"channel": delivery.channel.value, "status": delivery.status.value,
            "at": _when(delivery.sent_at), "attempts": delivery.attempts,
            "segments": delivery.segments, "error": delivery.error,
            "instead_of_sms": delivery.fallback}


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None
