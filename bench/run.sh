#!/usr/bin/env bash
# Throughput and latency of Bro's start page (logged out and logged in) and other pages against
# a one-route Flask app (bench/hello.py) and a textbook logged-in page on the same stack
# (bench/textbook.py) under the same gunicorn settings, plus the compressed size of a first load.
# Usage, from the repo root after `make setup`:  bash bench/run.sh
# Knobs (environment): ROUNDS=3 DURATION=10s WARMUP=3s CONNECTIONS=16 THREADS=2
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
HOST=127.0.0.1
UA="bro-bench"                       # the same User-Agent for curl and wrk (session protection)
LANG_HEADER="Accept-Language: nb-NO,nb;q=0.9,en;q=0.8"

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
[ -x "$BIN/gunicorn" ] && [ -x "$BIN/flask" ] || { echo "run.sh: run 'make setup' first" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bro-bench.XXXXXX")
OUT="$ROOT/bench/out"                # raw wrk output of the last run (git-ignored)
rm -rf "$OUT" && mkdir -p "$OUT"
PIDS=()
WRK_PID=

cleanup() {
  local pid
  [ -n "${WRK_PID:-}" ] && kill -TERM "$WRK_PID" 2>/dev/null || true
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_up() {  # url
  local i
  for i in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: nothing answers at $1" >&2
  exit 1
}

# --- a throwaway instance: SQLite file and secret key in $WORK -----------------------------
export BRO_INSTANCE_PATH="$WORK/instance"
export DATABASE_URL="sqlite:///$WORK/instance/bro.sqlite3"
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
export FLASK_APP=portal:create_app
unset BRO_ENV
mkdir -p "$BRO_INSTANCE_PATH"
cd "$ROOT"
"$BIN/flask" db upgrade >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }
"$BIN/flask" seed-demo --scale "${SCALE:-1}" >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }

# --- two gunicorns, same settings ----------------------------------------------------------
# --reuse-port: gunicorn then opens one listening socket per worker and the kernel spreads new
# connections over them. With one shared socket, wrk's 16 keep-alive connections sometimes all
# went to one worker and the other sat idle for the whole round (hello-world at 1,900 instead
# of 5,500 req/s, with 39 % of the CPU idle); see bench/README.md.
GUNICORN_OPTS=(--workers 2 --threads 4 --worker-class gthread --reuse-port --log-level warning)
if "$BIN/gunicorn" --help 2>/dev/null | grep -q -- '--no-control-socket'; then
  GUNICORN_OPTS+=(--no-control-socket)
fi
BRO_PORT=$(free_port)
"$BIN/gunicorn" "${GUNICORN_OPTS[@]}" --bind "$HOST:$BRO_PORT" 'portal:create_app()' \
  >"$WORK/bro.log" 2>&1 &
PIDS+=("$!")
HELLO_PORT=$(free_port)
while [ "$HELLO_PORT" = "$BRO_PORT" ]; do HELLO_PORT=$(free_port); done
"$BIN/gunicorn" "${GUNICORN_OPTS[@]}" --bind "$HOST:$HELLO_PORT" --pythonpath "$ROOT/bench" \
  hello:app >"$WORK/hello.log" 2>&1 &
PIDS+=("$!")
# The design card's stack used the textbook way, with nothing of Bro (bench/textbook.py): its
# database is made before the workers start, so they do not race to create it.
export TEXTBOOK_DB="$WORK/textbook.sqlite3"
PYTHONPATH="$ROOT/bench" "$BIN/python" -c 'import textbook' >>"$WORK/setup.log" 2>&1 \
  || { cat "$WORK/setup.log" >&2; exit 1; }
TEXTBOOK_PORT=$(free_port)
while [ "$TEXTBOOK_PORT" = "$BRO_PORT" ] || [ "$TEXTBOOK_PORT" = "$HELLO_PORT" ]; do TEXTBOOK_PORT=$(free_port); done
"$BIN/gunicorn" "${GUNICORN_OPTS[@]}" --bind "$HOST:$TEXTBOOK_PORT" --pythonpath "$ROOT/bench" \
  textbook:app >"$WORK/textbook.log" 2>&1 &
