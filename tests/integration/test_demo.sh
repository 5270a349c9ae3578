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

# Case-file review (2025): the registry, the panel, the sample, the reviews.
R=case-review
$MANYI quality --survey $R --by agency >"$T/quality.json"
eq "a few thousand closed case files registered" "$(py "$T/quality.json" '2000 <= j["cases"] <= 6000')" True
eq "every agency's files reviewed, about 12 each" \
	"$(py "$T/quality.json" 'len(j["groups"]) == 21 and all(8 <= g["n"] <= 12 for g in j["groups"])')" True
for a in A06 A09; do
	eq "$a's quality below the city's, its interval too" \
		"$(group "$T/quality.json" $a 'g["mean"] < j["overall"]["mean"] - 5 and g["ci_high"] < j["overall"]["mean"]')" True
	eq "$a: more files with a major defect than the city" \
		"$(group "$T/quality.json" $a 'g["ok_rate"] < j["overall"]["ok_rate"]')" True
done
eq "A07's quality above the city's" \
	"$(group "$T/quality.json" A07 'g["mean"] > j["overall"]["mean"] + 3 and g["ci_low"] > j["overall"]["mean"]')" True
eq "the city's quality plausible (75-95 of 100; 85-99% of files without a major defect)" \
	"$(py "$T/quality.json" '75 < j["overall"]["mean"] < 95 and 0.85 < j["overall"]["ok_rate"] < 0.99')" True
$MANYI quality --survey $R --by outcome >"$T/quality-outcome.json"
eq "the 两轻两免 outcomes among the reviewed files" \
	"$(py "$T/quality-outcome.json" 'all(o in [g["by"]["outcome"] for g in j["groups"]] for o in ("lighter", "mitigated", "exempted", "coercion_exempted", "penalised"))')" True
eq "cases of every kind, enterprise-related and not" \
	"$(sql "SELECT count(DISTINCT kind), count(DISTINCT enterprise) FROM case_file")" "5|2"

$MANYI reviewer list >"$T/panel.csv"
python3 - "$T/panel.csv" "$T/quality.json" >"$T/panel.txt" <<'PY'
import csv, json, sys
panel = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
names = {g["by"]["agency"]: g["names"]["agency"]["zh"] for g in json.load(open(sys.argv[2]))["groups"]}
print("members", len(panel))
print("kinds", all(any(k in r["affiliation"] for r in panel) for k in ("人大", "律师事务所", "市司法局")))
employed = [(r, a) for r in panel for a, n in names.items() if r["affiliation"].startswith(n)]
print("employed", len(employed) >= 3 and all(a in r["conflicts"].split(",") for r, a in employed))
PY
eq "a panel of ten" "$(sed -n 's/^members //p' "$T/panel.txt")" 10
eq "from the People's Congress, law firms and the Justice Bureau" "$(sed -n 's/^kinds //p' "$T/panel.txt")" True
eq "each agency-employed reviewer conflicts with their own agency" "$(sed -n 's/^employed //p' "$T/panel.txt")" True
eq "no file assigned to or reviewed by a reviewer conflicted with its agency" \
	"$(sql "SELECT count(*) FROM (SELECT case_file, reviewer FROM review_assignment
	        UNION ALL SELECT case_file, reviewer FROM review) a JOIN case_file c ON c.id = a.case_file
	        JOIN reviewer_conflict x ON x.reviewer = a.reviewer AND x.agency = c.agency")" 0

$MANYI review agreement --survey $R >"$T/agreement.json"
eq "agreement over about a fifth of the files (double review)" \
	"$(py "$T/agreement.json" 'abs(j["files"] / '"$(py "$T/quality.json" 'j["overall"]["n"]')"' - 0.2) < 0.03')" True
eq "ICC1 and ICC1k between 0 and 1, the mean of two the higher" \
	"$(py "$T/agreement.json" '0 < j["icc1"] < j["icc1k"] < 1')" True
eq "the reviewers agree reasonably (ICC1 0.5-0.95, kappa 0.3-1)" \
	"$(py "$T/agreement.json" '0.5 < j["icc1"] < 0.95 and 0.3 < j["kappa"] <= 1 + 1e-9')" True
$MANYI review disagreements --survey $R >"$T/disagree.csv"
python3 - "$T/disagree.csv" >"$T/disagree.txt" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("over10", sum(1 for r in rows if abs(int(r["difference"])) > 10))
print("adjudicated", ",".join(sorted(r["adjudicated"] for r in rows if r["adjudicated"])))
print("open", sum(1 for r in rows if not r["adjudicated"]))
PY
eq "some double-reviewed files differ by more than 10 points" \
	"$(awk '/^over10/ { print ($2 >= 4) }' "$T/disagree.txt")" 1
eq "two settled: a third review and a panel decision" "$(sed -n 's/^adjudicated //p' "$T/disagree.txt")" "panel,third"
eq "others still open" "$(awk '/^open/ { print ($2 >= 3) }' "$T/disagree.txt")" 1
$MANYI review progress --survey $R >"$T/progress.json"
eq "almost every assigned file reviewed (a few open)" \
	"$(py "$T/progress.json" '(lambda a, o: 0 < o <= 10 and o < 0.05 * a)(sum(r["assigned"] for r in j["reviewers"]), sum(r["open"] for r in j["reviewers"]))')" True
