"""In-process cost of Bro's pages: the Flask test client, no server, no network.

    .venv/bin/python bench/inprocess.py            # N=3000 requests per page
    N=1000 .venv/bin/python bench/inprocess.py

Builds a throwaway instance like run.sh (migrations, demo data, SQLite in a temp folder), logs in
the demo participant and prints, per page, the median and 10th percentile wall time of one
request and the process CPU time per request. The host is shared and noisy: compare versions
run right after each other, and trust the p10 and CPU columns more than the median.
"""

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("N", "3000"))
HEADERS = {"User-Agent": "bro-bench", "Accept-Language": "nb-NO,nb;q=0.9,en;q=0.8"}


def main() -> None:
    work = tempfile.mkdtemp(prefix="bro-inprocess-")
    try:
        measure(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(work: str) -> None:
    os.environ.update(BRO_INSTANCE_PATH=f"{work}/instance", FLASK_APP="portal:create_app",
                      DATABASE_URL=f"sqlite:///{work}/instance/bro.sqlite3",
                      SECRET_KEY=secrets.token_urlsafe(48))
    os.environ.pop("BRO_ENV", None)
    flask = str(Path(sys.executable).parent / "flask")
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([flask, *command], cwd=ROOT, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    from flask import Flask

    from portal import create_app

    app = create_app()
    user = app.test_client()
    page = user.get("/accounts/login", headers=HEADERS).text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    response = user.post("/accounts/login", headers=HEADERS, data={
        "login": "amina@example.org", "password": "bro-demo-2026", "csrf_token": token})
    assert response.status_code == 303, response.status_code
    assert "Amina Yusuf" in user.get("/", headers=HEADERS).text
    anonymous = app.test_client()
    hello = Flask("hello")
    hello.add_url_rule("/", "index", lambda: "Hello, World!")

    targets = [("hello-world /", hello.test_client(), "/"),
               ("Bro /healthz", anonymous, "/healthz"),
               ("Bro / logged out", anonymous, "/"),
               ("Bro / logged in", user, "/"),
               ("Bro my calendar", user, "/activities/calendar"),
               ("Bro /activities", anonymous, "/activities")]
    print(f"{'page':20s} {'median ms':>10s} {'p10 ms':>8s} {'CPU ms':>8s}   ({N} requests each)")
    for name, client, url in targets:
        for _ in range(200):  # warm up: templates, statement caches, connections
            client.get(url, headers=HEADERS)
        times, cpu = [], time.process_time()
        for _ in range(N):
            start = time.perf_counter()
            response = client.get(url, headers=HEADERS)
            response.get_data()
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        cpu = (time.process_time() - cpu) / N * 1000
        times.sort()
        print(f"{name:20s} {statistics.median(times) * 1000:10.3f} "
              f"{times[len(times) // 10] * 1000:8.3f} {cpu:8.3f}")


if __name__ == "__main__":
    main()
