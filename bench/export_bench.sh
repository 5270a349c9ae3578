#!/usr/bin/env bash
# The export benchmark (not a test: it prints figures).
#
#   bench/export_bench.sh              1,000,000 responses (and 100,000 for memory)
#   N=200000 SMALL=20000 bench/export_bench.sh
#
# Builds databases straight with sqlite3 SQL (not through the importer):
# encounters in 12 agencies x 12 domains x 5 sizes, one response per
# encounter for the first N of them, nine scale items (civility "not
# applicable" one time in ten), a choice, a multi and a comment one time in
# ten.  Then:
#   1. times `manyi export --format csv` against the sqlite3 shell writing
#      the same rows (one per response, the same answer columns, pivoted in
#      SQL) as CSV, and prints both and the ratio;
#   2. prints the peak memory (GNU time's maximum resident set size) of
#      `manyi export` at SMALL and at N responses, for csv, xlsx and sav.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
SMALL=${SMALL:-100000}
BIN=${BIN:-bin}
WORK=${WORK:-build/bench/export}
SURVEY=enforcement-enterprise

. bench/lib.sh
bench_tools
make --no-print-directory -s "$BIN/manyi"
mkdir -p "$WORK"

# make_db FILE N: a database with N answered encounters (and N/5 more unanswered).
make_db() {
	local db=$1 n=$2 e=$(($2 + $2 / 5))
	rm -f "$db" "$db-wal" "$db-shm"
	"$BIN/manyi" --db "$db" init >/dev/null
	"$BIN/manyi" --db "$db" import domains tools/demo/domains.csv >/dev/null
	"$BIN/manyi" --db "$db" import agencies tools/demo/agencies.csv >/dev/null
	"$BIN/manyi" --db "$db" survey load surveys/*.json >/dev/null
	sqlite3 "$db" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE nums(n INTEGER PRIMARY KEY);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $e)
INSERT INTO nums SELECT n FROM c;
INSERT INTO encounter (id, agency, domain, size, district, occurred_on, outcome)
SELECT printf('E%09d', n), printf('A%02d', 1 + n % 12),
       json_extract('["market","ecology","culture_tourism","transport","agriculture","emergency","urban","health","natural_resources","housing","water","labour"]', '\$[' || ((n / 12) % 12) || ']'),
       json_extract('["large","medium","small","micro","household"]', '\$[' || ((n / 144) % 5) || ']'),
       json_extract('["江岸区","江汉区","硚口区","汉阳区","武昌区"]', '\$[' || (n % 5) || ']'),
       printf('2022-%02d-%02d', 1 + n % 12, 1 + n % 28),
       json_extract('["no_violation","corrected","warning","fined","other"]', '\$[' || (n % 5) || ']')
FROM nums;
INSERT INTO response (id, public_id, survey_id, survey_version, channel, encounter_id, agency, domain, size, submitted_at)
SELECT n, printf('R%021d', n), '$SURVEY', 1, 'phone', e.id, e.agency, e.domain, e.size,
       printf('2022-%02d-%02dT02:00:00Z', 1 + n % 12, 1 + n % 28)
FROM nums JOIN encounter e ON e.id = printf('E%09d', n) WHERE n <= $n;
WITH items(item, k) AS (VALUES ('civility', 1), ('disruption', 2), ('efficiency', 3), ('fairness', 4),
    ('integrity', 5), ('legality', 6), ('overall', 7), ('procedure', 8), ('transparency', 9))
INSERT INTO answer (response_id, item, seq, num, text, na)
SELECT n, item, 0,
       CASE WHEN item = 'civility' AND n % 10 = 0 THEN NULL ELSE 1 + (n * 7 + k * 13 + n / 7) % 5 END,
       NULL, item = 'civility' AND n % 10 = 0
FROM nums, items WHERE n <= $n ORDER BY n, item;
INSERT INTO answer (response_id, item, seq, num, text, na)
SELECT n, 'encounter_type', 0, NULL,
       json_extract('["inspection","penalty","permit","other"]', '\$[' || (n % 4) || ']'), 0
FROM nums WHERE n <= $n;
INSERT INTO answer (response_id, item, seq, num, text, na)
SELECT n, 'problems', 0, NULL, CASE n % 3 WHEN 0 THEN 'rude' ELSE 'none' END, 0 FROM nums WHERE n <= $n AND n % 3 <> 2;
INSERT INTO answer (response_id, item, seq, num, text, na)
SELECT n, 'problems', 1, NULL, 'slow', 0 FROM nums WHERE n <= $n AND n % 3 = 0;
INSERT INTO answer (response_id, item, seq, num, text, na)
SELECT n, 'comment', 0, NULL, '执法人员态度很好，"值得"表扬, 谢谢 #' || n, 0 FROM nums WHERE n <= $n AND n % 10 = 0;
COMMIT;
PRAGMA journal_mode = WAL;
SQL
}

# peak_kb COMMAND...: GNU time's maximum resident set size, in kB.
peak_kb() {
	/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}

echo "== building $N responses and $SMALL responses (sqlite3, not the importer) =="
big=$WORK/n$N.db
small=$WORK/n$SMALL.db
t=$(seconds make_db "$big" "$N")
echo "$big: $t s"
t=$(seconds make_db "$small" "$SMALL")
echo "$small: $t s"
# Warm the page cache, so that both sides read from memory.
cat "$big" >/dev/null

echo
echo "== $N rows as CSV =="
sql=$(pivot_sql)
best_manyi=999999 best_sqlite=999999
for run in 1 2 3; do
	a=$(seconds "$BIN/manyi" --db "$big" export --survey $SURVEY --format csv)
	b=$(seconds sqlite3 -csv -header "$big" "$sql")
	echo "run $run: manyi export ${a} s, sqlite3 -csv ${b} s"
	best_manyi=$(echo "if ($a < $best_manyi) $a else $best_manyi" | bc -l)
	best_sqlite=$(echo "if ($b < $best_sqlite) $b else $best_sqlite" | bc -l)
done
rows_m=$("$BIN/manyi" --db "$big" export --survey $SURVEY --format csv | wc -l)
rows_s=$(sqlite3 -csv -header "$big" "$sql" | wc -l)
printf 'best: manyi export %.2f s (%s lines, with 4 weight columns and stratum_n), sqlite3 -csv %.2f s (%s lines)\n' \
	"$best_manyi" "$rows_m" "$best_sqlite" "$rows_s"
printf 'ratio manyi / sqlite3: %.2f (below 1: manyi is faster)\n' "$(echo "$best_manyi / $best_sqlite" | bc -l)"

echo
echo "== peak memory (maximum resident set size) =="
printf '%-8s %14s %14s\n' format "$SMALL rows" "$N rows"
for f in csv json xlsx sav; do
	m1=$(peak_kb "$BIN/manyi" --db "$small" export --survey $SURVEY --format $f --out "$WORK/out.$f")
	m2=$(peak_kb "$BIN/manyi" --db "$big" export --survey $SURVEY --format $f --out "$WORK/out.$f")
	printf '%-8s %11s kB %11s kB\n' "$f" "$m1" "$m2"
done
printf '%-8s %11s kB %11s kB\n' "sqlite3" \
	"$(peak_kb sqlite3 -csv -header "$small" "$sql")" "$(peak_kb sqlite3 -csv -header "$big" "$sql")"
rm -f "$WORK"/out.*
