"""Notify's part in erasing a person and in My data, reached through the signals."""

from sqlalchemy import select

from portal import signals, work
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Channel, ChannelChoice, Delivery, Group, Notification
from portal.notify.preferences import save
from portal.notify.services import mark_all_read, notify


def test_erasing_a_person_deletes_their_messages_deliveries_and_choices(make_user,
                                                                       smtp_server):
    person, other = make_user(), make_user()
    save(person, {(Group.CHANGES, Channel.EMAIL)})
    notify([person, other], "promoted", {"title": "Norsk A1"})
    work.commit()
    signals.person_erased.send(person, actor=None, now=utcnow())
    work.commit()
    assert db.session.scalars(select(Notification.user_id)).all() == [other.id]
    assert [d.notification.user_id for d in db.session.scalars(select(Delivery))] == [
        other.id]
    assert db.session.scalars(select(ChannelChoice)).all() == []
    assert worker.run_once() == {"sent": 1}  # nothing is left to send to the erased person
    assert [m["To"] for m in smtp_server] == [other.email]


def test_my_data_lists_which_messages_came_how_and_the_chosen_channels(make_user,
                                                                       smtp_server):
    person = make_user()
    first_id, = notify([person], "promoted", {"title": "Norsk A1", "timezone": "Europe/Oslo"})
    mark_all_read(person.id)
    work.commit()
    worker.run_once()
    save(person, {(Group.CHANGES, Channel.SMS)})
    second_id, = notify([person], "session_cancelled", {"title": "Norsk A1"})
    notify([make_user()], "promoted", {"title": "Someone else's"})
    work.commit()
    first, second = (db.session.get(Notification, id_) for id_ in (first_id, second_id))
    data = signals.collect(signals.data_requested, person)
    sent_at = first.deliveries[0].sent_at
    assert data["notifications"] == [
        {"kind": "promoted", "created": first.created_at.isoformat(),
         "read": first.read_at.isoformat(),
         "sent": [{"channel": "email", "status": "sent", "at": sent_at.isoformat()}]},
        {"kind": "session_cancelled", "created": second.created_at.isoformat(), "read": None,
         "sent": []}]
    settings = data["notification_settings"]
    assert len(settings) == 9  # changes, reminders, coach × e-mail, SMS, push (news: no consent)
    assert {"messages": "changes", "channel": "sms", "on": True} in settings
    assert {"messages": "changes", "channel": "email", "on": False} in settings
