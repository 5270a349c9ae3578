#!/usr/bin/env bash
# Each role against each route, through nginx: no key, a made-up key, a
# revoked key, an agency key (A01) for its own and for another agency's
# things, an evaluator key; then the session cookie of each allowed key
# (POST /signin), which must get what its key gets (a POST with the
# session's X-CSRF-Token).  The table below is the access rule of
# CONTRACT §4; every cell is one request.  Then what an allowed agency key
# gets back: its own groups only, never a comment or a respondent's row.
. "$(dirname "$0")/lib.sh"
it_start

python3 tools/gen_encounters.py 1500 5 >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
python3 - "$T/e.csv" "$T/a.csv" <<'PY'
import csv, random, sys
r = random.Random(3)
rows = list(csv.DictReader(open(sys.argv[1])))
items = ["legality","procedure","fairness","civility","efficiency","transparency","integrity","disruption","overall"]
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + ",".join(items) + ",comment\n")
    for e in r.sample(rows, 500):
        f.write("%s,,,,phone,2022-06-01T10:00:00+08:00,%s,SECRET-COMMENT %s\n"
                % (e["encounter_id"], ",".join(str(r.choice([2, 3, 4, 5])) for _ in items), e["agency"]))
PY
$MANYI import responses --survey enforcement-enterprise "$T/a.csv" >/dev/null
unanswered="id NOT IN (SELECT encounter_id FROM response WHERE encounter_id IS NOT NULL)"
own=$(sql "SELECT id FROM encounter WHERE agency = 'A01' AND $unanswered LIMIT 1")
other=$(sql "SELECT id FROM encounter WHERE agency = 'A02' AND $unanswered LIMIT 1")
$MANYI invite --survey enforcement-enterprise --uninvited >/dev/null 2>&1

declare -A KEY
KEY[none]=""
KEY[madeup]="mk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
KEY[evaluator]=$(evaluator_key)
KEY[agency]=$(agency_key A01)
KEY[revoked]=$(evaluator_key)
$MANYI key revoke "${KEY[revoked]:3:12}" >/dev/null
ROLES="none madeup revoked agency evaluator"
# Issue 15: the bad ratings above opened follow-up cases; one of another agency's.
fu_other=$(sql "SELECT code FROM followup WHERE agency = 'A02' LIMIT 1")
fu_own=$(sql "SELECT code FROM followup WHERE agency = 'A01' LIMIT 1")
[ -n "$fu_other" ] && [ -n "$fu_own" ] || not_ok "the answers opened follow-up cases of A01 and A02"
off() { # CERT AGENCY: a one-officer registration body
	printf '[{"cert_no":"%s","name":"张三","agency":"%s","status":"valid","valid_until":"2030-12-31"}]' "$1" "$2"
}
declare -A SES CS
for role in agency evaluator; do
	signin "key=${KEY[$role]}"
	SES[$role]=$SESSION
	CS[$role]=$(session_csrf "$SESSION")
done

enc() { # ID AGENCY: a one-encounter registration body
	printf '[{"encounter_id":"%s","agency":"%s","domain":"market","size":"small","district":"x","occurred_on":"2022-01-01"}]' "$1" "$2"
}
E=enforcement-enterprise
# Tokens to render QR codes and notices from (a POST mints them).
api "${KEY[evaluator]}" POST /api/v1/invitations -H 'Content-Type: application/json' \
	--data-binary "{\"encounters\":[\"$own\",\"$other\"]}"
