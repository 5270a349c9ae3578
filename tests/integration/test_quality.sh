#!/usr/bin/env bash
# Case-file review (issue 13, CONTRACT §6) through the real CLI and stack:
# the rubric is no public survey; cases, reviewers and reviews come in
# atomically with FILE:LINE errors; a conflicted reviewer is refused; and
# `manyi quality` and GET /api/v1/quality agree with R's survey package
# (tests/quality/make_fixtures.R, expected.csv) to 1e-9, before and after the
# disagreements are adjudicated (expected_adjudicated.csv).
. "$(dirname "$0")/lib.sh"
it_start
R=case-review
Q=tests/quality
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
count() { sql "SELECT count(*) FROM $1"; }

# The rubric is loaded with the surveys, and is nobody's public form.
eq "the rubric is registered" "$(sql "SELECT count(*) FROM survey WHERE id = '$R'")" 1
req GET /s/$R
eq "no public form for a rubric" "$STATUS" 404
req POST /s/$R --data-urlencode 'subject=5'
eq "no answer to a rubric's form" "$STATUS" 404
E=$(evaluator_key)
api "$E" GET /api/v1/surveys
lacks "the surveys' list leaves the rubric out" "$BODY" "$R"
api "$E" GET "/api/v1/stats?survey=$R"
eq "no stats of a rubric" "$STATUS" 404
api "$E" GET "/api/v1/export?survey=$R&format=csv"
eq "no export of a rubric" "$STATUS" 404
run $MANYI stats --survey $R
eq "manyi stats refuses a rubric (exit 1, bad input, as an unknown survey; the API answers 404)" "$RC" 1
contains "... saying what it is" "$ERR" "is a case-review rubric (audience reviewer)"
run $MANYI export --survey $R --format csv
eq "manyi export refuses a rubric" "$RC" 1
run $MANYI quality --survey enforcement-enterprise
eq "manyi quality refuses a survey of respondents" "$RC/$ERR" \
	"1/manyi: quality: \"enforcement-enterprise\" is a survey of respondents, not a case-review rubric (audience reviewer): its figures are manyi stats'"

# Cases: bad files stop at FILE:LINE with the value, nothing stored.
check "the agencies' domains" $MANYI import agency-domains tools/demo/agency-domains.csv
H=case_id,agency,domain,kind,decided_on,enterprise,outcome
bad_case() { # DESC ROW MESSAGE
	printf '%s\nC1,A01,market,penalty,2025-03-01,yes,penalised\n%s\n' "$H" "$2" >"$T/bad.csv"
	run $MANYI import cases "$T/bad.csv"
	eq "$1: FILE:LINE: reason, exit 1" "$RC/$ERR" "1/$T/bad.csv:3: $3"
	eq "$1: nothing stored" "$(count case_file)" 0
}
bad_case "a bad kind" "C2,A01,market,fine,2025-03-01,yes,penalised" \
	'kind "fine" is not one of penalty, coercion, inspection, licence, other'
bad_case "a bad outcome" "C2,A01,market,penalty,2025-03-01,yes,forgiven" \
	'outcome "forgiven" is not one of penalised, lighter, mitigated, exempted, coercion_exempted, not_penalised, other'
bad_case "enterprise neither yes nor no" "C2,A01,market,penalty,2025-03-01,1,penalised" \
	'enterprise "1" is not yes or no (is the case enterprise-related?)'
bad_case "a bad date" "C2,A01,market,penalty,2025-02-30,yes,penalised" \
	'decided_on "2025-02-30" is not a date written YYYY-MM-DD'
bad_case "an unknown agency" "C2,A99,market,penalty,2025-03-01,yes,penalised" \
	'unknown agency "A99"'
bad_case "a domain the agency does not enforce" "C2,A02,market,penalty,2025-03-01,yes,penalised" \
	'agency "A02" does not enforce domain "market" (manyi import agency-domains lists its domains)'
bad_case "a duplicate case" "C1,A01,market,penalty,2025-03-02,yes,penalised" \
	'duplicate case_id "C1" (registered already)'
