#!/usr/bin/env bash
# What a user waits for, on a database the size of a city's year (not a
# test: it prints figures).  A first cut of the performance benchmark:
#
#   bench/perf.sh                 1,000,000 answers, 3,000,000 encounters
#   N=100000 bench/perf.sh        a tenth of it
#
# Builds the database the way an evaluator does — `manyi import` from CSV
# files generated here (12 agencies, the demo domains, 5 sizes, one year;
# phone answers to the enterprise survey, ~5% of scale answers missing) —
# and prints, each with its rate or size:
#   1. the imports: encounters and answers, rows per second;
#   2. `manyi stats --measure index --by agency,domain --weighting rake`,
#      the whole process: seconds and peak memory, for the year and for one
#      quarter;
#   3. the database's bytes per answer and per encounter (tables and their
#      indexes, from SQLite's dbstat).
# Not yet here: durable answers per second through nginx, the form page
# against a hello-world FastCGI twin, the export against sqlite3 -csv
# (bench/export_bench.sh has that one).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ENC=${ENC:-$((3 * N))}
BIN=${BIN:-bin}
WORK=${WORK:-build/bench/perf}
SURVEY=enforcement-enterprise

. bench/lib.sh
bench_tools
make -s all >/dev/null

rm -rf "$WORK"
mkdir -p "$WORK"
DB=$WORK/manyi.db
M="$BIN/manyi --db $DB"

echo "generating $ENC encounters and $N answers..."
python3 tools/gen_encounters.py "$ENC" 7 >"$WORK/encounters.csv"
python3 - "$WORK/encounters.csv" "$N" "$((ENC / N > 0 ? ENC / N : 1))" "surveys/$SURVEY.json" >"$WORK/answers.csv" <<'PY'
import csv, json, random, sys
enc_path, n, k, survey = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.load(open(sys.argv[4]))
rnd = random.Random(11)
items = [it for it in survey["items"] if it["type"] == "scale"]
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] +
             [it["id"] for it in items])
# Every k-th encounter is answered, so the answers spread over the year.
with open(enc_path, newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    for i, r in enumerate(rows):
        if n == 0:
            break
        if i % k:
            continue
        n -= 1
        vals = []
        for it in items:
            if not it.get("required") and rnd.random() < 0.05:
                vals.append("na" if it.get("allow_na") else "")
            else:
                vals.append(str(rnd.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 5])))
        out.writerow([r[0], "", "", "", "phone", r[5] + "T10:00:00+08:00"] + vals)
PY
N=$(($(wc -l <"$WORK/answers.csv") - 1))

$M init >/dev/null
$M import domains tools/demo/domains.csv >/dev/null
$M import agencies tools/demo/agencies.csv >/dev/null
$M survey load surveys/*.json >/dev/null

# seconds COMMAND...: run it, print its wall-clock seconds.
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	python3 -c "print(f'{$t1 - $t0:.2f}')"
}
rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }

t=$(seconds $M import encounters "$WORK/encounters.csv")
echo "import encounters: $ENC rows in ${t} s = $(rate "$ENC" "$t") rows/s"
t=$(seconds $M import responses --survey "$SURVEY" "$WORK/answers.csv")
echo "import responses:  $N rows in ${t} s = $(rate "$N" "$t") rows/s"

# stats LABEL ARGS...: the whole process, wall clock and peak memory.
stats() {
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/time" $M stats --survey "$SURVEY" --measure index \
		--by agency,domain --weighting rake "$@" >"$WORK/stats.json"
	read -r secs kb <"$WORK/time"
	echo "stats ($label): ${secs} s, peak $((kb / 1024)) MB"
}
stats "the year"
stats "one quarter" --from 2022-04-01 --to 2022-06-30

bytes() { # TABLE...: bytes of the tables and their indexes
	local names
	names=$(printf "'%s'," "$@")
	sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat WHERE name IN (${names%,})
	               OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${names%,}))"
}
a=$(bytes response answer)
e=$(bytes encounter)
echo "database: $(rate "$a" "$N") bytes per answer (response, answer and their indexes)"
echo "database: $(rate "$e" "$ENC") bytes per encounter (with its indexes)"
echo "file: $(du -h "$DB" | cut -f1) for $N answers and $ENC encounters"
