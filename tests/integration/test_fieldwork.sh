#!/usr/bin/env bash
# Dispositions and the fieldwork's AAPOR rates on a real database and the
# real stack: atomic imports naming FILE:LINE and the bad value, the latest
# row standing, counts and rates against hand-computed values, and
# GET /api/v1/fieldwork for evaluator and agency keys.
. "$(dirname "$0")/lib.sh"
it_start
E=enforcement-enterprise
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
stored() { sql 'SELECT count(*) FROM disposition'; }

# Ten encounters, all in the phone sample; X1 is registered after it (not sampled).
{
	echo "encounter_id,agency,domain,size,district,occurred_on"
	for i in 1 2 3 4 5 6; do echo "F$i,A01,market,small,鄂城区,2022-04-0$i"; done
	for i in 1 2 3 4; do echo "G$i,A02,ecology,small,华容区,2022-05-0$i"; done
} >"$T/enc.csv"
check "ten encounters" $MANYI import encounters "$T/enc.csv"
run $MANYI sample --survey $E --n 10 --seed 1
eq "all ten in the phone sample" "$RC/$(($(wc -l <"$T/out") - 1))" "0/10"
printf 'encounter_id,agency,domain,size,district,occurred_on\nX1,A01,market,small,鄂城区,2022-04-09\n' >"$T/x.csv"
check "one encounter outside the sample" $MANYI import encounters "$T/x.csv"
H='encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall'
{
	echo "$H"
	for e in F1 F2 G1; do echo "$e,,,,phone,2022-06-01T10:00:00+08:00,4,4,4,4,4,4,4,4,4"; done
} >"$T/ans.csv"
check "three answers by phone" $MANYI import responses --survey $E "$T/ans.csv"

# Bad files: FILE:LINE and the value named, exit 1, nothing stored.
D=encounter_id,survey,outcome,attempts,last_call_at
bad() { # bad DESC LINE EXPECTED-MESSAGE
	{ echo "$D"; echo "F1,$E,complete,1,2022-06-01T09:00:00+08:00"; echo "$2"; } >"$T/bad.csv"
	run $MANYI import dispositions "$T/bad.csv"
	eq "$1: exit 1" "$RC" 1
	eq "$1: FILE:LINE: reason" "$ERR" "$T/bad.csv:3: $3"
	eq "$1: nothing stored" "$(stored)" 0
}
bad "a bad outcome" "F2,$E,hung_up,2,2022-06-01T09:00:00+08:00" \
	'outcome "hung_up" is not one of complete, partial, refusal, non_contact, other, unknown, ineligible'
bad "an unknown encounter" "Z9,$E,refusal,2,2022-06-01T09:00:00+08:00" \
	'unknown encounter_id "Z9" (import encounters first)'
bad "an unknown survey" "F2,no-such-survey,refusal,2,2022-06-01T09:00:00+08:00" \
	'unknown survey "no-such-survey" (load it first: manyi survey load FILE.json)'
bad "a time without offset" "F2,$E,refusal,2,2022-06-01T09:00:00" \
	'last_call_at "2022-06-01T09:00:00" is not an ISO 8601 time with an offset (like 2022-04-11T10:00:00+08:00)'
bad "a time that is no time" "F2,$E,refusal,2,2022-02-30T09:00:00+08:00" \
	'last_call_at "2022-02-30T09:00:00+08:00" is not an ISO 8601 time with an offset (like 2022-04-11T10:00:00+08:00)'
bad "negative attempts" "F2,$E,refusal,-1,2022-06-01T09:00:00+08:00" \
	'attempts "-1" is not a whole number 0 or more'
printf 'encounter_id,survey,outcome\nF1,%s,complete\n' "$E" >"$T/cols.csv"
run $MANYI import dispositions "$T/cols.csv"
eq "a missing column: exit 1 at the header" "$RC/$ERR" "1/$T/cols.csv:1: missing column \"attempts\""
eq "no import audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'import dispositions'")" 0