town=$(json 'j["invitations"][0]["token"]')
tother=$(json 'j["invitations"][1]["token"]')
# route | method | path | body | expected status for: none madeup revoked agency evaluator
while IFS='|' read -r name method path body want; do
	[ -n "$name" ] || continue
	set -- $want
	w=($want)
	for role in $ROLES; do
		expect=$1; shift
		b=${body//@ROLE@/$role}
		if [ -n "$b" ]; then
			api "${KEY[$role]}" "$method" "$path" -H 'Content-Type: application/json' --data-binary "$b"
		else
			api "${KEY[$role]}" "$method" "$path"
		fi
		eq "$name as $role: $expect" "$STATUS" "$expect"
		if [ "$STATUS" -ge 400 ] && [ "$method" != HEAD ] && [[ "$path" == /api/* ]]; then
			code=$(json 'j["error"]["code"]' 2>/dev/null)
			[ -n "$code" ] || not_ok "$name as $role: the error is JSON {\"error\": {\"code\", \"message\"}}" "$BODY"
		fi
	done
	for role in agency evaluator; do
		if [ $role = agency ]; then expect=${w[3]}; else expect=${w[4]}; fi
		b=${body//@ROLE@/${role}_cookie}
		how=(-H "Cookie: manyi_session=${SES[$role]}" -H "X-CSRF-Token: ${CS[$role]}")
		if [ -n "$b" ]; then
			req "$method" "$path" "${how[@]}" -H 'Content-Type: application/json' --data-binary "$b"
		else
			req "$method" "$path" "${how[@]}"
		fi
		eq "$name with the $role key's session cookie: $expect" "$STATUS" "$expect"
	done
done <<EOF
stats|GET|/api/v1/stats?survey=$E&by=agency||401 401 401 200 200
fieldwork|GET|/api/v1/fieldwork?survey=$E&by=agency||401 401 401 200 200
export|GET|/api/v1/export?survey=$E&format=csv||401 401 401 403 200
responses|GET|/api/v1/responses?survey=$E||401 401 401 403 200
encounters (own agency)|POST|/api/v1/encounters|$(enc 'N-@ROLE@-1' A01)|401 401 401 201 201
encounters (another agency)|POST|/api/v1/encounters|$(enc 'N-@ROLE@-2' A02)|401 401 401 403 201
invitation (own)|POST|/api/v1/encounters/$own/invitations||401 401 401 201 201
invitation (another's)|POST|/api/v1/encounters/$other/invitations||401 401 401 403 201
invitations (another's among them)|POST|/api/v1/invitations|{"encounters":["$own","$other"]}|401 401 401 201 201
invitations (another's only)|POST|/api/v1/invitations|{"encounters":["$other"]}|401 401 401 403 201
qr.svg (own)|GET|/api/v1/encounters/$own/qr.svg?t=$town||401 401 401 200 200
qr.png (another's)|GET|/api/v1/encounters/$other/qr.png?t=$tother||401 401 401 403 200
qr.svg HEAD (own)|HEAD|/api/v1/encounters/$own/qr.svg?t=$town||401 401 401 200 200
notice (own)|GET|/api/v1/encounters/$own/notice?t=$town||401 401 401 200 200
notice (another's)|GET|/api/v1/encounters/$other/notice?t=$tother||401 401 401 403 200
notices (another's among them)|GET|/api/v1/notices?t=$town,$tother||401 401 401 403 200
surveys|GET|/api/v1/surveys||200 200 200 200 200
survey|GET|/api/v1/surveys/$E||200 200 200 200 200
registry|GET|/api/v1/registry||200 200 200 200 200
public stats (nothing published)|GET|/api/v1/public/stats?survey=$E||404 404 404 404 404
publications|GET|/api/v1/public/publications?survey=$E||200 200 200 200 200
followups|GET|/api/v1/followups||401 401 401 200 200
followup (own agency's)|GET|/api/v1/followups/$fu_own||401 401 401 200 200
followup (another agency's)|GET|/api/v1/followups/$fu_other||401 401 401 404 200
followup reply (another agency's)|POST|/api/v1/followups/$fu_other/reply|{"action":"explain","note":"x"}|401 401 401 404 403
followup review (evaluator only)|POST|/api/v1/followups/$fu_own/review|{"action":"accept"}|401 401 401 403 409
followup contact (evaluator only)|GET|/api/v1/followups/$fu_own/contact||401 401 401 403 404
followup indicators|GET|/api/v1/followup/indicators||401 401 401 200 200
complaints|GET|/api/v1/complaints||401 401 401 200 200
complaint categories|GET|/api/v1/complaint-categories||200 200 200 200 200
officers (own agency)|POST|/api/v1/officers|$(off 'C-@ROLE@-1' A01)|401 401 401 201 201
officers (another agency)|POST|/api/v1/officers|$(off 'C-@ROLE@-2' A02)|401 401 401 403 201
officer stats|GET|/api/v1/officers/stats?survey=$E||401 401 401 403 200
officer lookup|GET|/api/v1/public/officers?q=C-evaluator-1||200 200 200 200 200
form|GET|/s/enforcement-public||200 200 200 200 200
healthz|GET|/healthz||200 200 200 200 200
EOF

# What an agency key is allowed to read, it reads for its own agency only.
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain"
eq "agency stats: every group is A01's" "$(json 'sorted({g["by"]["agency"] for g in j["groups"]})')" "['A01']"
lacks "agency stats: no comment" "$BODY" "SECRET-COMMENT"
lacks "agency stats: no encounter id" "$BODY" "$own"
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=agency,domain"
eq "agency stats by agency and domain: still A01 only" "$(json 'sorted({g["by"]["agency"] for g in j["groups"]})')" "['A01']"
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain,size"
eq "agency stats with two other columns: 403 rather than other agencies" "$STATUS" 403
api "${KEY[evaluator]}" GET "/api/v1/stats?survey=$E&by=agency"
lacks "evaluator stats: aggregates carry no comment either" "$BODY" "SECRET-COMMENT"

# An agency key cannot narrow a group down to one enterprise it inspected.
for by in district outcome channel agency,district; do
	api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=$by"
	eq "agency stats by $by: 403 (it could single out enterprises)" "$STATUS" 403
done
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain&from=2022-06-01&to=2022-06-01"
eq "agency stats for a single day: 403 (whole months only)" "$STATUS" 403
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain&from=2022-06-02&to=2022-06-30"
eq "agency stats from mid-month: 403" "$STATUS" 403
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain&from=2024-02-01&to=2024-02-29"
eq "agency stats for a leap February: a whole month (no answers then: 409 no_data)" "$STATUS/$(json 'j["error"]["code"]')" "409/no_data"
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain&weighting=none&from=2022-06-01&to=2022-06-30"
eq "agency stats for a month: 200" "$STATUS" 200
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain,size&low_n=1"
eq "agency stats by domain and size: 403 beside agency" "$STATUS" 403
api "${KEY[agency]}" GET "/api/v1/stats?survey=$E&by=domain&low_n=1&weighting=none&measure=overall"
eq "agency stats: its threshold cannot go under 30" "$(json 'j["low_n_threshold"]')" 30
eq "agency stats: no group under 30 shows a figure" \
	"$(json 'sum(1 for g in j["groups"] if "mean" in g and g["n"] < 30)')" 0
eq "agency stats: small groups come back suppressed" \
	"$(json 'sum(1 for g in j["groups"] if g.get("suppressed")) >= 2')" True
eq "agency stats: no lone hidden group to subtract from the total" \
	"$(json 'sum(1 for g in j["groups"] if g.get("suppressed")) != 1')" True
api "${KEY[evaluator]}" GET "/api/v1/stats?survey=$E&by=agency,domain&weighting=none&measure=overall"
eq "the evaluator still sees every group, small ones too" \
	"$(json 'sum(1 for g in j["groups"] if g.get("suppressed"))') $(json 'any(g["n"] < 30 for g in j["groups"])')" "0 True"
out=$($MANYI publish --survey $E --by size --low-n 5 2>&1)
eq "publishing with a threshold under 10 is refused" "$?" 1
contains "and says why" "$out" "under 10"
eq "an agency key's queries are in the audit log, query and all" \
	"$(sql "SELECT count(*) FROM audit WHERE action LIKE 'GET /api/v1/stats%' AND detail LIKE '%by=district%'")" 1
n=$(sql "SELECT count(*) FROM audit WHERE action LIKE '%key%' OR actor LIKE 'key:%'" 2>/dev/null || echo 0)
check "key uses are audited" test "$n" -gt 0
it_done
