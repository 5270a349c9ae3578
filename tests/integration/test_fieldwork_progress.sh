#!/usr/bin/env bash
# The fieldwork's progress (manyi fieldwork --progress, GET
# /api/v1/fieldwork/progress) on a real database and the real stack: every
# count, the answers per day, pace, projection and warnings against values
# computed by hand; JSON and CSV; the agency key's restriction; bad
# parameters named.
. "$(dirname "$0")/lib.sh"
it_start
E=enforcement-enterprise
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
# Days in the city's calendar (UTC+8), as the progress counts them.
day() { TZ=Asia/Shanghai date -d "$1" +%Y-%m-%d; }
D0=$(day today); D1=$(day yesterday); D3=$(day '3 days ago'); U6=$(day '6 days')

# A01: F1..F6, A02: G1..G4 (enterprises); H1 a household of A01 (not in an
# enterprise survey's frame).  All ten enterprises in the phone sample;
# F1 and F2 also invited by a web link.
{
	echo "encounter_id,agency,domain,size,district,occurred_on"
	for i in 1 2 3 4 5 6; do echo "F$i,A01,market,small,鄂城区,2022-04-0$i"; done
	for i in 1 2 3 4; do echo "G$i,A02,ecology,small,华容区,2022-05-0$i"; done
	echo "H1,A01,market,household,鄂城区,2022-04-01"
} >"$T/enc.csv"
check "eleven encounters" $MANYI import encounters "$T/enc.csv"
run $MANYI sample --survey $E --n 20 --seed 1
eq "the ten enterprises in the phone sample" "$RC/$(($(wc -l <"$T/out") - 1))" "0/10"
check "a web link for F1" $MANYI invite --survey $E --encounter F1
check "a web link for F2" $MANYI invite --survey $E --encounter F2
# F4's and G2's invitations have expired unanswered; F1's too, but F1 answers.
sql "UPDATE invitation SET expires_at = 1 WHERE encounter_id IN ('F1', 'F4', 'G2')"
H='encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall'
{
	echo "$H"
	echo "F1,,,,web,${D3}T10:00:00+08:00,4,4,4,4,4,4,4,4,4"
	echo "F2,,,,phone,${D1}T09:00:00+08:00,4,4,4,4,4,4,4,4,4"
	echo "F3,,,,phone,${D1}T23:30:00+08:00,4,4,4,4,4,4,4,4,4"
	echo "G1,,,,phone,${D0}T00:10:00+08:00,4,4,4,4,4,4,4,4,4"
	echo ",A02,ecology,,web,${D0}T00:20:00+08:00,4,4,4,4,4,4,4,4,4"
} >"$T/ans.csv"
check "four answers through encounters, one public" $MANYI import responses --survey $E "$T/ans.csv"
{
	echo "encounter_id,survey,outcome,attempts,last_call_at"
	echo "F4,$E,refusal,1,${D1}T10:00:00+08:00"
	echo "G2,$E,non_contact,3,${D1}T10:00:00+08:00"
} >"$T/disp.csv"
check "two dispositions" $MANYI import dispositions "$T/disp.csv"

# By hand, with --target 10 --until U6 (6 days left) --low-n 5: the clock
# runs from D3 to D0, 4 days.  A01 answered 3: pace 3/4, projected 3 + 6·3/4
# = 7.5, needed (10-3)/6, not on track, over the threshold.  A02 answered 1:
# pace 1/4, projected 2.5, needed 9/6, under the threshold: the warning.
cat >"$T/want.py" <<PY
D0, D1, D3, U6 = "$D0", "$D1", "$D3", "$U6"
PY
cat >>"$T/want.py" <<'PY'
TOP = dict(today=D0, first_day=D3, last_day=D0, until=U6, days_elapsed=4, days_left=6,
           target=10, threshold=5)
OVERALL = dict(frame=10, sampled=10, invited=10, answered=4, expired=2, public=1,
               by_channel={"phone": {"invited": 10, "answered": 3, "expired": 2},
                           "web": {"invited": 2, "answered": 1, "expired": 0}},
               calls=dict(I=4, P=0, R=1, NC=1, O=0, U=4, NE=0),
               days=[dict(date=D3, answered=1, cumulative=1), dict(date=D1, answered=2, cumulative=3),
                     dict(date=D0, answered=1, cumulative=4)],
               pace_per_day=1.0, projected=10.0)
A01 = dict(agency="A01", frame=6, sampled=6, invited=6, answered=3, expired=1, public=0,
           by_channel={"phone": {"invited": 6, "answered": 2, "expired": 1},
                       "web": {"invited": 2, "answered": 1, "expired": 0}},
           calls=dict(I=3, P=0, R=1, NC=0, O=0, U=2, NE=0),
           days=[dict(date=D3, answered=1, cumulative=1), dict(date=D1, answered=2, cumulative=3)],
           pace_per_day=0.75, projected=7.5, target=10, needed_per_day=7/6, on_track=False,
           warning=None)
