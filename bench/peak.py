"""The peak after an SMS (issue 17): PEOPLE participants (1,000) log in and open their start
page and their calendar within WINDOW seconds (60), through two gunicorn instances on one
PostgreSQL.
Not a test: figures for bench/README.md. `bash bench/peak.sh` makes the throwaway PostgreSQL
this needs and runs it; by hand:

    .venv/bin/python bench/peak.py --database-url postgresql+psycopg://…/empty  # EMPTIED

The story: a café with PEOPLE followers is cancelled; each gets the message (in the app; an
SMS where SMS is set up) and opens Bro. The database is emptied and filled by the migrations,
the demo data and the run's people: participants of the first meeting place, in seven
languages, half of them with a phone number only (they log in with it), each with the privacy
notice accepted and following the café whose next session is cancelled before the run (so
each start page has an unread message).

Bro runs as in production (BRO_ENV=production, gunicorn --workers 2 --threads 4 --timeout 30
per instance, PROXY_COUNT=1, REQUEST_LOG on) with its rate limits as shipped: the login limit
per address (20 per 10 minutes) and per account (5 per 10 minutes) are not raised. The
simulated people come through a proxy that says who they are: this script is that proxy and
sends each person's own address in X-Forwarded-For (ADDRESSES distinct addresses, one per
person by default; fewer to see people behind a mobile operator's shared address) and
X-Forwarded-Proto: https, and a browser's Referer on the form post (Flask-WTF checks it on
https). Rate limits are counted in memory by each gunicorn worker (no Redis here): with one
login per person and address, no limit is near either way.

Person n arrives at n × WINDOW / PEOPLE (evenly spread, an open loop: arrivals do not wait
for the server) and, on connections of their own and alternately on the two servers, as a
load balancer without sticky sessions would send them:

    GET /accounts/login  (the CSRF token)  →  POST /accounts/login (303 to /)
    →  GET /  (their start page)  →  GET /activities/calendar  (My calendar)

It prints answers by status, latency per request (p50/p95/p99) and per person (arrival to
their calendar shown), the time from the first arrival to the last calendar, the CPU seconds
the servers and PostgreSQL used, the host's load average during the run; then checks the
database: one login session per person and their last login within the run. Exits non-zero
on any 5xx, any answer that is not the expected one, any request without an answer, a
traceback in the servers' log or a database check that fails."""

import argparse
import contextlib
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "peak-bench-password"  # noqa: S105  (the run's throwaway people only)
LANGUAGES = ("nb", "ar", "uk", "so", "ti", "fa_AF", "en")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
LOGGED_IN = 'action="/accounts/logout"'
PUBLIC_URL = "https://bro.example.test"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL (EMPTIED)")
    parser.add_argument("--people", type=int, default=int(os.environ.get("PEOPLE", 1000)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("WINDOW", 60)),
                        help="the people arrive evenly over this many seconds")
    parser.add_argument("--addresses", type=int, default=int(os.environ.get("ADDRESSES", 0)),
                        help="distinct client addresses (default: one per person)")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=400,
                        help="people in flight at most (the driver's threads)")
    return parser.parse_args()


# -- the instance --------------------------------------------------------------------------

def environment(args, folder: Path) -> dict:
    """Production settings, as an operator would write them (nothing about rate limits: the
    shipped limits hold)."""
    from portal.config import new_vapid_private_key

    for name in ("LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT", "RATELIMIT_STORAGE_URI"):
        os.environ.pop(name, None)
    return {"BRO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
            "VAPID_PRIVATE_KEY": new_vapid_private_key(), "PUBLIC_URL": PUBLIC_URL,
            "TRUSTED_HOSTS": "127.0.0.1", "PROXY_COUNT": "1", "MAIL_SERVER": "",
            "DATABASE_URL": args.database_url, "BRO_INSTANCE_PATH": str(folder / "instance"),
            "PYTHONUNBUFFERED": "1"}


