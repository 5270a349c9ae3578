# shellcheck shell=bash
# Shared by the benchmark scripts (sourced from the top of the checkout).

# bench_tools: what the benchmarks run — GNU time (for peak memory), the
# sqlite3 shell, wrk and curl (the web loads), a C compiler and SQLite's
# header (the baselines in bench/*.c) — installed when missing and run as
# root, else the one line that installs them.
bench_tools() {
	local missing=()
	[ -x /usr/bin/time ] || missing+=(time)
	command -v sqlite3 >/dev/null || missing+=(sqlite3)
	command -v wrk >/dev/null || missing+=(wrk)
	command -v curl >/dev/null || missing+=(curl)
	command -v cc >/dev/null || missing+=(gcc)
	[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		echo "the benchmark needs: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
}

# seconds COMMAND...: run it (output discarded), print its wall-clock seconds.
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	python3 -c "print(f'{$t1 - $t0:.2f}')"
}

# The same rows as `manyi export --survey $SURVEY --format csv`, from the
# sqlite3 shell: one per response, the response columns (date and
# in_sample included) and every answer column of enforcement-enterprise,
# pivoted in SQL from the store's own tables (the compact layout of
# docs/architecture.md, "The database"): resp with its codes through the
# dictionary (code), the scale answers decoded from resp.nums at their
# positions in survey_item (version 1 of the survey: the benchmark's
# answers), choice, multi and text answers from answer_text.
pivot_sql() {
	local cols="" i o
	for i in legality procedure fairness civility efficiency transparency integrity disruption overall; do
		local b="substr(r.nums, (SELECT pos FROM survey_item WHERE survey = '$SURVEY' AND version = 1 AND item = '$i') + 1, 1)"
		cols="$cols, CASE WHEN $b = X'FF' THEN 'na' ELSE nullif(instr(X'0102030405060708090A0B', $b), 0) END AS $i"
	done
	cols="$cols, max(CASE WHEN a.item = 'encounter_type' THEN a.text END) AS encounter_type"
	for o in no_id rights_not_told unclear_basis arbitrary_penalty fees_favours designated_services rude \
		repeated_inspections disrupted_business slow no_documents other none; do
		cols="$cols, max(CASE WHEN a.item = 'problems' THEN a.text = '$o' END) AS problems_$o"
	done
	cols="$cols, max(CASE WHEN a.item = 'comment' THEN a.text END) AS comment"
	echo "SELECT r.public_id AS response_id, r.version AS survey_version, ch.text AS channel,
	  r.submitted_at, ag.text AS agency, dm.text AS domain, sz.text AS size, di.text AS district,
	  oc.text AS outcome, date(r.day * 86400, 'unixepoch') AS date,
	  r.encounter IS NOT NULL AS in_sample $cols
	FROM resp r JOIN code ch ON ch.id = r.channel JOIN code ag ON ag.id = r.agency
	JOIN code dm ON dm.id = r.domain LEFT JOIN code sz ON sz.id = r.size
	LEFT JOIN code di ON di.id = r.district LEFT JOIN code oc ON oc.id = r.outcome
	LEFT JOIN answer_text a ON a.response = r.id
	WHERE r.survey = (SELECT id FROM code WHERE kind = 'survey' AND text = '$SURVEY')
	GROUP BY r.id ORDER BY r.id;"
}

# pivot_sql_fits DB: true when pivot_sql's SELECT compiles against DB's
# schema (every table and column it names is there); nothing is read.
pivot_sql_fits() {
	sqlite3 "$1" "EXPLAIN $(pivot_sql)" >/dev/null 2>&1
}

# free_port: a loopback port nothing is bound to, below the kernel's range
# of ephemeral ports (where wrk's and curl's own connections take theirs):
# the integration tests' function, taken from tests/integration/lib.sh
# (sourcing that file would start a test), so both draw ports one way.
eval "$(sed -n '/^free_port() {$/,/^}$/p' tests/integration/lib.sh)"
declare -F free_port >/dev/null || { echo "bench/lib.sh: no free_port in tests/integration/lib.sh" >&2; exit 1; }

# bench_stack VAR DB: start nginx and manyi-fcgi (tools/stack.sh, the
# config `make run` generates) with their state under VAR on a free port,
# and set BASE.  A port taken between free_port and nginx's bind is tried
# again on another.  Returns 1 with the reason on stderr.  The caller
# stops it with stack_stop VAR (in its EXIT trap).
bench_stack() {
	local var=$1 db=$2 port
	mkdir -p "$var"
	for _ in 1 2 3 4 5 6; do
		port=$(free_port)
		BASE=http://127.0.0.1:$port
		stack_start "$var" "$port" "$db" 2>"$var/start.err" && return 0
		stack_stop "$var"
		grep -q 'already in use' "$var/start.err" || break
	done
	cat "$var/start.err" >&2
	return 1
}