A02 = dict(agency="A02", frame=4, sampled=4, invited=4, answered=1, expired=1, public=1,
           by_channel={"phone": {"invited": 4, "answered": 1, "expired": 1}},
           calls=dict(I=1, P=0, R=0, NC=1, O=0, U=2, NE=0),
           days=[dict(date=D0, answered=1, cumulative=1)],
           pace_per_day=0.25, projected=2.5, target=10, needed_per_day=1.5, on_track=False,
           warning="under_threshold")
def same(got, want, where):
    if isinstance(want, float):
        return [] if got is not None and abs(got - want) < 1e-12 else ["%s: %r, expected %r" % (where, got, want)]
    if isinstance(want, dict):
        out = []
        for k, v in want.items():
            out += same(got.get(k, "missing"), v, where + "." + k) if isinstance(got, dict) else [where + ": not an object"]
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return ["%s: %r, expected %r" % (where, got, want)]
        return sum((same(g, w, "%s[%d]" % (where, i)) for i, (g, w) in enumerate(zip(got, want))), [])
    return [] if got == want else ["%s: %r, expected %r" % (where, got, want)]
PY
# figures FILE AGENCIES...: "ok" when the JSON in FILE has the hand-computed
# figures for the top, the overall row and exactly the agencies named.
figures() {
	python3 - "$T/want.py" "$@" <<'PY'
import json, sys
exec(open(sys.argv[1]).read())
j = json.load(open(sys.argv[2]))
want = {"A01": A01, "A02": A02}
names = sys.argv[3:]
out = same(j, TOP, "top") + same(j["overall"], OVERALL, "overall")
out += same([a["agency"] for a in j["agencies"]], names, "agencies")
for a in j["agencies"]:
    out += same(a, want[a["agency"]], a["agency"])
w = [x for x in want.values() if x["warning"] and x["agency"] in names]
out += same(j["warnings"], [dict(agency=x["agency"], answered=x["answered"], projected=x["projected"], threshold=5) for x in w], "warnings")
print("; ".join(out) or "ok")
PY
}

run $MANYI fieldwork --survey $E --progress --target 10 --until "$U6" --low-n 5
eq "progress: exit 0, nothing on stderr" "$RC/$ERR" "0/"
echo "$OUT" >"$T/cli.json"
eq "every figure as computed by hand" "$(figures "$T/cli.json" A01 A02)" "ok"
eq "the registry's names in zh and en" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["agencies"][1]["agency_name"] == j["warnings"][0]["agency_name"], j["agencies"][0]["agency_name"]["en"])' "$T/cli.json")" \
	"True $(awk -F, '$1 == "A01" { print $3 }' tools/demo/agencies.csv)"

# Defaults: target = threshold = 30, no projection beyond today: both under.
run $MANYI fieldwork --survey $E --progress
echo "$OUT" >"$T/default.json"
eq "defaults: target and threshold 30, no until, projected = answered, both warned" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["target"], j["threshold"], j["until"], j["days_left"], [(w["agency"], w["projected"]) for w in j["warnings"]], [a["needed_per_day"] for a in j["agencies"]])' "$T/default.json")" \
	"30 30 None 0 [('A01', 3), ('A02', 1)] [None, None]"

# CSV: a row per agency after the overall row, the zh name beside the code.
run $MANYI fieldwork --survey $E --progress --target 10 --until "$U6" --low-n 5 --format csv
A01ZH=$(awk -F, '$1 == "A01" { print $2 }' tools/demo/agencies.csv)
A02ZH=$(awk -F, '$1 == "A02" { print $2 }' tools/demo/agencies.csv)
eq "csv: header, overall and two agencies" "$(tr -d '\r' <<<"$OUT")" \
"agency,agency_name,row,frame,sampled,invited,answered,expired,public,pace_per_day,projected,target,needed_per_day,on_track,warning
,,overall,10,10,10,4,2,1,1,10,,,,
A01,$A01ZH,agency,6,6,6,3,1,0,0.75,7.5,10,1.1666666666666667,false,
A02,$A02ZH,agency,4,4,4,1,1,1,0.25,2.5,10,1.5,false,under_threshold"

# A period: encounters by the day they occurred on (A02's in May 2022), public
# answers by the day they were given (today: outside).
run $MANYI fieldwork --survey $E --progress --from 2022-05-01 --to 2022-05-31
echo "$OUT" >"$T/may.json"
eq "May 2022: A02's encounters only, no public answer" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); o=j["overall"]; print(j["from"], j["to"], j["first_day"] == sys.argv[2], [o[k] for k in ("frame", "sampled", "invited", "answered", "expired", "public")], o["calls"], [a["agency"] for a in j["agencies"]])' "$T/may.json" "$D0")" \
	"2022-05-01 2022-05-31 True [4, 4, 4, 1, 1, 0] {'I': 1, 'P': 0, 'R': 0, 'NC': 1, 'O': 0, 'U': 2, 'NE': 0} ['A02']"
