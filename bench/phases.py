"""Where one logged-in page's time goes, layer by layer, without a server.

    .venv/bin/python bench/phases.py                 # the demo participant's start page
    URL=/privacy N=5000 .venv/bin/python bench/phases.py

Builds a throwaway instance like run.sh, logs in the demo participant, warms up, then calls
the WSGI app directly N times (no test client, no server) with a few layers wrapped in timers.
Each microsecond is counted once, in the innermost layer it was spent in ("SQL" inside the
user loader counts as SQL, not as the loader). "everything else" is Flask, Werkzeug, Flask-Login,
Flask-WTF, Flask-Babel and the after-request hooks. The host is noisy: compare shares, and runs
made right after each other.
"""

import os
from collections import Counter
from time import perf_counter_ns

from demo import HEADERS, logged_in_demo

N = int(os.environ.get("N", "3000"))
URL = os.environ.get("URL", "/")


class Timers:
    """Exclusive time per label: entering a layer pauses the one it was called from."""

    def __init__(self):
        self.spent: Counter[str] = Counter()
        self.stack: list[list] = []  # [label, started]

    def wrap(self, label: str, function):
        def timed(*args, **kwargs):
            now = perf_counter_ns()
            if self.stack:
                outer = self.stack[-1]
                self.spent[outer[0]] += now - outer[1]
            self.stack.append([label, now])
            try:
                return function(*args, **kwargs)
            finally:
                end = perf_counter_ns()
                self.spent[label] += end - self.stack.pop()[1]
                if self.stack:
                    self.stack[-1][1] = end
        return timed


def main() -> None:
    with logged_in_demo("bro-phases-") as (app, client):
        measure(app, client)


def measure(app, client) -> None:
    from flask import templating
    from sqlalchemy.orm import Session
    from werkzeug.test import EnvironBuilder

    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    environ = EnvironBuilder(path=URL, headers={**HEADERS, "Cookie": cookie},
                             environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    timers = Timers()
    wrap = timers.wrap
    interface = app.session_interface
    interface.open_session = wrap("session cookie", interface.open_session)
    interface.save_session = wrap("session cookie", interface.save_session)
    manager = app.login_manager
    manager._user_callback = wrap("user loader (ORM objects)", manager._user_callback)
    Session.execute = wrap("SQL (SQLAlchemy + SQLite)", Session.execute)
    Session.scalars = wrap("SQL (SQLAlchemy + SQLite)", Session.scalars)
    Session.scalar = wrap("SQL (SQLAlchemy + SQLite)", Session.scalar)
    templating._render = wrap("templates (Jinja)", templating._render)
    app.do_teardown_appcontext = wrap("teardown (session, connection)",
                                      app.do_teardown_appcontext)
    whole = wrap("everything else", app.wsgi_app)

    def call():
        status = []
        body = whole(dict(environ), lambda s, h, e=None: status.append(s))
        b"".join(body)
        body.close()
        return status[0]

    assert call().startswith("200"), URL
    for _ in range(300):
        call()
    timers.spent.clear()
    for _ in range(N):
        call()
    total = sum(timers.spent.values())
    print(f"{URL} logged in as the demo participant: {total / N / 1000:.0f} µs per request "
          f"({N} requests, no server)")
    for label, spent in timers.spent.most_common():
        print(f"  {label:32s} {spent / N / 1000:6.0f} µs  {spent / total:4.0%}")


if __name__ == "__main__":
    main()
