# Shared by the integration tests: a real stack (nginx → manyi-fcgi →
# SQLite file) on a free loopback port, curl helpers, TAP output.
# Source it, call it_start, write checks, end with it_done.
set -u
it_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$it_top"
BIN=${BIN:-bin}
case "$BIN" in /*) ;; *) BIN=$it_top/$BIN ;; esac
export BIN
. "$it_top/tools/stack.sh"

T=$(mktemp -d /tmp/manyi-it.XXXXXX)
DB=$T/manyi.db
MANYI="$BIN/manyi --db $DB"
it_n=0
it_failed=0

it_cleanup() {
	stack_stop "$T/var" >/dev/null 2>&1
	if [ "$it_failed" -eq 0 ]; then rm -rf "$T"; else echo "# state kept in $T"; fi
}
trap it_cleanup EXIT

# A loopback port nothing is bound to, drawn at random below the kernel's
# range of ephemeral ports.  A port from that range (what binding port 0
# gives) is where outgoing connections take their local ports, so curl,
# a benchmark or someone else's tests could take it between this call and
# nginx's bind; below it only a listener can, and it_stack tries again then.
free_port() {
	python3 -c '
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(500):
    port = random.randrange(10000, low) if low > 11000 else 0
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port if port else s.getsockname()[1])
    break
'
}

ok() { it_n=$((it_n + 1)); echo "ok $it_n - $1"; }
not_ok() {
	it_n=$((it_n + 1)); it_failed=$((it_failed + 1))
	echo "not ok $it_n - $1"; shift
	local l; for l in "$@"; do echo "#   $l"; done
}
# check DESC COMMAND... : passes when the command succeeds.
check() {
	local d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d" "command failed: $*"; fi
}
# eq DESC ACTUAL EXPECTED
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $3" "got:      $2"; fi
}
# has DESC FILE-OR-STRING NEEDLE : the body contains the needle (fixed string).
contains() {
	if grep -qF -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1" "missing: $3" "in: $(head -c 400 <<<"$2")"; fi
}
lacks() {
	if grep -qF -- "$3" <<<"$2"; then not_ok "$1" "unexpected: $3"; else ok "$1"; fi
}

# A database with the demo registry and the shipped surveys.
it_db() {
	$MANYI init >/dev/null &&
	$MANYI import domains tools/demo/domains.csv >/dev/null &&
	$MANYI import agencies tools/demo/agencies.csv >/dev/null &&
	$MANYI survey load surveys/*.json >/dev/null
}

# it_stack: start the stack on $PORT (a free port when PORT is empty or
# unset) and set BASE.  A port someone else took since free_port (another
# checkout's tests, a benchmark) is not our failure: what started is stopped
# and the start tried again on another port.  Environment for stack_start
# (MANYI_QUEUE=4 it_stack) passes through.  Returns 1 with the reason on
# stderr when the stack cannot start.
it_stack() {
	local try err=$T/stack-start.err
	for try in 1 2 3 4 5 6; do
		[ -n "${PORT:-}" ] || PORT=$(free_port)
		BASE=http://127.0.0.1:$PORT
		stack_start "$T/var" "$PORT" "$DB" 2>"$err" && return 0
		stack_stop "$T/var"
		grep -q 'already in use' "$err" || break
		echo "# port $PORT was taken (try $try); another one"
		PORT=
	done
	cat "$err" >&2
	return 1
}

it_start() {
	it_db || { not_ok "set up the database"; exit 1; }
	PORT=
	it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }
}

# req METHOD PATH [curl args...]: sets STATUS, BODY, HEADERS; cookies kept in $T/jar.
req() {
	local m=$1 p=$2; shift 2
	rm -f "$T/body" "$T/headers"
	: >"$T/body"
	local how=(-X "$m" -o "$T/body")
	# curl -X HEAD would wait for the Content-Length bytes; -I prints the head as output.
	[ "$m" = HEAD ] && how=(-I -o /dev/null)
	STATUS=$(curl -sS "${how[@]}" -D "$T/headers" -w '%{http_code}' \
		-b "$T/jar" -c "$T/jar" "$@" "$BASE$p")
	BODY=$(tr -d '\0' <"$T/body")
	HEADERS=$(cat "$T/headers")
}

# api KEY METHOD PATH [curl args...]: req with the key as a Bearer token (none when empty).
api() { local k=$1; shift; req "$@" ${k:+-H "Authorization: Bearer $k"}; }

# json EXPR: evaluate a Python expression on the parsed last BODY as `j`.
json() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1"
}

sql() { sqlite3 "$DB" "$1"; }

# tap_compare MIN COMMAND...: each line COMMAND prints (a comparison with R,
# say) is a check: "PASS<TAB>what" or "FAIL<TAB>what<TAB>why"; anything else
# fails, and so do fewer than MIN lines.
tap_compare() {
	local min=$1 seen=0 f
	shift
	while IFS=$'\t' read -r -a f; do
		case "${f[0]}" in
		PASS) ok "${f[1]}" ;;
		FAIL) not_ok "${f[@]:1}" ;;
		*) not_ok "$(basename "$2") said: ${f[*]}" ;;
		esac
		seen=$((seen + 1))
	done < <("$@" 2>&1)
	[ "$seen" -ge "$min" ] || not_ok "$(basename "$2") checked all $min cases" "only $seen checks"
}

# it_wait SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
# (true) or SECONDS of clock time have passed (false).  For what happens at
# its own pace -- a log line written after the response, a worker
# restarted, a process ended -- where a fixed sleep assumes a quiet machine.
it_wait() {
	local until=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$until" ] || return 1
		sleep 0.1
	done
}

# kill_worker: SIGKILL manyi-fcgi's worker process and wait (30 s by the
# clock) until the supervisor's new worker answers /healthz; fails if none does.
kill_worker() {
	local sup old
	sup=$(cat "$T/var/manyi-fcgi.pid")
	old=$(pgrep -P "$sup" | head -1)
	kill -KILL "$old"
	worker_replaced() {
		local w
		w=$(pgrep -P "$sup" | head -1)
		[ -n "$w" ] && [ "$w" != "$old" ] &&
			[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]
	}
	it_wait 30 worker_replaced
}

# evaluator_key, agency_key CODE: print a new API key of $DB (nothing, and
# the reason on stderr, when it cannot be made).
evaluator_key() { $MANYI key create --role evaluator 2>"$T/key.err" || cat "$T/key.err" >&2; }
agency_key() { $MANYI key create --role agency --agency "$1" 2>"$T/key.err" || cat "$T/key.err" >&2; }

# signin FIELDS...: POST /signin with the form fields (curl --data-urlencode
# arguments, e.g. key=mk_...) and no cookie jar; SESSION is the session token
# the answer sets ("" when it sets none); STATUS, BODY, HEADERS as req's.
signin() {
	local a=() f
	for f in "$@"; do a+=(--data-urlencode "$f"); done
	rm -f "$T/body" "$T/headers"
	STATUS=$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' "${a[@]}" "$BASE/signin")
	BODY=$(cat "$T/body")
	HEADERS=$(tr -d '\r' <"$T/headers")
	SESSION=$(sed -n 's/^[Ss]et-[Cc]ookie: manyi_session=\([A-Za-z0-9_-]*\);.*/\1/p' <<<"$HEADERS" | head -1)
}
# session_csrf TOKEN: the CSRF token of a session (GET /api/v1/session).
session_csrf() {
	curl -sS -H "Cookie: manyi_session=$1" "$BASE/api/v1/session" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}

# field NAME: the value of the form's <input name="NAME"> in the last BODY.
field() { python3 -c 'import re,sys,html
for tag in re.findall(r"<input[^>]*>", sys.stdin.read()):
    if re.search(r"name=\"" + re.escape(sys.argv[1]) + r"\"", tag):
        print(html.unescape(re.search(r"value=\"([^\"]*)\"", tag).group(1)))' "$1" <<<"$BODY"; }

# conform METHOD TEMPLATE: the last response matches the OpenAPI document
# ($OPENAPI, else the one in www/).
conform() {
	local out
	if out=$(/usr/bin/python3 tests/integration/openapi_check.py "${OPENAPI:-www/api/v1/openapi.json}" \
		"$1" "$2" "$STATUS" "$T/body" 2>&1); then
		ok "$1 $2 $STATUS matches the OpenAPI document"
	else
		not_ok "$1 $2 $STATUS matches the OpenAPI document" "$out"
	fi
}

it_done() {
	echo "1..$it_n"
	[ "$it_failed" -eq 0 ]
}
