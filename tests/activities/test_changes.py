"""Moving and cancelling sessions, and who hears about it, in which language."""

import threading
from datetime import date, time, timedelta
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import force_locale
from portal.notify import services as notify
from portal.notify.models import Notification


def monday(weeks=1) -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday() + 7 * (weeks - 1))


@pytest.fixture
def circle_with_people(site, make_activity, make_user, leader):
    circle = make_activity(capacity=1, title="Norsk A1")
    services.add_series(leader, circle, services.plan_series(
        site, monday(), time(18, 0), 90, 1, count=3), True)
    seated = make_user(language="sv", email="seated@example.org")
    waiting = make_user(language="ar", email="waiting@example.org")
    gone = make_user(email="gone@example.org")
    for person in (seated, waiting, gone):
        services.enrol(person, circle.id)
    services.leave(gone, circle.id)
    db.session.query(Notification).delete()
    db.session.commit()
    return circle, seated, waiting, gone


def test_cancel_tells_enrolled_and_waiting_in_their_language(
        circle_with_people, leader, smtp_server):
    circle, seated, waiting, gone = circle_with_people
    session = circle.sessions[0]
    services.cancel_session(leader, session, "Sykdom")
    assert smtp_server == []  # e-mails leave only once the change is committed
    work.commit()
    assert session.status == "cancelled" and session.reason == "Sykdom"
    rows = db.session.scalars(select(Notification)).all()
    assert {n.user_id for n in rows} == {seated.id, waiting.id}
    assert {n.email_status for n in rows} == {"sent"}
    by_address = {m["To"]: m for m in smtp_server}
    assert set(by_address) == {"seated@example.org", "waiting@example.org"}
    for person in (seated, waiting):
        notification = next(n for n in rows if n.user_id == person.id)
        with force_locale(person.language):
            expected_subject = notify.subject(notification)
            expected_body = notify.body(notification)
        message = by_address[person.email]
        received = str(make_header(decode_header(message["Subject"])))
        # RFC 2047 decoding drops spaces between encoded words: compare the words.
        assert received.split() == expected_subject.split() or \
            "".join(received.split()) == "".join(expected_subject.split())
        text = message.get_payload(decode=True).decode()
        assert expected_body in text and "Sykdom" in text
    arabic = by_address["waiting@example.org"].get_payload(decode=True).decode()
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)
    with force_locale("en"):
        english = notify.body(rows[0])
    assert english not in by_address["seated@example.org"].get_payload(decode=True).decode()


def test_cancel_twice_tells_once_and_past_sessions_are_locked(circle_with_people, leader):
    circle, *_ = circle_with_people
    session = circle.sessions[0]
    services.cancel_session(leader, session, "x")
    services.cancel_session(leader, session, "x")
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 2
    session.starts_at -= timedelta(days=30)
    session.ends_at -= timedelta(days=30)
    session.status = "scheduled"
    db.session.commit()
    with pytest.raises(DomainError, match="session is over and cannot be changed"):
        services.cancel_session(leader, session, "late")


def test_moving_keeps_local_time_and_tells_people(circle_with_people, leader, site):
    circle, seated, waiting, _ = circle_with_people
    session = circle.sessions[0]
    services.move_session(leader, session, monday(4), time(17, 0), 60, "Rom 2", "Tema: jobb")
    local = session.starts_at.astimezone(ZoneInfo("Europe/Oslo"))
    assert (local.date(), local.time()) == (monday(4), time(17, 0))
    assert session.ends_at - session.starts_at == timedelta(minutes=60)
    kinds = db.session.scalars(select(Notification.kind)).all()
    assert kinds == ["session_moved", "session_moved"]
    # Only the note changes: nobody is disturbed.
    services.move_session(leader, session, monday(4), time(17, 0), 60, "Rom 2", "Tema: bolig")
    assert len(db.session.scalars(select(Notification.kind)).all()) == 2


@pytest.mark.parametrize("change, field, message", [
    ({"day": date(2020, 1, 6)}, "day", "cannot be moved into the past"),
    ({"minutes": 0}, "minutes", "must end after it starts"),
])
def test_moving_rejects_bad_times(circle_with_people, leader, change, field, message):
    circle, *_ = circle_with_people
    args = {"day": monday(4), "start": time(17, 0), "minutes": 60, "place": "", "note": ""}
    args.update(change)
    with pytest.raises(DomainError, match=message) as caught:
        services.move_session(leader, circle.sessions[0], **args)
    assert caught.value.field == field


def test_moving_onto_another_session_is_refused(circle_with_people, leader):
    circle, *_ = circle_with_people
    second = circle.sessions[1].starts_at.astimezone(ZoneInfo("Europe/Oslo"))
    with pytest.raises(DomainError, match="overlaps another session") as caught:
        services.move_session(leader, circle.sessions[0], second.date(), time(18, 30), 60, "", "")
    assert caught.value.field == "start"


def test_only_leaders_change_sessions(circle_with_people, make_user):
    circle, *_ = circle_with_people
    with pytest.raises(DomainError, match="Only the leaders of this activity can change its"):
        services.cancel_session(make_user(Role.VOLUNTEER), circle.sessions[0], "no")


def test_cafe_followers_hear_about_cancellations(site, make_activity, make_user, leader):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    services.add_series(leader, cafe, services.plan_series(site, monday(), time(18, 0), 90, 1,
                                                           count=1), True)
    follower = make_user(email="")
    follower.phone, follower.email = "+4798765432", None
    db.session.commit()
    services.follow(follower, cafe)
    services.cancel_session(leader, cafe.sessions[0], "Ferie")
    notification = db.session.scalar(select(Notification))
    assert notification.user_id == follower.id and notification.email_status == "none"


def test_promotion_is_notified(site, make_activity, make_user):
    circle = make_activity(capacity=1)
    first, second = make_user(), make_user()
    services.enrol(first, circle.id)
    services.enrol(second, circle.id)
    services.leave(first, circle.id)
    notification = db.session.scalar(select(Notification))
    assert (notification.user_id, notification.kind) == (second.id, "promoted")
    with force_locale("en"):
        assert "it is yours now" in notify.body(notification)


def test_emails_are_sent_once_even_by_parallel_senders(app, site, make_activity, make_user,
                                                      leader, smtp_server):
    circle = make_activity(capacity=30)
    services.add_series(leader, circle, services.plan_series(site, monday(), time(18, 0), 90, 1,
                                                             count=1), True)
    for _ in range(20):
        services.enrol(make_user(), circle.id)
    services.cancel_session(leader, circle.sessions[0], "Storm")
    # Stored but not sent (work.commit() would send them right after the commit): the
    # senders below race for them.
    db.session.commit()
    assert len(smtp_server) == 0
    results = []

    def sender():
        with app.app_context():
            results.append(notify.deliver_emails())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(results) == 20 and len(smtp_server) == 20
    assert len({m["To"] for m in smtp_server}) == 20
    assert notify.deliver_emails() == 0


def test_failed_email_is_retried_then_given_up(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens: connection refused
    person = make_user()
    notify.notify([person], "promoted", {"title": "X", "timezone": "Europe/Oslo"})
    db.session.commit()
    for _ in range(notify.MAX_EMAIL_ATTEMPTS):
        assert notify.deliver_emails() == 0
    assert db.session.scalar(select(Notification.email_status)) == "failed"
