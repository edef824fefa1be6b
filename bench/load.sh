#!/usr/bin/env bash
# Load with writes (issue 7): 50 simulated people reading and writing for 60 s against gunicorn
# (production settings, 2 workers x 4 threads) on SQLite, and on PostgreSQL when PG_URL is
# set (that database is emptied!). Counts afterwards: no 5xx, the database's integrity check,
# every acknowledged write present. See bench/load.py for the mix; figures in bench/README.md.
# Usage, from the repo root after `make setup`:
#   bash bench/load.sh
#   PG_URL=postgresql+psycopg://postgres@127.0.0.1:55450/portal bash bench/load.sh
# Knobs (environment): USERS=50 DURATION=60 (seconds) WORKERS=2 THREADS=4
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
[ -x "$BIN/gunicorn" ] || { echo "load.sh: run 'make setup' first" >&2; exit 1; }
cd "$ROOT"
ARGS=(--users "${USERS:-50}" --seconds "${DURATION:-60}"
      --workers "${WORKERS:-2}" --threads "${THREADS:-4}")
status=0
echo "== Bro load with writes, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg) =="
echo "-- SQLite --"
"$BIN/python" bench/load.py "${ARGS[@]}" 2> >(grep -v '^INFO  \[alembic' >&2) || status=1
if [ -n "${PG_URL:-}" ]; then
  echo "-- PostgreSQL --"
  "$BIN/python" bench/load.py "${ARGS[@]}" --database-url "$PG_URL" \
    2> >(grep -v '^INFO  \[alembic' >&2) || status=1
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