printf 'case_id,agency,domain,kind,decided_on,enterprise\nC1,A01,market,penalty,2025-03-01,yes\n' >"$T/cols.csv"
run $MANYI import cases "$T/cols.csv"
eq "a missing column" "$RC/$ERR" "1/$T/cols.csv:1: missing column \"outcome\""
run $MANYI import cases $Q/cases.csv
eq "the fixture's 120 cases" "$RC/$OUT" "0/$Q/cases.csv: 120 cases imported"

# Reviewers, their conflicts checked against the registry.
run $MANYI reviewer add R09 --name 某 --conflict A01,A99
eq "a conflict with an unknown agency" "$RC/$ERR" '1/manyi: reviewer add: unknown agency "A99"'
run $MANYI reviewer add R09
eq "--name is required" "$RC" 2
tail -n +2 $Q/reviewers.csv | while IFS=, read -r code name aff conf; do
	$MANYI reviewer add "$code" --name "$name" --affiliation "$aff" ${conf:+--conflict "${conf//;/,}"} >/dev/null
done
eq "six reviewers" "$(count reviewer)" 6
run $MANYI reviewer add R01 --name again
eq "a code is taken once" "$RC/$ERR" '1/manyi: reviewer add: reviewer "R01" exists already (manyi reviewer list shows the panel)'
run $MANYI reviewer list
contains "the list names the conflicts" "$OUT" "R06,赵研究员,市生态环境局,A02;A06,市生态环境局;市应急管理局"

# Reviews: bad rows stop the file, nothing stored.
RH=$(head -1 $Q/reviews.csv)
good=$(sed -n 2p $Q/reviews.csv)
bad_review() { # DESC ROW MESSAGE
	printf '%s\n%s\n%s\n' "$RH" "$good" "$2" >"$T/rev.csv"
	run $MANYI import reviews --survey $R "$T/rev.csv"
	eq "$1: FILE:LINE: reason, exit 1" "$RC/$ERR" "1/$T/rev.csv:3: $3"
	eq "$1: nothing stored" "$(count review)" 0
}
row() { # CASE REVIEWER POINTS FLAG: a review with every item at POINTS (capped) and every flag FLAG
	echo "\"$1\",\"$2\",\"2026-02-01T10:00:00+08:00\",$3,$3,$3,$3,$3,$3,$3,$3,$3,$4,no,no,no,no,no,no,no,\"\""
}
bad_review "a conflicted reviewer" "$(row A06-2025-001 R06 5 no)" \
	'reviewer "R06" has a conflict of interest with agency "A06" (市应急管理局), whose case A06-2025-001 is: a reviewer never reviews a file of an agency they are conflicted with'
bad_review "an unknown case" "$(row Z-1 R01 5 no)" 'unknown case_id "Z-1" (manyi import cases registers cases)'
bad_review "an unknown reviewer" "$(row A06-2025-001 R99 5 no)" \
	'unknown reviewer "R99" (manyi reviewer add registers reviewers)'
bad_review "points over the item's max" "$(row A06-2025-001 R01 6 no)" 'service: "6" is not points 0..5'
bad_review "a flag neither yes nor no" "$(row A06-2025-001 R01 5 maybe)" \
	'no_authority: "maybe" is not yes or no (a major-defect flag)'
bad_review "an empty points cell" "$(row A06-2025-001 R01 '' no)" \
	'subject is empty: a review gives every points item its points'
bad_review "the same reviewer twice" "$good" \
	"reviewer \"R01\" has reviewed case \"A01-2025-008\" for $R already (an earlier import, or an earlier line of this file)"
run $MANYI import reviews --survey enforcement-enterprise $Q/reviews.csv
eq "reviews only against a rubric" "$RC" 1
run $MANYI import reviews --survey $R $Q/reviews.csv
eq "the fixture's reviews" "$RC/$OUT" "0/$Q/reviews.csv: 47 reviews imported into $R version 1"
sqlite3 "$DB" ".backup $T/adj.db"   # for the adjudication, below