# The latest row stands: F3 first non_contact then (a later import) refusal;
# F4 refusal then (a later line) non_contact.
{
	echo "$D"
	echo "F1,$E,complete,1,2022-06-01T09:00:00+08:00"
	echo "F2,$E,ineligible,1,2022-06-01T09:05:00+08:00"
	echo "F3,$E,non_contact,1,2022-06-01T09:10:00+08:00"
	echo "F4,$E,refusal,1,2022-06-01T09:15:00+08:00"
	echo "F5,$E,complete,2,2022-06-01T09:20:00+08:00"
	echo "G2,$E,partial,3,2022-06-02T09:00:00+08:00"
	echo "G3,$E,ineligible,1,2022-06-02T09:05:00+08:00"
	echo "G4,$E,unknown,5,2022-06-02T09:10:00+08:00"
	echo "X1,$E,refusal,1,2022-06-02T09:15:00+08:00"
	echo "F4,$E,non_contact,2,2022-06-03T10:00:00Z"
} >"$T/d1.csv"
run $MANYI import dispositions "$T/d1.csv"
eq "dispositions import" "$RC/$OUT" "0/$T/d1.csv: 10 dispositions imported"
eq "one row per encounter and survey" "$(stored)" 9
eq "a later line replaces an earlier one" \
	"$(sql "SELECT d.outcome, d.attempts, d.last_call_at FROM disposition d JOIN enc e ON e.id = d.encounter WHERE e.code = 'F4'")" \
	"non_contact|2|2022-06-03T10:00:00Z"
eq "times stored in UTC" \
	"$(sql "SELECT d.last_call_at FROM disposition d JOIN enc e ON e.id = d.encounter WHERE e.code = 'F1'")" \
	"2022-06-01T01:00:00Z"
printf '%s\nF3,%s,refusal,2,2022-06-04T09:00:00+08:00\n' "$D" "$E" >"$T/d2.csv"
check "a second import" $MANYI import dispositions "$T/d2.csv"
eq "a later import replaces an earlier one" \
	"$(sql "SELECT d.outcome, d.attempts FROM disposition d JOIN enc e ON e.id = d.encounter WHERE e.code = 'F3'")" \
	"refusal|2"
eq "each import audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'import dispositions'")" 2

# Hand-computed: overall I=3 (F1, F2 ineligible but answered, G1), P=1 (G2),
# R=1 (F3), NC=1 (F4), O=1 (F5: complete without an answer), U=2 (F6 with
# neither, G4), NE=1 (G3); X1 is not in the sample.
# e = 7/8; rr1 = 3/9; rr3 = 3/(7 + 7/8·2); coop1 = 3/6; ref1 = 1/9; con1 = 6/9.
# A01: I=2 R=1 NC=1 O=1 U=1: e = 1, rr1 = rr3 = 2/6, coop1 = 2/4, ref1 = 1/6, con1 = 4/6.
# A02: I=1 P=1 U=1 NE=1: e = 2/3, rr1 = 1/3, rr3 = 1/(2 + 2/3), coop1 = 1/2, ref1 = 0, con1 = 2/3.
cat >"$T/want.py" <<'PY'
WANT = {
    None: dict(sampled=10, I=3, P=1, R=1, NC=1, O=1, U=2, NE=1, e=7/8, rr1=3/9, rr3=3/(7 + 7/8*2),
               coop1=3/6, ref1=1/9, con1=6/9),
    "A01": dict(sampled=6, I=2, P=0, R=1, NC=1, O=1, U=1, NE=0, e=1, rr1=2/6, rr3=2/6, coop1=2/4,
                ref1=1/6, con1=4/6),
    "A02": dict(sampled=4, I=1, P=1, R=0, NC=0, O=0, U=1, NE=1, e=2/3, rr1=1/3, rr3=1/(2 + 2/3),
                coop1=1/2, ref1=0, con1=2/3),
}
def same(row, want):
    for k, v in want.items():
        got = row[k]
        if got is None or abs(float(got) - v) > 1e-9:
            return "%s: %r, expected %r" % (k, got, v)
    return "ok"
