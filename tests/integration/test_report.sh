#!/usr/bin/env bash
# The efficacy report (issue 14, CONTRACT §6 "Reports"): manyi report in
# every format from an evaluation (tests/report/evaluation-fixture.json,
# given as a file and as stored), the same bytes twice, the stamp in each
# format, and manyi report verify: 0 while the database still gives the
# report, 1 naming what changed when one stored answer is changed behind
# its back (sqlite3), or the method.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
E=enforcement-enterprise
F=tests/report/evaluation-fixture.json
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
rep() { $MANYI report --year 2023 --evaluation "$F" --survey $E "$@"; }

# A year of answers: A01 and A02, some fined, some with no violation.
{
	echo "encounter_id,agency,domain,size,district,occurred_on,outcome"
	for i in $(seq 1 30); do echo "M$i,A01,market,small,鄂城区,2023-04-$(printf %02d $(( (i % 28) + 1 ))),$([ $((i % 2)) = 0 ] && echo fined || echo no_violation)"; done
	for i in $(seq 1 30); do echo "N$i,A02,ecology,small,华容区,2023-05-$(printf %02d $(( (i % 28) + 1 ))),fined"; done
} >"$T/enc.csv"
check "encounters of 2023" $MANYI import encounters "$T/enc.csv"
H='encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall'
{
	echo "$H"
	for i in $(seq 1 30); do v=$(( (i % 3) + 3 )); echo "M$i,,,,phone,2023-06-01T10:00:00+08:00,$v,$v,4,5,$v,4,5,4,$v"; done
	for i in $(seq 1 30); do v=$(( (i % 2) + 2 )); echo "N$i,,,,phone,2023-06-01T10:00:00+08:00,$v,$v,3,$v,2,3,$v,3,$v"; done
} >"$T/ans.csv"
check "answers of 2023" $MANYI import responses --survey $E "$T/ans.csv"

# Formats, the same bytes twice.
for f in html json csv; do
	run rep --format $f --out "$T/r1.$f"
	eq "report --format $f: exit 0" "$RC/$ERR" "0/"
	rep --format $f --out "$T/r2.$f"
	eq "report --format $f: the same bytes twice" "$(cmp -s "$T/r1.$f" "$T/r2.$f" && echo same)" same
	run $MANYI report verify "$T/r1.$f" --evaluation "$F"
	eq "verify the $f report: exit 0" "$RC" 0
	contains "... saying it matches" "$OUT" "matches the database: the report of 2023"
done
H1=$(cat "$T/r1.html")
for id in cover summary agency-A01 agency-A02 agency-A03 domains methods stamp; do
	contains "the HTML has #$id" "$H1" "id=\"$id\""
done
contains "the HTML is for A4 print" "$H1" "@page{size:A4"
contains "a page per agency" "$H1" "break-after:page"
contains "charts are inline SVG" "$H1" "<svg xmlns=\"http://www.w3.org/2000/svg\""
lacks "no script" "$H1" "<script"
contains "agency names escaped" "$H1" "排污许可证后监管 &lt;抽查&gt;"
contains "... and duty names" "$H1" "占道经营 &amp; 巡查"
contains "grades named for people" "$H1" "优秀"
contains "a grade that changes under other weights, the scenario named" "$H1" "<td>不计执法质量</td>"
contains "the agencies' chapter, numbered as such reports are" "$H1" "<h2 class=\"chapter\">二、各执法机关情况</h2>"
contains "duties with nothing required listed, not counted" "$H1" "年度无要求的不计入：D0109）"
contains "the city's change from the year before" "$H1" "比较年度：2022。"
contains "the methods define the performance rate" "$H1" "min(1, 实际履行次数/应履行次数) 的平均"
contains "the stamp in a meta" "$H1" '<meta name="manyi-stamp-inputs" content="'
contains "the methods name the weights" "$H1" "权重 P,Q,S = 1, 1, 1"
contains "the methods name the seed" "$H1" "种子 20231"
contains "satisfaction by outcome from the statistics engine" "$H1" "<td>罚款</td><td class=\"n\">40.6</td><td class=\"n\">40.6 – 40.6</td><td class=\"n\">30</td>"
contains "... a group under the threshold (30) not shown" "$H1" "<td>罚款</td><td class=\"n\">样本不足，不公布</td><td class=\"n\">—</td><td class=\"n\">15</td>"
contains "the satisfaction item that drags an agency, from the statistics engine" "$H1" "<p>“文明执法”平均得分 2.50（1–5分），低于全市 1.25 分（差异在95%水平显著，Holm校正）。</p>"
run rep --lang en
contains "English" "$OUT" "Enforcement efficacy evaluation report 2023"
contains "... grades in English" "$OUT" "Excellent"
eq "the JSON carries the stamp" "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["stamp"]["inputs"]), j["year"], sorted(j["stamp"]["parts"])[0])' "$T/r1.json")" "64 2023 answers"
eq "the CSV has a row per agency" "$(($(wc -l <"$T/r1.csv") - 1))" 3
contains "... and the stamp in its columns" "$(head -1 "$T/r1.csv")" "stamp_inputs,stamp_method"

