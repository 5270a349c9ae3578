#!/usr/bin/env bash
# manyi stats and GET /api/v1/stats over the same database: the same JSON,
# roles, filters and clear errors.
. "$(dirname "$0")/lib.sh"
it_start

# An empty database (registry and surveys, no encounter, no answer): each
# command says what is missing and what to do, and fails.
ekey=$(evaluator_key)
$MANYI stats --survey enforcement-enterprise >"$T/out" 2>"$T/err"
eq "stats on an empty database: exit 1, nothing on stdout" "$?/$(wc -c <"$T/out")" "1/0"
contains "and says there are no answers yet" "$(cat "$T/err")" "no answers to survey enforcement-enterprise yet"
contains "and how to get them" "$(cat "$T/err")" "manyi import responses --survey enforcement-enterprise"
lacks "not the estimator's words" "$(cat "$T/err")" "out of range"
$MANYI stats --survey enforcement-enterprise --from 2022-01-01 --to 2022-01-31 --weighting none 2>"$T/err"
contains "a period without answers is named" "$(cat "$T/err")" "no answers to survey enforcement-enterprise between 2022-01-01 and 2022-01-31"
$MANYI sample --survey enforcement-enterprise --n 10 --seed 1 >"$T/out" 2>"$T/err"
eq "sample with no encounter: exit 1, nothing on stdout" "$?/$(wc -c <"$T/out")" "1/0"
contains "and says what is missing" "$(cat "$T/err")" "no encounters registered"
contains "and how to register them" "$(cat "$T/err")" "manyi import encounters FILE.csv"
contains "and how to make demo data" "$(cat "$T/err")" "tools/gen_encounters.py"
lacks "not the old words" "$(cat "$T/err")" "0 encounters sampled"
eq "no sample audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'sample'")" 0
req GET "/api/v1/stats?survey=enforcement-enterprise" -H "Authorization: Bearer $ekey"
eq "GET /api/v1/stats on an empty database: 409 no_data" "$STATUS/$(json 'j["error"]["code"]')" "409/no_data"
contains "the API says the same" "$(json 'j["error"]["message"]')" "no answers to survey enforcement-enterprise yet"
conform GET /api/v1/stats
# Public-channel answers only: the design weightings say what they lack.
P="$BIN/manyi --db $T/public.db"
$P init >/dev/null 2>&1 && $P import domains tools/demo/domains.csv >/dev/null &&
	$P import agencies tools/demo/agencies.csv >/dev/null && $P survey load surveys/*.json >/dev/null
printf '%s\n' "encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall" \
	",A03,urban,,kiosk,2022-03-15T10:00:00+08:00,4,4,4,4,4,4,4,4,5" >"$T/kiosk.csv"
check "a kiosk answer" $P import responses --survey enforcement-enterprise "$T/kiosk.csv"
$P stats --survey enforcement-enterprise 2>"$T/err"
eq "base weighting without encounters: exit 1" "$?" 1
contains "says no encounters are registered" "$(cat "$T/err")" "no encounters registered"
contains "and points at the demo generator" "$(cat "$T/err")" "tools/gen_encounters.py"
check "weighting none estimates the kiosk answer" $P stats --survey enforcement-enterprise --weighting none
python3 tools/gen_encounters.py 20 3 >"$T/e20.csv"
$P import encounters "$T/e20.csv" >/dev/null
$P stats --survey enforcement-enterprise 2>"$T/err"
contains "encounters but no invited answer: says so" "$(cat "$T/err")" "no answers from the invitation sample"

python3 tools/gen_encounters.py 3000 11 >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
python3 - "$T/e.csv" "$T/a.csv" <<'PY'
import csv, random, sys
r = random.Random(5)
rows = list(csv.DictReader(open(sys.argv[1])))
items = ["legality","procedure","fairness","civility","efficiency","transparency","integrity","disruption","overall"]
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + ",".join(items) + "\n")
    for e in r.sample(rows, 900):
        vals = [str(r.choice([1, 2, 3, 4, 4, 5, 5, 5])) for _ in items]
        if r.random() < 0.1:
            vals[3] = "na"
        f.write("%s,,,,phone,2022-06-01T10:00:00+08:00,%s\n" % (e["encounter_id"], ",".join(vals)))
    for i in range(40):
        vals = [str(r.choice([1, 3, 5])) for _ in items]
        f.write(",A03,urban,,kiosk,2022-0%d-15T10:00:00+08:00,%s\n" % (r.randint(1, 9), ",".join(vals)))
PY
check "answers import" $MANYI import responses --survey enforcement-enterprise "$T/a.csv"
akey=$(agency_key A05)
api() { req GET "/api/v1/stats?$2" -H "Authorization: Bearer $1"; }

for q in "survey=enforcement-enterprise|--survey enforcement-enterprise" \
         "survey=enforcement-enterprise&by=agency&measure=overall|--survey enforcement-enterprise --by agency --measure overall" \
         "survey=enforcement-enterprise&by=agency,size&weighting=none&level=0.9|--survey enforcement-enterprise --by agency,size --weighting none --level 0.9" \
         "survey=enforcement-enterprise&by=quarter&from=2022-04-01&to=2022-09-30|--survey enforcement-enterprise --by quarter --from 2022-04-01 --to 2022-09-30"; do
	api "$ekey" "${q%%|*}"
	eq "API $q: 200" "$STATUS" 200
	# shellcheck disable=SC2086
	eq "the API and the command line give the same JSON (${q##*|})" "$BODY" "$($MANYI stats ${q##*|})"
done

api "$ekey" "survey=enforcement-enterprise&by=agency&measure=overall"
eq "every agency with answers has a group" "$(json 'len(j["groups"])')" "$(sql "SELECT count(DISTINCT agency) FROM response WHERE encounter_id IS NOT NULL")"
eq "base weights sum to the registry" "$(json 'round(j["overall"]["wsum"])')" 3000
eq "n counts the answers with the item" "$(json 'j["overall"]["n"]')" 900
eq "the rate is the share of 4 and 5" "$(json 'j["overall"]["rate"] is not None')" True
api "$ekey" "survey=enforcement-enterprise&weighting=none&measure=overall"
eq "weighting=none takes the public-channel answers too" "$(json 'j["overall"]["n"]')" 940
api "$ekey" "survey=enforcement-enterprise&by=channel&weighting=none"
eq "grouped by channel" "$(json 'sorted(g["by"]["channel"] for g in j["groups"])')" "['kiosk', 'phone']"
api "$ekey" "survey=enforcement-enterprise&by=district&weighting=none"
eq "public answers have no district: a null group" "$(json 'any(g["by"]["district"] is None for g in j["groups"])')" True
api "$ekey" "survey=enforcement-enterprise&measure=civility"
eq "not applicable answers are left out" "$(json 'j["overall"]["n"]')" "$(sql "SELECT count(*) FROM answer a JOIN response r ON r.id=a.response_id WHERE a.item='civility' AND a.num IS NOT NULL AND r.encounter_id IS NOT NULL")"

api "$akey" "survey=enforcement-enterprise&by=domain"
eq "an agency key: 200" "$STATUS" 200
eq "sees only its own agency's groups" "$(json 'sorted(set(g["by"]["agency"] for g in j["groups"]))')" "['A05']"
api "$akey" "survey=enforcement-enterprise&by=domain,size"
eq "an agency key cannot group by two other columns" "$STATUS" 403
req GET "/api/v1/stats?survey=enforcement-enterprise"
eq "no key: 401" "$STATUS" 401

api "$ekey" "survey=nope"
eq "an unknown survey: 404" "$STATUS/$(json 'j["error"]["code"]')" "404/not_found"
api "$ekey" "survey=enforcement-enterprise&measure=comment"
eq "a measure that is not a scale item: 400" "$STATUS" 400
api "$ekey" "survey=enforcement-enterprise&by=planet"
eq "an unknown --by: 400" "$STATUS" 400
api "$ekey" "survey=enforcement-enterprise&weighting=poststrat"
eq "post-stratification with empty cells: 422" "$STATUS/$(json 'j["error"]["code"]')" "422/cannot_estimate"
contains "naming the cell" "$(json 'j["error"]["message"]')" "cell A"

# The previous period: whole months are followed by as many whole months.
# Each comparison holds the figures `manyi stats` gives for that period.
prev_check() { # FROM TO PFROM PTO WHAT
	local w="--survey enforcement-enterprise --weighting none --measure overall --by agency"
	# shellcheck disable=SC2086
	$MANYI stats $w --from "$1" --to "$2" >"$T/body"
	eq "$5: the previous period is $3 to $4" "$(json '[j["previous"]["from"], j["previous"]["to"]]')" "['$3', '$4']"
	json 'json.dumps([[g["by"]["agency"], g["vs_previous"]["previous_mean"], g["vs_previous"]["previous_n"]] for g in j["groups"]])' >"$T/cmp"
	json 'j["previous"]["n"]' >"$T/pn"
	# shellcheck disable=SC2086
	$MANYI stats $w --from "$3" --to "$4" >"$T/body"
	eq "$5: previous.n is the n of stats --from $3 --to $4" "$(cat "$T/pn")" "$(json 'j["overall"]["n"]')"
	eq "$5: each group's previous_mean and previous_n are that period's" "$(cat "$T/cmp")" \
		"$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); p={g["by"]["agency"]: g for g in json.load(open(sys.argv[2]))["groups"]}
print(json.dumps([[a, p[a]["mean"] if a in p else None, p[a]["n"] if a in p else 0] for a, _, _ in c]))' "$T/cmp" "$T/body")"
}
prev_check 2022-02-01 2022-02-28 2022-01-01 2022-01-31 "February (28 days) after January (31 days)"
prev_check 2022-03-01 2022-03-31 2022-02-01 2022-02-28 "March after February"
prev_check 2022-04-01 2022-06-30 2022-01-01 2022-03-31 "Q2 after Q1"
prev_check 2022-07-01 2022-12-31 2022-01-01 2022-06-30 "the second half after the first"
prev_check 2022-03-10 2022-03-20 2022-02-27 2022-03-09 "11 odd days after the 11 days before"
prev_check 2022-02-01 2022-02-27 2022-01-05 2022-01-31 "February but its last day: 27 days"
$MANYI stats --survey enforcement-enterprise --weighting none --from 2022-01-01 --to 2022-12-31 >"$T/body"
eq "a year after the year before" "$(json '[j["previous"]["from"], j["previous"]["to"]]')" "['2021-01-01', '2021-12-31']"

"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --format csv >"$T/s.csv"
eq "CSV: a header and the overall row" "$(head -2 "$T/s.csv" | tail -1 | cut -d, -f1-2)" "overall,900"

# Names from the registry (and the size classes) beside the codes.
reg() { sqlite3 "$DB" "SELECT name_$2 FROM $1 WHERE code = '$3'"; }
$MANYI stats --survey enforcement-enterprise --weighting none --by agency,size >"$T/body"
eq "JSON: each group names its agency and size in both languages" \
	"$(json 'all(set(g["names"]) == {"agency", "size"} for g in j["groups"] if g["by"]["size"])')" True
eq "the agency's names are the registry's" \
	"$(json '[g["names"]["agency"] for g in j["groups"] if g["by"]["agency"] == "A01"][0]')" \
	"{'zh': '$(reg agency zh A01)', 'en': '$(reg agency en A01)'}"
eq "a size is named" "$(json '[g["names"]["size"] for g in j["groups"] if g["by"]["size"] == "micro"][0]')" \
	"{'zh': '微型企业', 'en': 'Micro enterprise'}"
eq "the overall row has no names" "$(json '"names" in j["overall"]')" False
$MANYI stats --survey enforcement-enterprise --weighting none --by domain,channel >"$T/body"
eq "a column without names (channel) adds none" "$(json 'sorted({k for g in j["groups"] for k in g.get("names", {})})')" "['domain']"
$MANYI stats --survey enforcement-enterprise --weighting none --by agency,domain --format csv >"$T/n.csv"
eq "CSV: a name column after each named column" "$(head -1 "$T/n.csv" | cut -d, -f1-5)" "agency,agency_name,domain,domain_name,row"
eq "CSV: the overall row leaves them empty" "$(sed -n 2p "$T/n.csv" | cut -d, -f1-5)" ",,,,overall"
eq "CSV: Chinese names by default" "$(awk -F, '$1 == "A01" { print $2; exit }' "$T/n.csv")" "$(reg agency zh A01)"
$MANYI stats --survey enforcement-enterprise --weighting none --by agency,domain --format csv --lang en >"$T/n.csv"
eq "CSV: English names with --lang en" "$(python3 -c 'import csv,sys; r=[x for x in csv.DictReader(open(sys.argv[1])) if x["agency"]=="A01"][0]; print(r["agency_name"]+"|"+r["domain_name"]+"|"+r["domain"])' "$T/n.csv")" \
	"$(reg agency en A01)|$(reg domain en "$(awk -F, '$1 == "A01" { print $3; exit }' "$T/n.csv")")|$(awk -F, '$1 == "A01" { print $3; exit }' "$T/n.csv")"
$MANYI stats --survey enforcement-enterprise --lang fr 2>"$T/err"
eq "--lang fr: a usage error naming --lang" "$?/$(head -1 "$T/err")" "2/manyi: stats: --lang is zh or en"
api "$ekey" "survey=enforcement-enterprise&by=agency&measure=overall"
eq "the API's groups name their agency" "$(json 'all(g["names"]["agency"]["zh"] for g in j["groups"])')" True
api "$ekey" "survey=enforcement-enterprise&weighting=none&by=agency,domain&format=csv&lang=en"
$MANYI stats --survey enforcement-enterprise --weighting none --by agency,domain --format csv --lang en >"$T/n.csv"
eq "GET /api/v1/stats?format=csv&lang=en: the bytes of manyi stats --format csv --lang en" \
	"$STATUS/$(cmp -s "$T/body" "$T/n.csv" && echo same)" "200/same"
contains "as CSV" "$HEADERS" "Content-Type: text/csv; charset=utf-8"
api "$ekey" "survey=enforcement-enterprise&weighting=none&by=agency&format=csv"
eq "format=csv: Chinese names by default" "$(awk -F, '$1 == "A01" { print $2; exit }' "$T/body")" "$(reg agency zh A01)"
api "$akey" "survey=enforcement-enterprise&by=agency&format=csv"
eq "format=csv with an agency key: 403 (its figures come suppressed, as JSON)" "$STATUS" 403
"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --weighting poststrat 2>"$T/err"
eq "the command line fails with status 1 where the API says 422" "$?" 1
contains "and says why" "$(cat "$T/err")" "no response"
"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --level 2 2>/dev/null
eq "a bad level is a usage error" "$?" 2
it_done
