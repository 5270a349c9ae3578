#!/usr/bin/env bash
# make demo's year: built as make demo builds it (tools/demo.sh --build,
# tools/demo_year.py through bin/manyi), then what was planted is looked
# for through the real program (manyi stats, fieldwork, export) and the
# real stack (the published figures, the keys printed at start): about
# 30,000 encounters; A06 and A09 behind the city and A07 ahead, each
# significant after Holm; A04's efficiency its lowest item while the others
# are average; A20 under the threshold; Q1 below Q4; a disposition for
# every phone case with RR1 plausible; problems and comments where ratings
# are low; the same seed, the same year.
. "$(dirname "$0")/lib.sh"
E=enforcement-enterprise
P=enforcement-public
YEAR=(--from 2025-01-01 --to 2025-12-31)

start=$SECONDS
check "tools/demo.sh --build makes the demo year" tools/demo.sh --build "$T"
took=$((SECONDS - start))
check "built in well under a minute ($took s)" test "$took" -lt 30
check "the sign-in note is written" test -s "$T/sign-in.txt"
# Once manyi has users (manyi user add), the demo has an evaluator user.
has_users=0
"$BIN/manyi" help user >/dev/null 2>&1 && has_users=1
if [ "$has_users" -eq 1 ]; then
	eq "the demo evaluator user noted" "$(sed -n 's/^user=//p' "$T/sign-in.txt")" "evaluator / manyi-demo-2025"
fi

# py FILE EXPR: a Python expression on the JSON in FILE (as j), printed.
py() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# group FILE AGENCY EXPR: EXPR on that agency's group (g) of a stats FILE.
group() {
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1])); g=[g for g in j["groups"] if g["by"].get("agency")==sys.argv[2]][0]
print(eval(sys.argv[3]))' "$@"
}

$MANYI stats --survey $E --by agency --measure index "${YEAR[@]}" >"$T/agency.json"
eq "encounters: about 30,000 (the base weights' sum)" \
	"$(py "$T/agency.json" '28000 <= j["overall"]["wsum"] <= 32000')" True
eq "answers: a few thousand in the invitation sample" \
	"$(py "$T/agency.json" '2000 <= j["overall"]["n"] <= 6000')" True
eq "every agency has answers" "$(py "$T/agency.json" 'len(j["groups"])')" 21
for a in A06 A09; do
	eq "$a behind the city, significant after Holm" \
		"$(group "$T/agency.json" $a 'g["vs_overall"]["diff"] < 0 and g["vs_overall"]["significant"] is True and g["vs_overall"]["p_holm"] < 0.01')" True
	eq "$a's interval entirely below the city's figure" \
		"$(group "$T/agency.json" $a 'g["ci_high"] < j["overall"]["mean"]')" True
done
eq "A07 ahead of the city, significant after Holm" \
	"$(group "$T/agency.json" A07 'g["vs_overall"]["diff"] > 0 and g["vs_overall"]["significant"] is True')" True
eq "only the planted agencies differ significantly" \
	"$(py "$T/agency.json" '",".join(sorted(g["by"]["agency"] for g in j["groups"] if g["vs_overall"]["significant"]))')" \
	"A06,A07,A09"
eq "A20 under the publication threshold: low_n, no verdict" \
	"$(group "$T/agency.json" A20 '(g["n"] < 30, g["low_n"], g["vs_overall"]["significant"], g["vs_overall"]["significance_note"])')" \
	"(True, True, None, 'low_n')"
eq "A20 the only agency under the threshold" \
	"$(py "$T/agency.json" '[g["by"]["agency"] for g in j["groups"] if g["low_n"]]')" "['A20']"

# A04: efficiency drags it down; its other items are not below the city.
for it in legality procedure fairness civility efficiency transparency integrity disruption; do
	$MANYI stats --survey $E --by agency --measure $it "${YEAR[@]}" >"$T/item.json"
	group "$T/item.json" A04 '"%s %r %r" % (sys.argv[4], g["vs_overall"]["diff"], g["vs_overall"]["significant"])' $it
done >"$T/a04.txt"
eq "A04: efficiency the item furthest below the city" "$(sort -k2 -g "$T/a04.txt" | head -1 | cut -d' ' -f1)" efficiency
eq "A04: efficiency significantly below" "$(awk '$1 == "efficiency" { print ($2 < -0.4) "/" $3 }' "$T/a04.txt")" "1/True"
eq "A04: no other item significantly below" \
	"$(awk '$1 != "efficiency" && $2 < 0 && $3 == "True"' "$T/a04.txt")" ""
eq "A04's index is not significantly off the city's" \
	"$(group "$T/agency.json" A04 'g["vs_overall"]["significant"]')" False

