"""The delivery worker: what notify() queues leaves only after the commit, once, by the channels
the person wants; failures are retried with backoff and then given up; claims left by a worker
that stopped are taken back; SMS and push wait through quiet hours."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from portal import work
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Channel, Delivery, DeliveryStatus, Group, Notification
from portal.notify.preferences import save
from portal.notify.services import mark_all_read, notify, unread_count
from tests.notify.conftest import free_port

OSLO = ZoneInfo("Europe/Oslo")
PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo"}


def deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def test_e_mails_leave_by_the_worker_after_the_commit_once(make_user, smtp_server):
    person = make_user(email="amina@example.org")
    notify([person], "promoted", PARAMS)
    notify([person], "promoted", PARAMS | {"title": "Norsk A2"})
    work.commit()
    assert smtp_server == []  # nothing leaves with the change itself
    assert worker.run_once() == {"sent": 2}
    assert sorted(m["To"] for m in smtp_server) == ["amina@example.org"] * 2
    assert [(d.channel, d.status, d.attempts) for d in deliveries()] == [
        (Channel.EMAIL, DeliveryStatus.SENT, 1)] * 2
    assert worker.run_once() == {} and len(smtp_server) == 2


def test_a_unit_of_work_rolled_back_leaves_nothing_to_send(make_user, smtp_server):
    notify([make_user()], "promoted", PARAMS)
    work.roll_back()
    assert worker.run_once() == {} and smtp_server == [] and deliveries() == []


def test_without_mail_configured_or_an_address_no_e_mail_is_queued(app, make_user):
    notify([make_user()], "promoted", PARAMS)  # no MAIL_SERVER in the tests' configuration
    phone_only = make_user(email="", phone="+4791112222")
    phone_only.email = None
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        notify([phone_only], "promoted", PARAMS)
    finally:
        app.config["MAIL_SERVER"] = ""
    assert deliveries() == [] and len(db.session.scalars(select(Notification)).all()) == 2


def test_the_worker_refuses_to_commit_a_unit_of_work_half_way(make_user, smtp_server):
    """Each claim commits: inside a unit of work whose changes are not yet committed it would
    commit them half-way, so it refuses and changes nothing."""
    person = make_user()
    notify([person], "promoted", PARAMS)
    db.session.flush()  # written, not committed
    with pytest.raises(RuntimeError, match="changes not yet committed"):
        worker.run_once()
    mark_all_read(person.id)  # an UPDATE of its own, without the ORM
    with pytest.raises(RuntimeError, match="changes not yet committed"):
        worker.run_once()
    db.session.rollback()
    assert smtp_server == [] and db.session.scalars(select(Notification)).all() == []


def test_the_worker_refuses_while_changes_wait_to_be_written(make_user):
    person = make_user()
    person.display_name = "Changed, not yet written"
    with pytest.raises(RuntimeError, match="changes not yet committed"):
        worker.run_once()


def test_marking_read_joins_the_unit_of_work(make_user):
    person = make_user()
    notify([person], "promoted", PARAMS)
    work.commit()
    mark_all_read(person.id)
    assert unread_count(person) == 0
    work.roll_back()
    assert unread_count(person) == 1


def test_a_failed_send_is_retried_with_growing_waits_then_given_up(app, make_user,
                                                                   monkeypatch):
    """Nothing listens on the mail port (a real refused connection): each attempt waits twice
    as long as the one before, and after DELIVERY_MAX_ATTEMPTS the delivery has failed."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    notify([make_user()], "promoted", PARAMS)
    work.commit()
    now = utcnow()
    waits = []
    for attempt in range(1, app.config["DELIVERY_MAX_ATTEMPTS"]):
        assert worker.run_once(now=now) == {"retried": 1}
        [delivery] = deliveries()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, attempt)
        assert "refused" in delivery.error.lower()
        waits.append(delivery.next_attempt_at - now)
        assert worker.run_once(now=delivery.next_attempt_at - timedelta(seconds=1)) == {}
        now = delivery.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
                     timedelta(minutes=8), timedelta(minutes=16)]
    assert worker.run_once(now=now) == {"failed": 1}
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 6)
    assert worker.run_once(now=now + timedelta(days=1)) == {}


def test_the_wait_between_attempts_has_a_ceiling(app):
    assert worker.backoff(1) == timedelta(seconds=app.config["DELIVERY_RETRY_SECONDS"])
    assert worker.backoff(30) == timedelta(seconds=app.config["DELIVERY_RETRY_MAX_SECONDS"])


def test_a_retry_goes_out_once_the_mail_server_is_back(app, make_user, smtp_server):
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    try:
        notify([make_user(email="bilal@example.org")], "promoted", PARAMS)
        work.commit()
        assert worker.run_once() == {"retried": 1}
    finally:
        app.config["MAIL_PORT"] = working_port
    assert worker.run_once(now=utcnow() + timedelta(minutes=1)) == {"sent": 1}
    assert [m["To"] for m in smtp_server] == ["bilal@example.org"]
    assert deliveries()[0].error is None


