#!/usr/bin/env bash
# The efficacy evaluation (issue 14, CONTRACT §6) through the real CLI:
# duties, performance and quality scores come in atomically with FILE:LINE
# errors; the performance rate per agency and domain on hand-checked
# examples (duties with nothing required listed, not counted; duties never
# performed listed); `manyi evaluate` prints the evaluation's shape, the
# same bytes on a re-run, stores it (--show), compares with the previous
# year, and takes quality from the case-file review when there is one.
# The composite and the simulation are held to R in tests/unit/test_evaluate.c.
. "$(dirname "$0")/lib.sh"
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
count() { sql "SELECT count(*) FROM $1"; }
it_db || { not_ok "set up the database"; exit 1; }

# Duties: a bad file stops at FILE:LINE, nothing stored.
H=duty_id,agency,domain,name,basis,required
bad() { # KIND DESC HEADER ROW MESSAGE TABLE
	printf '%s\n%s\n' "$3" "$4" >"$T/bad.csv"
	run $MANYI import "$1" "$T/bad.csv"
	eq "$1, $2: FILE:LINE: reason, exit 1" "$RC/$ERR" "1/$T/bad.csv:${7:-2}: $5"
	eq "$1, $2: nothing stored" "$(count "$6")" 0
}
bad duties "an unknown agency" $H "D1,A99,market,抽查,《条例》,3" 'unknown agency "A99"' duty
bad duties "an unknown domain" $H "D1,A01,fishing,抽查,《条例》,3" 'unknown domain "fishing"' duty
bad duties "required below 0" $H "D1,A01,market,抽查,《条例》,-1" \
	'required "-1" is not a whole number 0 or more' duty
bad duties "an empty name" $H "D1,A01,market,,《条例》,3" 'name is empty' duty
bad duties "a bad id" $H "D 1,A01,market,抽查,《条例》,3" \
	"duty_id \"D 1\" is not a duty id (1-64 letters, digits, '_', '.' or '-')" duty
bad duties "a missing column" duty_id,agency,domain,name,basis "D1,A01,market,抽查,《条例》" \
	'missing column "required"' duty 1
printf '%s\nD1,A01,market,抽查,《条例》,3\nD2,A01,market,抽查,《条例》,x\n' $H >"$T/bad.csv"
run $MANYI import duties "$T/bad.csv"
eq "a bad third line: the good second is not stored either" "$RC/$ERR/$(count duty)" \
	"1/$T/bad.csv:3: required \"x\" is not a whole number 0 or more/0"

cat >"$T/duties.csv" <<'CSV'
duty_id,agency,domain,name,basis,required
D1,A01,market,双随机抽查,《市场监督管理行政处罚程序规定》,10
D2,A01,drugs,药品抽检,《药品管理法》第一百条,4
D3,A01,market,投诉举报处理,《市场监督管理投诉举报处理暂行办法》,0
D4,A02,ecology,排污许可检查,《排污许可管理条例》,5
D5,A02,ecology,"执法检查, 重点单位",《环境保护法》,3
D6,A03,urban,占道经营巡查,《城市市容和环境卫生管理条例》,8
CSV
run $MANYI import duties "$T/duties.csv"
eq "six duties" "$RC/$OUT" "0/$T/duties.csv: 6 duties imported"

# Performance.
P=duty_id,year,performed,records
bad performance "an unknown duty" $P "D9,2022,3," 'unknown duty_id "D9" (import duties first)' performance
bad performance "a bad year" $P "D1,22,3," 'year "22" is not a year (1900 to 9999)' performance
bad performance "performed below 0" $P "D1,2022,-2," 'performed "-2" is not a whole number 0 or more' performance
bad performance "an unknown column" "$P,note" "D1,2022,2,," \
	'unknown column "note" (expected duty_id,year,performed,records)' performance 1
