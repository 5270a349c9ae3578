#!/usr/bin/env bash
# End to end against R: the CSV files of tests/stats/e2e/ imported into a
# fresh database with bin/manyi, then `manyi stats` for every case R was
# asked about (tests/stats/e2e/make_e2e.R, R survey 4.1), every field of
# every group held to a relative error of 1e-9 by tests/stats/e2e/compare.py.
# R is not needed: its answers are committed (cases.csv, expected.csv).
. "$(dirname "$0")/lib.sh"

E=tests/stats/e2e
# Standard library only; Debian's python3 when the one on PATH is another.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

it_db || { not_ok "set up the database"; exit 1; }
check "import the registry of the e2e data" $MANYI import encounters $E/encounters.csv
check "import its answers" $MANYI import responses --survey enforcement-enterprise $E/responses.csv
eq "every answer stored" "$(sql "SELECT count(*) FROM response")" "$(($(wc -l <$E/responses.csv) - 1))"

# CSV numbers have R's format(x, digits = 15); the JSON keeps full precision.
# A03's 19 answers stand for its 50 encounters: the sum of the weights is
# 50 in exact arithmetic, 50.00000000000003 in doubles.
$MANYI stats --survey enforcement-enterprise --by agency --format csv >"$T/a.csv"
eq "CSV: A03's wsum is 50, not 50.00000000000003" "$(awk -F, '$1 == "A03" { print $5 }' "$T/a.csv")" 50
$MANYI stats --survey enforcement-enterprise --by agency >"$T/body"
eq "JSON: A03's wsum keeps every digit" "$(json '[g["wsum"] for g in j["groups"] if g["by"]["agency"] == "A03"][0] != 50')" True
# No verdict on a group under the publication threshold: A03 (19 answers)
# keeps its figures and p values, but significant is null, and says why.
a03='[g for g in j["groups"] if g["by"]["agency"] == "A03"][0]'
eq "A03 is under the threshold" "$(json "$a03[\"low_n\"]")" True
eq "its gap has a p value" "$(json "$a03[\"vs_overall\"][\"p_holm\"] is not None")" True
eq "but no verdict, and the reason" "$(json "[$a03[\"vs_overall\"].get(k) for k in (\"significant\", \"significance_note\")]")" "[None, 'low_n']"
eq "a group over the threshold gets its verdict" "$(json '[type(g["vs_overall"]["significant"]).__name__ for g in j["groups"] if not g["low_n"]][:1]')" "['bool']"
eq "CSV: A03 has p_holm and an empty significant cell" "$(awk -F, '$1 == "A03" { print ($21 != "") "|" $22 }' "$T/a.csv")" "1|"
$MANYI stats --survey enforcement-enterprise --by agency --low-n 10 >"$T/body"
eq "with --low-n 10, A03 gets its verdict" "$(json "[$a03[\"low_n\"], type($a03[\"vs_overall\"][\"significant\"]).__name__]")" "[False, 'bool']"

tap_compare $(($(wc -l <$E/cases.csv) - 1)) "$PY" $E/compare.py "$BIN/manyi" "$DB" $E
it_done
