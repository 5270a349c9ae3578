#!/usr/bin/env bash
# POST /api/v1/responses through nginx and manyi-fcgi: every status of
# CONTRACT §4, stored values, and nothing stored on any rejection.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
P1=$(python3 -c 'import json;d=json.load(open("'$S'"));print([o["value"] for i in d["items"] if i["id"]=="problems" for o in i["options"]][0])')
P2=$(python3 -c 'import json;d=json.load(open("'$S'"));print([o["value"] for i in d["items"] if i["id"]=="problems" for o in i["options"]][1])')

good() { python3 tests/integration/mkbody.py "$S" "$@"; }
post() { req POST /api/v1/responses -H 'Content-Type: application/json' --data-binary "$1"; }
count() { sql "SELECT count(*) FROM response"; }

post "$(good answers.legality=5 answers.civility=na)"
eq "a good answer is 201" "$STATUS" 201
id=$(json 'j["id"]')
check "the id is opaque (22 url-safe characters)" grep -qE '^[A-Za-z0-9_-]{22}$' <<<"$id"
contains "201 is JSON" "$HEADERS" "application/json; charset=utf-8"
rid=$(sql "SELECT id FROM response WHERE public_id='$id'")
eq "the response is stored with its context" \
	"$(sql "SELECT survey_id, survey_version, channel, agency, domain FROM response WHERE id=$rid")" \
	"enforcement-enterprise|1|api|A01|market"
eq "scale answers are stored" "$(sql "SELECT num FROM answer WHERE response_id=$rid AND item='legality'")" 5
eq "not applicable is stored as missing" \
	"$(sql "SELECT coalesce(num,'NULL'), na FROM answer WHERE response_id=$rid AND item='civility'")" "NULL|1"
E1=$(python3 -c 'import json;d=json.load(open("'$S'"));print([o["value"] for i in d["items"] if i["id"]=="encounter_type" for o in i["options"]][0])')
eq "a choice is stored" "$(sql "SELECT text FROM answer WHERE response_id=$rid AND item='encounter_type'")" "$E1"
eq "every multi option is stored" \
	"$(sql "SELECT group_concat(text, ';') FROM (SELECT text FROM answer WHERE response_id=$rid AND item='problems' ORDER BY seq)")" "$P1;$P2"
eq "free text is stored as sent" "$(sql "SELECT text FROM answer WHERE response_id=$rid AND item='comment'")" '执法人员态度很好 <b>"ok"</b>'

n0=$(count)
# bad inputs: STATUS CODE DESCRIPTION BODY [FIELD EXPECTED-FIELD-CODE]
bad() {
	local want=$1 desc=$2 body=$3 field=${4:-} fcode=${5:-}
	post "$body"
	eq "$desc: status $want" "$STATUS" "$want"
	eq "$desc: error shape" "$(json '"code" in j["error"] and "message" in j["error"]')" True
	if [ -n "$field" ]; then
		eq "$desc: names $field" \
			"$(json "[f['code'] for f in j['error']['fields'] if f['field']=='$field']")" "['$fcode']"
	fi
	eq "$desc: nothing stored" "$(count)" "$n0"
}
bad 400 "malformed JSON" '{"survey":'
bad 400 "trailing garbage" "$(good) x"
bad 400 "not an object" '[1,2]'
bad 400 "answers not an object" '{"survey":"enforcement-enterprise","answers":[]}'
bad 400 "survey missing" '{"answers":{}}'
bad 400 "invalid UTF-8" "$(printf '{"survey":"enforcement-enterprise","agency":"A01","domain":"market","answers":{"comment":"\xff\xfe"}}')"
bad 422 "unknown survey" '{"survey":"no-such-survey","answers":{"overall":4}}' survey unknown_survey
bad 422 "scale out of range" "$(good answers.overall=6)" overall out_of_range
bad 422 "scale zero" "$(good answers.legality=0)" legality out_of_range
bad 422 "scale not a whole number" "$(good answers.legality=4.5)" legality not_integer
bad 422 "scale as a string" "$(good 'answers.legality="5"')" legality wrong_type
bad 422 "scale as a boolean" "$(good answers.legality=true)" legality wrong_type
bad 422 "na where not allowed" "$(good answers.overall=na)" overall na_not_allowed
bad 422 "unknown choice option" "$(good answers.encounter_type=raid)" encounter_type unknown_option
bad 422 "unknown multi option" "$(good "answers.problems=[\"$P1\",\"bribes-galore\"]")" problems unknown_option
bad 422 "multi not an array" "$(good "answers.problems=$P1")" problems wrong_type
bad 422 "unknown item" "$(good answers.favourite_colour=blue)" favourite_colour unknown_item
bad 422 "missing required answer" "$(good -answers.legality)" legality required
long=$(head -c 2001 /dev/zero | tr '\0' 'x')
bad 422 "over-long text" "$(good answers.comment=$long)" comment too_long
bad 422 "control characters in text" "$(good 'answers.comment="bell \u0007 here"')" comment control_chars
bad 422 "unknown agency" "$(good agency=Z99)" agency unknown_option
bad 422 "missing domain" "$(good -domain)" domain required
bad 422 "unknown token" "$(good token=abc)" token unknown_token

