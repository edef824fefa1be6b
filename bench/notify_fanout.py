"""A café cancelled for 1,000 followers against the same for 1: the request's time, and the
delivery worker's e-mails per second against a loopback mail server.

    .venv/bin/python bench/notify_fanout.py             # ROUNDS=15 pairs of requests
    ROUNDS=30 FOLLOWERS=1000 .venv/bin/python bench/notify_fanout.py
    PG_URL=postgresql+psycopg://postgres@127.0.0.1/empty .venv/bin/python bench/notify_fanout.py

A throwaway instance (migrations, SQLite in a temp folder, or an EMPTY PostgreSQL database
given as PG_URL) with a mail server on loopback (aiosmtpd) that counts its connections. A
volunteer leads two cafés, one followed by 1 participant and one by FOLLOWERS, each with
ROUNDS + 2 sessions. Each round cancels the next session of both (in alternating order,
after two warm-up rounds) through the Flask test client, as the leader's browser would, then
lets the worker send everything due. The request writes a notification and an e-mail
delivery per follower and never talks to the mail server (checked: 0 connections while the
requests run); the worker then sends one e-mail per follower.

Prints the median request time for each café, the ratio of the medians and the median of
the per-round ratios (the host is shared and noisy: trust the per-round ratio more), and the
worker's median e-mails per second. Figures are recorded in bench/README.md.
"""

import os
import re
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("ROUNDS", "15"))
FOLLOWERS = int(os.environ.get("FOLLOWERS", "1000"))
WARMUP = 2
HEADERS = {"User-Agent": "bro-bench", "Accept-Language": "en"}


class CountingSMTP:
    """aiosmtpd on loopback that accepts every message and counts connections and messages."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.connections = self.messages = 0
        self.lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages += 1
        return "250 OK"


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bro-fanout-")
    smtp = CountingSMTP()
    smtp.controller.start()
    os.environ.update(BRO_INSTANCE_PATH=f"{folder}/instance", SECRET_KEY=secrets.token_urlsafe(48),
                      DATABASE_URL=os.environ.get("PG_URL") or
                      f"sqlite:///{folder}/instance/bro.sqlite3",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port))
    os.environ.pop("BRO_ENV", None)
    sys.path.insert(0, str(ROOT))
    try:
        run(smtp)
    finally:
        smtp.controller.stop()
        shutil.rmtree(folder, ignore_errors=True)


def run(smtp: CountingSMTP) -> None:
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8,
                                            "parallelism": 1}})
    with app.app_context():
        upgrade()
        cafes = build(app)
    client = app.test_client()
    login(client)
    one, many = cafes
    request_ms = {"1": [], str(FOLLOWERS): []}
    ratios, rates = [], []
    for round_number in range(WARMUP + ROUNDS):
        order = [("1", one), (str(FOLLOWERS), many)]
        if round_number % 2:
            order.reverse()
        before = smtp.connections
        took = {}
        for name, sessions in order:
            took[name] = cancel(client, sessions[round_number])
        assert smtp.connections == before, "a request talked to the mail server"
        with app.app_context():
            from portal.notify import worker

            start = time.perf_counter()
            sent = worker.run_once(limit=10 * FOLLOWERS)["sent"]
            seconds = time.perf_counter() - start
        assert sent == FOLLOWERS + 1, sent
        if round_number >= WARMUP:
            for name, ms in took.items():
                request_ms[name].append(ms)
            ratios.append(took[str(FOLLOWERS)] / took["1"])
            rates.append(sent / seconds)
    one_ms, many_ms = (statistics.median(request_ms[k]) for k in ("1", str(FOLLOWERS)))
    database = "PostgreSQL" if os.environ.get("PG_URL") else "SQLite"
    print(f"{database}, {ROUNDS} rounds after {WARMUP} warm-up rounds")
    print(f"cancel a session, café with 1 follower:    median {one_ms:7.1f} ms")
    print(f"cancel a session, café with {FOLLOWERS} followers: median {many_ms:7.1f} ms")
    print(f"ratio of the medians: {many_ms / one_ms:.2f}; median of per-round ratios: "
          f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
    print("mail server connections during the requests: 0")
    print(f"worker: {statistics.median(rates):.0f} e-mails per second (median; one SMTP "
          f"connection each), {smtp.messages} e-mails in all")


def build(app):
    """A site, a leader, and two cafés with their followers and sessions (as plain rows: the
    benchmark is about the cancel request, not about building its data)."""
    from portal import work
    from portal.accounts import services as accounts
    from portal.accounts.models import Membership, Role, Site, User
    from portal.activities import services as activities
    from portal.activities.models import Follow, Kind
    from portal.extensions import db, utcnow

    with app.test_request_context():
        site = Site(name="Tøyen", country="NO", timezone="Europe/Oslo", address="")
        leader = User(display_name="Lars Leader", email="lars@example.org", language="nb",
                      password_hash=accounts.hash_password("bench-password"))
        leader.memberships.append(Membership(site=site, role=Role.VOLUNTEER))
        db.session.add_all([site, leader])
        db.session.flush()
        followers = [User(display_name=f"Follower {n}", email=f"follower{n}@example.org",
                          language=("nb", "sv", "ar", "uk")[n % 4],
                          password_hash="-")  # noqa: S106  (nobody logs in as them)
                     for n in range(FOLLOWERS + 1)]
        for person in followers:
            person.memberships.append(Membership(site=site, role=Role.PARTICIPANT))
        db.session.add_all(followers)
        db.session.flush()
        cafes = []
        first_day = utcnow().date() + timedelta(days=1)
        for title, audience in (("Café for one", followers[:1]),
                                ("Café for many", followers[1:])):
            cafe = activities.create_activity(leader, site, activities.ActivityData(
                kind=Kind.LANGUAGE_CAFE, title=title))
            activities.add_series(leader, cafe, activities.plan_series(
                site, first_day, clock(18), 90, 1, count=WARMUP + ROUNDS), False)
            db.session.add_all(Follow(user_id=person.id, activity_id=cafe.id)
                               for person in audience)
            db.session.flush()
            cafes.append([s.id for s in sorted(cafe.sessions, key=lambda s: s.starts_at)])
        work.commit()
        return cafes


def login(client) -> None:
    page = client.get("/accounts/login", headers=HEADERS).text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    response = client.post("/accounts/login", headers=HEADERS, data={
        "login": "lars@example.org", "password": "bench-password", "csrf_token": token})
    assert response.status_code == 303, response.status_code


def cancel(client, session_id: int) -> float:
    """POST the cancel form of one session as the leader; returns the request's ms."""
    page = client.get(f"/activities/sessions/{session_id}", headers=HEADERS).text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    start = time.perf_counter()
    response = client.post(f"/activities/sessions/{session_id}/cancel", headers=HEADERS,
                           data={"reason": "Storm", "csrf_token": token})
    took = (time.perf_counter() - start) * 1000
    assert response.status_code == 303, response.status_code
    return took


if __name__ == "__main__":
    main()