api_period=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["from"], j["to"])' "$T/default.json")
eq "no period: from and to null" "$api_period" "None None"
run $MANYI fieldwork --survey $E --progress --from 2022-06-01 --to 2022-05-01
eq "a period that ends before it starts: exit 2" "$RC/$(grep -c 'the period ends before it starts' <<<"$ERR")" "2/1"

# A survey nobody answered yet: no clock, no pace; everyone with a frame is warned.
run $MANYI fieldwork --survey enforcement-public --progress --until "$U6"
echo "$OUT" >"$T/public.json"
eq "no answers: first_day null, pace null, projected 0" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); o=j["overall"]; print(j["first_day"], j["days_elapsed"], o["pace_per_day"], o["projected"], o["frame"], [(a["agency"], a["frame"], a["warning"]) for a in j["agencies"]])' "$T/public.json")" \
	"None 0 None 0 1 [('A01', 1, 'under_threshold')]"

# Bad options: exit 2, the option named; an unknown survey: exit 1.
run $MANYI fieldwork --survey $E --progress --target -1
eq "--target -1: exit 2 naming it" "$RC/$(grep -c -- '--target is a whole number' <<<"$ERR")" "2/1"
run $MANYI fieldwork --survey $E --progress --until 2026-02-30
eq "--until not a date: exit 2 naming it" "$RC/$(grep -c -- '--until is a date written YYYY-MM-DD' <<<"$ERR")" "2/1"
run $MANYI fieldwork --survey $E --progress --by agency
eq "--by does not go with --progress: exit 2" "$RC/$(grep -c -- '--progress is always by agency: leave out --by' <<<"$ERR")" "2/1"
run $MANYI fieldwork --survey nope --progress
eq "an unknown survey: exit 1" "$RC/$ERR" "1/manyi: fieldwork: no survey nope (load it first: manyi survey load FILE.json)"

# The route: the same JSON for an evaluator; an agency key its own row only.
ekey=$(evaluator_key)
akey=$(agency_key A01)
Q="survey=$E&target=10&until=$U6&low_n=5"
api "$ekey" GET "/api/v1/fieldwork/progress?$Q"
eq "GET /api/v1/fieldwork/progress: 200" "$STATUS" 200
cp "$T/body" "$T/api.json"
eq "every figure as computed by hand" "$(figures "$T/api.json" A01 A02)" "ok"
eq "the same JSON as the command line" "$BODY" "$(cat "$T/cli.json")"
conform GET /api/v1/fieldwork/progress
api "$akey" GET "/api/v1/fieldwork/progress?$Q"
eq "an agency key: 200" "$STATUS" 200
cp "$T/body" "$T/agency.json"
eq "its own row beside the overall row, no other agency, no other's warning" \
	"$(figures "$T/agency.json" A01)" "ok"
conform GET /api/v1/fieldwork/progress
api "$(agency_key A02)" GET "/api/v1/fieldwork/progress?$Q"
eq "A02's key: its row and its own warning" \
	"$(json '[a["agency"] for a in j["agencies"]], [w["agency"] for w in j["warnings"]]')" "(['A02'], ['A02'])"
api "$ekey" GET "/api/v1/fieldwork/progress?survey=$E&from=2022-05-01&to=2022-05-31"
eq "a period through the API: as on the command line" "$BODY" "$(cat "$T/may.json")"
api "" GET "/api/v1/fieldwork/progress?$Q"
eq "no key: 401" "$STATUS" 401
api "$ekey" GET "/api/v1/fieldwork/progress?survey=nope"
eq "an unknown survey: 404" "$STATUS/$(json 'j["error"]["code"]')" "404/not_found"
conform GET /api/v1/fieldwork/progress

# Every parameter, over-long and malformed: 400 naming it (test_params.sh's way).
long=$(printf '1%.0s' $(seq 80))
while IFS='|' read -r name over bad; do
	for v in "$over" "$bad"; do
		api "$ekey" GET "/api/v1/fieldwork/progress?survey=$E&$name=$v"
		[ "$name" = survey ] && api "$ekey" GET "/api/v1/fieldwork/progress?$name=$v"
		eq "$name=${v:0:20}: 400" "$STATUS" 400
		contains "$name=${v:0:20}: the message names $name" "$(json 'j["error"]["message"]')" "$name"
	done
done <<EOF
survey|$long|Bad%20Survey
target|$long|-1
until|2026-01-01$long|2026-13-01
low_n|$long|x
from|2026-01-01$long|2026-02-30
to|2026-01-01$long|yesterday
EOF
api "$ekey" GET "/api/v1/fieldwork/progress"
eq "no survey: 400 naming it" "$STATUS/$(json '"survey" in j["error"]["message"]')" "400/True"

it_done
