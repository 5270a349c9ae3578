#!/usr/bin/env bash
# Integrity flags on constructed traffic through nginx (docs/integrity.md):
# a speeder on the form, a burst for one agency from one /24, an answer
# from a network configured as the agency's own, invitations answered
# before the encounter's date and long after, one device across answers;
# the review queue (API and CLI) keeps and excludes, every decision
# audited; exclusions change the statistics exactly as removing the rows
# would; and no address, network or user agent of a respondent is in the
# database or the logs.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
P=surveys/enforcement-public.json
today=$(TZ=Asia/Shanghai date +%F)
printf 'encounter_id,agency,domain,size,district,occurred_on\nE1,A01,market,small,鄂城区,%s\nE2,A01,market,small,鄂城区,2022-04-11\nE3,A02,ecology,large,华容区,%s\n' \
	"$today" "$today" >"$T/enc.csv"
check "encounters imported" $MANYI import encounters "$T/enc.csv"
# E3 dated tomorrow: the import refuses a future date, a feed written
# straight into the registry might not.
sql "UPDATE enc SET day = day + 1 WHERE code = 'E3'"
tok() { $MANYI invite 2>/dev/null --survey enforcement-enterprise --encounter "$1" | tail -n +2 | cut -d, -f2 | tr -d '\r'; }
key=$(evaluator_key)
akey=$(agency_key A01)
from() { echo --interface "$1"; }
last_flags() { sql "SELECT coalesce(group_concat(code, ','), '') FROM (SELECT code FROM answer_flag WHERE resp = (SELECT max(id) FROM resp) ORDER BY code)"; }

# --- agencies' networks ---
out=$($MANYI agency network add A01 127.0.1.77/24)
contains "a network is stored in canonical form, the name beside the code" "$out" "added 127.0.1.0/24 A01 (市市场监督管理局)"
out=$($MANYI agency network add A01 127.0.1.0/24 2>&1); rc=$?
eq "the same network twice: exit 1" "$rc" 1
contains "... saying so" "$out" "listed for A01 already"
out=$($MANYI agency network add A01 300.1.2.3/24 2>&1); rc=$?
eq "not a network: exit 1" "$rc" 1
contains "... naming it" "$out" '"300.1.2.3/24" is not a network'
out=$($MANYI agency network add A99 10.0.0.0/8 2>&1); rc=$?
eq "an agency not registered: exit 1" "$rc" 1
check "an IPv6 prefix" $MANYI agency network add A04 2001:db8:0:1::/64
eq "the list, names beside codes" "$($MANYI agency network list | tr '\t' ' ')" \
	"A01 市市场监督管理局 127.0.1.0/24
A04 市交通运输局 2001:db8:0:1::/64"
check "removed" $MANYI agency network remove A04 2001:db8:0:1::/64
eq "audited" "$(sql "SELECT count(*) FROM audit WHERE action LIKE 'integrity.network.%'")" 3

# --- a speeder: the form sent the second it was shown ---
form_post() { # ADDR UA [fields...]
	local addr=$1 ua=$2; shift 2
	req GET /s/enforcement-public $(from "$addr") -A "$ua"
	local csrf n; csrf=$(field _csrf); n=$(field _n)
	req POST /s/enforcement-public $(from "$addr") -A "$ua" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "$(python3 tests/integration/mkbody.py --form "$P" _csrf="$csrf" _n="${N_OVERRIDE:-$n}" _agency=A03 _domain=urban "$@")"
}
form_post 127.0.0.20 speed-ua
eq "the speeder's answer is stored (303)" "$STATUS" 303
eq "flagged speed, and straightline with it" "$(last_flags)" "speed,straightline"
contains "the detail says how fast" "$(sql "SELECT detail FROM answer_flag WHERE code = 'speed'")" "s for 12 items (under 2.0s each)"
# A render time forged into _n: the MAC does not hold, no time is believed.
req GET /s/enforcement-public $(from 127.0.0.21) -A speed-ua2
n=$(field _n)
forged=$(python3 -c 'import sys; r,t,m=sys.argv[1].split("."); print(f"{r}.{int(t)-3600}.{m}")' "$n")
N_OVERRIDE=$forged form_post 127.0.0.21 speed-ua2 overall=5
eq "a forged render time: stored" "$STATUS" 303
eq "... and not believed (no speed flag; straightline alone is not kept)" "$(last_flags)" ""
check "speed off" $MANYI config set integrity_speed_ms_per_item 0
form_post 127.0.0.22 speed-ua3
eq "with the threshold 0 nothing is flagged" "$(last_flags)" ""

