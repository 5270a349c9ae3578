#!/usr/bin/env bash
# manyi stats and GET /api/v1/stats over the same database: the same JSON,
# roles, filters and clear errors.
. "$(dirname "$0")/lib.sh"
it_start

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
ekey=$(evaluator_key)
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

"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --format csv >"$T/s.csv"
eq "CSV: a header and the overall row" "$(head -2 "$T/s.csv" | tail -1 | cut -d, -f1-2)" "overall,900"
"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --weighting poststrat 2>"$T/err"
eq "the command line fails with status 1 where the API says 422" "$?" 1
contains "and says why" "$(cat "$T/err")" "no response"
"$BIN/manyi" --db "$DB" stats --survey enforcement-enterprise --level 2 2>/dev/null
eq "a bad level is a usage error" "$?" 2
it_done
