#!/usr/bin/env bash
# Overload: 1,000 answers posted at the same moment.  Each one is either
# stored (201) or turned away with 503 and Retry-After, nothing stored;
# never a 502, never a 201 that is not in the database.  Then again with a
# queue of 4, so that 503s really come.  No timings are asserted.
. "$(dirname "$0")/lib.sh"
it_start

N=1000
S=surveys/enforcement-enterprise.json
python3 tests/integration/mkbody.py "$S" >"$T/answer.json"
python3 tests/integration/mkbody.py --form surveys/enforcement-public.json >"$T/answer.form"
# An evaluator's key: public-channel answers without one are limited per
# address, which is not what this test is about.
key=$(evaluator_key)
flood() { # N PATH [flood.py args...]: the JSON summary
	local n=$1 path=$2; shift 2
	python3 tests/integration/flood.py "$PORT" "$n" "$path" "$@" 2>"$T/flood.err" ||
		echo "{\"crashed\": \"$(head -c 200 "$T/flood.err" | tr -d '"\n')\"}"
}
post_answers() { # N: answers posted at once through the API
	flood "$1" /api/v1/responses --body "$T/answer.json" --mark '"overloaded"' \
		--header 'Content-Type: application/json' --header "Authorization: Bearer $key"
}
# field SUMMARY EXPR: a figure of the summary (`s`).
field() { python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
only_201_503() { field "$1" 'sorted(set(s["statuses"]) - {"201", "503"}) or "none"'; }
stored() { sql 'SELECT count(*) FROM response'; }

# 1. The default queue (1024) and backlog (4096) hold them all.
out=$(post_answers "$N")
echo "# default queue: $out"
eq "default queue: every connection answered" "$(field "$out" 's["failed"]')" 0
eq "default queue: statuses other than 201 and 503" "$(only_201_503 "$out")" none
c201=$(field "$out" 's["statuses"].get("201", 0)')
eq "default queue: every 201 is stored, and nothing else ($c201 of $N)" "$(stored)" "$c201"
eq "no answer is half stored" \
	"$(sql 'SELECT count(*) FROM response r WHERE NOT EXISTS (SELECT 1 FROM answer a WHERE a.response_id = r.id)')" 0

# 2. A queue of 4 and one serving thread: most are turned away.
stack_stop "$T/var"
MANYI_QUEUE=4 MANYI_THREADS=1 it_stack ||
	{ not_ok "restart with a queue of 4"; it_done; exit 1; }
contains "manyi-fcgi takes --queue" "$(cat "$T/var/log/manyi-fcgi.log")" "with 1 threads and a queue of 4"
before=$(stored)
out=$(post_answers "$N")
echo "# queue of 4: $out"
eq "queue of 4: every connection answered" "$(field "$out" 's["failed"]')" 0
eq "queue of 4: statuses other than 201 and 503 (no 502)" "$(only_201_503 "$out")" none
c201=$(field "$out" 's["statuses"].get("201", 0)')
c503=$(field "$out" 's["statuses"].get("503", 0)')
check "queue of 4: some were turned away ($c503 × 503)" test "$c503" -gt 0
eq "queue of 4: every 201 is stored, and nothing else ($c201 of $N)" "$(($(stored) - before))" "$c201"
eq "every 503 carries Retry-After" "$(field "$out" 's["503_retry_after"]')" "$c503"
eq "every 503 is the JSON error overloaded" "$(field "$out" 's["503_marked"]')" "$c503"
log=$(cat "$T/var/log/manyi-fcgi.log")
eq "each 503 is a request log line with its route" \
	"$(grep -c '"method":"POST","route":"api_responses","status":503' <<<"$log")" "$c503"
req GET /metrics
contains "the metrics count them as rejected: overloaded" "$BODY" \
	"manyi_submissions_rejected_total{reason=\"overloaded\"} $c503"
contains "and as 503 answers of the route" "$BODY" \
	"manyi_http_requests_total{route=\"api_responses\",code=\"503\"} $c503"

# The form, turned away: a page in the language asked for, not JSON; the
# bodies (a form post) are read, not cut off, so nginx passes our 503 on.
out=$(flood 300 '/s/enforcement-public?lang=en' --body "$T/answer.form" --mark 'The system is busy' \
	--header 'Content-Type: application/x-www-form-urlencoded')
echo "# form, queue of 4: $out"
f503=$(field "$out" 's["statuses"].get("503", 0)')
eq "form: no 502, every connection answered" \
	"$(field "$out" '(s["statuses"].get("502", 0), s["failed"])')" "(0, 0)"
check "form: some were turned away ($f503 × 503)" test "$f503" -gt 0
eq "form: each 503 is the busy page" "$(field "$out" 's["503_marked"]')" "$f503"

# Large bodies (over the socket's buffer), turned away or refused: the
# application reads what nginx sends, so nginx never answers 502.
head -c 1000000 /dev/zero | tr '\0' x >"$T/big"
out=$(flood 200 /api/v1/responses --body "$T/big" --header 'Content-Type: application/json' \
	--header "Authorization: Bearer $key")
echo "# 1 MB bodies, queue of 4: $out"
eq "1 MB bodies: only 413 and 503" \
	"$(field "$out" 'sorted(set(s["statuses"]) - {"413", "503"}) or s["failed"] or "none"')" none

eq "nginx wrote no error with an address or a request line" \
	"$(grep -cE 'client: |request: ' "$T/var/log/nginx-error.log")" 0
it_done