def test_an_address_the_mail_server_refuses_is_not_tried_again(app, make_user, monkeypatch):
    from aiosmtpd.controller import Controller

    class Refuse:
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            return "550 No such user here"

    port = free_port()
    controller = Controller(Refuse(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    try:
        notify([make_user()], "promoted", PARAMS)
        work.commit()
        assert worker.run_once() == {"failed": 1}
    finally:
        controller.stop()
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.error == "the mail server refused the address"


def test_an_address_removed_or_a_channel_turned_off_before_sending_is_skipped(
        make_user, smtp_server):
    gone_address, turned_off = make_user(phone="+4790000001"), make_user()
    notify([gone_address, turned_off], "promoted", PARAMS)
    work.commit()
    gone_address.email = None
    save(turned_off, set())
    work.commit()
    assert worker.run_once() == {"skipped": 2} and smtp_server == []
    assert sorted(d.error for d in deliveries()) == ["no longer reachable this way",
                                                     "turned off by the person"]


def test_a_claim_left_by_a_stopped_worker_is_retried_after_the_timeout(app, make_user,
                                                                      smtp_server):
    notify([make_user(email="left@example.org")], "promoted", PARAMS)
    work.commit()
    claimed_at = utcnow()
    db.session.execute(update(Delivery).values(status=DeliveryStatus.SENDING, attempts=1,
                                               claimed_at=claimed_at))
    work.commit()
    timeout = timedelta(seconds=app.config["DELIVERY_CLAIM_TIMEOUT_SECONDS"])
    assert worker.run_once(now=claimed_at + timeout - timedelta(seconds=1)) == {}
    assert smtp_server == [] and deliveries()[0].status == DeliveryStatus.SENDING
    assert worker.run_once(now=claimed_at + timeout + timedelta(seconds=1)) == {"sent": 1}
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert [m["To"] for m in smtp_server] == ["left@example.org"]


def test_a_claim_left_on_the_last_attempt_has_failed(app, make_user, smtp_server):
    notify([make_user()], "promoted", PARAMS)
    work.commit()
    claimed_at = utcnow()
    db.session.execute(update(Delivery).values(
        status=DeliveryStatus.SENDING, claimed_at=claimed_at,
        attempts=app.config["DELIVERY_MAX_ATTEMPTS"]))
    work.commit()
    later = claimed_at + timedelta(seconds=app.config["DELIVERY_CLAIM_TIMEOUT_SECONDS"] + 1)
    assert worker.run_once(now=later) == {}
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.FAILED and delivery.error == worker.INTERRUPTED
    assert smtp_server == []


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def test_sms_and_push_wait_through_quiet_hours_without_spending_an_attempt(
        make_user, phone_channel, smtp_server):
    person = make_user(phone="+4791234567")  # e-mail and phone: e-mail by default
    save(person, {(Group.CHANGES, Channel.EMAIL), (Group.CHANGES, Channel.SMS)})
    notify([person], "promoted", PARAMS)
    work.commit()
    day = date.today() + timedelta(days=2)
    assert worker.run_once(now=local(day, 22)) == {"sent": 1, "held": 1}
    assert len(smtp_server) == 1 and phone_channel == []  # e-mail does not ring
    sms = next(d for d in deliveries() if d.channel == Channel.SMS)
    assert (sms.status, sms.attempts) == (DeliveryStatus.PENDING, 0)
    assert sms.next_attempt_at == local(day + timedelta(days=1), 8)
    assert worker.run_once(now=local(day + timedelta(days=1), 7, 59)) == {}
    assert worker.run_once(now=local(day + timedelta(days=1), 8)) == {"sent": 1}
    assert phone_channel == [(person.id, "promoted")]
    sms = next(d for d in deliveries() if d.channel == Channel.SMS)
    assert (sms.status, sms.attempts, sms.provider_id, sms.segments) == (
        DeliveryStatus.SENT, 1, f"test-{sms.id}", 1)


def test_a_change_to_something_early_tomorrow_goes_at_night(make_user, phone_channel):
    phone_only = make_user(email="", phone="+4791234567")
    phone_only.email = None
    day = date.today() + timedelta(days=2)
    early, late = local(day + timedelta(days=1), 9), local(day + timedelta(days=1), 13)
    for starts in (early, late):
        notify([phone_only], "session_cancelled", PARAMS | {"starts_at": starts.isoformat()})
    work.commit()
    assert worker.run_once(now=local(day, 23)) == {"sent": 1, "held": 1}
    assert len(phone_channel) == 1
    held = next(d for d in deliveries() if d.status == DeliveryStatus.PENDING)
    assert held.notification.params["starts_at"] == late.isoformat()


def test_send_notifications_runs_one_pass_for_cron(app, make_user, smtp_server):
    notify([make_user()], "promoted", PARAMS)
    work.commit()
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("1 sent, 0 to retry, 0 failed, 0 skipped, 0 held for "
                                     "quiet hours.")
    assert len(smtp_server) == 1
