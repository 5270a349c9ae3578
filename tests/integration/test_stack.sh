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
key=$(evaluator_key)
post() { curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $key" --data-binary "$body" "$BASE/api/v1/responses"; }

sup=$(cat "$T/var/manyi-fcgi.pid")
worker=$(pgrep -P "$sup" | head -1)
check "the supervisor runs a worker process" test -n "$worker"
kill -SEGV "$worker"
replaced() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ] &&
		[ -n "$(pgrep -P "$sup")" ] && [ "$(pgrep -P "$sup" | head -1)" != "$worker" ]
}
up=0
it_wait 30 replaced && up=1
eq "a crashed worker is replaced and serves again" "$up" 1
contains "the crash is logged (a signal, or ASan's exit under make asan)" "$(cat "$T/var/log/manyi-fcgi.log")" "; restarting"
eq "and answers are accepted again" "$(post)" 201
contains "the restart waits a second" "$(cat "$T/var/log/manyi-fcgi.log")" "restarting in 1s"

# Out of file descriptors: accept fails, the worker waits and tries again
# instead of ending (which took the whole service down).
worker=$(pgrep -P "$sup" | head -1)
nofile=$(prlimit --pid "$worker" --nofile --output SOFT --noheadings | tr -d ' ')
prlimit --pid "$worker" --nofile=3:
# A thread blocked in accept() already holds its descriptor: one more serves.
curl -s -m 2 -o /dev/null "$BASE/healthz"
code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$BASE/healthz")
check "while accept fails nothing is served ($code)" test "$code" != 200
check "the worker keeps running" kill -0 "$worker"
prlimit --pid "$worker" --nofile="$nofile":
serves() { [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; }
up=0
it_wait 30 serves && up=1
eq "with descriptors back it serves again" "$up" 1
eq "the same worker" "$(pgrep -P "$sup" | head -1)" "$worker"
log=$(cat "$T/var/log/manyi-fcgi.log")
eq "the failure is logged once" "$(grep -c 'accept failed: Too many open files; retrying' <<<"$log")" 1
contains "and the recovery" "$log" "manyi-fcgi: accepting connections again"

# A second instance on the same socket refuses to take it over.
out=$(timeout 10 "$BIN/manyi-fcgi" --db "$DB" --socket "$T/var/manyi.sock" 2>&1)
eq "a second manyi-fcgi on a socket in use exits 1" "$?" 1
contains "and says why" "$out" "another server is already listening on this socket"
eq "the running one still serves" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" 200
# A socket file nobody listens on (left by a crash) is replaced.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$T/stale.sock"
: >"$T/notsock"
out=$(timeout 10 "$BIN/manyi-fcgi" --db "$DB" --socket "$T/notsock" 2>&1)
eq "a path that is no socket is refused" "$?" 1
contains "and left alone" "$out" "exists and is not a socket"
# Links: a loopback base URL (the default, MANYI_BASE_URL, or the database's
# setting) is warned of at start; a public one is not.
start_on() { # LOG [ENV...]: manyi-fcgi on $T/stale.sock until it serves, then stop it
	local log=$1 pid; shift
	env "$@" "$BIN/manyi-fcgi" --db "$DB" --socket "$T/stale.sock" >"$log" 2>&1 &
	pid=$!
	it_wait 30 grep -q '^manyi-fcgi: serving' "$log"
	kill -TERM "$pid"; timeout 10 tail --pid="$pid" -f /dev/null || kill -KILL "$pid"; wait "$pid"
}
start_on "$T/fcgi1.log" -u MANYI_BASE_URL
contains "a stale socket file is replaced" "$(cat "$T/fcgi1.log")" "manyi-fcgi: serving"
contains "nothing set: a warning" "$(cat "$T/fcgi1.log")" \
	"manyi-fcgi: warning: links in invitations, QR codes and notices point to http://127.0.0.1:8080, which only this machine can open"
start_on "$T/fcgi2.log" MANYI_BASE_URL=http://localhost:9000/
contains "a loopback MANYI_BASE_URL: a warning" "$(cat "$T/fcgi2.log")" \
	"manyi-fcgi: warning: links in invitations, QR codes and notices point to http://localhost:9000/,"
start_on "$T/fcgi3.log" MANYI_BASE_URL=https://manyi.example.gov.cn
lacks "a public MANYI_BASE_URL: no warning" "$(cat "$T/fcgi3.log")" "warning"
contains "(and it served)" "$(cat "$T/fcgi3.log")" "manyi-fcgi: serving"
$MANYI init --base-url https://manyi.example.gov.cn >/dev/null
start_on "$T/fcgi4.log" -u MANYI_BASE_URL
lacks "a public address set in the database: no warning" "$(cat "$T/fcgi4.log")" "warning"
$MANYI init --base-url "$BASE" >/dev/null

# Many posts in flight, then SIGTERM to the application.
sql "DELETE FROM answer; DELETE FROM response;"
pids=()
for i in $(seq 40); do post >>"$T/codes" & pids+=($!); done
sleep 0.05
kill -TERM "$sup"
wait "${pids[@]}"
stopped() { ! kill -0 "$sup" 2>/dev/null; }
it_wait 30 stopped
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