req POST /api/v1/responses -H 'Content-Type: text/plain' --data-binary "$(good)"
eq "wrong content type is 415" "$STATUS" 415
big=$(python3 -c 'print("{\"survey\":\"enforcement-enterprise\",\"answers\":{\"comment\":\"" + "x"*70000 + "\"}}")')
post "$big"
eq "an oversized body is 413" "$STATUS" 413
eq "413 is the JSON error shape" "$(json 'j["error"]["code"]')" too_large
eq "nothing stored after the rejections" "$(count)" "$n0"

req DELETE /api/v1/responses
eq "DELETE on the answers route is 405" "$STATUS" 405
contains "405 says which methods are allowed" "$HEADERS" "Allow: GET, HEAD, POST"
req GET /api/v1/responses
eq "reading answers needs a key" "$STATUS" 401
req GET /api/v1/nothing-here
eq "unknown API route is 404 JSON" "$STATUS/$(json 'j["error"]["code"]')" "404/not_found"

# The public survey takes the same path.
post '{"survey":"enforcement-public","agency":"A03","domain":"urban","answers":{"overall":5,"legality":4,"procedure":4,"fairness":5,"civility":5,"efficiency":4,"transparency":4,"integrity":5,"disruption":5}}'
eq "the public survey accepts a good answer" "$STATUS" 201

req GET /healthz
eq "healthz answers" "$STATUS $BODY" '200 {"status":"ok"}'
# Padding by script: answers without an invitation are the public channel,
# at most 20 an hour from one address, as on the form.
n0=$(count)
codes=""
for i in $(seq 25); do
	post "$(good answers.overall=5)"
	codes="$codes $STATUS"
done
stored=$(( $(count) - n0 ))
check "public answers from one address stop at the hourly limit" test "$stored" -le 20
contains "then 429" "$codes" "429"
contains "with the JSON code" "$BODY" '"too_many_answers"'
contains "and when to come back" "$HEADERS" "Retry-After:"
eq "nothing stored past the limit" "$(count)" "$((n0 + stored))"
ekey=$(evaluator_key)
akey=$(agency_key A03)
req POST /api/v1/responses -H 'Content-Type: application/json' -H "Authorization: Bearer $ekey" --data-binary "$(good)"
eq "an app with an evaluator key posts for many people" "$STATUS" 201
req POST /api/v1/responses -H 'Content-Type: application/json' -H "Authorization: Bearer $akey" --data-binary "$(good)"
eq "an agency key cannot submit answers (an agency does not rate itself)" "$STATUS/$(json 'j["error"]["code"]')" "403/forbidden"
req POST /api/v1/responses -H 'Content-Type: application/json' -H "Authorization: Bearer mk_nonsense" --data-binary "$(good)"
eq "a wrong key is 401, not a silent public answer" "$STATUS" 401
it_done
