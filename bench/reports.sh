#!/usr/bin/env bash
# The leader dashboard with the demo data and with SCALE times more (default 100: ~20,000
# participants, ~2 million attendance rows), on SQLite; and on PostgreSQL too when PG_URL is
# set (e.g. PG_URL=postgresql://postgres@127.0.0.1:55432/bench — the database is emptied).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
SCALE=${SCALE:-100}
export FLASK_APP=portal:create_app
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bro-reports.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

run() {  # label scale [database url]
  export BRO_INSTANCE_PATH="$WORK/$1"
  mkdir -p "$BRO_INSTANCE_PATH"
  if [ -n "${3:-}" ]; then export DATABASE_URL="$3"; else unset DATABASE_URL; fi
  if [ -n "${3:-}" ]; then
    "$BIN/python" -c "from portal import create_app; from portal.extensions import db; from sqlalchemy import text
app = create_app()
with app.app_context():
    with db.engine.begin() as c: c.execute(text('DROP SCHEMA public CASCADE; CREATE SCHEMA public'))"
  fi
  "$BIN/flask" db upgrade >/dev/null 2>&1
  local started=$SECONDS
  "$BIN/flask" seed-demo --scale "$2" >/dev/null
  echo "== $1: seed-demo --scale $2 took $((SECONDS - started)) s"
  (cd "$ROOT" && "$BIN/python" bench/reports.py)
}

run sqlite-x1 1
run "sqlite-x$SCALE" "$SCALE"
if [ -n "${PG_URL:-}" ]; then
  run postgresql-x1 1 "$PG_URL"
  run "postgresql-x$SCALE" "$SCALE" "$PG_URL"
fi
