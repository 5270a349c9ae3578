#!/usr/bin/env bash
# How fast the dashboard's views render for a year of data (not a test: it
# prints figures; issue 12's goal: the overview in under a second).
#
#   bench/dashboard_bench.sh           the demo year, 5 runs a figure
#   RUNS=3 bench/dashboard_bench.sh
#
# Builds the demo year (tools/demo.sh --build: 30,000 encounters, a phone
# sample, web/QR and public answers, an evaluator key) under WORK, serves
# it through nginx and manyi-fcgi as `make run` does (tools/stack.sh, on a
# free port), with ECharts vendored (make vendor), and then:
#   1. in Chromium (playwright-core from tests/browser, bench/dashboard_bench.mjs),
#      signed in through /signin with the key, each view of /dashboard/
#      cold (a new browser context: the HTTP cache empty) and warm (that
#      page reloaded), from navigation start until the dashboard marks the
#      view ready (#view's data-state): the median of RUNS loads each;
#   2. each API request the overview makes (as its cold loads made them):
#      when it started and how long it took in the browser (medians), and
#      the same request through nginx with curl, alone, with the browser's
#      session cookie (the Bearer key when the server has no sign-in): the
#      median of RUNS; and all of them at once (curl --parallel, as the
#      browser sends them), the median of RUNS wall-clock times.
# The figures on a shared machine move from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
RUNS=${RUNS:-5}
WORK=${WORK:-build/bench/dashboard}

. bench/lib.sh
. tools/stack.sh
command -v curl >/dev/null || { echo "the benchmark needs curl: sudo apt-get install -y curl" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "the benchmark needs Chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2; exit 1; }
command -v node >/dev/null || { echo "the benchmark needs node: sudo apt-get install -y nodejs npm" >&2; exit 1; }
make --no-print-directory -s all vendor >/dev/null
[ -d tests/browser/node_modules/playwright-core ] ||
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cleanup() { stack_stop "$WORK/var"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The demo year, built anew each run (a few seconds).
rm -rf "$WORK/demo"
BIN=$BIN tools/demo.sh --build "$WORK/demo" >/dev/null
KEY=$(sed -n 's/^evaluator_key=//p' "$WORK/demo/sign-in.txt")
[ -n "$KEY" ] || { echo "no evaluator key in $WORK/demo/sign-in.txt" >&2; exit 1; }
ENC=$(sqlite3 "$WORK/demo/manyi.db" "SELECT count(*) FROM encounter" 2>/dev/null || echo "?")
ANS=$(sqlite3 "$WORK/demo/manyi.db" "SELECT count(*) FROM resp" 2>/dev/null || echo "?")
bench_stack "$WORK/var" "$WORK/demo/manyi.db"

echo "the demo year: $ENC encounters, $ANS answers; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs"
echo
rm -f "$WORK/cookie"
node bench/dashboard_bench.mjs "$BASE" "$KEY" "$RUNS" "$WORK/api.tsv" "$WORK/cookie"
COOKIE=$(cat "$WORK/cookie")
rm -f "$WORK/cookie"
if [ -n "$COOKIE" ]; then AUTH="Cookie: $COOKIE"; else AUTH="Authorization: Bearer $KEY"; fi

# curl_ms PATH: the median of RUNS requests for PATH, in ms.
curl_ms() {
	local i ts=()
	for ((i = 0; i < RUNS; i++)); do
		ts+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "$AUTH" "$BASE$1")") ||
			{ echo "curl $BASE$1 failed" >&2; return 1; }
	done
	python3 -c 'import statistics, sys; print(round(1000 * statistics.median(map(float, sys.argv[1:]))))' "${ts[@]}"
}

echo
echo "the overview's API requests (browser: start and duration in its cold loads; curl: alone)"
printf '%-78s %8s %10s %8s\n' request "start ms" "browser ms" "curl ms"
while IFS=$'\t' read -r path start dur _; do
	printf '%-78s %8s %10s %8s\n' "$path" "$start" "$dur" "$(curl_ms "$path")"
done <"$WORK/api.tsv"

# All of them at once, as the page sends them: wall-clock ms, median of RUNS.
mapfile -t paths < <(cut -f1 "$WORK/api.tsv")
urls=()
for p in "${paths[@]}"; do urls+=(-o /dev/null "$BASE$p"); done
ts=()
for ((i = 0; i < RUNS; i++)); do
	t0=$(date +%s%N)
	curl -sf --parallel --parallel-immediate --parallel-max 16 -H "$AUTH" "${urls[@]}" >/dev/null 2>&1 ||
		{ echo "curl --parallel of the overview's requests failed" >&2; exit 1; }
	ts+=($((($(date +%s%N) - t0) / 1000000)))
done
printf '%-78s %8s %10s %8s\n' "all ${#paths[@]} at once (curl --parallel)" "" "" \
	"$(python3 -c 'import statistics, sys; print(round(statistics.median(map(int, sys.argv[1:]))))' "${ts[@]}")"
