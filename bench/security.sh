#!/usr/bin/env bash
# Security audit of a running Bro: bandit and ruff's security rules over the code, and wapiti
# (modules exec, xss, sql, http_headers, cookieflags, csp) against a throwaway instance with
# the demo data, in production mode (Secure cookies) on 127.0.0.1: logged out, then logged in
# as the demo participant and as the demo coordinator. Prints the findings; exits non-zero if
# there is any (or a server error). Knobs: SCAN_SECONDS caps each scan (600 / 900 s),
# ATTACK_SECONDS each attack module of the logged-in scans (120 s), TIMEOUT_SECONDS (60);
# SCANS="logged-out participant coordinator" chooses the scans; KEEP=1 keeps the work folder.
# Usage, from the repo root after `make setup`: bash bench/security.sh
# wapiti is installed into its own virtualenv under $TMPDIR (it pins its own dependencies).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bro-security.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

echo "== bandit (high severity fails) and ruff security rules =="
"$BIN/bandit" --quiet --recursive "$ROOT/portal" --severity-level high
"$BIN/ruff" check --select S "$ROOT/portal"

WAPITI_VENV=${WAPITI_VENV:-${TMPDIR:-/tmp}/bro-wapiti-venv}
[ -x "$WAPITI_VENV/bin/wapiti" ] || { python3 -m venv "$WAPITI_VENV" &&
  "$WAPITI_VENV/bin/pip" install --quiet wapiti3; }

export FLASK_APP=portal:create_app BRO_INSTANCE_PATH="$WORK/instance" BRO_ENV=production
export DATABASE_URL="sqlite:///$WORK/instance/bro.sqlite3"
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
# Production also needs the key Bro signs web push with.
VAPID_PRIVATE_KEY=$(cd "$ROOT" && "$BIN/python" -c \
  'from portal.config import new_vapid_private_key; print(new_vapid_private_key())')
export VAPID_PRIVATE_KEY
# Production needs its public address; the scan reaches Bro as 127.0.0.1, so trust that too.
export PUBLIC_URL=https://bro.example.test TRUSTED_HOSTS=127.0.0.1
mkdir -p "$BRO_INSTANCE_PATH"
"$BIN/flask" db upgrade >/dev/null 2>&1
"$BIN/flask" seed-demo >/dev/null
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/gunicorn" --workers 2 --threads 4 --worker-class gthread --bind "127.0.0.1:$PORT" \
  --no-control-socket 'portal:create_app()' >"$WORK/gunicorn.log" 2>&1 &
PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
MODULES=exec,xss,sql,http_headers,cookieflags,csp
FAILED=0

report() {  # wapiti.json label
  "$BIN/python" - "$1" "$2" <<'PY' || FAILED=1
import json, sys
report = json.load(open(sys.argv[1]))
found = {k: v for k, v in report["vulnerabilities"].items() if v}
found |= {f"anomaly: {k}": v for k, v in report["anomalies"].items() if v}
print(f"{sys.argv[2]}: pages crawled: {report['infos'].get('crawled_pages_nbr')}")
for kind, items in found.items():
    for item in items:
        print(f"  {kind}: {item['method']} {item['path']} {item.get('parameter') or ''} "
              f"— {item['info']}")
print(f"{sys.argv[2]}: findings: {sum(len(v) for v in found.values())}")
sys.exit(1 if found else 0)
PY
}

# --- logged in: a session cookie from a real login, as a participant and as a coordinator ----
# Not followed or attacked: logging out (it would end the scan's session), deleting or erasing
# accounts, inviting staff and accepting invitations (role changes), and reset codes for other
# people's accounts. Everything else a participant or a coordinator can reach is scanned,
# forms included (the scan fills in the CSRF token from each page). The session cookie goes
# in a Cookie header on every request (-C), so it stays the same for the whole scan (not
# --drop-set-cookie: in wapiti 3.2 that drops the Cookie header too, and the scan would run
# logged out). The request log then shows which logged-in pages answered.
EXCLUDE=(-x "$BASE/accounts/logout*" -x "$BASE/privacy/delete*" -x "$BASE/privacy/erase/*"
         -x "$BASE/accounts/sites/*/invitations*" -x "$BASE/accounts/join*"
         -x "$BASE/accounts/sites/*/reset-code*" -x "$BASE/accounts/sites/*/members/*/reset-code*")
