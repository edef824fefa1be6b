"""Helpers for bench/run.sh: the first-load size and the results table.

    python bench/report.py first-load http://127.0.0.1:PORT/
    python bench/report.py table RESULTS_FILE

RESULTS_FILE has one line per wrk run: "<round> <target> BENCH rps=... p50_ms=... ...".
"""

import gzip
import statistics
import sys
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

FIRST_LOAD_BUDGET_KB = 40.0
# The decided bar: against the textbook page on the same stack, measured in the same rounds
# (bench/textbook.py); hello-world stays as a reference row.
START_PAGE_TARGET = 1.0  # the logged-in start page
OTHER_PAGE_TARGET = 0.5  # every other logged-in page
LOGGED_IN_PAGES = {"bro_user": START_PAGE_TARGET, "bro_privacy": OTHER_PAGE_TARGET,
                   "bro_calendar": OTHER_PAGE_TARGET, "bro_slots": OTHER_PAGE_TARGET,
                   "bro_confirm": OTHER_PAGE_TARGET}
LOPSIDED = 0.80  # one worker spent more than this share of the CPU: the other mostly idled
TARGETS = [  # (key in the results file, label)
    ("hello", "hello-world /"),
    ("textbook", "textbook page, logged in"),
    ("bro_health", "Bro /healthz"),
    ("bro_anon", "Bro / logged out"),
    ("bro_privacy", "Bro /privacy user"),
    ("bro_user", "Bro / logged in"),
    ("bro_list", "Bro /activities"),
    ("bro_calendar", "Bro my calendar"),
    ("bro_slots", "Bro meeting times"),
    ("bro_confirm", "Bro confirm meeting"),
]


class AssetParser(HTMLParser):
    """Collects what a first load fetches: <link href>, <script src>, <img src>, <use href>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        name = {"link": "href", "script": "src", "img": "src", "use": "href"}.get(tag)
        if name and found.get(name):
            self.urls.append(found[name])

    handle_startendtag = handle_starttag


def fetch(url: str) -> bytes:
    # No cookies, no Accept-Encoding: the raw bytes of a first visit, compressed below.
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def first_load(base_url: str) -> int:
    html = fetch(base_url)
    parser = AssetParser()
    parser.feed(html.decode("utf-8"))
    urls = []
    for url in parser.urls:
        absolute = urldefrag(urljoin(base_url, url)).url  # icons.svg#globe -> icons.svg
        if absolute not in urls:
            urls.append(absolute)
    rows = [("start page HTML", len(html), gzipped(html))]
    for url in urls:
        data = fetch(url)
        rows.append((url.removeprefix(base_url.rstrip("/")), len(data), gzipped(data)))
    total = sum(row[2] for row in rows)
    print("First load (start page, logged out), each file gzip -9:")
    print(f"  {'file':<52} {'raw B':>8} {'gzip B':>8}")
    for name, raw, packed in rows:
        print(f"  {name:<52} {raw:>8} {packed:>8}")
    verdict = "meets" if total / 1024 <= FIRST_LOAD_BUDGET_KB else "MISSES"
    print(f"  {'total':<52} {sum(r[1] for r in rows):>8} {total:>8}"
          f"  = {total / 1024:.1f} KB ({verdict} the {FIRST_LOAD_BUDGET_KB:.0f} KB budget)")
    return 0


def parse(path: str) -> dict[str, dict[int, dict[str, float]]]:
    runs: dict[str, dict[int, dict[str, float]]] = defaultdict(dict)
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            round_no, target, tag, *fields = line.split()
            if tag != "BENCH":
                continue
            runs[target][int(round_no)] = {
                key: float(value) for key, value in (f.split("=", 1) for f in fields)}
    return runs


def table(path: str) -> int:
    runs = parse(path)
    hello = runs["hello"]
    rounds = sorted(hello)
    print(f"Medians of {len(rounds)} interleaved rounds. ratio = median of the per-round"
          " Bro req/s / hello-world req/s; CPU = the workers' CPU time per request, and its"
          " ratio hello-world CPU / Bro CPU (the same rounds):")
    header = (f"  {'page':<20} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
              f" {'ratio':>6} {'CPU µs':>7} {'ratio':>6} {'errors':>7}  per-round req/s")
    print(header)
    print("  " + "-" * (len(header) - 2))
    ratios = {}
    lopsided: list[tuple[str, int]] = []
    for key, label in TARGETS:
        by_round = runs.get(key, {})
        if not by_round:
            print(f"  {label:<20} (no results)")
            continue
        values = [by_round[r] for r in sorted(by_round)]
        med = {k: statistics.median(v[k] for v in values)
               for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
        errors = int(sum(v["errors_status"] + v["errors_socket"] for v in values))
        ratio = statistics.median(by_round[r]["rps"] / hello[r]["rps"]
                                  for r in sorted(by_round) if r in hello)
        ratios[key] = ratio
        cpu, cpu_ratio = "-", "-"
        if all("cpu_us" in v for v in values) and all("cpu_us" in v for v in hello.values()):
            cpu = f"{statistics.median(v['cpu_us'] for v in values):.0f}"
            per_round_cpu = [hello[r]["cpu_us"] / max(by_round[r]["cpu_us"], 1)
                             for r in sorted(by_round) if r in hello]
            cpu_ratio = f"{statistics.median(per_round_cpu):.2f}"
            lopsided += [(label, r) for r in sorted(by_round) if by_round[r]["busiest"] > LOPSIDED]
        per_round = " ".join(f"{v['rps']:.0f}" for v in values)
        print(f"  {label:<20} {med['rps']:>9.0f} {med['p50_ms']:>8.2f} {med['p95_ms']:>8.2f}"
              f" {med['p99_ms']:>8.2f} {ratio:>6.2f} {cpu:>7} {cpu_ratio:>6} {errors:>7}"
              f"  {per_round}")
    for label, round_no in lopsided:
        print(f"Warning: in round {round_no}, one worker served most of {label}: that round's"
              " req/s is about half of what two workers serve")
    textbook = runs.get("textbook", {})
    labels = dict(TARGETS)
    for key, target in LOGGED_IN_PAGES.items():
        by_round = runs.get(key, {})
        shared = [r for r in sorted(by_round) if r in textbook]
        if not shared:
            continue
        ratio = statistics.median(by_round[r]["rps"] / textbook[r]["rps"] for r in shared)
        verdict = "meets" if ratio >= target else "MISSES"
        print(f"{labels[key]}: {ratio:.2f} x the textbook page's throughput "
              f"({verdict} the target of >= {target:.1f} x)")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "first-load":
        return first_load(argv[1])
    if len(argv) == 2 and argv[0] == "table":
        return table(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