# A changed answer: every format's stamp no longer matches, naming the answers.
sql "UPDATE resp SET nums = (SELECT nums FROM resp WHERE id = (SELECT max(id) FROM resp)) WHERE id = (SELECT min(id) FROM resp)"
for f in html json csv; do
	run $MANYI report verify "$T/r1.$f" --evaluation "$F"
	eq "a changed answer: verify the $f report exits 1" "$RC" 1
	contains "... saying it does not match" "$OUT" "does not match the database"
	contains "... the inputs differ" "$OUT" "inputs differ"
done
contains "... naming the answers" "$(bin/manyi --db "$DB" report verify "$T/r1.html" --evaluation "$F")" "changed: answers"
rep --out "$T/r3.html"
run $MANYI report verify "$T/r3.html" --evaluation "$F"
eq "a report made again matches" "$RC" 0

# The method: other weights in the evaluation.
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["weights"]=[2,1,1]; json.dump(j,open(sys.argv[2],"w"),ensure_ascii=False)' "$F" "$T/w.json"
run $MANYI report verify "$T/r3.html" --evaluation "$T/w.json"
eq "other weights: exit 1" "$RC" 1
contains "... the method differs" "$OUT" "method differs"

# Bad input.
run $MANYI report verify "$T/ans.csv"
eq "verify a file with no stamp: exit 1" "$RC" 1
contains "... saying so" "$ERR" "carries no report stamp"
run $MANYI report --year 20x3
eq "a bad year: usage" "$RC" 2
run rep --format docx
eq "a bad format: usage" "$RC" 2
run $MANYI report --year 2023 --evaluation "$T/ans.csv"
eq "an evaluation that is not JSON: exit 1" "$RC/$ERR" "1/manyi: report: the evaluation is not a JSON object"

# PDF through headless Chromium when it is installed, else a clear error.
if [ -x "${MANYI_CHROMIUM:-/usr/bin/chromium}" ]; then
	run rep --format pdf --out "$T/r.pdf"
	eq "a PDF through Chromium" "$RC/$(head -c 5 "$T/r.pdf" 2>/dev/null)" "0/%PDF-"
else
	run rep --format pdf --out "$T/r.pdf"
	eq "no Chromium: exit 1" "$RC" 1
	contains "... the HTML is the fallback" "$ERR" "use --format html"
fi
MANYI_CHROMIUM=/nonexistent/chromium rep --format pdf --out "$T/n.pdf" 2>"$T/err"
contains "no Chromium: the HTML with its print stylesheet is the fallback" "$(cat "$T/err")" "use --format html, whose print stylesheet lays out A4 pages"