# --- a burst: five answers for A02 within minutes from one /24 ---
check "burst at 3" $MANYI config set integrity_burst_answers 3
five=$(for it in legality procedure fairness civility efficiency transparency integrity disruption overall; do printf 'answers.%s=5 ' $it; done)
for i in 1 2 3 4 5; do
	# The burst's last three rate everything 5 (the first two as the others, 4).
	req POST /api/v1/responses $(from "127.0.0.3$i") -A "burst-ua-$i" -H 'Content-Type: application/json' \
		--data-binary "$(python3 tests/integration/mkbody.py "$P" agency=A02 domain=ecology $([ $i -ge 3 ] && echo $five))"
	eq "burst answer $i stored" "$STATUS" 201
	[ "$i" -le 2 ] && eq "answer $i is not (yet) a burst" "$(last_flags)" ""
	[ "$i" -ge 3 ] && eq "answer $i is flagged burst (all 5: straightline too)" "$(last_flags)" "burst,straightline"
done
eq "the burst reaches back to its first two answers" "$(sql "SELECT count(*) FROM answer_flag WHERE code = 'burst'")" 5
eq "the burst is one group" "$(sql "SELECT count(DISTINCT grp) FROM answer_flag WHERE code = 'burst'")" 1
eq "its detail" "$(sql "SELECT DISTINCT detail FROM answer_flag WHERE code = 'burst'")" "3 or more answers for A02 from one network within 60 minutes"
check "named by 16 hex digits" test -n "$(sql "SELECT 1 FROM answer_flag WHERE code = 'burst' AND grp GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' LIMIT 1")"
req POST /api/v1/responses $(from 127.0.2.5) -A burst-ua-6 -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$P" agency=A02 domain=ecology)"
eq "the same agency from another /24: no burst" "$(last_flags)" ""
req POST /api/v1/responses $(from 127.0.0.36) -A burst-ua-7 -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $key" --data-binary "$(python3 tests/integration/mkbody.py "$P" agency=A02 domain=ecology)"
eq "an evaluator's app posting for many: not counted" "$(last_flags)" ""

# --- one device across answers ---
check "device at 2" $MANYI config set integrity_device_encounters 2
for ag in A03 A04; do
	dom=$([ $ag = A03 ] && echo urban || echo transport)
	req POST /api/v1/responses $(from 127.0.4.$((RANDOM % 200 + 2))) -A "one-phone-ua" -H 'Content-Type: application/json' \
		--data-binary "$(python3 tests/integration/mkbody.py "$P" agency=$ag domain=$dom)"
done
eq "the second answer from one phone is flagged device (all its items 4: straightline too)" "$(last_flags)" "device,straightline"

# --- invitations: the agency's own network, early, late ---
req POST /api/v1/responses $(from 127.0.1.9) -A inv-ua-1 -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" token="\"$(tok E1)\"" -agency -domain)"
eq "an invited answer from A01's network: 201" "$STATUS" 201
eq "flagged agency_network" "$(last_flags)" "agency_network,straightline"
eq "the detail names the configured network, not the address" \
	"$(sql "SELECT detail FROM answer_flag WHERE code = 'agency_network'")" "from 127.0.1.0/24, a network of A01"
req POST /api/v1/responses $(from 127.0.5.9) -A inv-ua-2 -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" token="\"$(tok E2)\"" -agency -domain)"
eq "an invitation answered years later: late" "$(last_flags)" "late,straightline"
req POST /api/v1/responses $(from 127.0.6.9) -A inv-ua-3 -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" token="\"$(tok E3)\"" -agency -domain)"
eq "an invitation answered before the encounter: early" "$(last_flags)" "early,straightline"

