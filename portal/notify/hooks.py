"""What notify connects: the e-mail and SMS channels, and its part when a person is erased or
asks for their data (portal.signals)."""

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from portal import signals
from portal.extensions import db
from portal.notify import channels, mail, sms, worker
from portal.notify.models import Channel, ChannelChoice, Notification


def connect() -> None:
    channels.register(Channel.EMAIL, mail.SENDER)
    channels.register(Channel.SMS, sms.SENDER)
    worker.watch_writes()
    signals.person_erased.connect(erase_messages)
    signals.data_requested.connect(message_data)


def erase_messages(person, **_) -> None:
    """Their messages go (each may name a course, a meeting or another person), and with them
    what is waiting to be sent; so do their channel choices."""
    db.session.execute(delete(Notification).where(Notification.user_id == person.id))
    db.session.execute(delete(ChannelChoice).where(ChannelChoice.user_id == person.id))


def message_data(person, **_) -> dict:
    """Which messages the person got, when they read them and how each went out (the texts
    are made from the kind when shown, never stored), and the channels they chose."""
    notifications = db.session.scalars(select(Notification).where(
        Notification.user_id == person.id).order_by(Notification.created_at)
        .options(selectinload(Notification.deliveries)))
    choices = db.session.scalars(select(ChannelChoice).where(
        ChannelChoice.user_id == person.id).order_by(ChannelChoice.message_group,
                                                     ChannelChoice.channel))
    return {
        "notifications": [
            {"kind": n.kind, "created": n.created_at.isoformat(),
             "read": n.read_at.isoformat() if n.read_at else None,
             "sent": [{"channel": d.channel.value, "status": d.status.value,
                       "at": d.sent_at.isoformat() if d.sent_at else None}
                      for d in n.deliveries]} for n in notifications],
        "notification_settings": [
            {"messages": c.message_group.value, "channel": c.channel.value, "on": c.enabled}
            for c in choices],
    }
