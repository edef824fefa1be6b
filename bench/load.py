"""Load with writes (issue 7): simulated people mixing reads and writes against gunicorn,
then a count of what the database kept. Usage, from the repo root (bench/load.sh runs it):

    .venv/bin/python bench/load.py [--database-url URL] [--users 50] [--seconds 60]

The database is emptied and filled with the demo data plus the people of the run: 45
participants and 5 volunteers (each leading a study circle with a session on now and offering
meeting times). Bro runs as in production (BRO_ENV=production, gunicorn --workers 2 --threads
4), except that the login limit per address is raised: every simulated person logs in from
127.0.0.1. Each person works without pause (a closed loop):

- participants read their page, the activity list, their calendar, the free meeting times and
  their plan; they join and leave circles, book a free time (its confirm page first) and cancel
  it, write a goal and add steps;
- volunteers read their agenda and their session's attendance list, and save the list
  (everyone on it present, with a new number of minutes each time).

Afterwards it prints requests per second, p50/p95 and answers by status, and checks: no 5xx,
no request without an answer, the database's integrity check, seats and meetings rules, and
that every write a client was told succeeded is there (and nothing refused or half-done is).
Exits non-zero when any of that fails."""

import argparse
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = re.compile(r"/meetings/book/(\d+-\d{8}T\d{4})")
BOOKED = re.compile(r"/meetings/(\d+)$")
GOAL = re.compile(r"/goals/(\d+)$")
MARK = re.compile(r'name="present-(\d+)"')


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL URL (emptied!); default: a new SQLite file")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--volunteers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args()


def prepare(args, work: Path) -> None:
    """Environment first: portal.config reads it on import."""
    os.environ.update(BRO_ENV="production", BRO_INSTANCE_PATH=str(work / "instance"),
                      SECRET_KEY=secrets.token_urlsafe(48), MAIL_SERVER="",
                      PUBLIC_URL="https://bro.example.test", TRUSTED_HOSTS="127.0.0.1")
    os.environ["BRO_LIVE_SECRET_KEY"] = os.environ["SECRET_KEY"]
    from portal.config import new_vapid_private_key  # production needs the push key

    os.environ["VAPID_PRIVATE_KEY"] = new_vapid_private_key()
    os.environ["DATABASE_URL"] = args.database_url or \
        f"sqlite:///{work / 'instance' / 'bro.sqlite3'}"
    (work / "instance").mkdir(parents=True, exist_ok=True)


