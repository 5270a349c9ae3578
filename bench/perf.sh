#!/usr/bin/env bash
# What a user waits for, on a database the size of a city's year (not a
# test: it prints figures), each against its goal and, where one is
# measured, against a baseline measured in the same run:
#
#   bench/perf.sh                         1,000,000 answers, 3,000,000 encounters
#   N=100000 bench/perf.sh                a tenth of it
#   ONLY=web REUSE=1 bench/perf.sh        some sections, on the database already built
#
# Sections (ONLY=import,stats,size,export,web, the default all of them):
#   import  builds the database the way an evaluator does — `manyi import`
#           from CSV files generated here (12 agencies, the demo domains, 5
#           sizes, one year; phone answers to the enterprise survey, ~5% of
#           scale answers missing) — and gives encounters and answers rows/s;
#   stats   `manyi stats --measure index --by agency,domain --weighting rake`,
#           the whole process, for the year and for one quarter: seconds and
#           peak memory (GNU time);
#   size    bytes per answer and per encounter: what the database (every
#           table and index, from SQLite's dbstat) grew by with the import of
#           the answers, of the encounters, over their counts — whatever
#           tables the store puts them in;
#   export  `manyi export --format csv` of every answer, seconds and peak
#           memory, against the sqlite3 shell writing the same rows as CSV
#           (pivot_sql in bench/lib.sh; "n/a" when the schema it reads is no
#           longer there);
#   web     through nginx and manyi-fcgi as `make run` starts them
#           (tools/stack.sh), with wrk (WEB_CONNS=32 connections, WRK_THREADS=2
#           threads, WEB_SECONDS=10 s a load), on a database of its own (the
#           demo registry, WEB_TOKENS=300000 encounters each with an invitation
#           from `manyi invite --uninvited`), so that the answers it stores
#           leave the big one as it was built:
#           - durable answers: POST /api/v1/responses, each request with a
#             token not used yet (bench/wrk.lua), 201s per second, against raw
#             SQLite single-row commits (WAL, synchronous=FULL) on the same
#             disk (bench/commits.c);
#           - the form page GET /s/enforcement-enterprise, 200s per second,
#             against a hello-world FastCGI program (bench/twin.c) sending the
#             same bytes with the same headers behind the same nginx config
#             (the best of PAGE_ROUNDS=2 loads of each, alternating);
#           - the peak memory (VmHWM) of the manyi-fcgi worker after both.
# Then a markdown table of every figure, its goal, its baseline and the
# ratio (to the baseline where there is one, else to the goal).
#
# With REUSE=1 the database under WORK is used as it is when it was built
# (with its import figures) for the same N; otherwise it is built again.
# The web section always builds its own small database.  Figures on a
# shared machine are noisy: run it twice before believing a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ENC=${ENC:-$((3 * N))}
BIN=${BIN:-bin}
WORK=${WORK:-build/bench/perf}
ONLY=${ONLY:-import,stats,size,export,web}
REUSE=${REUSE:-}
EXPORT_RUNS=${EXPORT_RUNS:-2}
WEB_SECONDS=${WEB_SECONDS:-10}
WEB_CONNS=${WEB_CONNS:-32}
WEB_TOKENS=${WEB_TOKENS:-300000}
PAGE_ROUNDS=${PAGE_ROUNDS:-2}
WRK_THREADS=${WRK_THREADS:-2}
SURVEY=enforcement-enterprise

. bench/lib.sh
. tools/stack.sh
bench_tools
make -s all >/dev/null
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
DB=$WORK/manyi.db
M="$BIN/manyi --db $DB"

