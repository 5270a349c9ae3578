#!/usr/bin/env bash
# `make run` from a clean clone: builds, creates var/manyi.db with the demo
# registry and the surveys, answers /healthz and the form, stops on Ctrl-C.
. "$(dirname "$0")/lib.sh"

git clone -q "$it_top" "$T/clone" || { not_ok "clone the repository"; it_done; exit 1; }
# The clone builds the committed tree; test the working tree's scripts and
# sources when they differ (a developer running make test before committing).
git -C "$it_top" ls-files -z --cached --others --exclude-standard |
	(cd "$it_top" && xargs -0 cp --parents -t "$T/clone" 2>/dev/null)
PORT=$(free_port)
(cd "$T/clone" && exec setsid make run PORT="$PORT" >"$T/run.log" 2>&1) &
pid=$!
up=0
for _ in $(seq 1200); do
	if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then up=1; break; fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.25
done
eq "make run answers /healthz" "$up" 1
[ "$up" = 1 ] || tail -20 "$T/run.log" | sed 's/^/#   /'
eq "the health body" "$(curl -s "http://127.0.0.1:$PORT/healthz")" '{"status":"ok"}'
eq "the enterprise form is served" \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/s/enforcement-enterprise")" 200
contains "make run prints the URLs" "$(cat "$T/run.log")" "http://127.0.0.1:$PORT/s/enforcement-enterprise"
check "the database is under var/" test -f "$T/clone/var/manyi.db"
eq "with the demo registry" "$(sqlite3 "$T/clone/var/manyi.db" 'SELECT count(*) FROM domain')" 22
eq "and both surveys" "$(sqlite3 "$T/clone/var/manyi.db" 'SELECT count(DISTINCT id) FROM survey')" 2
# Ctrl-C reaches the whole foreground process group.
kill -INT -- "-$pid" 2>/dev/null
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then not_ok "Ctrl-C stops make run"; kill -KILL -- "-$pid"; else ok "Ctrl-C stops make run"; fi
eq "nothing listens afterwards" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 000
check "no nginx or manyi-fcgi left running from the clone" bash -c "! pgrep -f '$T/clon[e]' >/dev/null"
it_done