def build_database(args) -> dict:
    """Schema by the migrations, the demo data, and the people and circles of this run."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from portal import create_app, demo, work
    from portal.accounts.models import Consent, Membership, Role, Site, User
    from portal.accounts.services import PRIVACY_PURPOSE
    from portal.activities import services as activities
    from portal.activities.models import Activity, Kind, Session
    from portal.extensions import db, utcnow
    from portal.meetings.models import Availability, Booking, Mode, Window

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        with work.unit():
            demo.seed()
        site = db.session.scalar(select(Site).order_by(Site.id))
        amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
        version = app.config["PRIVACY_NOTICE_VERSION"]

        def person(email, role, name):
            user = User(display_name=name, email=email, language="nb", birth_year=1990,
                        password_hash=amina.password_hash)
            user.memberships.append(Membership(site=site, role=role))
            db.session.add_all([user, Consent(user=user, purpose=PRIVACY_PURPOSE,
                                              notice_version=version, language="nb")])
            return user

        count = args.users - args.volunteers
        participants = [person(f"load{n}@example.org", Role.PARTICIPANT, f"Load Person {n}")
                        for n in range(count)]
        volunteers = [person(f"loadlead{n}@example.org", Role.VOLUNTEER, f"Load Leader {n}")
                      for n in range(args.volunteers)]
        db.session.commit()
        today = utcnow().date()
        sessions = {}
        for number, leader in enumerate(volunteers):
            circle = activities.create_activity(leader, site, activities.ActivityData(
                kind=Kind.STUDY_CIRCLE, title=f"Load circle {number}", capacity=8))
            session = Session(activity_id=circle.id, starts_at=utcnow() - timedelta(minutes=5),
                              ends_at=utcnow() + timedelta(minutes=115))
            db.session.add(session)
            db.session.add(Availability(
                host_id=leader.id, site_id=site.id, mode=Mode.IN_PERSON, place="Rom 3",
                languages="", slot_minutes=15, buffer_minutes=0,
                valid_from=today - timedelta(days=1),
                windows=[Window(weekday=day, starts=time_of(9), ends=time_of(16))
                         for day in range(5)]))
            db.session.commit()
            sessions[leader.email] = session.id
        # Circles anyone may join: a refused join answers 303 too (a message on the circle's
        # page), so a women-only or closed circle would look like a lost write.
        circles = list(db.session.scalars(select(Activity.id).where(
            Activity.site_id == site.id, Activity.kind == Kind.STUDY_CIRCLE,
            Activity.status == "open", Activity.women_only.is_(False))))
        return {"participants": [(u.email, u.id) for u in participants],
                "volunteers": [(u.email, u.id, sessions[u.email]) for u in volunteers],
                "circles": circles,
                "last_seeded_booking": db.session.scalar(select(func.max(Booking.id))) or 0}


def time_of(hour):
    from datetime import time as clock

    return clock(hour)


class Run:
    def __init__(self, base: str, seconds: float):
        from tests.invariants import Ledger

        self.base, self.seconds = base, seconds
        self.ledger = Ledger()
        self.samples = []  # (kind, status, seconds)
        self.no_answer = Counter()
        self.lock = threading.Lock()
        self.deadline = 0.0

    def record(self, kind: str, response) -> None:
        with self.lock:
            self.samples.append((kind, response.status, response.seconds))

    def get(self, browser, path: str, kind: str):
        from tests.live import NoAnswer

        try:
            response = browser.get(path)
        except NoAnswer:
            self.no_answer[kind] += 1
            return None
        self.record(kind, response)
        return response

    def write(self, browser, user_id, op, target, path, data=None):
        from tests.invariants import ACK, REFUSED, UNKNOWN
        from tests.live import NoAnswer

        try:
            response = browser.post(path, data)
        except NoAnswer:
            self.no_answer[f"POST {op}"] += 1
            self.ledger.add(user_id, op, target, UNKNOWN)
            return None
        self.record(f"POST {op}", response)
        if response.status >= 500:
            outcome = UNKNOWN
        elif response.status in (200, 303):
            outcome = ACK
        else:
            outcome = REFUSED
        result = None
        if outcome == ACK and op == "book":
            result = int(BOOKED.search(response.location).group(1))
        self.ledger.add(user_id, op, target, outcome, result)
        return response

    def participant(self, browser, user_id, circles, seed) -> None:
        rng = random.Random(seed)
        joined, bookings, goals, keys, number = set(), [], [], [], 0
        actions = (["home"] * 20 + ["activities"] * 10 + ["calendar"] * 10 + ["times"] * 8
                   + ["plan"] * 5 + ["join-leave"] * 10 + ["book"] * 6 + ["cancel"] * 4
                   + ["goal"] * 3 + ["step"] * 4)
        while time.monotonic() < self.deadline:
            action = rng.choice(actions)
            if action == "home":
                self.get(browser, "/", "GET /")
            elif action == "activities":
                self.get(browser, "/activities", "GET /activities")
            elif action == "calendar":
                self.get(browser, "/activities/calendar", "GET calendar")
            elif action == "plan":
                self.get(browser, "/goals", "GET plan")
            elif action == "times" or (action == "book" and not keys):
                day = (date.today() + timedelta(days=rng.randint(0, 20))).isoformat()
                page = self.get(browser, f"/meetings/book?host=any&day={day}",
                                "GET meeting times")
                if page is not None:
                    keys = KEY.findall(page.body) or keys
            elif action == "join-leave":
                circle = rng.choice(circles)
                op = "leave" if circle in joined else "join"
                response = self.write(browser, user_id, op, circle, f"/activities/{circle}/{op}")
                if response is not None and response.status == 303:
                    (joined.discard if op == "leave" else joined.add)(circle)
            elif action == "book" and len(bookings) < 2:
                key = rng.choice(keys)
                if self.get(browser, f"/meetings/book/{key}", "GET confirm meeting") is None:
                    continue
                response = self.write(browser, user_id, "book", key, f"/meetings/book/{key}",
                                      {"topic": "CV", "interpreter": ""})
                if response is not None and response.status == 303:
                    bookings.append(int(BOOKED.search(response.location).group(1)))
                else:
                    keys = []  # taken or refused: look at the free times again
            elif action == "cancel" and bookings:
                booking = bookings.pop(0)
                self.write(browser, user_id, "cancel", booking, f"/meetings/{booking}/cancel",
                           {"reason": ""})
            elif action == "goal":
                number += 1
                title = f"Load goal {user_id}-{number}"
                response = self.write(browser, user_id, "goal", title, "/goals/new",
                                      {"title": title, "category": "work"})
                if response is not None and response.status == 303:
                    goals.append(int(GOAL.search(response.location).group(1)))
            elif action == "step" and goals:
                number += 1
                step = f"Load step {user_id}-{number}"
                self.write(browser, user_id, "step", step, f"/goals/{rng.choice(goals)}/steps",
                           {"text": step})

    def volunteer(self, browser, user_id, session_id, seed) -> None:
        rng = random.Random(seed)
        minutes = 0
        while time.monotonic() < self.deadline:
            if rng.random() < 0.3:
                self.get(browser, "/meetings/agenda", "GET agenda")
                continue
            page = self.get(browser, f"/activities/sessions/{session_id}/attendance",
                            "GET attendance")
            if page is None:
                continue
            minutes = minutes % 120 + 1
            marks = MARK.findall(page.body)
            form = {f"present-{m}": "y" for m in marks} | {f"minutes-{m}": minutes
                                                           for m in marks}
            self.write(browser, user_id, "attendance", (session_id, minutes),
                       f"/activities/sessions/{session_id}/attendance", form)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0


def main() -> int:
    args = parse()
    work = Path(tempfile.mkdtemp(prefix="bro-load."))
    prepare(args, work)
    from tests.invariants import ACK, REFUSED, UNKNOWN, domain_problems, storage_problems
    from tests.live import Browser, Server

    built = time.monotonic()
    people = build_database(args)
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}, demo data and "
          f"{args.users} people of the run ({time.monotonic() - built:.0f} s to build)")
    server = Server(os.environ["DATABASE_URL"], os.environ["BRO_INSTANCE_PATH"],
                    str(work / "gunicorn.log"), workers=args.workers, threads=args.threads,
                    env={"BRO_ENV": "production", "PUBLIC_URL": "https://bro.example.test",
                         "TRUSTED_HOSTS": "127.0.0.1"}).start()
    try:
        server.wait_ready()
        run = Run(server.base, args.seconds)

        from portal.demo import DEMO_PASSWORD

        def log_in(email):
            browser = Browser(server.base, timeout=120, language="nb")
            browser.login(email, DEMO_PASSWORD)
            return browser

        everyone = [email for email, _id in people["participants"]] + [
            email for email, _id, _session in people["volunteers"]]
        with ThreadPoolExecutor(8) as pool:
            browsers = dict(zip(everyone, pool.map(log_in, everyone), strict=True))
        print(f"gunicorn --workers {args.workers} --threads {args.threads}; "
              f"{len(browsers)} people logged in; running {args.seconds:.0f} s")
        threads = [threading.Thread(target=run.participant, args=(
            browsers[email], user_id, people["circles"], n))
            for n, (email, user_id) in enumerate(people["participants"])]
        threads += [threading.Thread(target=run.volunteer, args=(
            browsers[email], user_id, session_id, 1000 + n))
            for n, (email, user_id, session_id) in enumerate(people["volunteers"])]
        started = time.monotonic()
        run.deadline = started + args.seconds
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    log = server.log()
    return report(run, elapsed, people, log, work, ACK, REFUSED, UNKNOWN,
                  domain_problems, storage_problems)


def report(run, elapsed, people, log, work, ACK, REFUSED, UNKNOWN,  # noqa: N803
           domain_problems, storage_problems) -> int:
    from portal import create_app
    from portal.extensions import db

    samples = run.samples
    statuses = Counter(status for _kind, status, _s in samples)
    reads = [s for kind, _st, s in samples if kind.startswith("GET")]
    writes = [s for kind, _st, s in samples if kind.startswith("POST")]
    print(f"\n{len(samples)} requests in {elapsed:.1f} s = {len(samples) / elapsed:.0f} req/s "
          f"({len(reads)} reads, {len(writes)} writes)")
    print(f"latency ms  all p50 {percentile([s for *_x, s in samples], .5):.0f} "
          f"p95 {percentile([s for *_x, s in samples], .95):.0f} | reads p50 "
          f"{percentile(reads, .5):.0f} p95 {percentile(reads, .95):.0f} | writes p50 "
          f"{percentile(writes, .5):.0f} p95 {percentile(writes, .95):.0f}")
    print(f"answers by status: {dict(sorted(statuses.items()))}; without an answer: "
          f"{sum(run.no_answer.values())}")
    by_kind = defaultdict(list)
    for kind, status, seconds in samples:
        by_kind[kind].append((status, seconds))
    print(f"  {'request':22} {'count':>6} {'p50 ms':>7} {'p95 ms':>7}  statuses")
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        times = [s for _st, s in rows]
        print(f"  {kind:22} {len(rows):6} {percentile(times, .5):7.0f} "
              f"{percentile(times, .95):7.0f}  {dict(Counter(st for st, _s in rows))}")
    ledger = run.ledger
    ops = Counter((e[2], e[4]) for e in ledger.entries)
    print("writes (acknowledged / refused / no answer or 5xx): " + ", ".join(
        f"{op} {ops[(op, ACK)]}/{ops[(op, REFUSED)]}/{ops[(op, UNKNOWN)]}"
        for op in ("join", "leave", "book", "cancel", "goal", "step", "attendance")))
    app = create_app()
    with app.app_context():
        storage = storage_problems()
        domain = domain_problems(after_booking=people["last_seeded_booking"])
        lost = ledger.problems()
        db.session.remove()
        db.engine.dispose()
    fivexx = sum(n for status, n in statuses.items() if status >= 500)
    tracebacks = log.count("Traceback")
    print(f"5xx: {fivexx}; server tracebacks: {tracebacks}; integrity check: "
          f"{'ok' if not storage else storage}; rules (seats, one meeting per time, "
          f"notifications): {'ok' if not domain else domain[:10]}")
    print(f"acknowledged writes missing, refused ones present or half-done: {len(lost)}"
          + (f" {lost[:10]}" if lost else ""))
    failed = fivexx or tracebacks or storage or domain or lost or run.no_answer
    if tracebacks:
        print(log[log.index("Traceback") - 200:][:3000])
    if not failed:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept for a look: {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