def build_database(args) -> dict:
    """Schema by the migrations, the demo data, the run's people following a café, and the
    café's next session cancelled (a message for each of them)."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from portal import create_app, demo, work
    from portal.accounts import services as accounts
    from portal.accounts.models import Consent, Membership, Role, User
    from portal.accounts.services import PRIVACY_PURPOSE
    from portal.activities import services as activities
    from portal.activities.models import Follow, Kind
    from portal.extensions import db, utcnow

    app = create_app()
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        chatter = io.StringIO()
        try:
            with contextlib.redirect_stderr(chatter):  # Alembic's INFO lines, one a migration
                upgrade()
        except Exception:
            print(chatter.getvalue(), file=sys.stderr)
            raise
        with work.unit():
            demo.seed()
        leader = db.session.scalar(select(User).where(User.email == "lars@example.org"))
        site = leader.home_site  # a volunteer at a Norwegian meeting place in the demo
        version = app.config["PRIVACY_NOTICE_VERSION"]
        with app.test_request_context():
            # The production hasher (Bro's argon2 settings): every login costs what it
            # will cost. One hash for all (each would have its own salt: the same work).
            password_hash = accounts.hash_password(PASSWORD)
        people, logins = [], []
        for n in range(args.people):
            phone_only = n % 2 == 1
            number = f"+479{n:07d}"
            user = User(display_name=f"Peak Person {n}", language=LANGUAGES[n % len(LANGUAGES)],
                        email=None if phone_only else f"peak{n}@example.org",
                        phone=number if phone_only else None,
                        phone_confirmed=number if phone_only else None, birth_year=1990,
                        password_hash=password_hash)
            user.memberships.append(Membership(site=site, role=Role.PARTICIPANT))
            db.session.add_all([user, Consent(user=user, purpose=PRIVACY_PURPOSE,
                                              notice_version=version, language=user.language)])
            people.append(user)
            logins.append(number if phone_only else user.email)
        db.session.flush()
        with app.test_request_context():
            cafe = activities.create_activity(leader, site, activities.ActivityData(
                kind=Kind.LANGUAGE_CAFE, title="Språkkafé på biblioteket"))
            activities.add_series(leader, cafe, activities.plan_series(
                site, utcnow().date() + timedelta(days=1), clock(18), 90, 1, count=6), False)
            db.session.add_all(Follow(user_id=person.id, activity_id=cafe.id)
                               for person in people)
            db.session.flush()
            first = min(cafe.sessions, key=lambda s: s.starts_at)
            activities.cancel_session(leader, first, "Stengt på grunn av storm")
        work.commit()
        ids = [person.id for person in people]
        db.session.remove()
        db.engine.dispose()
    return {"ids": ids, "logins": logins}


@dataclass
class Server:
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self, args, env: dict) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "--workers", str(args.workers), "--threads",
                   str(args.threads), "--worker-class", "gthread", "--timeout", "30",
                   "--graceful-timeout", "30", "--max-requests", "5000",
                   "--max-requests-jitter", "500", "--bind", f"127.0.0.1:{self.port}",
                   "--chdir", str(ROOT)]
        if "--no-control-socket" in subprocess.run([str(gunicorn), "--help"],
                                                   capture_output=True, text=True).stdout:
            command.append("--no-control-socket")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([*command, "portal:create_app()"],
                                            env=dict(os.environ, **env), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, workers: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                ok = connection.getresponse().status == 200
                connection.close()
                if ok and len(self.children()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} did not answer; see {self.log_path}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- measuring -----------------------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (and of their children that have ended)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def postgres_pids() -> list[int]:
    """The throwaway cluster's processes (peak.sh gives its data folder): the postmaster and
    its children, never another cluster on the machine."""
    folder = os.environ.get("PEAK_PGDATA")
    if not folder:
        return []
    try:
        postmaster = int(Path(folder, "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *map(int, children)]


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer
    seconds: float


@dataclass
class Run:
    servers: list[Server]
    logins: list[str]
    addresses: int
    samples: list[Sample] = field(default_factory=list)
    journeys: list[tuple[float, float, bool]] = field(default_factory=list)  # arrival, end, ok
    problems: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def address(self, n: int) -> str:
        slot = n % self.addresses
        return f"10.{slot // 65536 % 256}.{slot // 256 % 256}.{slot % 256 + 1}"

    def journey(self, n: int, arrival: float) -> None:
        """One person: the login form, the login, their start page, their calendar."""
        person = Person(self, n)
        ok = False
        try:
            page = person.request(0, "GET", "/accounts/login", "GET login form")
            token = CSRF.search(page.body) if page.status == 200 else None
            if token is None:
                raise Unexpected("GET login form", page.status)
            answer = person.request(1, "POST", "/accounts/login", "POST login", {
                "csrf_token": token.group(1), "login": self.logins[n], "password": PASSWORD})
            if answer.status != 303 or answer.location != "/":
                raise Unexpected("POST login", answer.status)
            for step, (path, kind) in enumerate((("/", "GET start page"),
                                                 ("/activities/calendar", "GET calendar")), 2):
                page = person.request(step, "GET", path, kind)
                if page.status != 200 or LOGGED_IN not in page.body:
                    raise Unexpected(kind, page.status)
            ok = True
        except Unexpected as problem:
            with self.lock:
                self.problems[str(problem)] += 1
        finally:
            person.close()
            with self.lock:
                self.journeys.append((arrival, time.monotonic(), ok))


class Unexpected(Exception):  # noqa: N818
    def __init__(self, kind: str, status: int):
        super().__init__(f"{kind}: {status or 'no answer'}")


@dataclass
class Answer:
    status: int
    body: str
    location: str


class Person:
    """A phone's browser behind the proxy: its own cookies, one kept-alive connection per
    server; requests alternate between the servers."""

    def __init__(self, run: Run, n: int):
        self.run, self.n = run, n
        self.cookies: dict[str, str] = {}
        self.connections: dict[int, http.client.HTTPConnection] = {}
        self.headers = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) bro-peak",
                        "Accept-Language": LANGUAGES[n % len(LANGUAGES)],
                        "X-Forwarded-For": run.address(n), "X-Forwarded-Proto": "https"}

    def request(self, step: int, method: str, path: str, kind: str,
                form: dict | None = None) -> Answer:
        from urllib.parse import urlencode

        server = self.run.servers[(self.n + step) % len(self.run.servers)]
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{server.port}/accounts/login"
        started = time.monotonic()
        try:
            raw, text = self._send(server.port, method, path, body, headers)
        except (OSError, http.client.HTTPException):
            self.record(kind, 0, time.monotonic() - started)
            raise Unexpected(kind, 0) from None
        self.record(kind, raw.status, time.monotonic() - started)
        for value in raw.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = urlsplit(raw.headers.get("Location", "")).path
        return Answer(raw.status, text, location)

    def _send(self, port: int, method: str, path: str, body, headers):
        """As a browser does: a GET goes on the kept-alive connection to that server and once
        more on a new one if the server had closed it while idle (gunicorn keeps an idle
        connection 2 s); a form post always on a new connection, never repeated."""
        kept = self.connections.pop(port, None) if method == "GET" else None
        if kept is not None:
            try:
                kept.request(method, path, body=body, headers=headers)
                raw = kept.getresponse()
                text = raw.read().decode("utf-8", errors="replace")
                self.connections[port] = kept
                return raw, text
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                kept.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        text = raw.read().decode("utf-8", errors="replace")
        old = self.connections.pop(port, None)
        if old is not None:
            old.close()
        self.connections[port] = connection
        return raw, text

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.run.lock:
            self.run.samples.append(Sample(kind, status, seconds))

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def drive(run: Run, people: int, seconds: float, clients: int) -> tuple[float, list]:
    """Arrivals on schedule, each journey on a thread of its own from a pool; returns the
    moment of the first arrival and the load averages seen each second."""
    loads: list[float] = []
    done = threading.Event()

    def watch():
        while not done.wait(1):
            loads.append(float(Path("/proc/loadavg").read_text().split()[0]))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for n in range(people):
            arrival = start + n * seconds / people
            delay = arrival - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run.journey, n, arrival)
    done.set()
    return start, loads


# -- the run -------------------------------------------------------------------------------

def main() -> int:
    args = parse()
    folder = Path(tempfile.mkdtemp(prefix="bro-peak."))
    (folder / "instance").mkdir()
    os.environ["BRO_INSTANCE_PATH"] = str(folder / "instance")  # portal.config reads it first
    env = environment(args, folder)
    os.environ.update(env)  # for building the database in this process
    built = time.monotonic()
    people = build_database(args)
    print(f"database: PostgreSQL, demo data and {args.people} people of the run following "
          f"a café whose next session is cancelled ({time.monotonic() - built:.0f} s to build)")
    from argon2 import PasswordHasher

    from portal.config import load

    hasher = PasswordHasher(**load()["ARGON2_PARAMETERS"])  # the settings Bro ships with
    stored = hasher.hash(PASSWORD)
    cpu = time.process_time()
    for _ in range(10):
        hasher.verify(stored, PASSWORD)
    argon_ms = (time.process_time() - cpu) * 100
    print(f"one login's password check (argon2id t={hasher.time_cost}, "
          f"m={hasher.memory_cost / 1024:g} MiB, p={hasher.parallelism}): {argon_ms:.0f} ms CPU")

    servers = [Server(free_port(), folder / f"gunicorn-{i}.log") for i in range(args.servers)]
    status = 1
    try:
        for server in servers:
            server.start(args, env)
        for server in servers:
            server.wait_ready(args.workers)
        run = Run(servers, people["logins"], args.addresses or args.people)
        pids = [pid for server in servers for pid in (server.process.pid, *server.children())]
        print(f"{args.servers} × gunicorn --workers {args.workers} --threads {args.threads}; "
              f"{args.people} people arriving over {args.seconds:.0f} s from "
              f"{run.addresses} addresses; load before: {loadavg()}")
        before = {"servers": cpu_seconds(pids), "postgres": cpu_seconds(postgres_pids()),
                  "driver": time.process_time()}
        wall = time.time()
        start, loads = drive(run, args.people, args.seconds, args.clients)
        pids = [pid for server in servers for pid in (server.process.pid, *server.children())]
        used = {"servers": cpu_seconds(pids) - before["servers"],
                "postgres": cpu_seconds(postgres_pids()) - before["postgres"],
                "driver": time.process_time() - before["driver"]}
        status = report(args, run, start, loads, used, people, wall)
    finally:
        for server in servers:
            server.stop()
    logs = "".join(server.log_path.read_text(errors="replace") for server in servers)
    tracebacks = logs.count("Traceback")
    print(f"server tracebacks: {tracebacks}")
    if tracebacks:
        print(logs[logs.index("Traceback") - 200:][:3000])
        status = 1
    if status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"kept for a look: {folder}")
    return status


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(args, run: Run, start: float, loads: list, used: dict, people: dict,
           wall: float) -> int:
    samples = run.samples
    statuses = Counter(s.status for s in samples)
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    finished = [end for _arrival, end, ok in run.journeys if ok]
    journeys = [end - arrival for arrival, end, ok in run.journeys if ok]
    last = max((end for _a, end, _ok in run.journeys), default=start) - start
    print(f"\n{len(samples)} requests; answers by status: {dict(sorted(statuses.items()))}")
    print(f"  {'request':16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}  statuses")
    for kind in ("GET login form", "POST login", "GET start page", "GET calendar"):
        rows = by_kind.get(kind, [])
        times = [s.seconds for s in rows]
        print(f"  {kind:16} {len(rows):6} {percentile(times, .5):8.0f} "
              f"{percentile(times, .95):8.0f} {percentile(times, .99):8.0f} "
              f"{max(times, default=0) * 1000:8.0f}  {dict(Counter(s.status for s in rows))}")
    print(f"  {'per person':16} {len(journeys):6} {percentile(journeys, .5):8.0f} "
          f"{percentile(journeys, .95):8.0f} {percentile(journeys, .99):8.0f} "
          f"{max(journeys, default=0) * 1000:8.0f}  (arrival to their calendar shown)")
    within = sum(1 for end in finished if end - start <= args.seconds)
    print(f"people through (login, start page, calendar): {len(finished)} of {args.people}; "
          f"{within} within {args.seconds:.0f} s of the first arrival; the last after "
          f"{last:.1f} s ({len(finished) / last if last else 0:.1f} people a second)")
    if run.problems:
        print(f"unexpected answers: {dict(run.problems)}")
    people_done = max(len(finished), 1)
    print(f"CPU seconds: servers {used['servers']:.0f} ({used['servers'] / people_done * 1000:.0f}"
          f" ms a person), PostgreSQL {used['postgres']:.1f}, this driver "
          f"{used['driver']:.0f}; load average during the run: max "
          f"{max(loads, default=0):.2f}, at the end {loadavg()}")
    problems = check_database(people, wall)
    print("database: " + ("one login session per person and every last login within the run"
                          if not problems else "; ".join(problems)))
    fivexx = sum(n for status, n in statuses.items() if status >= 500)
    print(f"5xx: {fivexx}; no answer: {statuses.get(0, 0)}")
    return 1 if fivexx or run.problems or problems or statuses.get(0) else 0


def check_database(people: dict, wall: float) -> list[str]:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from portal import create_app
    from portal.accounts.models import LoginSession, User
    from portal.extensions import db

    app = create_app()
    problems = []
    with app.app_context():
        ids = people["ids"]
        per_person = dict(db.session.execute(
            select(LoginSession.user_id, func.count()).where(LoginSession.user_id.in_(ids))
            .group_by(LoginSession.user_id)).all())
        counts = Counter(per_person.get(user_id, 0) for user_id in ids)
        if set(counts) != {1}:
            problems.append(f"login sessions per person: {dict(counts)}")
        started = datetime.fromtimestamp(wall, UTC)
        late = db.session.scalar(select(func.count()).select_from(User).where(
            User.id.in_(ids), (User.last_login_at.is_(None)) | (User.last_login_at < started)))
        if late:
            problems.append(f"{late} people without a last login in the run")
        db.session.remove()
        db.engine.dispose()
    return problems


if __name__ == "__main__":
    sys.exit(main())
