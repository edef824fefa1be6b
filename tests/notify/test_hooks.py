"""Notify's part in erasing a person and in My data, reached through the signals."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal import signals, work
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Channel, ChannelChoice, Delivery, Group, Notification
from portal.notify.preferences import save
from portal.notify.services import mark_all_read, notify

NOON = datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))  # not in quiet hours


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
         "sent": [{"channel": "email", "status": "sent", "at": sent_at.isoformat(),
                   "attempts": 1, "segments": None, "error": None,
                   "instead_of_sms": False}]},
        {"kind": "session_cancelled", "created": second.created_at.isoformat(), "read": None,
         "sent": []}]
    # Every group and channel as it is now: their own choice (when) or the default.
    settings = {(s["messages"], s["channel"]): s for s in data["notification_settings"]}
    assert len(settings) == 12  # changes, reminders, news, coach × e-mail, SMS, push
    changed = db.session.scalar(select(ChannelChoice.changed_at).where(
        ChannelChoice.message_group == Group.CHANGES, ChannelChoice.channel == Channel.SMS))
    assert settings["changes", "sms"] == {"messages": "changes", "channel": "sms", "on": True,
                                          "chosen": True, "changed": changed.isoformat()}
    assert settings["changes", "email"]["on"] is False
    assert settings["news", "email"] == {  # news beyond the app: only with the consent
        "messages": "news", "channel": "email", "on": False, "chosen": False,
        "changed": None}


def test_my_data_shows_the_defaults_before_any_choice_and_an_sms_in_full(
        app, monkeypatch, make_user):
    from tests.sms_provider import use

    use(app, monkeypatch, "log")
    person = make_user(email="", phone="+4791234567")
    person.email = None
    person.phone_confirmed = person.phone
    work.commit()
    notify([person], "promoted", {"title": "Norsk A1", "timezone": "Europe/Oslo"})
    work.commit()
    worker.run_once(now=NOON)
    data = signals.collect(signals.data_requested, person)
    on = {(s["messages"], s["channel"]) for s in data["notification_settings"] if s["on"]}
    # A phone-only person: SMS for changes, reminders and the coach; push once subscribed.
    assert on == {(group, channel) for group in ("changes", "reminders", "coach")
                  for channel in ("sms", "push")}
    assert not any(s["chosen"] for s in data["notification_settings"])
    [sms_sent] = data["notifications"][0]["sent"]
    assert sms_sent | {"at": None} == {"channel": "sms", "status": "sent", "at": None,
                                       "attempts": 1, "segments": 1, "error": None,
                                       "instead_of_sms": False}