cat >"$T/perf.csv" <<'CSV'
duty_id,year,performed,records
D1,2022,12,R-001;R-002
D2,2022,3,
D2,2022,1,
D4,2022,0,
D6,2022,6,
D1,2021,5,
D4,2021,5,
D6,2021,8,
CSV
run $MANYI import performance "$T/perf.csv"
eq "eight rows (without records: the column is optional)" "$RC/$OUT" "0/$T/perf.csv: 8 performance rows imported"
eq "the later row of D2 stands" "$(sql "SELECT performed FROM performance WHERE duty = 'D2' AND year = 2022")" 1
eq "records kept" "$(sql "SELECT records FROM performance WHERE duty = 'D1' AND year = 2022")" "R-001;R-002"

# Quality scores reviewed elsewhere.
Q=year,agency,score,se,n
bad quality-scores "a score over 100" $Q "2022,A01,101,2,30" 'score "101" is not a number from 0 to 100' quality_score
bad quality-scores "a negative se" $Q "2022,A01,80,-1,30" 'se "-1" is not a number 0 or more' quality_score
bad quality-scores "an unknown agency" $Q "2022,A99,80,1,30" 'unknown agency "A99"' quality_score
printf '%s\n2022,A01,85.5,2.5,30\n2022,A02,91,1.5,20\n2022,A03,70,4,12\n2021,A01,80,3,25\n' $Q >"$T/q.csv"
run $MANYI import quality-scores "$T/q.csv"
eq "four quality scores" "$RC/$OUT" "0/$T/q.csv: 4 quality scores imported"
eq "every import audited" "$(sql "SELECT group_concat(action, ';') FROM (SELECT action FROM audit WHERE action IN ('import duties', 'import performance', 'import quality-scores') ORDER BY rowid)")" \
	"import duties;import performance;import quality-scores"

# Options.
run $MANYI evaluate
eq "--year is required (usage, exit 2)" "$RC" 2
run $MANYI evaluate --year 2022 --weights 1,1
eq "bad --weights (exit 2)" "$RC" 2
run $MANYI evaluate --year 2022 --bands 60,80,90
eq "bands must decrease (exit 2)" "$RC" 2
run $MANYI evaluate --year 2022 --weighting heavy
eq "an unknown weighting (exit 2)" "$RC" 2
run $MANYI evaluate --year 2022 --show
eq "--show before any evaluation" "$RC/$ERR" "1/manyi: evaluate: no evaluation of 2022 is stored (run manyi evaluate --year 2022)"
run $MANYI evaluate --year 2021
eq "two surveys of respondents: which one" "$RC/$ERR" \
	"1/manyi: evaluate: 2 surveys of respondents are loaded: name one with --survey ID"

# Satisfaction from the statistics engine: the e2e data (2022).
E=tests/stats/e2e
$MANYI import encounters $E/encounters.csv >/dev/null
$MANYI import responses --survey enforcement-enterprise $E/responses.csv >/dev/null
S="--survey enforcement-enterprise"
run $MANYI evaluate --year 2021 $S
eq "2021 evaluated (no answers that year: satisfaction null)" "$RC" 0
echo "$OUT" >"$T/body"
eq "2021: no satisfaction" "$(json 'j["city"]["satisfaction"]')" None
run $MANYI evaluate --year 2022 $S --seed 7
eq "2022 evaluated" "$RC" 0
echo "$OUT" >"$T/body"
cp "$T/body" "$T/first.json"
a() { json "[a for a in j['agencies'] if a['agency'] == '$1'][0]$2"; }
eq "the top-level keys" "$(json 'sorted(j)')" \
	"['agencies', 'bands', 'city', 'domains', 'grades', 'measure', 'method', 'performance_rate', 'rubric', 'seed', 'simulations', 'survey', 'weighting', 'weights', 'year']"