eq "the demo reviewer (R03) has files open in their queue" \
	"$(py "$T/progress.json" '[r["open"] for r in j["reviewers"] if r["reviewer"] == "R03"]')" "[3]"
eq "the load balanced over the ten (within 2 files)" \
	"$(py "$T/progress.json" 'len(j["reviewers"]) == 10 and max(r["assigned"] for r in j["reviewers"]) - min(r["assigned"] for r in j["reviewers"]) <= 2')" True

# Supervision duties and their performance (once manyi imports them).
has_duties=0
"$BIN/manyi" help import 2>/dev/null | grep -q 'import duties' && has_duties=1
has_evaluate=0
"$BIN/manyi" help evaluate >/dev/null 2>&1 && has_evaluate=1
if [ "$has_evaluate" -eq 1 ]; then
	$MANYI evaluate --year 2025 --show >"$T/evaluation.json"
	ev() { python3 -c 'import json,sys
j=json.load(open(sys.argv[1])); a={x["agency"]: x for x in j["agencies"]}
print(eval(sys.argv[2]))' "$T/evaluation.json" "$1"; }
	eq "the 2025 evaluation stored by the build (seed 2025)" "$(ev '(j["year"], j["seed"], len(a))')" "(2025, 2025, 21)"
	eq "evaluation: A06's and A09's quality below the city's" \
		"$(ev 'a["A06"]["quality"] < j["city"]["quality"] and a["A09"]["quality"] < j["city"]["quality"]')" True
	eq "evaluation: quality from the review for every agency" \
		"$(ev 'all(x["quality_source"] == "review" for x in a.values())')" True
	eq "evaluation: A20's satisfaction marked as under the threshold, and no other's" \
		"$(ev '[k for k, x in sorted(a.items()) if x["satisfaction_low_n"]]')" "['A20']"
	$MANYI report --year 2025 --format html --out "$T/report.html"
	eq "the report says A20's satisfaction rests on too few answers" \
		"$(grep -c 'Social satisfaction rests on fewer answers\|社会满意度答卷少于公布门槛' "$T/report.html")" 1
	if [ "$has_duties" -eq 1 ]; then
		eq "performance rates mostly 80-100%" \
			"$(ev 'sum(1 for x in a.values() if 80 <= x["performance"] <= 100) >= 17')" True
		eq "A12: several duties never performed, its rate far below" \
			"$(ev 'len(a["A12"]["never_performed"]) >= 3 and a["A12"]["performance"] < 60')" True
		eq "A12 the only agency with duties never performed" \
			"$(ev '[k for k, x in sorted(a.items()) if x["never_performed"]]')" "['A12']"
		eq "duties with nothing required are not counted" \
			"$(ev 'any(x["duties_counted"] < x["duties"] for x in a.values())')" True
	fi
fi

# The same seed, the same year.
check "a second build" tools/demo.sh --build "$T/again"
eq "the same statistics from the second build" \
	"$("$BIN"/manyi --db "$T/again/manyi.db" stats --survey $E --by agency,quarter | md5sum)" \
	"$($MANYI stats --survey $E --by agency,quarter | md5sum)"
eq "the same fieldwork from the second build" \
	"$("$BIN"/manyi --db "$T/again/manyi.db" fieldwork --survey $E --by agency | md5sum)" \
	"$(md5sum <"$T/fw.json")"
eq "the same quality and agreement from the second build" \
	"$("$BIN"/manyi --db "$T/again/manyi.db" quality --survey $R --by agency | md5sum) $("$BIN"/manyi --db "$T/again/manyi.db" review agreement --survey $R)" \
	"$(md5sum <"$T/quality.json") $(cat "$T/agreement.json")"
if [ "$has_evaluate" -eq 1 ]; then
	eq "the same evaluation from the second build" \
		"$("$BIN"/manyi --db "$T/again/manyi.db" evaluate --year 2025 --show | md5sum)" "$(md5sum <"$T/evaluation.json")"
fi

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
	if [ "$has_evaluate" -eq 1 ]; then
		contains "how to read the evaluation printed" "$log" "evaluate --year 2025 --show"
	fi
	if [ "$has_users" -eq 1 ]; then
		req POST /signin --data-urlencode username=evaluator --data-urlencode password=manyi-demo-2025
		eq "the demo user signs in" "$STATUS" 303
		contains "the reviewer user printed" "$log" "reviewer user    reviewer / manyi-demo-2025"
		signin username=reviewer password=manyi-demo-2025
		eq "the demo reviewer signs in, sent to their queue" \
			"$STATUS $(sed -n 's/^[Ll]ocation: //p' <<<"$HEADERS")" "303 /review"
		qs=$(curl -sS -H "Cookie: manyi_session=$SESSION" "$BASE/review")
		eq "their queue: three files to review" "$(grep -o '待评查' <<<"$qs" | wc -l)" 3
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
	req GET "/api/v1/public/evaluations"
	eq "the 2025 efficacy report published" "$STATUS/$(json '[e["year"] for e in j["evaluations"]]')" "200/[2025]"
	req GET "/api/v1/public/evaluations/2025.html"
	eq "its report served, with its stamp" "$STATUS/$(grep -c 'name="manyi-stamp-inputs"' "$T/body")" "200/1"
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
