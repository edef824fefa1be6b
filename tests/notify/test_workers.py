"""Workers as they run in production: several at once never send one delivery twice (the CI
runs this on PostgreSQL, where the claim skips locked rows); a worker killed in the middle of
a send leaves the delivery to be retried; SIGTERM stops a worker after the message in hand;
and a request that notifies many people never talks to the mail server."""

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import time, timedelta

from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Delivery, DeliveryStatus
from portal.notify.services import notify
from tests.notify.conftest import SlowSMTP

PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo"}


def deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def test_two_workers_at_once_never_send_one_delivery_twice(app, make_user, monkeypatch):
    with SlowSMTP(0.01) as smtp:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        people = [make_user(email=f"person{n}@example.org") for n in range(40)]
        notify(people, "promoted", PARAMS)
        work.commit()
        start, passes = threading.Barrier(2), []

        def run():
            with app.app_context():
                start.wait(10)
                passes.append(worker.run_once())
                db.session.remove()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    sent = sorted(address for recipients in smtp.received for address in recipients)
    assert sent == sorted(person.email for person in people)  # each exactly once
    assert [p["sent"] for p in passes if p["sent"]] == [p["sent"] for p in passes]  # both sent
    assert sum(p["sent"] for p in passes) == 40 and sum(sum(p.values()) for p in passes) == 40
    assert {(d.status, d.attempts) for d in deliveries()} == {(DeliveryStatus.SENT, 1)}


def worker_process(app, mail_port: int) -> subprocess.Popen:
    """`flask worker` in a process of its own, on the tests' database."""
    env = os.environ | {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port),
                        "WORKER_POLL_SECONDS": "0.2"}
    return subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "-m", "flask", "--app", "portal:create_app", "worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_worker_killed_mid_send_leaves_the_delivery_to_be_retried(app, make_user,
                                                                   smtp_server):
    notify([make_user(email="kept@example.org")], "promoted", PARAMS)
    work.commit()
    with SlowSMTP(60) as stalling:
        process = worker_process(app, stalling.port)
        try:
            assert stalling.receiving.wait(30), "the worker never began to send"
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            process.kill()
            process.wait()
    assert stalling.received == [] and process.returncode == -signal.SIGKILL
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)
    assert worker.run_once() == {}  # not yet: the claim might still be alive
    later = delivery.claimed_at + timedelta(
        seconds=app.config["DELIVERY_CLAIM_TIMEOUT_SECONDS"] + 1)
    assert worker.run_once(now=later) == {"sent": 1}
    assert [m["To"] for m in smtp_server] == ["kept@example.org"]
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_sigterm_stops_a_worker_after_the_message_in_hand(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    notify([make_user(email="finished@example.org")], "promoted", PARAMS)
    work.commit()
    with SlowSMTP(1) as smtp:
        process = worker_process(app, smtp.port)
        try:
            assert smtp.receiving.wait(30), "the worker never began to send"
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=20)
        finally:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "Delivery worker started." in output and "Delivery worker stopped." in output
    assert smtp.received == [["finished@example.org"]]
    assert deliveries()[0].status == DeliveryStatus.SENT


def test_cancelling_a_cafe_for_its_followers_never_connects_to_the_mail_server(
        app, client, login_as, make_user, site, monkeypatch):
    """The request only queues: a mail server that counts connections sees none. (How fast
    it answers for 1,000 followers against 1 is bench/notify_fanout.py's question.)"""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", listener.getsockname()[1])
    leader = login_as(Role.VOLUNTEER)
    cafe = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Café"))
    day = utcnow().date() + timedelta(days=3)
    activities.add_series(leader, cafe, activities.plan_series(site, day, time(18), 90, 1,
                                                               count=1), True)
    for _ in range(25):
        activities.follow(make_user(), cafe)
    work.commit()
    session_id = cafe.sessions[0].id
    response = client.post(f"/activities/sessions/{session_id}/cancel", {"reason": "Storm"})
    assert response.status_code == 303
    try:
        listener.accept()
        connected = True
    except TimeoutError:
        connected = False
    finally:
        listener.close()
    assert not connected
    assert [d.status for d in deliveries()] == [DeliveryStatus.PENDING] * 25