# Every process the web section starts is stopped however the script ends
# (a signal makes it exit, and so run the EXIT trap; stack.sh's programs
# also end with this shell if it is killed outright).
cleanup() {
	stack_stop "$WORK/web/var"
	stack_stop "$WORK/twin/var"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section() { [[ ",$ONLY," == *",$1,"* ]]; }
py() { python3 -c "print($1)"; }
int() { py "f'{$1:,.0f}'"; }    # 1234567.8 -> 1,234,568
x() { py "f'{$1:.2f}'"; }       # a ratio
yes_no() { if [ "$(py "bool($1)")" = True ]; then echo yes; else echo no; fi; }
mb() { py "f'{$1 / 1024:.0f}'"; } # kB -> MB

# The final table, a row at a time: row NAME FIGURE BASELINE GOAL RATIO MET.
TABLE=()
row() {
	TABLE+=("| $1 | $2 | $3 | $4 | $5 | $6 |")
}

# timed LABEL COMMAND...: run it (its output counted in lines), set SECS,
# KB (GNU time's peak resident set) and NLINES.
timed() {
	local label=$1
	shift
	NLINES=$(/usr/bin/time -f "%e %M" -o "$WORK/time.$label" "$@" | wc -l)
	read -r SECS KB <"$WORK/time.$label"
}

# ---- the database: built (import), or reused -------------------------------

build() {
	rm -f "$DB" "$DB-wal" "$DB-shm" "$WORK/built"
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
	local n e0 e1 a1 t_enc t_ans
	n=$(($(wc -l <"$WORK/answers.csv") - 1))
	$M init >/dev/null
	$M import domains tools/demo/domains.csv >/dev/null
	$M import agencies tools/demo/agencies.csv >/dev/null
	$M survey load surveys/*.json >/dev/null
	e0=$(db_bytes)
	t_enc=$(seconds $M import encounters "$WORK/encounters.csv")
	e1=$(db_bytes)
	t_ans=$(seconds $M import responses --survey "$SURVEY" "$WORK/answers.csv")
	a1=$(db_bytes)
	# What the other sections read back when REUSE=1.
	cat >"$WORK/built" <<EOF
BUILT_N=$N
ANSWERS=$n
T_ENC=$t_enc
T_ANS=$t_ans
BYTES_ENC=$((e1 - e0))
BYTES_ANS=$((a1 - e1))
EOF
}

# db_bytes: the bytes of every table and index of $DB (its pages in use).
db_bytes() { sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat"; }

if section import || section stats || section size || section export; then
	if [ -n "$REUSE" ] && [ -f "$WORK/built" ] && [ -f "$DB" ] && grep -qx "BUILT_N=$N" "$WORK/built"; then
		echo "reusing $DB (built for N=$N; its import figures are those of that build)"
	else
		build
	fi
	. "$WORK/built"
fi

if section import; then
	r_enc=$(py "$ENC / $T_ENC")
	r_ans=$(py "$ANSWERS / $T_ANS")
	echo "import encounters: $ENC rows in ${T_ENC} s = $(int "$r_enc") rows/s"
	echo "import responses:  $ANSWERS rows in ${T_ANS} s = $(int "$r_ans") rows/s"
	row "import encounters" "$(int "$r_enc") rows/s" "—" "≥150,000 rows/s" \
		"$(x "$r_enc / 150000") × goal" "$(yes_no "$r_enc >= 150000")"
	row "import answers" "$(int "$r_ans") rows/s" "—" "≥100,000 rows/s" \
		"$(x "$r_ans / 100000") × goal" "$(yes_no "$r_ans >= 100000")"
fi

# ---- stats ------------------------------------------------------------------

# stats LABEL ARGS...: the whole process, wall clock and peak memory.
stats() {
	local label=$1
	shift
	timed stats $M stats --survey "$SURVEY" --measure index --by agency,domain --weighting rake "$@"
	echo "stats ($label): ${SECS} s, peak $(mb "$KB") MB"
	row "stats, $label" "${SECS} s, $(mb "$KB") MB" "—" "≤1 s, ≤200 MB" \
		"time $(x "$SECS / 1") ×, memory $(x "$KB / 1024 / 200") × goal" \
		"$(yes_no "$SECS <= 1 and $KB / 1024 <= 200")"
}
if section stats; then
	stats "the year"
	stats "one quarter" --from 2022-04-01 --to 2022-06-30
fi

# ---- size -------------------------------------------------------------------

if section size; then
	b_ans=$(py "$BYTES_ANS / $ANSWERS")
	b_enc=$(py "$BYTES_ENC / $ENC")
	echo "database: $(int "$b_ans") bytes per answer, $(int "$b_enc") bytes per encounter" \
		"(what each import added, every table and index); file $(du -h "$DB" | cut -f1)"
	row "bytes per answer" "$(int "$b_ans") B" "—" "≤200 B" \
		"$(x "$b_ans / 200") × goal" "$(yes_no "$b_ans <= 200")"
	row "bytes per encounter" "$(int "$b_enc") B" "—" "≤80 B" \
		"$(x "$b_enc / 80") × goal" "$(yes_no "$b_enc <= 80")"
fi

# ---- export -----------------------------------------------------------------

# The best of EXPORT_RUNS runs of each (by time), alternating, the page
# cache warm for both.
if section export; then
	cat "$DB" >/dev/null
	best_m="" best_s=""
	fits=true
	pivot_sql_fits "$DB" || fits=false
	for run in $(seq "$EXPORT_RUNS"); do
		timed export $M export --survey "$SURVEY" --format csv
		echo "run $run: manyi export ${SECS} s, peak $(mb "$KB") MB, $NLINES lines"
		if [ -z "$best_m" ] || [ "$(py "$SECS < ${best_m% *}")" = True ]; then best_m="$SECS $KB"; fi
		$fits || continue
		timed export sqlite3 -csv -header "$DB" "$(pivot_sql)"
		echo "run $run: sqlite3 -csv    ${SECS} s, peak $(mb "$KB") MB, $NLINES lines"
		if [ -z "$best_s" ] || [ "$(py "$SECS < ${best_s% *}")" = True ]; then best_s="$SECS $KB"; fi
	done
	read -r ms mk <<<"$best_m"
	fig="$ms s, $(mb "$mk") MB"
	if $fits; then
		read -r ss sk <<<"$best_s"
		row "export $(int "$ANSWERS") rows, CSV" "$fig" "sqlite3 -csv: $ss s, $(mb "$sk") MB" "≥ sqlite3" \
			"$(x "$ms / $ss") × time, $(x "$mk / $sk") × memory" "$(yes_no "$ms <= $ss")"
	else
		echo "sqlite3 -csv: n/a (the tables pivot_sql reads are not in this schema)"
		row "export $(int "$ANSWERS") rows, CSV" "$fig" "sqlite3 -csv: n/a" "≥ sqlite3" "n/a" "n/a"
	fi
fi

# ---- web --------------------------------------------------------------------

# load LABEL URL ARGS...: wrk against URL (ARGS go to bench/wrk.lua); sets
# WANTED (responses with the wanted status), GOOD (those a second), OTHER,
# RAN_OUT, P50 and P99 (ms).
load() {
	local label=$1 url=$2 out
	shift 2
	out=$(wrk -t"$WRK_THREADS" -c"$WEB_CONNS" -d"${WEB_SECONDS}s" -s bench/wrk.lua "$url" -- "$@" |
		grep '^wrk.lua:')
	read -r _ WANTED OTHER RAN_OUT secs P50 P99 <<<"$(sed -E 's/[a-z0-9_]+=//g' <<<"$out")"
	GOOD=$(py "$WANTED / $secs")
	echo "$label: $(int "$GOOD")/s ($WANTED in $secs s; $OTHER other; p50 $P50 ms, p99 $P99 ms)"
}

# The FastCGI head manyi-fcgi sent with the page: what curl saw (file $1)
# without what nginx adds (its status line, Server, Date, Connection,
# Transfer-Encoding, and the four headers of its add_header lines, the
# last of each name).
twin_head() {
	python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="latin-1", newline="").read().split("\r\n")
status = lines[0].split(" ", 1)[1]
heads = [l for l in lines[1:] if l]
drop = {"server", "date", "connection", "transfer-encoding", "keep-alive"}
heads = [h for h in heads if h.split(":")[0].lower() not in drop]
for name in ("x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy"):
    at = [i for i, h in enumerate(heads) if h.split(":")[0].lower() == name]
    if at:
        del heads[at[-1]]
sys.stdout.write("".join(x + "\r\n" for x in ["Status: " + status] + heads) + "\r\n")
PY
}

if section web; then
	w=$WORK/web t=$WORK/twin
	stack_stop "$w/var"
	stack_stop "$t/var"
	rm -rf "$w" "$t"
	mkdir -p "$w" "$t"
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$w/commits" bench/commits.c -lsqlite3
	# shellcheck disable=SC2046
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$t/manyi-fcgi" bench/twin.c \
		$(pkg-config --cflags --libs fcgi) -lpthread

	wdb=$w/manyi.db
	W="$BIN/manyi --db $wdb"
	$W init >/dev/null
	$W import domains tools/demo/domains.csv >/dev/null
	$W import agencies tools/demo/agencies.csv >/dev/null
	$W survey load surveys/*.json >/dev/null
	python3 tools/gen_encounters.py "$WEB_TOKENS" 5 >"$w/encounters.csv"
	$W import encounters "$w/encounters.csv" >/dev/null
	$W invite --survey "$SURVEY" --uninvited 2>/dev/null | tail -n +2 | cut -d, -f2 >"$w/tokens"
	python3 tests/integration/mkbody.py "surveys/$SURVEY.json" -agency -domain token=@TOKEN@ >"$w/body.json"
	echo "web: $(wc -l <"$w/tokens") invitations minted"

	bench_stack "$w/var" "$wdb"
	manyi_base=$BASE
	curl -fsS -D "$t/head.curl" -o "$t/page" "$manyi_base/s/$SURVEY"
	twin_head "$t/head.curl" >"$t/head"
	MANYI_TWIN_HEAD=$t/head MANYI_TWIN_BODY=$t/page BIN=$t bench_stack "$t/var" "$wdb"
	twin_base=$BASE
	curl -fsS -o "$t/page.twin" "$twin_base/s/$SURVEY"
	cmp -s "$t/page" "$t/page.twin" || { echo "the twin does not send the page's bytes" >&2; exit 1; }

	# A short warm-up of each (its figures dropped), then the loads.
	WEB_SECONDS=2 load "warm-up" "$manyi_base/s/$SURVEY" 200 >/dev/null
	WEB_SECONDS=2 load "warm-up" "$twin_base/s/$SURVEY" 200 >/dev/null
	# Alternating, the best of PAGE_ROUNDS each: the others' load on a
	# shared machine drifts.
	page=0 twin=0
	for _ in $(seq "$PAGE_ROUNDS"); do
		load "form page, manyi" "$manyi_base/s/$SURVEY" 200
		page=$(py "max($page, $GOOD)")
		load "form page, twin " "$twin_base/s/$SURVEY" 200
		twin=$(py "max($twin, $GOOD)")
	done
	row "form page GET /s/$SURVEY" "$(int "$page") pages/s" "twin: $(int "$twin") pages/s" "≥80% of the twin" \
		"$(x "$page / $twin") × twin" "$(yes_no "$page >= 0.8 * $twin")"

	# The baseline just before the load: the disk's speed drifts on a shared machine.
	raw=$("$w/commits" "$w/commits.db" "$WEB_SECONDS")
	echo "raw SQLite single-row commits (WAL, synchronous=FULL, one connection): $(int "$raw")/s"
	load "durable answers" "$manyi_base/api/v1/responses" 201 "$w/tokens" "$w/body.json" "$WRK_THREADS"
	answers=$GOOD
	[ "$RAN_OUT" -eq 0 ] || echo "(the tokens ran out: $RAN_OUT requests with a used one; raise WEB_TOKENS)"
	stored=$($W stats --survey "$SURVEY" --weighting none |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["overall"]["n"])')
	echo "stored: $stored answers (manyi stats), $WANTED answered 201"
	bound=""
	[ "$RAN_OUT" -eq 0 ] || bound="≥ "
	row "durable answers through nginx" "$bound$(int "$answers") answers/s" \
		"raw SQLite commits: $(int "$raw")/s" "≥5,000 answers/s" \
		"$(x "$answers / $raw") × raw" "$(yes_no "$answers >= 5000")"

	sup=$(cat "$w/var/manyi-fcgi.pid")
	worker=$(pgrep -P "$sup" | head -1)
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$worker/status")
	echo "manyi-fcgi worker $worker: VmHWM $(mb "$hwm") MB"
	row "FastCGI worker RSS" "$(py "f'{$hwm / 1024:.1f}'") MB" "—" "≤32 MB" \
		"$(x "$hwm / 1024 / 32") × goal" "$(yes_no "$hwm / 1024 <= 32")"
	stack_stop "$w/var"
	stack_stop "$t/var"
fi

# ---- the table --------------------------------------------------------------

echo
size=""
[ -z "${ANSWERS:-}" ] || size="$ANSWERS answers, $ENC encounters; "
[ -z "${answers:-}" ] || size="${size}web loads of $WEB_SECONDS s, $WEB_CONNS connections; "
echo "${size}$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"shared: figures are noisy); $(date -u +%Y-%m-%d)"
echo
echo "| row | figure | baseline (same run) | goal | ratio | goal met |"
echo "| --- | ---: | ---: | --- | ---: | --- |"
printf '%s\n' "${TABLE[@]}"