$MANYI stats --survey $E --by quarter "${YEAR[@]}" >"$T/quarter.json"
eq "four quarters" "$(py "$T/quarter.json" '[g["by"]["quarter"] for g in j["groups"]]')" \
	"['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']"
eq "improving: each quarter above the one before" \
	"$(py "$T/quarter.json" 'all(a["mean"] < b["mean"] for a, b in zip(j["groups"], j["groups"][1:]))')" True
eq "Q1's interval below Q4's" "$(py "$T/quarter.json" 'j["groups"][0]["ci_high"] < j["groups"][3]["ci_low"]')" True
$MANYI stats --survey $E --by month --weighting none "${YEAR[@]}" >"$T/month.json"
eq "fewer answers around Spring Festival: February the smallest month" \
	"$(py "$T/month.json" 'min(j["groups"], key=lambda g: g["n"])["by"]["month"]')" 2025-02

eq "Spring Festival (1/28-2/4): under a fifth of March's encounters a day" \
	"$(sql "SELECT (SELECT count(*) FROM encounter WHERE occurred_on BETWEEN '2025-01-28' AND '2025-02-04') / 8.0
	        < 0.2 * (SELECT count(*) FROM encounter WHERE occurred_on BETWEEN '2025-03-01' AND '2025-03-31') / 31.0")" 1

$MANYI fieldwork --survey $E --by agency >"$T/fw.json"
eq "a phone sample of a few thousand" "$(py "$T/fw.json" '2000 <= j["overall"]["sampled"] <= 5000')" True
eq "a disposition for every sampled case" \
	"$(sql "SELECT count(*) FROM disposition")" "$(py "$T/fw.json" 'j["overall"]["sampled"]')"
eq "every outcome occurs" "$(py "$T/fw.json" 'all(j["overall"][k] > 0 for k in ("I","P","R","NC","O","U","NE"))')" True
eq "completes 45-55% of the sample" \
	"$(py "$T/fw.json" '0.45 <= j["overall"]["I"] / j["overall"]["sampled"] <= 0.55')" True
eq "RR1 plausible (0.45-0.65)" "$(py "$T/fw.json" '0.45 <= j["overall"]["rr1"] <= 0.65')" True
eq "every agency sampled, its RR1 given" \
	"$(py "$T/fw.json" 'len(j["groups"]) == 21 and all(g["rr1"] is not None for g in j["groups"])')" True
eq "the agencies' response rates differ" \
	"$(py "$T/fw.json" 'max(g["rr1"] for g in j["groups"] if g["sampled"] >= 100) - min(g["rr1"] for g in j["groups"] if g["sampled"] >= 100) > 0.05')" True

# Channels: phone answers from the sample; QR and web answers, a lower
# share of the invited encounters.
eq "answers by phone, qr and web" \
	"$(sql "SELECT group_concat(c, ',') FROM (SELECT DISTINCT channel c FROM response WHERE survey_id = '$E' ORDER BY 1)")" \
	"phone,qr,web"
eq "QR/web: a lower share of their invitations answer than the phone sample" \
	"$(sql "SELECT (SELECT count(*) FROM response WHERE survey_id = '$E' AND channel IN ('qr','web')) * 1.0 /
	        (SELECT count(*) FROM invitation WHERE survey_id = '$E' AND channel = 'web')
	        < $(py "$T/fw.json" 'j["overall"]["rr1"]')")" 1

# Problems and comments follow the ratings.
$MANYI export --survey $E --format csv >"$T/export.csv"
python3 - "$T/export.csv" >"$T/problems.txt" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
probs = [c for c in rows[0] if c.startswith("problems_") and c != "problems_none"]
def share(rs, f):
    return sum(1 for r in rs if f(r)) / len(rs)
any_problem = lambda r: any(r[c] == "1" for c in probs)
low = [r for r in rows if r["overall"] in ("1", "2")]
high = [r for r in rows if r["overall"] in ("4", "5")]
print("low_high_problems", share(low, any_problem) > 2 * share(high, any_problem))
a06 = [r for r in rows if r["agency"] == "A06"]
print("a06_problems", share(a06, any_problem) > share(rows, any_problem))
a04 = [r for r in rows if r["agency"] == "A04"]
print("a04_slow", share(a04, lambda r: r["problems_slow"] == "1") > 2 * share(rows, lambda r: r["problems_slow"] == "1"))
has = lambda r: r["comment"] != ""
print("comments", 0.05 < share(rows, has) < 0.4, share(low, has) > share(high, has))
print("chinese", all(any("\u4e00" <= ch <= "\u9fff" for ch in r["comment"]) for r in rows if has(r)))
EOF
eq "problems chosen far more often where the overall rating is low" \
	"$(sed -n 's/^low_high_problems //p' "$T/problems.txt")" True
