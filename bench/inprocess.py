"""In-process cost of Bro's pages: the Flask test client, no server, no network.

    .venv/bin/python bench/inprocess.py            # N=3000 requests per page
    N=1000 .venv/bin/python bench/inprocess.py

Builds a throwaway instance like run.sh (migrations, demo data, SQLite in a temp folder), logs in
the demo participant and prints, per page, the median and 10th percentile wall time of one
request, the process CPU time per request, and the throughput that CPU time allows as a multiple
of the textbook page's (bench/textbook.py: the bar of bench/run.sh is the start page at ≥ 1.0 ×).
The host is shared and noisy: compare versions run right after each other, and trust the p10
and CPU columns more than the median.
"""

import os
import statistics
import time

from demo import HEADERS, logged_in_demo

N = int(os.environ.get("N", "3000"))


def main() -> None:
    with logged_in_demo("bro-inprocess-") as (app, user):
        measure(app, user)


def measure(app, user) -> None:
    from flask import Flask

    anonymous = app.test_client()
    hello = Flask("hello")
    hello.add_url_rule("/", "index", lambda: "Hello, World!")

    import textbook  # the design card's stack used the textbook way (bench/textbook.py)

    reference = textbook.app.test_client()
    reference.get("/login")
    targets = [("hello-world /", hello.test_client(), "/"),
               ("textbook page", reference, "/"),
               ("Bro /healthz", anonymous, "/healthz"),
               ("Bro / logged out", anonymous, "/"),
               ("Bro / logged in", user, "/"),
               ("Bro /privacy in", user, "/privacy"),
               ("Bro my calendar", user, "/activities/calendar"),
               ("Bro meeting times", user, "/meetings/book?host=any"),
               ("Bro confirm meeting", user, _a_free_time(user)),
               ("Bro /activities", anonymous, "/activities")]
    print(f"{'page':20s} {'median ms':>10s} {'p10 ms':>8s} {'CPU ms':>8s} {'× textbook':>11s}"
          f"   ({N} requests each)")
    textbook_cpu = None
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
        textbook_cpu = textbook_cpu or (cpu if client is reference else None)
        ratio = f"{textbook_cpu / cpu:11.2f}" if textbook_cpu else f"{'':11s}"
        times.sort()
        print(f"{name:20s} {statistics.median(times) * 1000:10.3f} "
              f"{times[len(times) // 10] * 1000:8.3f} {cpu:8.3f} {ratio}")


def _a_free_time(user) -> str:
    """The confirm page of the first free time on the booking page (as run.sh finds it)."""
    import re

    page = user.get("/meetings/book?host=any", headers=HEADERS).text
    return re.search(r'href="(/meetings/book/[^"?]+)', page).group(1)


if __name__ == "__main__":
    main()
