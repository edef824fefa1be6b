#!/usr/bin/env bash
# Security audit of a running Bro: bandit and ruff's security rules over the code, and wapiti
# (modules exec, xss, sql, http_headers, cookieflags, csp) against a throwaway instance with
# the demo data, in production mode (Secure cookies) on 127.0.0.1. Prints the findings; exits
# non-zero if there is any. Usage, from the repo root after `make setup`: bash bench/security.sh
# wapiti is installed into its own virtualenv under $TMPDIR (it pins its own dependencies).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bro-security.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

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
mkdir -p "$BRO_INSTANCE_PATH"
"$BIN/flask" db upgrade >/dev/null 2>&1
"$BIN/flask" seed-demo >/dev/null
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/gunicorn" --workers 2 --threads 4 --worker-class gthread --bind "127.0.0.1:$PORT" \
  --no-control-socket 'portal:create_app()' >"$WORK/gunicorn.log" 2>&1 &
PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done

echo "== wapiti against http://127.0.0.1:$PORT/ =="
(cd "$WORK" && "$WAPITI_VENV/bin/wapiti" -u "http://127.0.0.1:$PORT/" --scope folder \
  -m exec,xss,sql,http_headers,cookieflags,csp -f json -o "$WORK/wapiti.json" \
  --max-scan-time 600 --flush-session >"$WORK/wapiti.log" 2>&1)
"$BIN/python" - "$WORK/wapiti.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
found = {k: v for k, v in report["vulnerabilities"].items() if v}
found |= {f"anomaly: {k}": v for k, v in report["anomalies"].items() if v}
print(f"pages crawled: {report['infos'].get('crawled_pages_nbr')}")
for kind, items in found.items():
    for item in items:
        print(f"  {kind}: {item['method']} {item['path']} {item.get('parameter') or ''} "
              f"— {item['info']}")
print(f"findings: {sum(len(v) for v in found.values())}")
sys.exit(1 if found else 0)
PY
if grep -q Traceback "$WORK/gunicorn.log"; then
  echo "server errors during the scan:"; grep -A3 "Unhandled error" "$WORK/gunicorn.log"; exit 1
fi
