#!/usr/bin/env bash
# The survey form and the printed notices in a real browser: start the
# stack like the integration tests (tests/integration/lib.sh), then run each
# *.test.mjs here with node's test runner, which drives Debian's Chromium through playwright-core and prints
# TAP ("ok N - ..." / "not ok N - ...") for tests/run.sh to count.
#
# Needs node, npm, /usr/bin/chromium and sqlite3 (tools/deps.sh installs
# them).  playwright-core comes from the committed package-lock.json:
# `npm ci` runs here when node_modules is missing or older than the lock.
# Screenshots go to $SHOTS (default /tmp/manyi-browser-shots).
. "$(dirname "$0")/../integration/lib.sh"
B=$it_top/tests/browser

for c in node npm sqlite3 /usr/bin/chromium; do
	command -v "$c" >/dev/null 2>&1 || { not_ok "$c is installed (run tools/deps.sh)"; it_done; exit 1; }
done

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { not_ok "node is version 20 or later (playwright-core needs it)" "node $(node --version)"; it_done; exit 1; }

stamp=$B/node_modules/.package-lock.json   # npm ci writes it last
if [ ! -f "$stamp" ] || [ "$B/package-lock.json" -nt "$stamp" ] || [ "$B/package.json" -nt "$stamp" ]; then
	echo "# npm ci in tests/browser"
	if ! npm ci --prefix "$B" --no-audit --no-fund >"$T/npm.log" 2>&1; then
		not_ok "npm ci in tests/browser" "$(tail -n 5 "$T/npm.log")"
		it_done; exit 1
	fi
	sed 's/^/# /' "$T/npm.log"
fi

# The dashboard and the results page draw with the vendored ECharts.
if [ ! -f "$it_top/www/vendor/echarts.min.js" ] || [ "$it_top/tools/vendor/package-lock.json" -nt "$it_top/www/vendor/echarts.min.js" ]; then
	echo "# make vendor"
	make -s -C "$it_top" vendor >"$T/vendor.log" 2>&1 || { not_ok "make vendor (ECharts from npm)" "$(tail -n 5 "$T/vendor.log")"; it_done; exit 1; }
fi

it_start
export BASE DB
export SHOTS=${SHOTS:-/tmp/manyi-browser-shots}
# Chromium's fresh profiles go under this run's directory in /tmp.
export MANYI_PROFILE_ROOT=$T
mkdir -p "$SHOTS"

# node prints the TAP itself, numbered from 1 in each file (tests/run.sh
# counts the ok lines); a failing file makes our exit status non-zero.
# Passing tests are shown by their "ok" line alone (their duration blocks
# are dropped); a failure keeps everything node says about it.
# BROWSER_TEST=notice runs notice.test.mjs alone.
rc=0
for f in "$B"/${BROWSER_TEST:-*}.test.mjs; do
	echo "# $(basename "$f")"
	timeout 600 node --test-reporter=tap "$f" 2>&1 |
		awk '/^# Subtest: /    { next }
		     /^ok /            { print; quiet = 1; next }
		     quiet && /^  /    { next }
		                       { quiet = 0; print }'
	frc=${PIPESTATUS[0]}
	[ "$frc" -ne 0 ] && rc=$frc
done
if [ "$rc" -ne 0 ]; then
	it_failed=1
	echo "# node exited with status $rc; stack logs in $T/var/log, screenshots in $SHOTS"
fi
exit "$rc"
