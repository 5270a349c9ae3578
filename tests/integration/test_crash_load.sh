#!/usr/bin/env bash
# Answers under load survive a crash: threads post answers, each with a
# fresh invitation token, while the worker process is killed with SIGKILL
# at random moments (and once the whole manyi-fcgi, supervisor and worker,
# which is then started again).  Every answer that got 201 is in the
# database under the id it was given, no encounter has two answers, and the
# database is sound.  The group commit (src/web/commit.c) acknowledges no
# answer before the COMMIT that holds it: this is the test of that promise.
# (SIGKILL ends a process, not the machine: what the kernel holds for the
# files survives it.  That the COMMIT's fsync reaches the disk is SQLite's
# part, with synchronous=FULL.)
. "$(dirname "$0")/lib.sh"
it_start

# Enough invitations that the load outlasts the kills on a fast, quiet
# machine (10,000 were all spent before the last kill's check there); the
# load stops once that check has passed, so more only costs the set-up.
N=${CRASH_ANSWERS:-40000}
python3 - "$N" >"$T/enc.csv" <<'PY'
import sys
print("encounter_id,agency,domain,size,district,occurred_on,outcome")
for i in range(int(sys.argv[1])):
    print(f"L{i},A01,market,small,x,2022-04-11,")
PY
check "encounters import" $MANYI import encounters "$T/enc.csv"
$MANYI invite --survey enforcement-enterprise --uninvited 2>/dev/null | tail -n +2 | tr -d '\r' |
	cut -d, -f1,2 >"$T/tokens"
eq "an invitation for each encounter" "$(wc -l <"$T/tokens")" "$N"
python3 tests/integration/mkbody.py surveys/enforcement-enterprise.json -agency -domain token=@TOKEN@ \
	>"$T/body.json"

# The load: 16 threads take the next token and post its answer once (no
# retries), writing "encounter status id" for each, until $T/stop
# appears (or the tokens are used up).  A refused connection or a cut one
# is "err".
cat >"$T/load.py" <<'PY'
import http.client, json, os, sys, threading, time
T, port = sys.argv[1], int(sys.argv[2])
tokens = [l.split(",") for l in open(T + "/tokens").read().split()]
body = open(T + "/body.json").read()
lock = threading.Lock()
out = open(T + "/results", "w")
left = iter(tokens)

def post(token):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("POST", "/api/v1/responses", body.replace("@TOKEN@", token).encode(),
                  {"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        pid = json.loads(data).get("id", "-") if r.status == 201 else "-"
        return str(r.status), pid
    except Exception:
        return "err", "-"
    finally:
        c.close()

def run():
    while not os.path.exists(T + "/stop"):
        with lock:
            nxt = next(left, None)
        if nxt is None:
            return
        status, pid = post(nxt[1])
        with lock:
            out.write(f"{nxt[0]} {status} {pid}\n")
            out.flush()
        # While manyi-fcgi is down nginx refuses at once: a client that
        # waits a moment does not spend every invitation on 502s before
        # the stack is back (the test needs answers after the last kill).
        if status != "201":
            time.sleep(0.2)

threads = [threading.Thread(target=run) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
PY
python3 "$T/load.py" "$T" "$PORT" &
load=$!

answered() { [ "$(grep -c ' 201 ' "$T/results" 2>/dev/null)" -ge "$1" ]; }
# pause: until the load has had SOME more answers stored (or 10 s), and a
# random moment more, so that the kill falls in the middle of batches.
pause() {
	local now
	now=$(grep -c ' 201 ' "$T/results" 2>/dev/null)
	it_wait 10 answered $((now + 100 + RANDOM % 200))
	sleep "0.$((RANDOM % 10))"
}

for i in 1 2 3; do
	pause
	check "the worker killed under load ($i) is replaced" kill_worker
done

# The whole manyi-fcgi at once, then started again on the same socket (nginx
# stays up and answers 502 meanwhile), as a service manager would.
pause
sup=$(cat "$T/var/manyi-fcgi.pid")
disown "$sup" 2>/dev/null # no "Killed" notice from the shell that started it
kill -KILL -- "-$sup"
# Gone: no process of its group left, and its socket refuses connections
# (the kernel closes a dead process's descriptors a moment after it dies,
# longer under AddressSanitizer; until then the socket still takes them).
refused() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except (ConnectionRefusedError, FileNotFoundError):
    sys.exit(0)
except OSError:
    sys.exit(1)
sys.exit(1)' "$T/var/manyi.sock"
}
gone() { [ -z "$(stack_group "$sup")" ] && refused; }
check "manyi-fcgi killed whole" it_wait 30 gone
shell=$BASHPID
setsid "$BIN/manyi-fcgi" --db "$DB" --socket "$T/var/manyi.sock" --die-with-parent="$shell" \
	>>"$T/var/log/manyi-fcgi.log" 2>&1 &
echo $! >"$T/var/manyi-fcgi.pid"
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; }
check "manyi-fcgi started again serves" it_wait 30 healthy
pause
check "the worker killed under load (4) is replaced" kill_worker

# Some more answers after the last kill, then the load stops.
after=$(grep -c ' 201 ' "$T/results")
check "answers are stored after the last kill" it_wait 30 answered $((after + 300))
touch "$T/stop"
wait "$load"
eq "the load ended" "$?" 0

total=$(wc -l <"$T/results")
created=$(grep -c ' 201 ' "$T/results")
echo "# $total answers posted: $created 201, $(grep -c ' err ' "$T/results") cut, $(grep -cE ' 50[0-9] ' "$T/results") 5xx"
others=$(awk '$2 != 201 && $2 != "err" && $2 !~ /^50[234]$/' "$T/results" | head -3)
eq "every reply is 201, 502, 503, 504 or a cut connection" "$others" ""

# Every 201 is in the database: its encounter's answer, under its id.
awk '$2 == 201 {print $1 "|" $3}' "$T/results" | sort >"$T/acked"
sql "SELECT encounter_id || '|' || public_id FROM response" | sort >"$T/stored"
eq "every acknowledged answer is stored under its id" "$(comm -23 "$T/acked" "$T/stored" | head -3)" ""
eq "no encounter has two answers" \
	"$(sql 'SELECT encounter_id FROM response GROUP BY encounter_id HAVING count(*) > 1' | head -3)" ""
eq "nothing else is stored" "$(sql "SELECT count(*) FROM response WHERE encounter_id NOT LIKE 'L%'")" 0
unacked=$(($(wc -l <"$T/stored") - created))
echo "# $unacked answers stored without a 201 (committed, then the reply was lost with the worker)"
check "stored answers do not outnumber those posted" test "$(wc -l <"$T/stored")" -le "$total"
eq "the database is sound" "$(sql 'PRAGMA integrity_check')" ok
eq "every used invitation has its answer" \
	"$(sql 'SELECT count(*) FROM invitation i WHERE used_at IS NOT NULL AND NOT EXISTS
	        (SELECT 1 FROM response r WHERE r.encounter_id = i.encounter_id)')" 0

it_done