UA="bro-security"
# shellcheck source=bench/login.sh
source "$ROOT/bench/login.sh"
log_in() {  # login → prints the Cookie header of the new session
  bro_log_in "$BASE" "$1" "$WORK/jar.$1" "$UA"
}
still_logged_in() {  # cookie → a page only for logged-in people answers 200 (no redirect)
  [ "$(curl -sS -A "$UA" -H "Cookie: $1" -o /dev/null -w '%{http_code}' \
    "$BASE/accounts/profile")" = 200 ]
}
# Both log in before any scan: the logged-out scan's attacks on the login form use up the
# login rate limit of this address (20 per 10 minutes), as they should.
declare -A COOKIES
for who in "participant amina@example.org" "coordinator ingrid@example.org"; do
  read -r role login <<<"$who"
  COOKIES[$role]=$(log_in "$login")
  still_logged_in "${COOKIES[$role]}" || { echo "security.sh: no session for $login" >&2; exit 1; }
done

SCANS=${SCANS:-logged-out participant coordinator}
if [[ " $SCANS " == *" logged-out "* ]]; then
echo "== wapiti against $BASE/ (logged out) =="
(cd "$WORK" && "$WAPITI_VENV/bin/wapiti" -u "$BASE/" --scope folder -m "$MODULES" \
  -f json -o "$WORK/wapiti.json" --max-scan-time "${SCAN_SECONDS:-600}" --flush-session \
  >"$WORK/wapiti.log" 2>&1)
report "$WORK/wapiti.json" "logged out"
fi

for who in "participant amina@example.org" "coordinator ingrid@example.org"; do
  read -r role login <<<"$who"
  [[ " $SCANS " == *" $role "* ]] || continue
  COOKIE=${COOKIES[$role]}
  echo "== wapiti against $BASE/ logged in as a $role ($login) =="
  (cd "$WORK" && "$WAPITI_VENV/bin/wapiti" -u "$BASE/" --scope folder -m "$MODULES" \
    -C "$COOKIE" -A "$UA" -t "${TIMEOUT_SECONDS:-60}" "${EXCLUDE[@]}" -f json -o "$WORK/wapiti-$role.json" \
    --max-scan-time "${SCAN_SECONDS:-900}" --max-attack-time "${ATTACK_SECONDS:-120}" \
    --flush-session >"$WORK/wapiti-$role.log" 2>&1)
  report "$WORK/wapiti-$role.json" "logged in as a $role"
  still_logged_in "$COOKIE" || {
    echo "security.sh: the $role's session ended during the scan: the results are void" >&2
    exit 1; }
done

# The request log (one JSON line per request in production): answers by status.
"$BIN/python" - "$WORK/gunicorn.log" <<'PY'
import collections, json, sys
statuses, routes = collections.Counter(), set()
for line in open(sys.argv[1], errors="replace"):
    if line.startswith('{"method"'):
        entry = json.loads(line)
        statuses[entry["status"]] += 1
        if entry["status"] == 200:
            routes.add(entry["endpoint"])
print(f"requests: {sum(statuses.values())}, by status: {dict(sorted(statuses.items()))}; "
      f"{len(routes)} routes answered 200")
PY
# A 500 is a failure. A 503 is Bro's answer when SQLite's write lock stays taken past the busy
# timeout (5 s) — possible while the scanner floods the booking form on a busy machine —
# and is counted above and listed here, not hidden.
if grep -q '"status": 500' "$WORK/gunicorn.log"; then
  echo "server errors during the scan:"; grep -A3 "Unhandled error" "$WORK/gunicorn.log"; exit 1
fi
if grep -q '"status": 503' "$WORK/gunicorn.log"; then
  echo "busy answers (503, database locked past the busy timeout):"
  grep "Unhandled error" "$WORK/gunicorn.log" | sed 's/^/  /'
fi
exit "$FAILED"