# The stored evaluation (manyi evaluate's table; made here as its migration
# makes it when that has not run): the report and verify read it without
# --evaluation.
run $MANYI report --year 2023 --survey $E
eq "no evaluation stored: exit 1" "$RC/$ERR" "1/manyi: report: no evaluation of 2023 is stored: run manyi evaluate --year 2023 first"
sql "CREATE TABLE IF NOT EXISTS evaluation (id INTEGER PRIMARY KEY, year INTEGER NOT NULL, weights TEXT NOT NULL,
	bands TEXT NOT NULL, seed INTEGER NOT NULL, weighting TEXT NOT NULL, measure TEXT NOT NULL, result TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
sql "INSERT INTO evaluation (year, weights, bands, seed, weighting, measure, result)
	VALUES (2023, '1,1,1', '90,80,60', 20231, 'base', 'index', CAST(readfile('$F') AS TEXT))"
$MANYI report --year 2023 --survey $E --out "$T/stored.html"
eq "the stored evaluation's report is the same bytes" "$(cmp -s "$T/stored.html" "$T/r3.html" && echo same)" same
run $MANYI report verify "$T/stored.html"
eq "verify against the stored evaluation: exit 0" "$RC" 0
sql "INSERT INTO evaluation (year, weights, bands, seed, weighting, measure, result)
	VALUES (2023, '2,1,1', '90,80,60', 20231, 'base', 'index', CAST(readfile('$T/w.json') AS TEXT))"
run $MANYI report verify "$T/stored.html"
eq "evaluated again with other weights: exit 1" "$RC" 1
contains "... the method differs" "$OUT" "method differs"
contains "... and the evaluation among the inputs" "$OUT" "changed: evaluation"
sql "DELETE FROM evaluation WHERE weights = '2,1,1'"

# Publishing: the report (HTML in both languages, JSON, PDF when Chromium is
# here) on the public API, the same bytes manyi report gives, for everyone.
PORT=
it_stack || { not_ok "start nginx and manyi-fcgi"; it_done; exit 1; }
# Before publication: keys preview the stored evaluation's report, audited.
req GET /api/v1/evaluations/2023.html
eq "a preview needs a key" "$STATUS" 401
AK=$(agency_key A02)
api "$AK" GET /api/v1/evaluations/2023.html
eq "an agency key previews: 200" "$STATUS" 200
contains "... its own agency's page" "$BODY" 'id="agency-A02"'
lacks "... and no other agency's" "$BODY" 'id="agency-A01"'
lacks "... nor the city's ranking" "$BODY" 'id="summary"'
contains "... marked a preview" "$BODY" "预览：本报告尚未公布"
contains "... never cached by others" "$HEADERS" "Cache-Control: private, no-store"
eq "... the read is audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'GET /api/v1/evaluations/2023.html' AND object = 'A02'")" 1
api "$AK" GET /api/v1/evaluations/2023.en.html
contains "... in English" "$BODY" "Preview: this report is not published yet"
EK=$(evaluator_key)
api "$EK" GET /api/v1/evaluations/2023.html
contains "an evaluator previews the whole report" "$STATUS/$BODY" 'id="agency-A01"'
contains "... with the summary" "$BODY" 'id="summary"'
api "$(agency_key A05)" GET /api/v1/evaluations/2023.html
eq "an agency not in the evaluation: 404" "$STATUS" 404
conform GET "/api/v1/evaluations/{report}"
api "$EK" GET /api/v1/evaluations/2022.html
eq "no evaluation stored for the year: 404" "$STATUS" 404
api "$EK" GET /api/v1/evaluations/2023.pdf
eq "no preview as PDF: 404" "$STATUS" 404

req GET /api/v1/public/evaluations
eq "nothing published yet: an empty archive" "$STATUS/$BODY" '200/{"evaluations":[]}'
run $MANYI publish evaluation --year 2023 --evaluation "$F" --survey $E
eq "publish evaluation: exit 0" "$RC/$ERR" "0/"
contains "... saying where" "$OUT" "/api/v1/public/evaluations/2023.html"
req GET /api/v1/public/evaluations
eq "the archive lists 2023" "$STATUS/$(json 'j["evaluations"][0]["year"], j["evaluations"][0]["html"]')" \
	"200/(2023, '/api/v1/public/evaluations/2023.html')"