eq "the survey and the rubric evaluated named (the report reads them)" "$(json '[j["survey"], j["rubric"]]')" "['enforcement-enterprise', 'case-review']"
eq "an agency's keys" "$(a A01 '.keys().__len__()') $(json 'sorted(j["agencies"][0])')" \
	"32 ['agency', 'agency_name', 'composite', 'composite_ci_high', 'composite_ci_low', 'composite_se', 'duties', 'duties_counted', 'grade', 'grade_changes', 'grade_name', 'grade_p', 'never_performed', 'not_required', 'performance', 'quality', 'quality_ci_high', 'quality_ci_low', 'quality_n', 'quality_se', 'quality_source', 'rank', 'rank_high', 'rank_low', 'satisfaction', 'satisfaction_ci_high', 'satisfaction_ci_low', 'satisfaction_low_n', 'satisfaction_n', 'satisfaction_se', 'sensitivity', 'vs_previous']"
eq "the options kept" "$(json '[j["weights"], j["bands"], j["weighting"], j["measure"], j["seed"], j["method"], j["simulations"]]')" \
	"[[1, 1, 1], [90, 80, 60], 'base', 'index', 7, 'manyi-efficacy-1', 1000]"
eq "names beside codes" "$(a A01 '["agency_name"]["zh"]')" "市市场监督管理局"
# A01: D1 min(1, 12/10) = 1, D2 1/4; D3 requires nothing: listed, not counted.
eq "A01's rate: 100 x (1 + 0.25) / 2" "$(a A01 '["performance"]')" 62.5
eq "A01: 3 duties, 2 counted" "$(a A01 '["duties"]')/$(a A01 '["duties_counted"]')" "3/2"
eq "A01: D3 requires nothing" "$(a A01 '["not_required"]')" "['D3']"
eq "A01: nothing never performed" "$(a A01 '["never_performed"]')" "[]"
# A02: D4 performed 0 of 5, D5 no row: both never performed.
eq "A02's rate is 0" "$(a A02 '["performance"]')" 0
eq "A02's duties never performed, with names and what was required" "$(a A02 '["never_performed"]')" \
	"[{'duty_id': 'D4', 'name': '排污许可检查', 'required': 5}, {'duty_id': 'D5', 'name': '执法检查, 重点单位', 'required': 3}]"
eq "A03's rate: 6/8" "$(a A03 '["performance"]')" 75
eq "A04 has no duty: null" "$(a A04 '["performance"]')" None
eq "the city's rate: mean over the 5 counted duties" "$(json 'j["city"]["performance"]')" 40
eq "by domain" "$(json '[(d["domain"], d["performance"], d["duties_counted"]) for d in j["domains"]]')" \
	"[('drugs', 25, 1), ('ecology', 0, 2), ('market', 100, 1), ('urban', 75, 1)]"
eq "a domain's names" "$(json 'j["domains"][0]["domain_name"]["en"]')" "Drug administration"
eq "A01's quality is imported" "$(a A01 '["quality"]') $(a A01 '["quality_se"]') $(a A01 '["quality_n"]') $(a A01 '["quality_source"]')" \
	"85.5 2.5 30 imported"
