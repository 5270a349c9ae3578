#!/usr/bin/env bash
# The fieldwork progress benchmark (not a test: it prints figures).
#
#   bench/progress_bench.sh            30,000 encounters (a year)
#   N=100000 bench/progress_bench.sh
#
# Through the importers: N encounters across 2022 (tools/gen_encounters.py),
# a phone sample of N/6 by agency, web links for every other encounter
# (manyi invite --uninvited), answers for about a third of them on the day
# each encounter occurred, dispositions for the rest of the phone sample.
# Then times `manyi fieldwork --progress` (JSON and CSV, best of 5) and
# prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30000}
BIN=${BIN:-bin}
WORK=${WORK:-build/bench/progress}
E=enforcement-enterprise
make --no-print-directory -s "$BIN/manyi"
mkdir -p "$WORK"
DB=$WORK/manyi.db
M="$BIN/manyi --db $DB"
rm -f "$DB" "$DB-wal" "$DB-shm"
$M init >/dev/null
$M import domains tools/demo/domains.csv >/dev/null
$M import agencies tools/demo/agencies.csv >/dev/null
$M survey load surveys/*.json >/dev/null
python3 tools/gen_encounters.py "$N" >"$WORK/enc.csv"
$M import encounters "$WORK/enc.csv" >/dev/null
$M sample --survey $E --n $((N / 6)) --by agency --seed 1 2>/dev/null >"$WORK/sample.csv"
$M invite --survey $E --uninvited >/dev/null 2>&1
python3 - "$WORK" "$E" <<'PY'
import csv, random, sys
work, survey = sys.argv[1:3]
rnd = random.Random(2)
rows = [r for r in csv.DictReader(open(work + "/enc.csv")) if r["size"] != "household"]
phone = {r["encounter_id"] for r in csv.DictReader(open(work + "/sample.csv"))}
items = "legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall"
answered = set()
with open(work + "/answers.csv", "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + items + "\n")
    for r in rows:
        if rnd.random() < 0.35:
            answered.add(r["encounter_id"])
            ch = "phone" if r["encounter_id"] in phone else rnd.choice(["web", "qr"])
            f.write("%s,,,,%s,%sT10:00:00+08:00,%s\n" % (r["encounter_id"], ch, r["occurred_on"],
                    ",".join(str(rnd.randint(1, 5)) for _ in range(9))))
with open(work + "/dispositions.csv", "w") as f:
    f.write("encounter_id,survey,outcome,attempts,last_call_at\n")
    for e in sorted(phone - answered):
        f.write("%s,%s,%s,2,2022-12-01T10:00:00+08:00\n" % (e, survey, rnd.choice(
            ["refusal", "non_contact", "unknown", "ineligible", "partial", "other"])))
PY
$M import responses --survey $E "$WORK/answers.csv" >/dev/null
$M import dispositions "$WORK/dispositions.csv" >/dev/null

best() { # best of 5, in seconds
	local b=999 t s
	for _ in 1 2 3 4 5; do
		s=$(date +%s.%N)
		"$@" >/dev/null
		t=$(echo "$(date +%s.%N) - $s" | bc)
		b=$(echo "if ($t < $b) $t else $b" | bc)
	done
	printf '%.3f' "$b"
}
echo "encounters: $N; invitations: $(sqlite3 "$DB" 'SELECT count(*) FROM invitation');" \
	"answers: $(sqlite3 "$DB" 'SELECT count(*) FROM resp');" \
	"dispositions: $(sqlite3 "$DB" 'SELECT count(*) FROM disposition')"
echo "fieldwork --progress json: $(best $M fieldwork --survey $E --progress --until 2022-12-31) s," \
	"$($M fieldwork --survey $E --progress --until 2022-12-31 | wc -c) bytes"
echo "fieldwork --progress csv:  $(best $M fieldwork --survey $E --progress --format csv) s"
echo "fieldwork --by agency:     $(best $M fieldwork --survey $E --by agency) s"
