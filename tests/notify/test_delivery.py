"""E-mails leave only after the unit of work that queued them committed, and only once."""

import pytest
from sqlalchemy import select

from portal import work
from portal.extensions import db
from portal.notify.models import EmailStatus, Notification
from portal.notify.services import deliver_emails, mark_all_read, notify, unread_count


def test_emails_leave_after_the_commit_once(make_user, smtp_server):
    person = make_user(email="amina@example.org")
    notify([person], "promoted", {"title": "Norsk A1"})
    notify([person], "promoted", {"title": "Norsk A2"})
    assert smtp_server == []
    work.commit()
    assert sorted(m["To"] for m in smtp_server) == ["amina@example.org"] * 2
    assert deliver_emails() == 0


def test_emails_of_a_unit_of_work_rolled_back_never_leave(make_user, smtp_server):
    notify([make_user()], "promoted", {"title": "Norsk A1"})
    work.roll_back()
    work.commit()
    assert deliver_emails() == 0 and smtp_server == []


def test_delivery_refuses_to_commit_a_unit_of_work_half_way(make_user, smtp_server):
    """The job commits each row it claims: inside a unit of work whose e-mails are not yet
    committed it would commit that work half-way, so it refuses and changes nothing."""
    person = make_user()
    notify([person], "promoted", {"title": "Norsk A1"})
    db.session.flush()  # written, not committed
    with pytest.raises(RuntimeError, match="changes not yet committed"):
        deliver_emails()
    assert smtp_server == []
    db.session.rollback()
    assert db.session.scalars(select(Notification)).all() == []


def test_delivery_refuses_while_changes_wait_to_be_written(make_user, smtp_server):
    person = make_user()
    person.display_name = "Changed, not yet written"
    with pytest.raises(RuntimeError, match="changes not yet committed"):
        deliver_emails()


def test_the_job_sends_what_an_earlier_unit_left_pending(make_user, smtp_server):
    pending, = notify([make_user(email="bilal@example.org")], "promoted", {"title": "Norsk A1"})
    db.session.commit()  # stored, and the sending after the commit never ran (a crash)
    assert smtp_server == []
    assert deliver_emails() == 1 and [m["To"] for m in smtp_server] == ["bilal@example.org"]
    assert db.session.get(Notification, pending.id).email_status == EmailStatus.SENT


def test_marking_read_joins_the_unit_of_work(make_user):
    person = make_user()
    notify([person], "promoted", {"title": "Norsk A1"})
    work.commit()
    mark_all_read(person.id)
    assert unread_count(person) == 0
    work.roll_back()
    assert unread_count(person) == 1