eq "A06 reports problems more often than the city" "$(sed -n 's/^a06_problems //p' "$T/problems.txt")" True
eq "A04 reports slowness more than twice as often as the city" "$(sed -n 's/^a04_slow //p' "$T/problems.txt")" True
eq "comments for a share of answers, more often from the dissatisfied" \
	"$(sed -n 's/^comments //p' "$T/problems.txt")" "True True"
eq "comments in Chinese" "$(sed -n 's/^chinese //p' "$T/problems.txt")" True

$MANYI stats --survey $P --by agency --weighting none "${YEAR[@]}" >"$T/public.json"
eq "public answers, without an invitation" \
	"$(py "$T/public.json" 'j["overall"]["n"]') $(sql "SELECT count(*) FROM response WHERE survey_id = '$P' AND encounter_id IS NOT NULL")" \
	"1400 0"

# The same seed, the same year.
check "a second build" tools/demo.sh --build "$T/again"
eq "the same statistics from the second build" \
	"$("$BIN"/manyi --db "$T/again/manyi.db" stats --survey $E --by agency,quarter | md5sum)" \
	"$($MANYI stats --survey $E --by agency,quarter | md5sum)"
eq "the same fieldwork from the second build" \
	"$("$BIN"/manyi --db "$T/again/manyi.db" fieldwork --survey $E --by agency | md5sum)" \
	"$(md5sum <"$T/fw.json")"

# Served as make demo serves it (tools/demo.sh, the year already built):
# the sign-in note, the published figures for anyone, the keys it printed.
demo_pid=
demo_stop() { [ -z "$demo_pid" ] || { kill "$demo_pid" 2>/dev/null; wait "$demo_pid"; }; }
trap 'demo_stop; it_cleanup' EXIT
serve() {
	local try
	for try in 1 2 3; do
		PORT=$(free_port)
		BASE=http://127.0.0.1:$PORT
		MANYI_DEMO_DIR=$T PORT=$PORT tools/demo.sh >"$T/demo.log" 2>&1 &
		demo_pid=$!
		it_wait 30 grep -q 'Press Ctrl-C' "$T/demo.log" && return 0
		wait "$demo_pid"
		demo_pid=
		grep -q 'already in use' "$T/demo.log" || break
	done
	return 1
}
if serve; then
	ok "tools/demo.sh serves the demo year"
	log=$(cat "$T/demo.log")
	lacks "nothing built again" "$log" "building the demo year"
	key=$(sed -n 's/^evaluator_key=//p' "$T/sign-in.txt")
	contains "the evaluator key printed" "$log" "evaluator key    $key"
	contains "the dashboard's address printed" "$log" "$BASE/dashboard/"
	contains "the public page's address printed" "$log" "$BASE/results"
	if [ "$has_users" -eq 1 ]; then
		req POST /signin --data-urlencode username=evaluator --data-urlencode password=manyi-demo-2025
		eq "the demo user signs in" "$STATUS" 303
	fi
	req GET "/api/v1/public/stats?survey=$E&measure=index&by=agency&from=2025-01-01&to=2025-12-31"
	eq "the enterprise survey's year published" "$STATUS" 200
	eq "published: A20 suppressed, A06 shown below the city" \
		"$(json '[g.get("suppressed") for g in j["groups"] if g["by"]["agency"] == "A20"] + [g["mean"] < j["overall"]["mean"] for g in j["groups"] if g["by"]["agency"] == "A06"]')" \
		"[True, True]"
	req GET "/api/v1/public/stats?survey=$E&measure=overall&by=agency&from=2025-01-01&to=2025-12-31"
	eq "the satisfaction rate published" "$STATUS/$(json '0.5 < j["overall"]["rate"] < 0.9')" 200/True
	req GET "/api/v1/public/stats?survey=$P&measure=index&by=agency&weighting=none&from=2025-01-01&to=2025-12-31"
	eq "the public survey's year published" "$STATUS/$(json 'j["overall"]["n"]')" 200/1400
	api "$key" GET "/api/v1/fieldwork?survey=$E&by=agency"
	eq "the evaluator key works" "$STATUS/$(json 'j["overall"]["sampled"]')" "200/$(py "$T/fw.json" 'j["overall"]["sampled"]')"
	key=$(sed -n 's/^agency_key=//p' "$T/sign-in.txt")
	api "$key" GET "/api/v1/stats?survey=$E&by=quarter&from=2025-01-01&to=2025-12-31"
	eq "the agency key (A06) works" "$STATUS" 200
	kill "$demo_pid"
	wait "$demo_pid"
	eq "Ctrl-C (SIGTERM) stops it, status 0" "$?" 0
	demo_pid=
else
	not_ok "tools/demo.sh serves the demo year" "$(tail -5 "$T/demo.log")"
fi
it_done