# --- the review queue ---
api "" GET /api/v1/integrity/flags
eq "the queue needs a key" "$STATUS" 401
api "$akey" GET /api/v1/integrity/flags
eq "an agency's key is refused" "$STATUS" 403
api "$key" GET "/api/v1/integrity/flags?code=nonsense"
eq "a bad code: 400" "$STATUS" 400
contains "... naming the field" "$(json 'j["error"]["message"]')" "code is one of speed"
conform GET /api/v1/integrity/flags
api "$key" GET "/api/v1/integrity/flags?from=2020-01-01&to=2020-12-31"
eq "a period without flagged answers: none" "$(json 'len(j["answers"])')" 0
api "$key" GET "/api/v1/integrity/flags?from=$today&to=$today&code=burst"
eq "today's: the burst" "$(json 'len(j["answers"])')" 5
api "$key" GET "/api/v1/integrity/flags?from=2020-02-30"
eq "a bad date: 400" "$STATUS" 400
api "$key" GET "/api/v1/integrity/flags?survey=enforcement-public&code=burst"
eq "the burst's answers" "$(json 'len(j["answers"])')" 5
conform GET /api/v1/integrity/flags
eq "grouped by agency, names beside codes" "$(json '[(g["agency"], g["agency_name"], g["flagged"], g["open"]) for g in j["by_agency"]]')" \
	"[('A02', '市生态环境局', 5, 5)]"
eq "grouped by burst" "$(json '[(g["code"], g["flagged"]) for g in j["by_group"]]')" "[('burst', 5)]"
burst_ids=$(json '" ".join(a["id"] for a in j["answers"])')
body=$(json 'json.dumps({"responses": [a["id"] for a in j["answers"]], "action": "exclude", "reason": "one office, five answers"})')
api "$key" GET /api/v1/integrity/flags
eq "every flagged answer in the queue (the device's first answer too)" "$(json 'len(j["answers"])')" 11
eq "by rule" "$(json 'sorted((g["code"], g["flagged"]) for g in j["by_rule"])')" \
	"[('agency_network', 1), ('burst', 5), ('device', 2), ('early', 1), ('late', 1), ('speed', 1), ('straightline', 8)]"

# Evidence of pressure: A02's flagged answers against its others.
$MANYI integrity evidence --survey enforcement-public --weighting none >"$T/evidence.json"
ev() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); a={g["agency"]: g for g in j["agencies"]}; print(eval(sys.argv[2]))' "$T/evidence.json" "$1"; }
eq "evidence: A02's answers, flagged and not" "$(ev '(a["A02"]["n"], a["A02"]["flagged"], round(a["A02"]["flagged_share"], 4))')" "(7, 5, 0.7143)"
eq "... its flagged answers higher, three of them at the top" "$(ev '(a["A02"]["mean_flagged"], a["A02"]["mean_unflagged"], a["A02"]["diff"], a["A02"]["bands_flagged"], a["A02"]["bands_unflagged"])')" "(90, 75, 15, [0, 0, 0, 2, 3], [0, 0, 0, 2, 0])"
eq "... with a test" "$(ev '(a["A02"]["df"], a["A02"]["se"] > 0, 0 < a["A02"]["p"] < 1)')" "(5, True, True)"
eq "... the overall row" "$(ev 'j["overall"]["n"]')" 12
api "$key" GET "/api/v1/integrity/evidence?survey=enforcement-public&weighting=none"
conform GET /api/v1/integrity/evidence
eq "the API gives the same evidence" "$(json 'json.dumps(j, sort_keys=True)')" "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$T/evidence.json")"
api "$key" GET "/api/v1/integrity/evidence?survey=enforcement-public&weighting=rake"
eq "evidence under rake: 400" "$STATUS" 400
out=$($MANYI integrity evidence --survey enforcement-public 2>&1); rc=$?
eq "under base without invited answers: exit 1" "$rc" 1
contains "... saying why" "$out" "integrity evidence:"

# The statistics before, and a copy of the database without the burst's rows.
$MANYI stats --survey enforcement-public --by agency --weighting none --format json >"$T/before.json"
api "$key" POST /api/v1/integrity/decisions -H 'Content-Type: application/json' --data-binary "$body"
eq "exclude the burst: 200" "$STATUS" 200
eq "five decided" "$(json 'j["decided"]')" 5
conform POST /api/v1/integrity/decisions
api "$key" POST /api/v1/integrity/decisions -H 'Content-Type: application/json' --data-binary "$body"
eq "excluded already: 409, nothing decided" "$STATUS" 409
conform POST /api/v1/integrity/decisions
api "$key" POST /api/v1/integrity/decisions -H 'Content-Type: application/json' \
	--data-binary '{"responses": ["nope"], "action": "keep", "reason": "x"}'
eq "an id that is no flagged answer: 404" "$STATUS" 404
conform POST /api/v1/integrity/decisions
api "$key" POST /api/v1/integrity/decisions -H 'Content-Type: application/json' \
	--data-binary '{"responses": ["x"], "action": "drop", "reason": "x"}'
