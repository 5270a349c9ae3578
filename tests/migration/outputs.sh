# shellcheck shell=bash
# What a database made by an older release must still give after it is
# migrated: the outputs make_db.sh saved in tests/migration/expected/ and
# test_migration.sh compares byte for byte.  Sourced by both, after
# tests/integration/lib.sh (MANYI, DB, T, api, req).
#
#   mig_cli DIR        every command-line output into DIR (leaves $DB as it was)
#   mig_api DIR KEY    the API's outputs into DIR (the stack runs; KEY: an evaluator key)
#   mig_counts FILE    responses and answers per survey, counted from DIR's exports
#
# Normalised, because they change from run to run and nothing in the
# database decides them: the tokens and links `manyi sample` mints (fresh
# random bytes on each run; the sampled encounters and their order are what
# the seed and the database decide, and are kept).  Nothing else is
# touched: every other output is a function of the database alone.

MIG_SURVEYS="enforcement-enterprise enforcement-public service-kiosk"

# The stats queries: NAME and its options (enforcement-enterprise unless --survey is given).
mig_stats_queries() {
	cat <<'EOF'
overall
agency --by agency
agency-domain-rake --by agency,domain --weighting rake
period --from 2023-04-01 --to 2023-09-30 --by size --measure overall
quarter --by quarter --weighting poststrat
q2 --from 2023-04-01 --to 2023-06-30 --by agency --measure legality
month-channel-none-csv --by month,channel --weighting none --format csv
outcome-district --by outcome,district --measure fairness --level 0.9
year-none --by year --weighting none --measure overall
public-agency --survey enforcement-public --by agency,domain --weighting none
public-base --survey enforcement-public --measure overall
kiosk --survey service-kiosk --by channel --weighting none
kiosk-waiting --survey service-kiosk --measure waiting --weighting none --by agency
EOF
}

mig_cli() {
	local out=$1 s f name opts
	mkdir -p "$out"
	for s in $MIG_SURVEYS; do
		for f in csv json ndjson; do
			$MANYI export --survey "$s" --format "$f" >"$out/export-$s.$f" 2>"$T/cli.err" || cat "$T/cli.err" >&2
		done
	done
	$MANYI export --survey enforcement-enterprise --format csv --lang en --bom \
		>"$out/export-enforcement-enterprise-en-bom.csv"
	$MANYI export --survey enforcement-enterprise --format json --from 2023-04-01 --to 2023-06-30 \
		>"$out/export-enforcement-enterprise-q2.json"
	while read -r name opts; do
		case "$opts" in *--survey*) ;; *) opts="--survey enforcement-enterprise $opts" ;; esac
		# shellcheck disable=SC2086
		$MANYI stats $opts >"$out/stats-$name.out" 2>"$T/cli.err" || cat "$T/cli.err" >&2
	done < <(mig_stats_queries)
	$MANYI key list >"$out/key-list.out"
	# A sample mints invitations: draw it from a copy, so $DB stays as it was.
	rm -f "$T/sample.db"
	sqlite3 "$DB" ".backup '$T/sample.db'"
	"$BIN/manyi" --db "$T/sample.db" sample --survey enforcement-enterprise --n 24 --by agency \
		--allocation equal --seed 20231 --from 2023-01-01 --to 2023-12-31 2>/dev/null |
		python3 -c 'import csv, sys
r = csv.reader(sys.stdin); w = csv.writer(sys.stdout, lineterminator="\n")
h = next(r); w.writerow(h)
for row in r:
    for c in ("token", "url"):
        if row[h.index(c)]:
            row[h.index(c)] = c.upper()
    w.writerow(row)' >"$out/sample.csv"
	rm -f "$T/sample.db"
}

# The routes that read the database, as the API serves them.
mig_api() {
	local out=$1 key=$2 path name
	mkdir -p "$out"
	while read -r name path; do
		api "$key" GET "$path"
		printf '%s\n%s\n' "$STATUS" "$BODY" >"$out/api-$name.out"
	done <<'EOF'
registry /api/v1/registry
surveys /api/v1/surveys
survey-enforcement-enterprise /api/v1/surveys/enforcement-enterprise
survey-enforcement-public /api/v1/surveys/enforcement-public
survey-service-kiosk /api/v1/surveys/service-kiosk
publications /api/v1/public/publications?survey=enforcement-enterprise
public-stats /api/v1/public/stats?survey=enforcement-enterprise&measure=overall&by=agency
public-stats-v1 /api/v1/public/stats?survey=enforcement-enterprise&measure=overall&by=agency&version=1
public-stats-public /api/v1/public/stats?survey=enforcement-public&weighting=none
responses /api/v1/responses?survey=enforcement-enterprise&limit=200
responses-page /api/v1/responses?survey=enforcement-public&agency=A03&limit=5
stats /api/v1/stats?survey=enforcement-enterprise&by=agency,size&weighting=rake
export /api/v1/export?survey=service-kiosk&format=csv
EOF
}

# Per survey: responses, and answers as the store keeps them (a score or
# "not applicable", a choice, each chosen option of a multi item, a text),
# counted from DIR's json exports with the item types of DIR's
# api-survey-*.out (the latest definitions, whose items include the older
# versions' here), so the count needs no table.
mig_counts() {
	local dir=$1 s
	for s in $MIG_SURVEYS; do
		python3 - "$dir/export-$s.json" "$dir/api-survey-$s.out" "$s" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as f:
    f.readline()  # the status line
    items = json.load(f)["definition"]["items"]
answers = 0
for r in rows:
    for it in items:
        if it["type"] == "multi":
            answers += sum(r.get(it["id"] + "_" + o["value"]) or 0 for o in it["options"])
        elif r.get(it["id"]) not in (None, ""):
            answers += 1
print(sys.argv[3], "responses", len(rows), "answers", answers)
PY
	done
}
