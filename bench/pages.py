"""Every page a demo person can reach, in-process: is any logged-in page below the bar?

    .venv/bin/python bench/pages.py                  # the demo participant
    LOGIN=ingrid@example.org .venv/bin/python bench/pages.py   # a coordinator
    N=300 .venv/bin/python bench/pages.py

run.sh measures six pages with a real server; this script screens all the others. It builds a
throwaway instance like run.sh, logs in, and follows the links of the person's pages from the
start page (three clicks deep, same site, GET only), keeping one address per route (the first
found: /activities/7 stands for every activity page; each part of the report is a page of its
own). For each it prints the process CPU time per request through the test client and the
throughput that allows as a multiple of the
textbook page's (bench/textbook.py), measured the same way in turns with it (three rounds each,
the best of each), and marks the HTML pages below the bar of bench/run.sh (0.5 ×; the start
page 1.0 ×).

In-process ratios are stricter than run.sh's: a server adds the same fixed cost (HTTP parsing,
gunicorn, the socket) to both pages of a ratio, which brings every ratio closer to 1. Files
(PDF, CSV, iCalendar, JSON) are listed but not judged.
"""

import os
import re
import time
from urllib.parse import urljoin, urlsplit

from demo import HEADERS, logged_in_demo
from werkzeug.exceptions import HTTPException

N = int(os.environ.get("N", "300"))  # requests per page, over ROUNDS rounds
ROUNDS = 3
LOGIN = os.environ.get("LOGIN", "amina@example.org")
DEPTH = 3
SKIP = ("/static/", "/accounts/logout", "/sw.js", "/manifest")


def main() -> None:
    with logged_in_demo("bro-pages-", login=LOGIN) as (app, user):
        import textbook

        reference = textbook.app.test_client()
        reference.get("/login")
        cpu_per_request(reference, "/", warm_up=300)
        print(f"{'page':58s} {'CPU ms':>7s} {'× textbook':>10s}   ({N} requests each in "
              f"{ROUNDS} rounds, the textbook page's between them)")
        below = 0
        for url, endpoint, kind in reachable(app, user):
            measured = interleaved(reference, user, url)
            if measured is None:
                print(f"{url[:58]:58s} {'':7s} {'':10s}  (its rate limit answered 429)")
                continue
            textbook_cpu, cpu = measured
            ratio = textbook_cpu / cpu
            bar = 1.0 if endpoint == "home.index" else 0.5
            judged = kind == "html"
            mark = "" if not judged else ("  ✓" if ratio >= bar else "  ✗ below the bar")
            below += judged and ratio < bar
            note = "" if judged else f"  ({kind})"
            print(f"{url[:58]:58s} {cpu:7.2f} {ratio:10.2f}{mark}{note}")
        print(f"{below} page(s) below the bar")


def reachable(app, client):
    """(url, endpoint, kind) of each route reached by following links from the start page."""
    adapter = app.url_map.bind("localhost")
    seen: dict[tuple[str, str | None], tuple[str, str]] = {}
    frontier = ["/"]
    for _ in range(DEPTH):
        found = []
        for url in frontier:
            try:
                endpoint, arguments = adapter.match(urlsplit(url).path, method="GET")
            except HTTPException:  # not a route of ours, or not one that answers GET
                endpoint, arguments = "static", {}
            key = (endpoint, arguments.get("part"))  # each page of the report is a page
            if key in seen or endpoint == "static":
                continue
            response = client.get(url, headers=HEADERS)
            if response.status_code != 200:
                continue
            kind = "html" if response.mimetype == "text/html" else response.mimetype
            seen[key] = (url, kind)
            if kind == "html":
                for link in re.findall(r'href="([^"#]+)', response.text):
                    link = urljoin(url, link.replace("&amp;", "&"))
                    if link.startswith("/") and not link.startswith(SKIP):
                        found.append(link)
        frontier = found
    return [(url, endpoint, kind) for (endpoint, _part), (url, kind) in seen.items()]


def interleaved(reference, client, url: str) -> tuple[float, float] | None:
    """The textbook page's and this page's CPU ms per request, each the best of ROUNDS
    rounds taken in turn: a host whose load changes during the screen (other processes) moves
    both alike, where one textbook figure at the start made later pages look slower."""
    textbook, page = [], []
    for round_ in range(ROUNDS):
        textbook.append(cpu_per_request(reference, "/", warm_up=0, count=N // ROUNDS))
        cpu = cpu_per_request(client, url, warm_up=50 if round_ == 0 else 0,
                              count=N // ROUNDS)
        if cpu is None:
            return None
        page.append(cpu)
    return min(textbook), min(page)


def cpu_per_request(client, url: str, warm_up: int = 50, count: int = N) -> float | None:
    """None for a page whose rate limit stops the run (a form that counts every view)."""
    for _ in range(warm_up):  # templates, statement caches, connections
        client.get(url, headers=HEADERS)
    started = time.process_time()
    for _ in range(count):
        response = client.get(url, headers=HEADERS)
        response.get_data()
        if response.status_code == 429:
            return None
    assert response.status_code == 200, (url, response.status_code)
    return (time.process_time() - started) / count * 1000


if __name__ == "__main__":
    main()