eq "a bad action: 400" "$STATUS" 400
contains "... naming it" "$(json 'j["error"]["message"]')" "action is keep or exclude"
conform POST /api/v1/integrity/decisions
eq "excluded through the one exclusion, source integrity" \
	"$(sql "SELECT count(*) FROM exclusion WHERE source = 'integrity' AND reason = 'one office, five answers'")" 5
eq "each exclusion audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'followup.exclude'")" 5
api "$key" GET "/api/v1/integrity/flags?state=excluded"
eq "the queue shows them excluded" "$(json 'sorted(a["id"] for a in j["answers"])')" \
	"$(python3 -c 'import sys; print(sorted(sys.argv[1].split()))' "$burst_ids")"
speeder=$(sql "SELECT public_id FROM resp r JOIN answer_flag f ON f.resp = r.id WHERE f.code = 'speed'")
out=$($MANYI integrity decide --action keep --reason "a quick reader, checked by phone" "$speeder")
eq "the CLI keeps one" "$out" "kept: 1 answer"
eq "kept, audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'integrity.keep' AND detail LIKE 'keep: a quick reader%'")" 1
out=$($MANYI integrity flags --state kept)
contains "the CLI queue: kept, name beside code, flags and reason" "$out" "A03 市城市管理执法委员会"
contains "... its flags" "$out" "s for 12 items (under 2.0s each)"
out=$($MANYI integrity decide --action exclude --reason x "${burst_ids%% *}" 2>&1); rc=$?
eq "the CLI refuses an exclusion twice: exit 1" "$rc" 1
check "the decisions are in the audit chain, intact" $MANYI audit verify

# Exclusions change the statistics exactly as removing the rows would.
$MANYI stats --survey enforcement-public --by agency --weighting none --format json >"$T/after.json"
sqlite3 "$DB" ".backup '$T/removed.db'"
sqlite3 "$T/removed.db" "DELETE FROM resp WHERE id IN (SELECT resp FROM exclusion)"
$BIN/manyi --db "$T/removed.db" stats --survey enforcement-public --by agency --weighting none --format json >"$T/removed.json"
strip() { python3 -c '
import json, sys
def s(o):
    if isinstance(o, dict): return {k: s(v) for k, v in o.items() if k not in ("excluded", "generated_at")}
    if isinstance(o, list): return [s(v) for v in o]
    return o
print(json.dumps(s(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"; }
eq "excluded = removed" "$(strip "$T/after.json")" "$(strip "$T/removed.json")"
eq "the statistics say how many each group lost" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["overall"]["excluded"], [(g["by"]["agency"], g["excluded"]) for g in j["groups"]])' "$T/after.json")" \
	"5 [('A02', 5), ('A03', 0), ('A04', 0)]"
api "$key" GET "/api/v1/stats?survey=enforcement-public&by=agency&weighting=none"
eq "and so does the API" "$(json '(j["overall"]["excluded"], [g["excluded"] for g in j["groups"]])')" "(5, [5, 0, 0])"
conform GET /api/v1/stats

# The publication notes what exclusions took out.
check "published" $MANYI publish --survey enforcement-public --by agency --weighting none
api "" GET "/api/v1/public/stats?survey=enforcement-public&by=agency&weighting=none"
eq "the publication's exclusions note" "$(json '(j["exclusions"]["excluded"], j["exclusions"]["en"][:40])')" \
	"(5, '5 answers were left out of these figures')"
contains "... in Chinese too" "$(json 'j["exclusions"]["zh"]')" "另有 5 份答卷经复核"
check "and the exclusion changed them" test "$(strip "$T/after.json")" != "$(strip "$T/before.json")"

# --- nothing on disk ties an answer to an address, a network or a device ---
stack_stop "$T/var"
files=$(find "$T/var" "$DB" "$DB-wal" "$DB-shm" -type f 2>/dev/null)
for probe in 127.0.0.20 127.0.0.21 127.0.0.31 127.0.0.35 127.0.1.9 127.0.2.5 127.0.5.9 127.0.6.9 \
	127.0.0.0/24 127.0.4.0/24 speed-ua burst-ua one-phone-ua inv-ua; do
	hits=$(grep -laF -- "$probe" $files)
	eq "no file holds $probe" "$hits" ""
done
it_done
