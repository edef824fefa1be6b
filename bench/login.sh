# Sourced by the bench scripts that log a demo person in with curl (server_pages.sh,
# security.sh). Production cookies are Secure: curl keeps them in its jar but would not send
# them over plain HTTP, so the Cookie header is built from the jar (HttpOnly lines start with #).

# bro_log_in <base URL, no trailing slash> <login> <cookie jar> <User-Agent>: prints the
# Cookie header of the new session (fails unless the login answers 303).
bro_log_in() {
  local base=$1 login=$2 jar=$3 agent=$4 token status
  token=$(curl -fsS -A "$agent" -c "$jar" -b "$jar" "$base/accounts/login" \
    | grep -o 'name="csrf_token" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  status=$(curl -sS -A "$agent" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "login=$login" --data-urlencode "password=bro-demo-2026" \
    --data-urlencode "csrf_token=$token" "$base/accounts/login")
  [ "$status" = 303 ] || { echo "the login of $login answered $status, not 303" >&2; return 1; }
  bro_cookies "$jar"
}

# bro_cookies <cookie jar>: every cookie in it as one Cookie header.
bro_cookies() {
  awk -F '\t' '/^#HttpOnly_/ { sub(/^#HttpOnly_/, "") } /^#/ || NF < 7 { next }
    { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$1"
}