# Satisfaction is manyi stats --measure index for 2022, weighting base, A01's group.
$MANYI stats --survey enforcement-enterprise --by agency --from 2022-01-01 --to 2022-12-31 >"$T/stats.json"
sat=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); g=[g for g in j["groups"] if g["by"]["agency"]=="A01"][0]; print(g["mean"], g["se"], g["n"], g["ci_low"], g["ci_high"])' "$T/stats.json")
eq "A01's satisfaction is manyi stats' figure, with its interval" "$(a A01 '["satisfaction"]') $(a A01 '["satisfaction_se"]') $(a A01 '["satisfaction_n"]') $(a A01 '["satisfaction_ci_low"]') $(a A01 '["satisfaction_ci_high"]')" "$sat"
eq "an imported score's interval: normal, 85.5 -/+ 1.96 x 2.5" "$(json "(lambda a: abs(a['quality_ci_low'] - (85.5 - 1.959963984540054 * 2.5)) < 1e-12 and abs(a['quality_ci_high'] - (85.5 + 1.959963984540054 * 2.5)) < 1e-12)([a for a in j['agencies'] if a['agency'] == 'A01'][0])")" True
# composite = (62.5 + 85.5 + s) / 3, se = sqrt(2.5^2 + se_s^2) / 3, a normal 95% interval.
A01="[a for a in j['agencies'] if a['agency'] == 'A01'][0]"
eq "A01's composite, its SE and interval (CONTRACT §6)" \
	"$(json "(lambda a: abs(a['composite'] - (62.5 + 85.5 + a['satisfaction']) / 3) < 1e-12 and abs(a['composite_se'] - (2.5**2 + a['satisfaction_se']**2)**0.5 / 3) < 1e-12 and abs(a['composite_ci_high'] - a['composite'] - 1.959963984540054 * a['composite_se']) < 1e-9)($A01)")" True
eq "the grade's names for people" "$(json "(lambda a: a['grade_name'] == {'excellent': {'zh': '优秀', 'en': 'Excellent'}, 'good': {'zh': '良好', 'en': 'Good'}, 'pass': {'zh': '合格', 'en': 'Pass'}, 'fail': {'zh': '不合格', 'en': 'Fail'}}[a['grade']])($A01)")" True
eq "A01's grade and its probabilities" "$(json "(lambda a: (a['grade'] in ('excellent', 'good', 'pass', 'fail'), abs(sum(a['grade_p'].values()) - 1) < 1e-12, a['rank_low'] <= a['rank'] <= a['rank_high']))($A01)")" \
	"(True, True, True)"
eq "only A01, A02, A03 have the three figures: ranked 1 to 3" "$(json "sorted(a['rank'] for a in j['agencies'] if a['rank'] is not None)")" "[1, 2, 3]"
eq "the grades counted" "$(json "sum(j['grades'].values())")" 3
eq "A04 (no duty, no quality): no composite, grade or rank" "$(a A04 '["composite"]') $(a A04 '["grade"]') $(a A04 '["rank"]') $(a A04 '["grade_p"]["pass"]')" "None None None None"
eq "nine scenarios" "$(a A01 '["sensitivity"].__len__()')" 9
eq "performance+10: 10 points on a 100-point basis" "$(a A01 '["sensitivity"][0]["scenario"]') $(json "[round(w, 9) for w in $A01['sensitivity'][0]['weights']]")" \
	"performance+10 [43.333333333, 33.333333333, 33.333333333]"
eq "without_quality: its weight 0" "$(a A01 '["sensitivity"][7]["scenario"]') $(json "[round(w, 9) for w in $A01['sensitivity'][7]['weights']]")" \
	"without_quality [33.333333333, 0, 33.333333333]"
eq "grade_changes: the scenarios whose grade differs" "$(json "(lambda a: a['grade_changes'] == [s['scenario'] for s in a['sensitivity'] if s['grade'] != a['grade']])($A01)")" True
# 2021: A01's D1 5 of 10, D2 no row (0 of 4): 25; the city's D1 .5, D2 0, D4 1, D5 0, D6 1: 50.
eq "vs_previous from 2021's stored evaluation: performance 62.5 - 25" "$(a A01 '["vs_previous"]["year"]') $(a A01 '["vs_previous"]["performance_diff"]')" "2021 37.5"
eq "... quality 85.5 - 80, its SE sqrt(2.5^2 + 3^2)" "$(json "(lambda v: (v['quality_diff'], abs(v['quality_diff_se'] - (2.5**2 + 9)**0.5) < 1e-12, v['satisfaction_diff']))($A01['vs_previous'])")" \
	"(5.5, True, None)"
eq "... and its normal interval" "$(json "(lambda v: abs(v['quality_diff_ci_high'] - 5.5 - 1.959963984540054 * v['quality_diff_se']) < 1e-12)($A01['vs_previous'])")" True
eq "the city's change" "$(json 'j["city"]["vs_previous"]["performance_diff"]')" -10

