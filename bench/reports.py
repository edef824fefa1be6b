"""The leader dashboard on a big database: time per page and SQL statements per page.

Usage (from the repo root, after `make setup`):
    bash bench/reports.sh                # SQLite, demo data ×1 and ×100 (takes a few minutes)
    python bench/reports.py              # against the database in DATABASE_URL / BRO_INSTANCE_PATH
Knobs: RUNS=7 (requests per page; the first, cold one is reported apart), PAGES=a,b (only
these of the pages below, by number from 1)."""

import os
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import event, func, select

from portal import create_app
from portal.activities.models import Attendance
from portal.extensions import db

LAST_MONTH = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
PAGES = ["/reports?site=1&period=year", "/reports?site=1&period=month",
         f"/reports?site=1&period=month&at={LAST_MONTH}",  # a whole month of history
         "/reports?site=1&period=term", "/reports?site=all&period=year"]


def main() -> None:
    runs = int(os.environ.get("RUNS", "7"))
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    login = client.post("/accounts/login", data={"login": "admin@example.org",
                                                  "password": "bro-demo-2026"})
    assert login.status_code == 303, login.status_code
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Attendance))
        print(f"database: {db.engine.dialect.name}, {rows:,} attendance rows")
    wanted = os.environ.get("PAGES")
    pages = [PAGES[int(n) - 1] for n in wanted.split(",")] if wanted else PAGES
    for url in pages:
        statements = []
        with app.app_context():
            listener = lambda *args, found=statements: found.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            response = client.get(url)
            cold = time.perf_counter() - started
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
        times, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        # CPU time of this process: on SQLite (in-process) that is the whole work, and it
        # hardly depends on how busy the other cores are; on PostgreSQL the server's is not in it.
        print(f"  {url:50s} median {statistics.median(times) * 1000:7.0f} ms   "
              f"max {max(times) * 1000:7.0f} ms   first {cold * 1000:7.0f} ms   "
              f"cpu {statistics.median(cpu) * 1000:6.0f} ms   {len(statements)} SQL statements")


if __name__ == "__main__":
    main()
