"""What push connects: the push channel, its part when a person is erased or asks for their
data (portal.signals), and what logging out does to this browser's subscription."""

from flask import g, session
from flask_login import user_logged_out
from sqlalchemy import bindparam, delete, select

from portal import signals, speed
from portal.extensions import db
from portal.notify import channels
from portal.notify.models import Channel
from portal.push import services
from portal.push.models import PushSubscription
from portal.speed import statement


def connect() -> None:
    channels.register(Channel.PUSH, services.SENDER)
    signals.person_erased.connect(erase_devices)
    signals.data_requested.connect(device_data)
    user_logged_out.connect(forget_this_device)


def erase_devices(person, **_) -> None:
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == person.id))


def device_data(person, **_) -> dict:
    """Which devices take notices (the push service's address and keys are the browser's
    own, not about the person: only the device and dates are shown), from a statement built
    once per process."""
    rows = speed.rows(_devices(), {"user_id": person.id})
    return {"push_devices": [
        {"device": services.device_label(row.device), "since": row.created_at.isoformat(),
         "last_notice": row.last_sent_at.isoformat() if row.last_sent_at else None}
        for row in rows]}


@statement
def _devices():
    return (select(PushSubscription.device, PushSubscription.created_at,
                   PushSubscription.last_sent_at)
            .where(PushSubscription.user_id == bindparam("user_id"))
            .order_by(PushSubscription.created_at))


def forget_this_device(_app, user, **_) -> None:
    """Logged out on this browser: its notices stop (a shared phone shows nobody's notices),
    and the response tells the browser to empty Bro's caches (push.views.clear_site_data)."""
    device = session.get("push_device")
    if device is not None:
        db.session.execute(delete(PushSubscription).where(
            PushSubscription.id == device, PushSubscription.user_id == user.id))
    g.bro_logged_out = True
