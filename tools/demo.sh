#!/usr/bin/env bash
# make demo: serve a demo year (2025) from a database of its own.
#
#   tools/demo.sh              build var/demo/manyi.db the first time, then
#                              serve it as make run does (PORT, BIN, ...)
#   tools/demo.sh --build DIR  only build DIR/manyi.db and DIR/sign-in.txt
#                              (what the first start does; the tests use it)
#
# The year is made by tools/demo_year.py through bin/manyi imports only;
# the build goes to a temporary file renamed into place when it is complete,
# so an interrupted build is started again next time.  Delete var/demo/ to
# build it anew.  State (nginx config, logs, sockets) stays in var/demo/,
# so make run and make demo can serve side by side on two ports
# (MANYI_DEMO_DIR=DIR puts it elsewhere).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PORT=${PORT:-8080}
BIN=${BIN:-bin}
DIR=${MANYI_DEMO_DIR:-var/demo}
# A demo user's password, printed at every start: for the demo only.
DEMO_PASSWORD=manyi-demo-2025

# The case-review panel member who gets a sign-in (tools/demo_year.py leaves
# a few of their files open, so their queue has work in it).
DEMO_REVIEWER=R03

# build DIR: DIR/manyi.db with the demo year, an evaluator key, an agency
# key and (once manyi has users) an evaluator user and a reviewer user,
# noted in DIR/sign-in.txt.
build() {
	local dir=$1 new=$1/manyi.db.new
	mkdir -p "$dir"
	rm -f "$new" "$new-wal" "$new-shm" "$new-journal"
	echo "building the demo year in $dir/manyi.db (tools/demo_year.py)"
	python3 tools/demo_year.py --db "$new" --bin "$BIN"
	local m=("$BIN/manyi" --db "$new") eval_key agency_key user="" reviewer=""
	eval_key=$("${m[@]}" key create --role evaluator 2>/dev/null)
	agency_key=$("${m[@]}" key create --role agency --agency A06 2>/dev/null)
	if "$BIN/manyi" help user >/dev/null 2>&1; then
		if printf '%s\n' "$DEMO_PASSWORD" | "${m[@]}" user add evaluator --role evaluator >/dev/null; then
			user="evaluator / $DEMO_PASSWORD"
		else
			echo "demo: no demo user (manyi user add failed); sign in with the key" >&2
		fi
		if printf '%s\n' "$DEMO_PASSWORD" |
			"${m[@]}" user add reviewer --role reviewer --reviewer "$DEMO_REVIEWER" >/dev/null; then
			reviewer="reviewer / $DEMO_PASSWORD"
		else
			echo "demo: no demo reviewer (manyi user add --role reviewer failed)" >&2
		fi
	fi
	(
		umask 077
		{
			echo "evaluator_key=$eval_key"
			echo "agency_key=$agency_key"
			echo "user=$user"
			echo "reviewer=$reviewer"
		} >"$dir/sign-in.txt"
	)
	mv "$new" "$dir/manyi.db"
}

if [ "${1:-}" = --build ]; then
	[ $# -eq 2 ] || { echo "usage: tools/demo.sh [--build DIR]" >&2; exit 2; }
	[ ! -e "$2/manyi.db" ] || { echo "$2/manyi.db exists already" >&2; exit 1; }
	build "$2"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: tools/demo.sh [--build DIR]" >&2; exit 2; }

if [ ! -e "$DIR/manyi.db" ]; then
	start=$SECONDS
	build "$DIR"
	echo "built in $((SECONDS - start)) s"
fi
eval_key=$(sed -n 's/^evaluator_key=//p' "$DIR/sign-in.txt" 2>/dev/null || true)
agency_key=$(sed -n 's/^agency_key=//p' "$DIR/sign-in.txt" 2>/dev/null || true)
user=$(sed -n 's/^user=//p' "$DIR/sign-in.txt" 2>/dev/null || true)
reviewer=$(sed -n 's/^reviewer=//p' "$DIR/sign-in.txt" 2>/dev/null || true)
u=http://127.0.0.1:$PORT
MANYI_RUN_NOTE=$(
	cat <<EOT

Demo year 2025 ($DIR/manyi.db; delete $DIR/ to build it anew):
  dashboard        $u/dashboard/   (sign in at $u/signin)
  public results   $u/results
  evaluator key    ${eval_key:-(none: delete $DIR/ and start again)}
  agency key       ${agency_key:-(none)}   (A06 市应急管理局: its own figures only)
EOT
	[ -z "$user" ] || echo "  evaluator user   $user"
	[ -z "$reviewer" ] || echo "  reviewer user    $reviewer   ($DEMO_REVIEWER 王志强, case-file review: $u/review)"
	if "$BIN/manyi" help evaluate >/dev/null 2>&1; then
		echo "  evaluation 2025  $BIN/manyi --db $DIR/manyi.db evaluate --year 2025 --show"
	fi
	if "$BIN/manyi" help report >/dev/null 2>&1; then
		echo "  its report       $BIN/manyi --db $DIR/manyi.db report --year 2025 --format html --out report-2025.html"
	fi
)
export MANYI_RUN_NOTE
MANYI_DB=$DIR/manyi.db MANYI_VAR=$DIR PORT=$PORT BIN=$BIN exec tools/run.sh
