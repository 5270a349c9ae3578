#!/usr/bin/env bash
# A busy database is said to be busy, never read as "not found" or "unknown":
# while another connection (the sqlite3 shell) holds the write lock past
# the store's busy timeout (MANYI_BUSY_TIMEOUT_MS, short here), an answer
# by the API and by the form is 503 with Retry-After, a key's use that
# cannot be audited is 503, `manyi stats` exits 1 saying the database is
# busy; readers go on (WAL): the survey and the form are still served.
# Once the lock is gone, the same requests succeed.
export MANYI_BUSY_TIMEOUT_MS=300
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
P=surveys/enforcement-public.json
U=/s/enforcement-enterprise
key=$($MANYI key create --role evaluator 2>/dev/null)
body=$(python3 tests/integration/mkbody.py "$P" agency=A03 domain=urban)
hdr() { grep -i "^$1:" <<<"$HEADERS" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
count() { sql "SELECT count(*) FROM response"; }
answer() { req POST /api/v1/responses -H 'Content-Type: application/json' --data-binary "$body"; }
form() { python3 tests/integration/mkbody.py --form "$S" "$@"; }

req GET "$U"
TOKEN=$(field _csrf)
check "the form carries a CSRF token" test -n "$TOKEN"

# The lock: BEGIN EXCLUSIVE held open by a sqlite3 shell reading a fifo.
mkfifo "$T/lock"
sqlite3 "$DB" <"$T/lock" >"$T/lock.out" 2>&1 &
lockpid=$!
exec 9>"$T/lock"
echo "BEGIN EXCLUSIVE; INSERT INTO meta(key, value) VALUES ('busy_test', '1');" >&9
locked=no
for _ in $(seq 50); do
	if ! sqlite3 -cmd ".timeout 50" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; then
		locked=yes
		break
	fi
	sleep 0.1
done
eq "another connection holds the write lock" "$locked" yes

req GET /api/v1/surveys/enforcement-enterprise
eq "GET /api/v1/surveys/{id} still reads (WAL): 200, not 404" "$STATUS" 200
req GET "$U"
eq "the form still reads: 200" "$STATUS" 200

answer
eq "POST /api/v1/responses while locked: 503" "$STATUS" 503
eq "named busy" "$(json 'j["error"]["code"]')" busy
eq "with Retry-After" "$(hdr Retry-After)" 5
lacks "SQLite's text stays in the log" "$BODY" "locked"
conform POST /api/v1/responses

req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "$(form _csrf="$TOKEN" legality=5)"
eq "the form's POST while locked: 503, not 404 or 422" "$STATUS" 503
eq "with Retry-After" "$(hdr Retry-After)" 5
contains "a page saying the answer was not saved" "$BODY" "尚未保存"
lacks "no SQLite text on the page" "$BODY" "locked"

req GET "/api/v1/stats?survey=enforcement-enterprise" -H "Authorization: Bearer $key"
eq "a key's use that cannot be audited is refused: 503" "$STATUS" 503
eq "with Retry-After" "$(hdr Retry-After)" 5

$MANYI stats --survey enforcement-enterprise >"$T/out" 2>"$T/err"
eq "manyi stats while locked exits 1" "$?" 1
contains "saying the database is busy" "$(cat "$T/err")" "the database is busy, try again"
lacks "not an unknown survey" "$(cat "$T/err")" "unknown survey"

echo "ROLLBACK;" >&9
exec 9>&-
wait "$lockpid"

eq "nothing was stored while locked" "$(count)" 0
answer
eq "once the lock is gone, the answer is stored: 201" "$STATUS" 201
req GET "/api/v1/stats?survey=enforcement-enterprise" -H "Authorization: Bearer $key"
check "and the key's use is served" test "$STATUS" != 503
eq "and audited" "$(sql "SELECT count(*) FROM audit WHERE action LIKE 'GET /api/v1/stats%'")" 1
it_done