# Same data, options and seed: the same bytes; stored, --show prints the latest.
run $MANYI evaluate --year 2022 $S --seed 7
eq "a re-run gives the same bytes" "$(cmp -s "$T/out" "$T/first.json" && echo same)" same
eq "each run is stored" "$(sql "SELECT count(*), group_concat(DISTINCT seed) FROM evaluation WHERE year = 2022")" "2|7"
eq "each run audited, its options named" "$(sql "SELECT count(*), max(detail) FROM audit WHERE action = 'evaluate' AND object = '2022'")" \
	"2|seed 7, weights 1,1,1, bands 90,80,60"
run $MANYI evaluate --year 2022 --show
eq "--show prints the stored evaluation" "$(cmp -s "$T/out" "$T/first.json" && echo same)" same
run $MANYI evaluate --year 2022 $S --seed 8 --weights 30,50,20 --bands 85,75,60 --measure overall
echo "$OUT" >"$T/body"
eq "another seed and weights" "$RC $(json '[j["seed"], j["weights"], j["bands"], j["measure"]]')" "0 [8, [30, 50, 20], [85, 75, 60], 'overall']"
eq "--measure overall: 100 x the satisfaction rate of item overall" \
	"$(a A01 '["satisfaction"]')" \
	"$($MANYI stats --survey enforcement-enterprise --measure overall --by agency --from 2022-01-01 --to 2022-12-31 | python3 -c 'import json,sys; j=json.load(sys.stdin); print(100*[g for g in j["groups"] if g["by"]["agency"]=="A01"][0]["rate"])')"
# --rate pooled: 100 x sum min(performed, required) / sum required over the counted duties.
run $MANYI evaluate --year 2022 $S --rate pooled
echo "$OUT" >"$T/body"
eq "pooled: A01 (10 + 1) / (10 + 4), the city 17 / 30, named" \
	"$(json 'j["performance_rate"]') $(a A01 '["performance"]') $(json 'j["city"]["performance"]')" \
	"pooled $(python3 -c 'print(100 * 11 / 14, 100 * 17 / 30)')"
run $MANYI evaluate --year 2022 $S --rate median
eq "--rate is mean or pooled (exit 2)" "$RC" 2
run $MANYI evaluate --year 2022 $S --seed 8 --weights 30,50,20 --bands 85,75,60 --measure overall
run $MANYI evaluate --year 2022 --show
eq "the latest run stands" "$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seed"])')" 8

# Quality from the case-file review (tests/quality: 2025), rescaled by the rubric's maximum.
QD=tests/quality
$MANYI import agency-domains tools/demo/agency-domains.csv >/dev/null
$MANYI import cases $QD/cases.csv >/dev/null
tail -n +2 $QD/reviewers.csv | while IFS=, read -r code name aff conf; do
	$MANYI reviewer add "$code" --name "$name" --affiliation "$aff" ${conf:+--conflict "${conf//;/,}"} >/dev/null
done
$MANYI import reviews --survey case-review $QD/reviews.csv >/dev/null
printf '%s
2025,A01,50,5,10
2025,A09,77,3,9
' $Q >"$T/q25.csv"
$MANYI import quality-scores "$T/q25.csv" >/dev/null
run $MANYI evaluate --year 2025 $S
echo "$OUT" >"$T/body"
$MANYI quality --survey case-review --by agency --from 2025-01-01 --to 2025-12-31 >"$T/quality.json"
want=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); g=[g for g in j["groups"] if g["by"]["agency"]=="A01"][0]; m=100/j["max"]; print(g["mean"]*m, g["se"]*m, g["ci_low"]*m, g["ci_high"]*m, g["n"])' "$T/quality.json")
eq "A01's quality: the review's mean, SE and interval x 100 / max (the imported score set aside)" \
	"$RC $(a A01 '["quality"]') $(a A01 '["quality_se"]') $(a A01 '["quality_ci_low"]') $(a A01 '["quality_ci_high"]') $(a A01 '["quality_n"]') $(a A01 '["quality_source"]')" "0 $want review"
