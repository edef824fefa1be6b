#!/usr/bin/env bash
# The peak after an SMS (issue 17): 1,000 participants log in and open their start page and
# calendar within 60 s, through two gunicorn instances on PostgreSQL; figures in
# bench/README.md ("The peak after an SMS"). Not a test.
#
# Starts a throwaway PostgreSQL cluster (Debian's postgresql package; as root it runs the
# cluster as the postgres user) on a free port, runs bench/peak.py against it (migrations,
# demo data, the run's people; two gunicorn instances in production mode; the people's
# logins; a check of the database afterwards), and removes the cluster and its files,
# whatever happens. Usage, from the repo root after `make setup`:
#   bash bench/peak.sh
# Knobs (environment): PEOPLE=1000, WINDOW=60 (the seconds over which they arrive),
# ADDRESSES=PEOPLE (distinct client addresses behind the proxy); more options:
# .venv/bin/python bench/peak.py --help
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
[ -x "$BIN/gunicorn" ] || { echo "peak.sh: run 'make setup' first" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "peak.sh: needs PostgreSQL (apt-get install postgresql)" >&2; exit 1; }
cd "$ROOT"

PGDATA=$(mktemp -d /tmp/bro-peak-pg.XXXXXX)
PGPORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else eval "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
stop_cluster() {
  as_postgres "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop_cluster EXIT

echo "== Bro: the peak after an SMS, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg) =="
as_postgres "$PGBIN/initdb -D $PGDATA -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
# As a server would run it (fsync and synchronous commit on), on 127.0.0.1 only.
as_postgres "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/log -w -o '-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA' start" >/dev/null
as_postgres "$PGBIN/createdb -h 127.0.0.1 -p $PGPORT bro"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PGPORT (throwaway, in $PGDATA)"

status=0
PEAK_PGDATA="$PGDATA" "$BIN/python" bench/peak.py \
  --database-url "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/bro" "$@" || status=$?
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
