#!/usr/bin/env bash
# A retried answer is stored once: POST /api/v1/responses with an
# Idempotency-Key gives the first answer's 201 and id again for the same
# body (from an app's key, the public channel and an invitation alike, and
# after the worker that stored it was killed), 422 for another body, 400
# for a key that is not one; eight copies sent at once store one answer.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
P=surveys/enforcement-public.json
key=$(evaluator_key)
body=$(python3 tests/integration/mkbody.py "$S")
count() { sql "SELECT count(*) FROM response"; }
# post IDEM BODY [curl args...]: the answer, with the key when IDEM is not empty.
post() {
	local idem=$1 b=$2; shift 2
	req POST /api/v1/responses -H 'Content-Type: application/json' \
		${idem:+-H "Idempotency-Key: $idem"} --data-binary "$b" "$@"
}
hdr() { grep -i "^$1:" <<<"$HEADERS" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

# An app's key.
post 7f3c9a2e-6b1d-4e0f-9a51-0c2d8e4b7a13 "$body" -H "Authorization: Bearer $key"
eq "an answer with an Idempotency-Key: 201" "$STATUS" 201
id1=$(json 'j["id"]')
eq "stored" "$(count)" 1
lacks "a first answer is not a replay" "$HEADERS" "Idempotent-Replayed"
post 7f3c9a2e-6b1d-4e0f-9a51-0c2d8e4b7a13 "$body" -H "Authorization: Bearer $key"
eq "the same key and body again: 201" "$STATUS" 201
eq "with the first answer's id" "$(json 'j["id"]')" "$id1"
eq "marked as a replay" "$(hdr Idempotent-Replayed)" "true"
eq "and nothing more stored" "$(count)" 1
conform POST /api/v1/responses

other=$(python3 tests/integration/mkbody.py "$S" answers.overall=2)
post 7f3c9a2e-6b1d-4e0f-9a51-0c2d8e4b7a13 "$other" -H "Authorization: Bearer $key"
eq "the same key with another body: 422" "$STATUS" 422
eq "named idempotency_key_reused" "$(json 'j["error"]["code"]')" idempotency_key_reused
eq "nothing stored" "$(count)" 1
conform POST /api/v1/responses
post "" "$body" -H "Authorization: Bearer $key"
eq "without a key every post is an answer" "$STATUS" 201
eq "two stored" "$(count)" 2

long=$(head -c 256 /dev/zero | tr '\0' k)
post "$long" "$body" -H "Authorization: Bearer $key"
eq "a key of 256 characters: 400" "$STATUS" 400
eq "named bad_idempotency_key" "$(json 'j["error"]["code"]')" bad_idempotency_key
post "schlüssel" "$body" -H "Authorization: Bearer $key"
eq "a key that is not ASCII: 400" "$STATUS" 400
eq "nothing stored by either" "$(count)" 2

# The public channel: a replay is no second answer from the address.
pbody=$(python3 tests/integration/mkbody.py "$P" agency=A03 domain=urban)
post public-1 "$pbody"
eq "a public answer with a key: 201" "$STATUS" 201
pid=$(json 'j["id"]')
post public-1 "$pbody"
eq "its retry: the same id" "$(json 'j["id"]')" "$pid"
eq "one public answer stored" "$(sql "SELECT count(*) FROM response WHERE survey_id='enforcement-public'")" 1

# An invitation: a retry is the first 201, not 409 token_used.
printf 'encounter_id,agency,domain,size,district,occurred_on\nE1,A01,market,small,鄂城区,2022-04-11\n' >"$T/enc.csv"
$MANYI import encounters "$T/enc.csv" >/dev/null
tok=$($MANYI invite --survey enforcement-enterprise --encounter E1 | tail -n +2 | cut -d, -f2 | tr -d '\r')
tbody=$(python3 tests/integration/mkbody.py "$S" token="\"$tok\"" -agency -domain)
post invited-1 "$tbody"
eq "an invited answer with a key: 201" "$STATUS" 201
tid=$(json 'j["id"]')
post invited-1 "$tbody"
eq "its retry: 201" "$STATUS" 201
eq "with the same id" "$(json 'j["id"]')" "$tid"
post invited-2 "$tbody"
eq "the used token under a new key is still 409" "$STATUS" 409

# Eight copies at once: one answer, one id.
n0=$(count)
pids=()
for i in $(seq 8); do
	curl -s -o "$T/par.$i" -w '%{http_code}\n' -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $key" -H "Idempotency-Key: burst-1" \
		--data-binary "$body" "$BASE/api/v1/responses" >"$T/par.$i.code" &
	pids+=($!)
done
wait "${pids[@]}"
eq "eight at once: all 201" "$(cat "$T"/par.*.code | sort -u | tr -d '\n')" 201
eq "one id among them" "$(cat "$T"/par.? | python3 -c 'import sys,json; print(len({json.loads(l)["id"] for l in sys.stdin.read().replace("}{","}\n{").splitlines()}))')" 1
eq "one answer stored for the eight" "$(count)" $((n0 + 1))

# The key outlives the worker that stored the answer (a crash after the
# commit, before the 201 reached the app).
post crash-1 "$body" -H "Authorization: Bearer $key"
cid=$(json 'j["id"]')
check "the killed worker is replaced" kill_worker
post crash-1 "$body" -H "Authorization: Bearer $key"
eq "after the worker was killed the retry is 201" "$STATUS" 201
eq "with the id stored before" "$(json 'j["id"]')" "$cid"

# What is kept: hashes and the hour, never the key itself.
eq "the key is kept as a hash" "$(sql "SELECT count(*) FROM idempotency WHERE CAST(key AS TEXT) LIKE '%crash-1%'")" 0
eq "at the hour" "$(sql "SELECT count(*) FROM idempotency WHERE at % 3600 != 0")" 0
it_done
