#!/usr/bin/env bash
# The processes: a crashed worker is restarted; SIGTERM finishes the
# requests in flight, and every answer acknowledged with 201 is in the
# database afterwards (and no other).
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
body=$(python3 tests/integration/mkbody.py "$S")
# An app's evaluator key: public-channel answers without one are limited
# per address, and this test posts many from one.
key=$($MANYI key create --role evaluator 2>/dev/null)
post() { curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $key" --data-binary "$body" "$BASE/api/v1/responses"; }

sup=$(cat "$T/var/manyi-fcgi.pid")
worker=$(pgrep -P "$sup" | head -1)
check "the supervisor runs a worker process" test -n "$worker"
kill -SEGV "$worker"
up=0
for _ in $(seq 100); do
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ] &&
	   [ -n "$(pgrep -P "$sup")" ] && [ "$(pgrep -P "$sup" | head -1)" != "$worker" ]; then
		up=1; break
	fi
	sleep 0.1
done
eq "a crashed worker is replaced and serves again" "$up" 1
contains "the crash is logged (a signal, or ASan's exit under make asan)" "$(cat "$T/var/log/manyi-fcgi.log")" "; restarting"
eq "and answers are accepted again" "$(post)" 201

# Many posts in flight, then SIGTERM to the application.
sql "DELETE FROM answer; DELETE FROM response;"
pids=()
for i in $(seq 40); do post >>"$T/codes" & pids+=($!); done
sleep 0.05
kill -TERM "$sup"
wait "${pids[@]}"
for _ in $(seq 100); do kill -0 "$sup" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$sup" 2>/dev/null; then not_ok "manyi-fcgi stops on SIGTERM"; else ok "manyi-fcgi stops on SIGTERM"; fi
contains "and says so" "$(cat "$T/var/log/manyi-fcgi.log")" "manyi-fcgi: stopped"
check "the socket is removed" test ! -e "$T/var/manyi.sock"
acked=$(grep -c '^201$' "$T/codes")
eq "every acknowledged answer is stored, and only those ($acked of 40)" \
	"$(sql 'SELECT count(*) FROM response')" "$acked"
eq "no answer is half stored" \
	"$(sql 'SELECT count(*) FROM response r WHERE (SELECT count(*) FROM answer a WHERE a.response_id = r.id) = 0')" 0
bad_codes=$(grep -vcE '^(201|502|503)$' "$T/codes")
eq "requests after the stop fail cleanly (502/503), none are garbled" "$bad_codes" 0
it_done