# The figures, against R's.
for period in all q23; do
	p=""; [ $period = q23 ] && p="--from 2025-04-01 --to 2025-09-30"
	for level in 0.95 0.9; do
		for by in "" agency domain kind outcome; do
			run $MANYI quality --survey $R ${by:+--by $by} $p --level $level
			cp "$T/out" "$T/q.json"
			run python3 $Q/compare.py $Q/expected.csv $period $level "$by" "$T/q.json"
			eq "quality $period level $level by ${by:-overall} = R's" "$RC" 0
			[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/#   /' | head -5
		done
	done
done
run $MANYI quality --survey $R --by agency --format csv
cp "$T/out" "$T/q.csv"
run python3 $Q/compare.py $Q/expected.csv all 0.95 agency "$T/q.csv" csv
eq "the CSV = R's" "$RC" 0
contains "the CSV names the agencies" "$(cat "$T/q.csv")" "A06,市应急管理局,5,"
run $MANYI quality --survey $R --by agency --format csv --lang en
contains "... in English on request" "$OUT" "A06,Municipal Emergency Management Bureau,5,"
run $MANYI quality --survey $R --by agency
eq "the JSON names the agencies" "$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["groups"][0]["names"]["agency"]["zh"], j["groups"][0]["cases"], j["max"])' <"$T/out")" "市市场监督管理局 40 100"
run $MANYI quality --survey $R --by size
eq "--by takes the quality's columns only" "$RC" 2
run $MANYI quality --survey $R --from 2030-01-01
eq "no reviewed file in a period: exit 1" "$RC" 1
contains "... saying so" "$ERR" "no reviewed case file for $R decided from 2030-01-01"

# The API: the same JSON; an agency key sees its own agency and the overall row.
api "$E" GET "/api/v1/quality?survey=$R&by=kind&from=2025-04-01&to=2025-09-30&level=0.9"
eq "GET /api/v1/quality: 200" "$STATUS" 200
run python3 $Q/compare.py $Q/expected.csv q23 0.9 kind "$T/body"
eq "GET /api/v1/quality = R's" "$RC" 0
conform GET /api/v1/quality
A=$(agency_key A02)
api "$A" GET "/api/v1/quality?survey=$R&by=domain"
eq "an agency key: its own agency, beside the overall row" "$STATUS/$(json '[g["by"] for g in j["groups"]]')/$(json 'round(j["overall"]["mean"], 6)')" \
	"200/[{'agency': 'A02'}]/80.614236"
api "" GET "/api/v1/quality?survey=$R"
eq "no key: 401" "$STATUS" 401
api "$E" GET "/api/v1/quality?survey=$R&by=size"
eq "a bad by: 400" "$STATUS" 400
api "$E" GET "/api/v1/quality?survey=enforcement-public"
eq "not a rubric: 404" "$STATUS" 404

# Agreement over the double-reviewed files, against psych::ICC and psych::cohen.kappa.
agree() { # FILE: the JSON's figures = tests/quality/agreement.csv's, to 1e-9
	python3 - "$1" $Q/agreement.csv <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
want = next(csv.DictReader(open(sys.argv[2])))
bad = [k for k in want if abs(float(want[k]) - j[k]) > 1e-9 * max(1, abs(float(want[k])))]
print(" ".join("%s: R %s, manyi %s" % (k, want[k], j[k]) for k in bad))
sys.exit(1 if bad else 0)
PY
}
run $MANYI review agreement --survey $R
cp "$T/out" "$T/agree.json"
run agree "$T/agree.json"
eq "review agreement = R's (files, ICC1, ICC1k, kappa)" "$RC/$OUT" "0/"
api "$E" GET "/api/v1/agreement?survey=$R"
eq "GET /api/v1/agreement: 200" "$STATUS" 200
conform GET /api/v1/agreement
run agree "$T/body"
eq "GET /api/v1/agreement = R's" "$RC/$OUT" "0/"
api "$A" GET "/api/v1/agreement?survey=$R"
eq "an agency key: 403" "$STATUS" 403

# The files to settle: first two reviews' totals more than the threshold apart, or flags disagreeing,
# against the same rule applied to the fixture's reviews here.
settle() { # THRESHOLD: the expected rows, computed from tests/quality/reviews.csv
	python3 - "$1" $Q/reviews.csv <<'PY'
import csv, sys
t = float(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
pts = ["subject", "facts", "evidence", "procedure", "law", "discretion", "documents", "service", "archiving"]
flags = [k for k in rows[0] if k not in pts + ["case_id", "reviewer", "submitted_at", "comment"]]
by = {}
for r in sorted(rows, key=lambda r: (r["case_id"], r["submitted_at"])):
    by.setdefault(r["case_id"], []).append(r)
for c, rs in sorted(by.items()):
    if len(rs) < 2:
        continue
    x = [sum(int(r[k]) for k in pts) for r in rs[:2]]
    d = [any(r[k] == "yes" for k in flags) for r in rs[:2]]
    why = [w for w, on in (("totals", abs(x[1] - x[0]) > t), ("defects", d[0] != d[1])) if on]
    if why:
        print(",".join([c, rs[0]["reviewer"], str(x[0]), rs[1]["reviewer"], str(x[1]), str(x[1] - x[0]), ";".join(why)]))
PY
}
for t in 10 3; do
	run $MANYI review disagreements --survey $R --threshold $t
	eq "review disagreements --threshold $t: exit 0" "$RC" 0
	eq "... the files to settle" "$(tr -d '\r' <"$T/out" | tail -n +2 | cut -d, -f1,4,5,7,8,10,11)" "$(settle $t)"
done
contains "... naming the agencies" "$(cat "$T/out")" "市"
run $MANYI review disagreements --survey $R --threshold -1
eq "a negative threshold: usage" "$RC" 2

# POST /api/v1/cases: atomic; agency keys register only their own agency's cases.
before=$(count case_file)
api "$A" POST /api/v1/cases -H 'Content-Type: application/json' \
	--data-binary '[{"case_id":"P1","domain":"ecology","kind":"inspection","decided_on":"2025-06-01","enterprise":true,"outcome":"not_penalised"}]'
eq "an agency key registers its own case" "$STATUS/$(json 'j["cases"]')" "201/['P1']"
conform POST /api/v1/cases
eq "... stored under its agency" "$(sql "SELECT agency || enterprise FROM case_file WHERE code = 'P1'")" A021
api "$A" POST /api/v1/cases -H 'Content-Type: application/json' \
	--data-binary '[{"case_id":"P2","agency":"A02","domain":"ecology","kind":"penalty","decided_on":"2025-06-01","enterprise":"no","outcome":"penalised"},{"case_id":"P3","agency":"A01","domain":"market","kind":"penalty","decided_on":"2025-06-01","enterprise":"no","outcome":"penalised"}]'
eq "another agency's case: 403, nothing stored" "$STATUS/$(count case_file)" "403/$((before + 1))"
contains "... naming the case" "$BODY" "case [1]: an agency key registers only its own agency's cases; nothing was stored"
api "$E" POST /api/v1/cases -H 'Content-Type: application/json' \
	--data-binary '[{"case_id":"P4","agency":"A01","domain":"market","kind":"penalty","decided_on":"2025-06-01","enterprise":"no","outcome":"penalised"},{"case_id":"P5","agency":"A01","domain":"market","kind":"fine","decided_on":"2025-06-01","enterprise":"no","outcome":"penalised"}]'
eq "a bad case: 422, nothing stored" "$STATUS/$(count case_file)" "422/$((before + 1))"
contains "... naming the field" "$BODY" 'case [1]: kind \"fine\" is not one of'
api "$E" POST /api/v1/cases -H 'Content-Type: application/json' --data-binary '{"case_id":"P6"}'
eq "not an array: 400" "$STATUS" 400
api "$E" POST /api/v1/cases -H 'Content-Type: application/json' \
	--data-binary '[{"case_id":"P7","agency":"A01","domain":"market","kind":"penalty","decided_on":"2025-06-01","enterprise":"no","outcome":"lighter"}]'
eq "an evaluator key registers any agency's case" "$STATUS" 201

# Drawing and assigning the sample: reproducible by seed, conflict-free, drawn once.
sqlite3 "$DB" ".backup $T/copy.db"
run $MANYI review sample --survey $R --per-agency 4 --by-kind --seed 11
eq "review sample: exit 0" "$RC" 0
cp "$T/out" "$T/sample1.csv"
eq "24 files (4 of each of six agencies), 5 of them twice (20%, rounded)" \
	"$(tr -d '\r' <"$T/sample1.csv" | awk -F, 'NR > 1 { c[$9]++ } END { print c[1] "/" c[2] }')" "24/5"
eq "no file assigned to a reviewer conflicted with its agency" "$(sql "SELECT count(*) FROM review_assignment a
	JOIN case_file c ON c.id = a.case_file JOIN reviewer_conflict k ON k.reviewer = a.reviewer AND k.agency = c.agency")" 0
eq "a second review goes to another reviewer" "$(sql "SELECT count(*) FROM review_assignment a JOIN review_assignment b
	ON a.case_file = b.case_file AND a.round = 1 AND b.round = 2 AND a.reviewer = b.reviewer")" 0
contains "the CSV names agencies and reviewers" "$(cat "$T/sample1.csv")" "A06,市应急管理局,emergency,"
run $MANYI --db "$T/copy.db" review sample --survey $R --per-agency 4 --by-kind --seed 11
eq "the same seed, the same sample and assignments" "$(cmp "$T/out" "$T/sample1.csv" && echo same)" same
run $MANYI --db "$T/copy.db" review sample --survey $R --n 10 --allocation equal --seed 11
eq "a sample is drawn once" "$RC/$ERR" "1/manyi: review sample: the sample of $R is drawn already (29 assignments): a sample is drawn once"
run $MANYI review sample --survey $R --seed 1
eq "--n or --per-agency is required" "$RC" 2
run $MANYI review sample --survey $R --n 5
eq "--seed is required" "$RC" 2
run $MANYI review sample --survey $R --n 5 --seed 1 --double 1.5
eq "--double is a share" "$RC" 2
run $MANYI review sample --survey enforcement-public --n 5 --seed 1
eq "a sample for a rubric only" "$RC" 1

# Adjudication, on the reviews alone (the copy taken after their import):
# make_fixtures.R's decisions, a panel's replacing a file's total and ok, a
# third review averaged in (two of three decide the defect); R's figures after.
ADJ=(--db "$T/adj.db")
run $MANYI "${ADJ[@]}" review disagreements --survey $R
eq "the files adjudicated are files to settle" \
	"$(tail -n +2 $Q/adjudications.csv | cut -d, -f1 | while read -r c; do grep -c "^$c," "$T/out"; done | sort -u)" 1
while IFS=, read -r c kind who total defect note; do
	if [ "$kind" = panel ]; then
		run $MANYI "${ADJ[@]}" review adjudicate "$c" --survey $R --decide --total "$total" --defect "$defect" --note "$note"
	else
		run $MANYI "${ADJ[@]}" review adjudicate "$c" --survey $R --third "$who"
	fi
	eq "review adjudicate $c ($kind)" "$RC" 0
done < <(tail -n +2 $Q/adjudications.csv)
run $MANYI "${ADJ[@]}" review disagreements --survey $R
eq "the list says how each file was settled" \
	"$(tr -d '\r' <"$T/out" | awk -F, 'NR > 1 && $12 != "" { print $1 "," $12 }')" \
	"$(tail -n +2 $Q/adjudications.csv | cut -d, -f1,2)"
run $MANYI "${ADJ[@]}" import reviews --survey $R $Q/reviews_third.csv
eq "the third reviews imported" "$RC" 0
for level in 0.95 0.9; do
	for by in "" agency domain kind outcome; do
		run $MANYI "${ADJ[@]}" quality --survey $R ${by:+--by $by} --level $level
		cp "$T/out" "$T/qa.json"
		run python3 $Q/compare.py $Q/expected_adjudicated.csv all $level "$by" "$T/qa.json"
		eq "adjudicated: quality level $level by ${by:-overall} = R's" "$RC" 0
		[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/#   /' | head -5
	done
done
run $MANYI "${ADJ[@]}" quality --survey $R --from 2025-04-01 --to 2025-09-30 --by agency
cp "$T/out" "$T/qa.json"
run python3 $Q/compare.py $Q/expected_adjudicated.csv q23 0.95 agency "$T/qa.json"
eq "adjudicated: a period by agency = R's" "$RC" 0
run $MANYI "${ADJ[@]}" review agreement --survey $R
eq "the agreement still reads the first two reviews of each file" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)["files"])' <"$T/out")" "$(tail -1 $Q/agreement.csv | cut -d, -f1)"
it_done
