#!/usr/bin/env bash
# What the logs keep: no client address, user agent, referer or query
# string (invitation tokens) in nginx's access log or error log, nor in the
# application's request lines; the forensic log, when asked for, keeps
# addresses without queries, an hour a file, and is pruned.
. "$(dirname "$0")/lib.sh"
it_start

printf 'encounter_id,agency,domain,size,district,occurred_on\nE1,A01,market,small,鄂城区,2022-04-11\n' >"$T/enc.csv"
$MANYI import encounters "$T/enc.csv" >/dev/null 2>&1
TOKEN=$($MANYI invite --survey enforcement-enterprise --encounter E1 2>/dev/null | tail -n 1 | cut -d, -f2)
check "an invitation token to use" test -n "$TOKEN"
UA="Mozilla/5.0 (UA-MARKER phone)"
REF="http://referer-marker.example/page"
hit() { curl -s -o /dev/null -A "$UA" -e "$REF" "$@"; }
visit() { # every kind of request, with the token in the query
	hit "$BASE/s/enforcement-enterprise?t=$TOKEN&lang=en"
	hit "$BASE/assets/manyi.css?t=$TOKEN"
	hit "$BASE/assets/no-such-file.png?t=$TOKEN"
	hit "$BASE/no-such-page?t=$TOKEN"
	hit -X POST --data-binary "t=$TOKEN" "$BASE/s/enforcement-enterprise?t=$TOKEN"
	hit -H 'Content-Type: application/json' --data-binary @"$T/big" "$BASE/api/v1/responses?t=$TOKEN"
	hit "$BASE/healthz?t=$TOKEN"
}
head -c 40000000 /dev/zero | tr '\0' x >"$T/big" # over client_max_body_size: 413 from nginx
# nginx writes a request's line after the response: wait for the last one.
healthz_lines() { cat "$@" 2>/dev/null | grep -c 'GET /healthz'; }
logged() { [ "$(healthz_lines "$T/var/log/access.log")" -gt "$1" ]; }
forensic_logged() { [ "$(healthz_lines "$T/var/log/forensic/"*.log)" -gt 0 ]; }
visit
it_wait 20 logged 0
access=$(cat "$T/var/log/access.log")
errors=$(cat "$T/var/log/nginx-error.log")
app=$(grep '^{' "$T/var/log/manyi-fcgi.log")
contains "the access log has the requests" "$access" "GET /s/enforcement-enterprise 200"
contains "(nginx's own 413 too)" "$access" "POST /api/v1/responses 413"
for what in "127.0.0.1" "UA-MARKER" "referer-marker" "$TOKEN" "?"; do
	lacks "the access log holds no '$what'" "$access" "$what"
	lacks "the error log holds no '$what'" "$errors" "$what"
	lacks "the request lines hold no '$what'" "$app" "$what"
done
eq "the error log holds no client or request context" "$(grep -cE 'client: |request: ' <<<"$errors")" 0
check "no forensic log by default" test ! -e "$T/var/log/forensic"
lacks "nor its lines in the config" "$(cat "$T/var/nginx.conf")" "manyi_forensic"

# The forensic log: address, time, method, path and status; an hour a file.
stack_stop "$T/var"
MANYI_FORENSIC_HOURS=abc stack_start "$T/var" "$PORT" "$DB" 2>"$T/err"
contains "MANYI_FORENSIC_HOURS must be a number" "$(cat "$T/err")" "must be a whole number of hours"
MANYI_FORENSIC_HOURS=2 it_stack || { not_ok "start with the forensic log"; it_done; exit 1; }
visit
it_wait 20 forensic_logged
files=$(ls "$T/var/log/forensic")
check "one file for this hour, named YYYY-MM-DDTHH.log ($files)" \
	grep -qxE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}\.log' <<<"$files"
forensic=$(cat "$T/var/log/forensic/"*.log)
check "it has the address, time, method and path" \
	grep -qE '^127\.0\.0\.1 [0-9T:+-]+ GET /s/enforcement-enterprise 200$' <<<"$forensic"
for what in "UA-MARKER" "referer-marker" "$TOKEN" "?"; do
	lacks "the forensic log holds no '$what'" "$forensic" "$what"
done
lacks "the access log still holds no address" "$(cat "$T/var/log/access.log")" "127.0.0.1"
eq "the forensic directory is private" "$(stat -c %a "$T/var/log/forensic")" 700
# Pruning: files last written more than N hours ago go.
old=$T/var/log/forensic/2000-01-01T00.log
: >"$old"; touch -d '3 hours ago' "$old"
recent=$T/var/log/forensic/2000-01-01T01.log
: >"$recent"; touch -d '90 minutes ago' "$recent"
stack_forensic_prune "$T/var" 2
check "a file older than 2 hours is deleted" test ! -e "$old"
check "a younger one is kept" test -e "$recent"
check "and the current one" test -n "$(ls "$T/var/log/forensic" | grep -v 2000-)"
it_done
