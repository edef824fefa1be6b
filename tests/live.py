"""Bro on real servers: gunicorn processes on one shared database, and a small browser-like
HTTP client (cookies, CSRF tokens read from the forms). Used by tests/test_real_servers.py and
by bench/load.py."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# Real-server tests and the load run log many people in from one address; the production
# default (20 logins per 10 minutes per IP) would refuse them. Set only for these servers.
MANY_LOGINS = "100000 per minute"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _has_control_socket_option() -> bool:
    result = subprocess.run([str(GUNICORN), "--help"], capture_output=True, text=True,
                            check=False)
    return "--no-control-socket" in result.stdout


class Server:
    """One gunicorn instance (master + workers) of Bro, started in its own process group."""

    def __init__(self, database_url: str, instance: str, log_path: str, workers: int = 2,
                 threads: int = 4, app: str = "portal:create_app()", env: dict | None = None):
        self.database_url, self.instance, self.log_path = database_url, instance, log_path
        self.workers, self.threads, self.app = workers, threads, app
        self.extra_env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        env = dict(os.environ, DATABASE_URL=self.database_url, BRO_INSTANCE_PATH=self.instance,
                   SECRET_KEY=os.environ.get("BRO_LIVE_SECRET_KEY", "live-test-secret-key"),
                   LOGIN_LIMIT_PER_IP=MANY_LOGINS, LOGIN_LIMIT_PER_ACCOUNT=MANY_LOGINS,
                   MAIL_SERVER="", PYTHONUNBUFFERED="1", **self.extra_env)
        command = [str(GUNICORN), "--workers", str(self.workers), "--threads",
                   str(self.threads), "--worker-class", "gthread", "--bind",
                   f"127.0.0.1:{self.port}", "--timeout", "120", "--graceful-timeout", "5",
                   "--log-level", "warning", "--chdir", str(ROOT)]
        if _has_control_socket_option():
            command.append("--no-control-socket")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([*command, self.app], env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 120) -> "Server":
        """Until /healthz answers from every worker (or timeout)."""
        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    answered += 1
                    if answered >= 3 and len(self.worker_pids()) >= self.workers:
                        return self
                connection.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one)."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut to the process would."""
        pids = [self.process.pid, *self.worker_pids()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    seconds: float = 0.0

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class NoAnswer(Exception):
    """No complete answer came. `sent` is False when the connection was refused (nothing
    listened: the request never reached a server); otherwise the connection broke and the
    server may or may not have acted on the request."""

    def __init__(self, message: str, sent: bool = True):
        super().__init__(message)
        self.sent = sent


@dataclass
class Browser:
    """One person's browser: its own cookies and CSRF token, plain HTTP/1.1 to one server.
    GETs reuse a kept-alive connection (and retry once if it was closed); POSTs go on a new
    connection each, so a failed POST is never one the server closed while idle."""

    base: str
    timeout: float = 120
    language: str = "en"
    cookies: dict = field(default_factory=dict)
    token: str | None = None
    _connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(self.base)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)

    def _send(self, connection, method, path, body, headers) -> Response:
        started = time.monotonic()
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        text = raw.read().decode("utf-8", errors="replace")
        for value in raw.headers.get_all("Set-Cookie") or []:
            self._remember(value)
        response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text,
                            time.monotonic() - started)
        found = CSRF.search(text)
        if found:
            self.token = found.group(1)
        return response

    def _remember(self, set_cookie: str) -> None:
        pair, *attributes = [part.strip() for part in set_cookie.split(";")]
        name, _eq, value = pair.partition("=")
        gone = any(a.lower() == "max-age=0" for a in attributes)
        for attribute in attributes:
            if attribute.lower().startswith("expires="):
                try:
                    gone = gone or parsedate_to_datetime(attribute[8:]).timestamp() < time.time()
                except (TypeError, ValueError):
                    pass
        if gone:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def _headers(self, htmx: bool) -> dict:
        headers = {"User-Agent": "bro-live", "Accept-Language": self.language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def get(self, path: str, htmx: bool = False) -> Response:
        for attempt in (1, 2):
            fresh = self._connection is None
            if fresh:
                self._connection = self._connect()
            try:
                return self._send(self._connection, "GET", path, None, self._headers(htmx))
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if fresh or attempt == 2:
                    raise NoAnswer(f"GET {path}: {error!r}") from error
        raise AssertionError("unreachable")

    def post(self, path: str, data: dict | None = None, htmx: bool = False,
             csrf: bool = True) -> Response:
        form = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/privacy")
            form.setdefault("csrf_token", self.token)
        headers = self._headers(htmx) | {
            "Content-Type": "application/x-www-form-urlencoded", "Connection": "close"}
        connection = self._connect()
        try:
            return self._send(connection, "POST", path, urllib.parse.urlencode(form), headers)
        except (OSError, http.client.HTTPException) as error:
            raise NoAnswer(f"POST {path}: {error!r}",
                           sent=not isinstance(error, ConnectionRefusedError)) from error
        finally:
            connection.close()

    def login(self, login: str, password: str) -> Response:
        self.get("/accounts/login")
        response = self.post("/accounts/login", {"login": login, "password": password})
        if response.status != 303:
            raise AssertionError(f"login of {login} answered {response.status}")
        self.token = None  # the login starts a new session: take the next form's token
        return response

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