eq "A09, reviewed by none, keeps its imported score" "$(a A09 '["quality"]') $(a A09 '["quality_source"]')" "77 imported"
# POST /api/v1/duties and /api/v1/performance: atomic, checked as the CSV rows; an agency key its own.
it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }
EV=$(evaluator_key)
K1=$(agency_key A01)
J='-H Content-Type:application/json'
post() { api "$1" POST "/api/v1/$2" $J --data-binary "$3"; }
before=$(count duty)
post "" duties '[{"duty_id":"W1","agency":"A01","domain":"market","name":"n","basis":"b","required":2}]'
eq "no key: 401" "$STATUS" 401
post "$EV" duties '{"duty_id":"W1"}'
eq "not an array: 400" "$STATUS" 400
conform POST /api/v1/duties
post "$EV" duties '[{"duty_id":"W1","agency":"A01","domain":"market","name":"巡查","basis":"b","required":2},{"duty_id":"W2","agency":"A01","domain":"market","name":"n","basis":"b","required":-1}]'
eq "a bad second element: 422 naming it, nothing stored" "$STATUS $(json 'j["error"]["fields"][0]["index"]') $(count duty)" "422 1 $before"
contains "... and why" "$BODY" 'required \"-1\" is not a whole number 0 or more'
conform POST /api/v1/duties
post "$K1" duties '[{"duty_id":"W1","domain":"market","name":"巡查","basis":"b","required":2},{"duty_id":"W2","agency":"A02","domain":"ecology","name":"n","basis":"b","required":1}]'
eq "an agency key: another agency's duty is 403, nothing stored" "$STATUS $(count duty)" "403 $before"
conform POST /api/v1/duties
post "$K1" duties '[{"duty_id":"W1","domain":"market","name":"巡查","basis":"《条例》","required":2}]'
eq "an agency key stores its own (agency left out: its own)" "$STATUS $(json 'j["stored"]') $(sql "SELECT agency FROM duty WHERE code = 'W1'")" "201 1 A01"
conform POST /api/v1/duties
post "$EV" duties '[{"duty_id":"W3","agency":"A02","domain":"ecology","name":"n","basis":"b","required":4}]'
eq "an evaluator key stores any agency's" "$STATUS" 201
post "$K1" performance '[{"duty_id":"W1","year":2022,"performed":1},{"duty_id":"W3","year":2022,"performed":4}]'
eq "performance of another agency's duty: 403, nothing stored" "$STATUS $(count performance)" "403 7"
post "$K1" performance '[{"duty_id":"W1","year":2022,"performed":1},{"duty_id":"W9","year":2022,"performed":4}]'
eq "an unknown duty: 422, nothing stored" "$STATUS $(count performance)" "422 7"
contains "... naming it" "$BODY" 'unknown duty_id \"W9\" (import duties first)'
post "$K1" performance '[{"duty_id":"W1","year":2022,"performed":1,"records":"R-9"}]'
eq "an agency key posts its own duty's performance" "$STATUS $(json 'j["stored"]') $(sql "SELECT performed || records FROM performance WHERE duty = 'W1'")" "201 1 1R-9"
conform POST /api/v1/performance
eq "the posts audited" "$(sql "SELECT count(*) FROM audit WHERE action IN ('post duties', 'post performance')")" 3
run $MANYI evaluate --year 2022 $S --seed 7
echo "$OUT" >"$T/body"
eq "A01's rate now counts W1 (1 of 2): (1 + 0.25 + 0.5) / 3" "$(a A01 '["performance"]')" "$(python3 -c 'print(100 * (1 + 0.25 + 0.5) / 3)')"
it_done