PIDS+=("$!")
BRO="http://$HOST:$BRO_PORT/"
HELLO="http://$HOST:$HELLO_PORT/"
TEXTBOOK="http://$HOST:$TEXTBOOK_PORT/"
wait_up "${BRO}healthz"
wait_up "$HELLO"
wait_up "${TEXTBOOK}login"
BRO_WORKERS=$(pgrep -P "${PIDS[0]}" | tr '\n' ' ')
HELLO_WORKERS=$(pgrep -P "${PIDS[1]}" | tr '\n' ' ')
TEXTBOOK_WORKERS=$(pgrep -P "${PIDS[2]}" | tr '\n' ' ')

# --- log in the demo participant -----------------------------------------------------------
JAR="$WORK/cookies.txt"
TOKEN=$(curl -fsS -A "$UA" -c "$JAR" -b "$JAR" "${BRO}accounts/login" \
  | grep -o 'name="csrf_token" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
[ -n "$TOKEN" ] || { echo "run.sh: no CSRF token on the login page" >&2; exit 1; }
STATUS=$(curl -sS -A "$UA" -c "$JAR" -b "$JAR" -o "$WORK/login.html" -w '%{http_code}' \
  --data-urlencode "login=amina@example.org" --data-urlencode "password=bro-demo-2026" \
  --data-urlencode "csrf_token=$TOKEN" "${BRO}accounts/login")
[ "$STATUS" = 303 ] || { echo "run.sh: login answered $STATUS, not 303" >&2; exit 1; }
# Every cookie in the jar (session and lang), as one Cookie header; HttpOnly ones are
# written as "#HttpOnly_<domain>" lines.
COOKIE=$(awk -F '\t' '/^#HttpOnly_/ { sub(/^#HttpOnly_/, "") } /^#/ || NF < 7 { next }
  { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$JAR")
logged_in() {  # (no "curl | grep -q": with pipefail, grep quitting early can fail curl)
  local page
  page=$(curl -fsS -A "$UA" -H "Cookie: $COOKIE" "$BRO") && [[ $page == *"Amina Yusuf"* ]]
}
logged_in || { echo "run.sh: the session cookie does not show Amina's page" >&2; exit 1; }
TEXTBOOK_JAR="$WORK/textbook-cookies.txt"
curl -fsS -A "$UA" -c "$TEXTBOOK_JAR" -o /dev/null "${TEXTBOOK}login"
TEXTBOOK_COOKIE=$(awk -F '\t' '/^#HttpOnly_/ { sub(/^#HttpOnly_/, "") } /^#/ || NF < 7 { next }
  { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$TEXTBOOK_JAR")
page=$(curl -fsS -A "$UA" -H "Cookie: $TEXTBOOK_COOKIE" "$TEXTBOOK")
[[ $page == *"Amina Yusuf"* ]] || { echo "run.sh: the textbook app's cookie shows no user" >&2; exit 1; }
# A free meeting time for the confirm page (the booking page a participant fills in).
SLOT=$(curl -fsS -A "$UA" -H "Cookie: $COOKIE" "${BRO}meetings/book?host=any" \
  | grep -o '/meetings/book/[0-9]*-[0-9T]*' | tail -n 1)
[ -n "$SLOT" ] || { echo "run.sh: no free meeting time on the booking page" >&2; exit 1; }

# --- first load size -----------------------------------------------------------------------
echo "Bro benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr)"
echo "gunicorn $("$BIN/gunicorn" --version | awk '{print $NF}' | tr -d ')'), ${GUNICORN_OPTS[*]};" \
  "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS interleaved rounds"
echo
"$BIN/python" "$ROOT/bench/report.py" first-load "$BRO"
echo

# --- throughput and latency ----------------------------------------------------------------
run_wrk() {  # url duration [extra wrk args...]
  local url=$1 duration=$2
  shift 2
  # In the background and waited for, so Ctrl+C runs the trap at once (wrk itself catches
  # SIGINT and exits 0, after which a foreground wait would just carry on).
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 5s --latency \
    -s "$ROOT/bench/latency.lua" -H "User-Agent: $UA" -H "$LANG_HEADER" "$@" "$url" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=
}
# CPU time (clock ticks, user + system) of each worker: "ticks ticks" in BRO_WORKERS' order.
worker_ticks() {
  local pid fields
  for pid in "$@"; do
    read -r -a fields < <(sed 's/.*) //' "/proc/$pid/stat")
    printf '%s ' $((fields[11] + fields[12]))   # utime and stime, fields 14 and 15 of stat
  done
}
# run_wrk into a file, plus what the server's workers spent meanwhile: appends "cpu_us=<CPU µs
# per request, all workers together> busiest=<the busiest worker's share of that CPU>" to wrk's
# BENCH line. busiest near 1.00 means one worker served (nearly) every connection.
measured_wrk() {  # file "worker pids" url duration [extra wrk args...]
  local file=$1 workers=$2 before after
  shift 2
  before=$(worker_ticks $workers)  # (unquoted on purpose: one pid per argument)
  run_wrk "$@" >"$file"
  after=$(worker_ticks $workers)
  awk -v tick="$(getconf CLK_TCK)" -v before="$before" -v after="$after" '
    /^BENCH / {
      match($0, /requests=[0-9]+/); requests = substr($0, RSTART + 9, RLENGTH - 9)
      n = split(before, b, " "); split(after, a, " "); total = 0; most = 0
      for (i = 1; i <= n; i++) { spent = a[i] - b[i]; total += spent; if (spent > most) most = spent }
      $0 = sprintf("%s cpu_us=%.0f busiest=%.2f", $0,
                   total * 1e6 / tick / (requests > 0 ? requests : 1), total > 0 ? most / total : 0)
    }
    { print }' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}
echo "Warming up ($WARMUP each)..."
run_wrk "$HELLO" "$WARMUP" >/dev/null
run_wrk "$TEXTBOOK" "$WARMUP" -H "Cookie: $TEXTBOOK_COOKIE" >/dev/null
run_wrk "${BRO}healthz" "$WARMUP" >/dev/null
run_wrk "$BRO" "$WARMUP" >/dev/null
run_wrk "${BRO}privacy" "$WARMUP" -H "Cookie: $COOKIE" >/dev/null
run_wrk "$BRO" "$WARMUP" -H "Cookie: $COOKIE" >/dev/null
run_wrk "${BRO}activities" "$WARMUP" >/dev/null
run_wrk "${BRO}activities/calendar" "$WARMUP" -H "Cookie: $COOKIE" >/dev/null
run_wrk "${BRO}meetings/book?host=any" "$WARMUP" -H "Cookie: $COOKIE" >/dev/null
run_wrk "${BRO%/}$SLOT" "$WARMUP" -H "Cookie: $COOKIE" >/dev/null

RESULTS="$OUT/results.txt"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for target in hello textbook bro_health bro_anon bro_privacy bro_user bro_list bro_calendar bro_slots bro_confirm; do
    workers=$BRO_WORKERS
    case $target in
      hello) workers=$HELLO_WORKERS; args=("$HELLO") ;;
      textbook) workers=$TEXTBOOK_WORKERS; args=("$TEXTBOOK" -H "Cookie: $TEXTBOOK_COOKIE") ;;
      bro_health) args=("${BRO}healthz") ;;
      bro_anon) args=("$BRO") ;;
      bro_privacy) args=("${BRO}privacy" -H "Cookie: $COOKIE") ;;
      bro_user) args=("$BRO" -H "Cookie: $COOKIE") ;;
      bro_list) args=("${BRO}activities") ;;
      bro_calendar) args=("${BRO}activities/calendar" -H "Cookie: $COOKIE") ;;
      bro_slots) args=("${BRO}meetings/book?host=any" -H "Cookie: $COOKIE") ;;
      bro_confirm) args=("${BRO%/}$SLOT" -H "Cookie: $COOKIE") ;;
    esac
    measured_wrk "$OUT/$target.$round.txt" "$workers" "${args[0]}" "$DURATION" "${args[@]:1}"
    line=$(grep '^BENCH ' "$OUT/$target.$round.txt")
    echo "$round $target $line" >>"$RESULTS"
    echo "  round $round  $target  ${line#BENCH }"
  done
done
logged_in || { echo "run.sh: the session was lost during the run; logged-in figures are void" >&2; exit 1; }
echo
"$BIN/python" "$ROOT/bench/report.py" table "$RESULTS"