conform GET /api/v1/public/evaluations
rep --out "$T/now.html"
req GET /api/v1/public/evaluations/2023.html
eq "the published HTML is the report's bytes" "$STATUS/$(cmp -s "$T/body" "$T/now.html" && echo same)" "200/same"
contains "... served as HTML" "$HEADERS" "text/html; charset=utf-8"
req GET /api/v1/public/evaluations/2023.en.html
contains "... and in English" "$BODY" "Enforcement efficacy evaluation report 2023"
req GET /api/v1/public/evaluations/2023.json
eq "the JSON form" "$STATUS/$(json 'j["year"], len(j["stamp"]["inputs"])')" "200/(2023, 64)"
conform GET "/api/v1/public/evaluations/{report}"
if [ -x "${MANYI_CHROMIUM:-/usr/bin/chromium}" ]; then
	req GET /api/v1/public/evaluations/2023.pdf
	eq "the PDF form" "$STATUS/$(head -c 5 "$T/body")" "200/%PDF-"
	contains "... served as PDF" "$HEADERS" "application/pdf"
fi
req GET /api/v1/public/evaluations/2022.html
eq "a year not published: 404" "$STATUS" 404
conform GET "/api/v1/public/evaluations/{report}"
req GET /api/v1/public/evaluations/2023.docx
eq "a form that is none: 404" "$STATUS" 404

# End to end with manyi evaluate: duties, performance and imported quality
# scores of 2023, the evaluation stored, its report verified, then a
# performance row and an answer changed behind its back.
printf 'duty_id,agency,domain,name,basis,required\nD1,A01,market,双随机抽查,《市场监督管理行政处罚程序规定》,10\nD4,A02,ecology,排污许可检查,《排污许可管理条例》,5\n' >"$T/duties.csv"
printf 'duty_id,year,performed\nD1,2023,8\nD4,2023,5\n' >"$T/perf.csv"
printf 'year,agency,score,se,n\n2023,A01,85,2,30\n2023,A02,78,3,25\n' >"$T/qs.csv"
check "duties" $MANYI import duties "$T/duties.csv"
check "performance" $MANYI import performance "$T/perf.csv"
check "quality scores" $MANYI import quality-scores "$T/qs.csv"
run $MANYI evaluate --year 2023 --survey $E --seed 3
eq "manyi evaluate --year 2023: exit 0" "$RC" 0
run $MANYI report --year 2023 --survey $E --out "$T/real.html"
eq "the report of the stored evaluation: exit 0" "$RC/$ERR" "0/"
contains "... its agency pages" "$(cat "$T/real.html")" 'id="agency-A02"'
contains "... the agencies without figures listed apart, not ranked" "$(cat "$T/real.html")" "<th>未排名（数据不全）</th>"
lacks "... no number printed as nan" "$(grep -o '[^a-z]nan[^a-z]' "$T/real.html")" "nan"
run $MANYI report verify "$T/real.html"
eq "... verifies: exit 0" "$RC" 0
sql "UPDATE performance SET performed = 9 WHERE duty = 'D1' AND year = 2023"
run $MANYI report verify "$T/real.html"
eq "a performance row changed: exit 1" "$RC" 1
contains "... naming the performance" "$OUT" "changed: performance"
sql "UPDATE performance SET performed = 8 WHERE duty = 'D1' AND year = 2023"
run $MANYI report verify "$T/real.html"
eq "changed back: matches again" "$RC" 0
sql "UPDATE resp SET nums = X'01' || substr(nums, 2) WHERE id = (SELECT max(id) FROM resp)"
run $MANYI report verify "$T/real.html"
eq "an answer changed: exit 1" "$RC" 1
contains "... naming the answers" "$OUT" "changed: answers"
it_done
