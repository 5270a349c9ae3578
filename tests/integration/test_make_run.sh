#!/usr/bin/env bash
# `make run` from a clean clone: builds, creates var/manyi.db with the demo
# registry and the surveys, answers /healthz and the form, stops on Ctrl-C;
# one make run per checkout; whatever it starts ends when it ends, even
# when it is killed outright.
. "$(dirname "$0")/lib.sh"

git clone -q "$it_top" "$T/clone" || { not_ok "clone the repository"; it_done; exit 1; }
# The clone builds the committed tree; test the working tree's scripts and
# sources when they differ (a developer running make test before committing).
git -C "$it_top" ls-files -z --cached --others --exclude-standard |
	(cd "$it_top" && xargs -0 cp --parents -t "$T/clone" 2>/dev/null)
# The clone builds into its own bin/ and build/, whatever the caller's BIN
# says, and whatever make passed down (make asan sets BIN and BUILD for its
# sub-makes through MAKEFLAGS).
unset BIN BUILD MAKEFLAGS MFLAGS MAKELEVEL

wait_up() { # PORT PID LOG: /healthz answers and LOG says so
	# Ten minutes of clock time: the first start builds the clone, and on a
	# busy machine that alone can take minutes.
	local until=$((SECONDS + 600))
	while [ "$SECONDS" -lt "$until" ]; do
		curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null &&
			grep -q "manyi is running" "$3" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}

# run_up LOG COMMAND...: start COMMAND (make run, tools/run.sh) in the clone,
# in a session of its own, on a free port ($PORT; its pid in $pid) and wait
# until it serves.  The port can be taken by someone else between free_port
# and nginx's bind (the build in between takes a while): then another.
run_up() {
	local log=$1 try
	shift
	for try in 1 2 3 4; do
		PORT=$(free_port)
		(cd "$T/clone" && exec setsid env PORT="$PORT" "$@" >"$log" 2>&1) &
		pid=$!
		wait_up "$PORT" "$pid" "$log" && return 0
		grep -q "port $PORT is already in use" "$log" || return 1
		wait "$pid" 2>/dev/null
		echo "# port $PORT was taken (try $try); another one"
	done
	return 1
}

up=0
run_up "$T/run.log" make run && up=1
eq "make run answers /healthz" "$up" 1
[ "$up" = 1 ] || tail -20 "$T/run.log" | sed 's/^/#   /'
eq "the health body" "$(curl -s "http://127.0.0.1:$PORT/healthz")" '{"status":"ok"}'
eq "the enterprise form is served" \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/s/enforcement-enterprise")" 200
contains "make run prints the URLs" "$(cat "$T/run.log")" "http://127.0.0.1:$PORT/s/enforcement-enterprise"
check "the database is under var/" test -f "$T/clone/var/manyi.db"
eq "with the demo registry" "$(sqlite3 "$T/clone/var/manyi.db" 'SELECT count(*) FROM domain')" 22
eq "and the domains each demo agency enforces" \
	"$(sqlite3 "$T/clone/var/manyi.db" 'SELECT count(*) FROM agency_domain')" 22
eq "and the surveys: two of respondents and the case-review rubric" \
	"$(sqlite3 "$T/clone/var/manyi.db" 'SELECT group_concat(id) FROM (SELECT DISTINCT id FROM survey ORDER BY id)')" \
	"case-review,enforcement-enterprise,enforcement-public"
# Ctrl-C reaches the whole foreground process group.
kill -INT -- "-$pid" 2>/dev/null
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then not_ok "Ctrl-C stops make run"; kill -KILL -- "-$pid"; else ok "Ctrl-C stops make run"; fi
eq "nothing listens afterwards" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 000
check "no nginx or manyi-fcgi left running from the clone" bash -c "! pgrep -f '$T/clon[e]' >/dev/null"
contains "Ctrl-C says it stopped" "$(cat "$T/run.log")" "stopped"
lacks "and make reports no error" "$(cat "$T/run.log")" "Error 1"

# The processes of a running stack: nginx's master and workers, manyi-fcgi's
# supervisor and worker.
stack_pids() {
	local f p
	for f in nginx.master manyi-fcgi; do
		p=$(cat "$T/clone/var/$f.pid" 2>/dev/null) || continue
		echo "$p"
		pgrep -P "$p"
	done
}
alive() { local p n=0; for p in "$@"; do stack_alive "$p" && n=$((n + 1)); done; echo "$n"; }

# SIGTERM to the run script itself (a service manager, `kill PID`): it stops
# everything it started and exits 0, whichever process ends first.
check "tools/run.sh starts" run_up "$T/run2.log" tools/run.sh
pids=$(stack_pids)
check "nginx and manyi-fcgi run with their workers" test "$(wc -w <<<"$pids")" -ge 4
# Links name the port the stack serves on, not a default one.
key=$(cd "$T/clone" && bin/manyi key create --role evaluator 2>/dev/null)
url=$(curl -s -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"E-RUN-1","agency":"A01","domain":"market","size":"small","district":"d","occurred_on":"2022-05-01"}]' \
	"http://127.0.0.1:$PORT/api/v1/encounters" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["url"])' 2>&1)
