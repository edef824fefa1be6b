"""Notify's part in erasing a person and in My data, reached through the signals."""

from sqlalchemy import select

from portal import signals
from portal.extensions import db, utcnow
from portal.notify.models import Notification
from portal.notify.services import mark_all_read, notify


def test_erasing_a_person_deletes_their_messages_and_only_theirs(make_user):
    person, other = make_user(), make_user()
    notify([person, other], "promoted", {"title": "Norsk A1"})
    signals.person_erased.send(person, actor=None, now=utcnow())
    assert db.session.scalars(select(Notification.user_id)).all() == [other.id]


def test_my_data_lists_which_messages_came_and_when_they_were_read(make_user):
    person = make_user()
    first, = notify([person], "promoted", {"title": "Norsk A1"})
    mark_all_read(person.id)
    second, = notify([person], "session_cancelled", {"title": "Norsk A1"})
    notify([make_user()], "promoted", {"title": "Someone else's"})
    db.session.flush()
    db.session.refresh(first)
    assert signals.collect(signals.data_requested, person)["notifications"] == [
        {"kind": "promoted", "created": first.created_at.isoformat(),
         "read": first.read_at.isoformat()},
        {"kind": "session_cancelled", "created": second.created_at.isoformat(), "read": None}]
