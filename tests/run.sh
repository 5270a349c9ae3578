#!/usr/bin/env bash
# Run every test and print "N passed, N failed" last.
#
# Every suite speaks TAP ("ok N - name" / "not ok N - name"): the cmocka unit
# programs (CMOCKA_MESSAGE_OUTPUT=TAP), the fuzz corpus replays, and the
# integration scripts, and the browser tests (node's test runner, TAP
# reporter).  A program that dies without reporting counts as one failure.
# ONLY=unit|fuzz|integration|browser runs one kind; an argument filters by
# suite name.
set -u
BUILD=${BUILD:-build}
BIN=${BIN:-bin}
ONLY=${ONLY:-}
FILTER=${1:-}
export BUILD BIN
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

passed=0
failed=0
failures=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_suite() { # name command...
	local name=$1; shift
	[ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]] && return
	local start=$SECONDS
	"$@" >"$log" 2>&1
	local rc=$?
	local p f
	p=$(grep -cE '^ok ' "$log")
	f=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name reported no test" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-40s %4d passed %3d failed  (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		grep -vE '^ok ' "$log" | sed 's/^/    /' | head -60
	fi
}

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		run_suite "unit/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = fuzz ]; then
	for f in "$BUILD"/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		n=$(basename "$f")
		run_suite "fuzz/$n" "$f" "tests/fuzz/corpus/${n#fuzz_}"
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = integration ]; then
	for s in tests/integration/test_*.sh; do
		[ -f "$s" ] || continue
		run_suite "integration/$(basename "$s" .sh)" bash "$s"
	done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = browser ]; then
	for s in tests/browser/test_*.sh; do
		[ -f "$s" ] || continue
		run_suite "browser/$(basename "$s" .sh)" bash "$s"
	done
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed suites: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