contains "invitation links carry the port make run serves on" "$url" "http://127.0.0.1:$PORT/s/"
contains "make run says the links only work on this machine" "$(cat "$T/run2.log")" "MANYI_BASE_URL"
kill -TERM "$pid"
wait "$pid"
eq "SIGTERM to run.sh ends it with status 0" "$?" 0
contains "and it says it stopped" "$(cat "$T/run2.log")" "stopped"
eq "no process of the stack is left" "$(alive $pids)" 0
check "the pid files are gone" test ! -e "$T/clone/var/manyi-fcgi.pid" -a ! -e "$T/clone/var/nginx.master.pid"

# nginx gone first (killed, crashed): the stop still stops manyi-fcgi.
check "tools/run.sh starts again" run_up "$T/run3.log" tools/run.sh
pids=$(stack_pids)
kill -KILL "$(cat "$T/clone/var/nginx.master.pid")"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "run.sh notices that nginx ended" bash -c "! kill -0 $pid"
contains "and says so" "$(cat "$T/run3.log")" "nginx ended"
eq "and leaves no process of the stack behind" "$(alive $pids)" 0

# The port is taken by another server that answers /healthz too: make run
# must not claim to be running.
PORT=$(free_port)
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"{\"status\":\"ok\"}")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$PORT" &
other=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.1; done
(cd "$T/clone" && PORT="$PORT" timeout 60 tools/run.sh >"$T/run4.log" 2>&1)
rc=$?
check "run.sh fails when the port is taken (status $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
contains "and says the port is taken" "$(cat "$T/run4.log")" "port $PORT is already in use"
lacks "and does not claim to be running" "$(cat "$T/run4.log")" "manyi is running"
check "and leaves no manyi-fcgi running" bash -c "! pgrep -f '$T/clon[e]/bin/manyi-fcgi' >/dev/null"
kill "$other"

# A second make run in the same checkout, on a taken port or a free one,
# touches nothing of the first and says who is serving.
check "make run starts" run_up "$T/run5.log" make run
lacks "the compiler's lines are not shown (they go to build/build.log)" "$(cat "$T/run5.log")" "-Wall"
pids=$(stack_pids)
for port2 in "$PORT" "$(free_port)"; do
	out=$(cd "$T/clone" && PORT="$port2" timeout 60 make run 2>&1)
	contains "a second make run (port $port2) says another serves here" "$out" \
		"another make run is serving from this checkout (pid"
	contains "naming the first one's port" "$out" "port $PORT)"
	eq "the first one's processes all still run" "$(alive $pids)" "$(wc -w <<<"$pids")"
	eq "and it still answers" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 200
done
# SIGTERM to the whole group (as a terminal or a service manager sends it):
# run.sh stops everything and exits 0, make ends by the signal it was sent
# itself (143) without a word; no "Terminated" from make or the shell.
runsh=$(cut -d' ' -f1 "$T/clone/var/run.pid")
kill -TERM -- "-$pid"
# make passes a TERM of its own on to run.sh while run.sh is stopping.
kill -TERM "$runsh" 2>/dev/null
wait "$pid"
rc=$?
check "SIGTERM to make run's group: status 0 or make's own 143 (got $rc)" test "$rc" = 0 -o "$rc" = 143
# make ends at once; run.sh goes on stopping the stack for a moment.
# (stack_stop gives each program 10 s before SIGKILL: on a busy machine
# the whole stop can take a while.)
stopped_all() { grep -q '^stopped' "$T/run5.log" && [ "$(alive $pids)" = 0 ]; }
it_wait 60 stopped_all
contains "run.sh says it stopped" "$(cat "$T/run5.log")" "stopped"
lacks "no Terminated line" "$(cat "$T/run5.log")" "Terminated"
lacks "no error from make" "$(cat "$T/run5.log")" "make: ***"
eq "everything it started has ended" "$(alive $pids)" 0

# Killed outright: what make run started still ends, and the next make run
# starts cleanly.
check "make run starts again" run_up "$T/run6.log" make run
pids=$(stack_pids)
{ kill -KILL -- "-$pid"; wait "$pid"; } 2>/dev/null
gone=0
for _ in $(seq 100); do [ "$(alive $pids)" = 0 ] && { gone=1; break; }; sleep 0.1; done
eq "after SIGKILL to make run, nginx and manyi-fcgi end too" "$gone" 1
eq "nothing answers on its port" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 000
check "and a new make run starts in that checkout" run_up "$T/run7.log" make run
kill -INT -- "-$pid"
wait "$pid"
it_done