PY
# figures FILE: "ok" when the JSON in FILE has the hand-computed figures for
# the overall row and each group, else what differs.
figures() {
	python3 - "$1" "$T/want.py" <<'PY'
import json, sys
exec(open(sys.argv[2]).read())
j = json.load(open(sys.argv[1]))
out = [same(j["overall"], WANT[None])]
for g in j["groups"]:
    out.append(g["by"]["agency"] + " " + same(g, WANT[g["by"]["agency"]]))
print("; ".join(out))
PY
}
run $MANYI fieldwork --survey $E
eq "fieldwork: exit 0" "$RC/$ERR" "0/"
echo "$OUT" >"$T/all.json"
eq "overall counts and rates as computed by hand, no groups" "$(figures "$T/all.json")" "ok"
run $MANYI fieldwork --survey $E --by agency
echo "$OUT" >"$T/by.json"
eq "by agency: overall and each agency as computed by hand" "$(figures "$T/by.json")" "ok; A01 ok; A02 ok"
eq "the registry's names beside the codes" \
	"$(python3 -c 'import json,sys; print([(g["by"]["agency"], g["agency_name"]) for g in json.load(open(sys.argv[1]))["groups"]])' "$T/by.json")" \
	"[('A01', '$(awk -F, '$1 == "A01" { print $2 }' tools/demo/agencies.csv)'), ('A02', '$(awk -F, '$1 == "A02" { print $2 }' tools/demo/agencies.csv)')]"
run $MANYI fieldwork --survey $E --by agency --format csv
eq "csv: a header, the overall row and two groups" "$(head -1 <<<"$OUT" | tr -d '\r')/$(wc -l <<<"$OUT")" \
	"agency,agency_name,row,sampled,I,P,R,NC,O,U,NE,e,rr1,rr3,coop1,ref1,con1/4"
contains "csv: A01's counts and rates" "$(tr -d '\r' <<<"$OUT")" \
	"A01,$(awk -F, '$1 == "A01" { print $2 }' tools/demo/agencies.csv),group,6,2,0,1,1,1,1,0,1,0.33333333333333331,0.33333333333333331,0.5,0.16666666666666666,0.66666666666666663"
run $MANYI fieldwork --survey enforcement-public
eq "a survey without a phone sample: zeros and null rates" "$RC/$(python3 -c 'import json,sys; o=json.loads(sys.argv[1])["overall"]; print(o["sampled"], o["rr1"], o["e"])' "$OUT")" "0/0 None None"
run $MANYI fieldwork --survey no-such-survey
eq "an unknown survey: exit 1" "$RC/$ERR" "1/manyi: fieldwork: no survey no-such-survey (load it first: manyi survey load FILE.json)"
run $MANYI fieldwork --survey $E --by domain
eq "--by takes agency only: exit 2" "$RC" 2
contains "and says so" "$ERR" "--by is agency"

# The route: the same JSON for an evaluator; an agency key its own group only.
ekey=$(evaluator_key)
akey=$(agency_key A02)
api "$ekey" GET "/api/v1/fieldwork?survey=$E&by=agency"
eq "GET /api/v1/fieldwork: 200" "$STATUS" 200
eq "the same JSON as manyi fieldwork" "$BODY" "$(cat "$T/by.json")"
conform GET /api/v1/fieldwork
api "$akey" GET "/api/v1/fieldwork?survey=$E"
eq "an agency key: 200" "$STATUS" 200
echo "$BODY" >"$T/agency.json"
eq "its own agency's group beside the overall benchmark, no other" "$(figures "$T/agency.json")" "ok; A02 ok"
conform GET /api/v1/fieldwork
api "$akey" GET "/api/v1/fieldwork?survey=$E&by=agency"
eq "by agency asked: still its own group only" "$(json '[g["by"]["agency"] for g in j["groups"]]')" "['A02']"
api "" GET "/api/v1/fieldwork?survey=$E"
eq "no key: 401" "$STATUS" 401
api "$ekey" GET "/api/v1/fieldwork?survey=no-such-survey"
eq "an unknown survey: 404" "$STATUS/$(json 'j["error"]["code"]')" "404/not_found"
api "$ekey" GET "/api/v1/fieldwork?survey=$E&by=domain"
eq "by other than agency: 400 naming by" "$STATUS/$(json '"by" in j["error"]["message"]')" "400/True"
api "$ekey" GET "/api/v1/fieldwork"
eq "no survey: 400" "$STATUS" 400

it_done
