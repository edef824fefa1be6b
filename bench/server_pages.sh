#!/usr/bin/env bash
# Any logged-in pages through a server, in turns with the textbook page: what bench/pages.py
# judges in-process, here with the server's costs (SQLite's write lock across workers, the
# bytes of a big page). The same gunicorn settings as run.sh; req/s and the workers' CPU per
# request, each round's ratio to the textbook page measured just before.
# Usage, from the repo root after `make setup`:
#   URLS="/accounts/sites/1/members /reports?site=all" LOGIN=ingrid@example.org bash bench/server_pages.sh
# Knobs: ROUNDS=3 DURATION=6s CONNECTIONS=16 THREADS=2 LOGIN=amina@example.org
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-6s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
LOGIN=${LOGIN:-amina@example.org}
URLS=${URLS:?"set URLS to the paths to measure, e.g. URLS=\"/ /privacy\""}
HOST=127.0.0.1
UA="bro-bench"
# shellcheck source=bench/login.sh
source "$ROOT/bench/login.sh"
LANG_HEADER="Accept-Language: nb-NO,nb;q=0.9,en;q=0.8"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bro-server-pages.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_up() {
  local i
  for i in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server_pages.sh: nothing answers at $1" >&2; exit 1
}
ticks() {  # CPU clock ticks (user + system) of a gunicorn's workers
  local pid total=0 fields
  for pid in $(pgrep -P "$1"); do
    fields=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    total=$((total + fields))
  done
  echo "$total"
}
measure() {  # master-pid cookie url -> "req/s CPU-µs-per-request"
  local before after out
  before=$(ticks "$1")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -H "User-Agent: $UA" \
    -H "$LANG_HEADER" -H "Cookie: $2" "$3")
  after=$(ticks "$1")
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ { rps = $2 } / requests in / { n = $1 }
    END { printf "%.0f %.0f\n", rps, ticks / hz * 1e6 / n }' <<<"$out"
}

export BRO_INSTANCE_PATH="$WORK/instance" DATABASE_URL="sqlite:///$WORK/instance/bro.sqlite3"
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY FLASK_APP=portal:create_app
unset BRO_ENV
mkdir -p "$BRO_INSTANCE_PATH"
cd "$ROOT"
"$BIN/flask" db upgrade >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }
"$BIN/flask" seed-demo >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }

GUNICORN_OPTS=(--workers 2 --threads 4 --worker-class gthread --reuse-port --log-level error)
BRO_PORT=$(free_port)
"$BIN/gunicorn" "${GUNICORN_OPTS[@]}" --bind "$HOST:$BRO_PORT" 'portal:create_app()' \
  >"$WORK/bro.log" 2>&1 &
PIDS+=("$!")
export TEXTBOOK_DB="$WORK/textbook.sqlite3"
PYTHONPATH="$ROOT/bench" "$BIN/python" -c 'import textbook' >>"$WORK/setup.log" 2>&1
TEXTBOOK_PORT=$(free_port)
while [ "$TEXTBOOK_PORT" = "$BRO_PORT" ]; do TEXTBOOK_PORT=$(free_port); done
"$BIN/gunicorn" "${GUNICORN_OPTS[@]}" --bind "$HOST:$TEXTBOOK_PORT" --pythonpath "$ROOT/bench" \
  textbook:app >"$WORK/textbook.log" 2>&1 &
PIDS+=("$!")
BRO="http://$HOST:$BRO_PORT"
TEXTBOOK="http://$HOST:$TEXTBOOK_PORT"
wait_up "$BRO/healthz"
wait_up "$TEXTBOOK/login"

BRO_COOKIE=$(bro_log_in "$BRO" "$LOGIN" "$WORK/bro.jar" "$UA")
curl -fsS -A "$UA" -c "$WORK/textbook.jar" -o /dev/null "$TEXTBOOK/login"
TEXTBOOK_COOKIE=$(bro_cookies "$WORK/textbook.jar")

echo "Bro pages through gunicorn (${GUNICORN_OPTS[*]}), as $LOGIN, $(date -u '+%Y-%m-%d %H:%M UTC')"
for url in $URLS; do
  curl -fsS -o /dev/null -w "  $url: %{http_code}, %{size_download} bytes\n" -A "$UA" \
    -H "$LANG_HEADER" -H "Cookie: $BRO_COOKIE" "$BRO$url"
done
measure "${PIDS[1]}" "$TEXTBOOK_COOKIE" "$TEXTBOOK/" >/dev/null  # warm both up
measure "${PIDS[0]}" "$BRO_COOKIE" "$BRO/" >/dev/null
printf '%-44s %6s %8s %9s %9s\n' "page (round)" "req/s" "CPU µs" "× req/s" "× CPU"
for round in $(seq 1 "$ROUNDS"); do
  read -r textbook_rps textbook_cpu < <(measure "${PIDS[1]}" "$TEXTBOOK_COOKIE" "$TEXTBOOK/")
  printf '%-44s %6s %8s\n' "textbook page ($round)" "$textbook_rps" "$textbook_cpu"
  for url in $URLS; do
    read -r rps cpu < <(measure "${PIDS[0]}" "$BRO_COOKIE" "$BRO$url")
    awk -v name="${url:0:40} ($round)" -v rps="$rps" -v cpu="$cpu" -v t_rps="$textbook_rps" \
      -v t_cpu="$textbook_cpu" 'BEGIN { printf "%-44s %6s %8s %9.2f %9.2f\n", name, rps, cpu,
                                        rps / t_rps, t_cpu / cpu }' 
  done
done
