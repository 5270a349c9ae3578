#!/usr/bin/env bash
# A large encounter registry: 100,000 rows import; a bad row in the middle
# of a large file stores nothing; samples are reproducible from the seed.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }

python3 tools/gen_encounters.py 100000 1 >"$T/e.csv"
start=$(date +%s%N)
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
run $MANYI import encounters "$T/e.csv"
ms=$((($(date +%s%N) - start) / 1000000))
eq "100,000 encounters import" "$RC" 0
echo "# 100,000 encounters imported in ${ms} ms"
eq "all of them" "$(sql 'SELECT count(*) FROM encounter')" 100000

python3 tools/gen_encounters.py 100000 2 --bad-at 50001 | sed 's/^E/F/' >"$T/bad.csv"
run $MANYI import encounters "$T/bad.csv"
eq "a bad row in the middle of 100,000: status 1" "$RC" 1
contains "FILE:LINE: reason" "$ERR" "$T/bad.csv:50001: unknown agency \"NOPE\""
eq "nothing of that file stored" "$(sql "SELECT count(*) FROM encounter WHERE id LIKE 'F%'")" 0

bad() { # DESC CSV-LINE EXPECTED
	printf 'encounter_id,agency,domain,size,district,occurred_on,outcome\nG1,A01,market,small,x,2022-01-01,\n%s\n' "$2" >"$T/b.csv"
	run $MANYI import encounters "$T/b.csv"
	eq "$1: status 1" "$RC" 1
	contains "$1: says why at line 3" "$ERR" "$T/b.csv:3: $3"
	eq "$1: nothing stored" "$(sql "SELECT count(*) FROM encounter WHERE id LIKE 'G%'")" 0
}
bad "unknown domain" "G2,A01,space,small,x,2022-01-01," 'unknown domain "space"'
bad "bad size" "G2,A01,market,huge,x,2022-01-01," 'size "huge"'
bad "impossible date" "G2,A01,market,small,x,2022-02-30," 'occurred_on "2022-02-30"'
bad "bad date format" "G2,A01,market,small,x,11/04/2022," 'occurred_on "11/04/2022"'
bad "bad outcome" "G2,A01,market,small,x,2022-01-01,jailed" 'outcome "jailed"'
bad "duplicate in the file" "G1,A01,market,small,x,2022-01-01," 'duplicate encounter_id "G1"'
bad "duplicate of a stored one" "E0000001,A01,market,small,x,2022-01-01," 'duplicate encounter_id "E0000001"'
bad "empty district" "G2,A01,market,small,,2022-01-01," 'district is empty'
id70=G123456789012345678901234567890123456789012345678901234567890123456789
bad "a 70-character id, quoted whole with its length" "$id70,A01,market,small,x,2022-01-01," \
	"encounter_id \"$id70\" is 70 characters long; an id has at most 64"
bad "an agency code with a space" "G2,A 01,market,small,x,2022-01-01," \
	"agency \"A 01\" is not a registry code (1-64 letters, digits, '_', '.' or '-')"
bad "a date in the future" "G2,A01,market,small,x,2099-11-01," 'occurred_on "2099-11-01" is in the future'
tomorrow=$(date -u -d tomorrow +%F)
after=$(date -u -d '2 days' +%F)
bad "the day after tomorrow" "G2,A01,market,small,x,$after," "occurred_on \"$after\" is in the future"
printf 'encounter_id,agency,domain,size,district,occurred_on\nH1,A01,market,small,x,%s\nH2,A01,market,small,x,%s\n' \
	"$(date -u +%F)" "$tomorrow" >"$T/today.csv"
run $MANYI import encounters "$T/today.csv"
eq "today and tomorrow (time zones, clocks) are accepted" "$RC" 0

# The API applies the same rule, naming the element.
PORT=
it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }
key=$(evaluator_key)
api "$key" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary \
	'[{"encounter_id":"J1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"},{"encounter_id":"J2","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2099-11-01"}]'
eq "POST /api/v1/encounters with a future date: 422" "$STATUS" 422
contains "the error names the element and the field" "$BODY" 'encounter [1]: occurred_on \"2099-11-01\" is in the future'
eq "nothing of the array is stored" "$(sql "SELECT count(*) FROM encounter WHERE id LIKE 'J%'")" 0
stack_stop "$T/var"

sample() { $MANYI sample --survey enforcement-enterprise "$@" 2>/dev/null | cut -d, -f1-4; }
s1=$(sample --n 300 --by agency --seed 42)
s2=$(sample --n 300 --by agency --seed 42)
eq "the same seed draws the same sample" "$(md5sum <<<"$s1")" "$(md5sum <<<"$s2")"
eq "of the size asked" "$(tail -n +2 <<<"$s1" | wc -l)" 300
s3=$(sample --n 300 --by agency --seed 43)
check "another seed draws another sample" test "$s1" != "$s3"
# Reproducible on another database holding the same registry in another order.
M2="$BIN/manyi --db $T/other.db"
$M2 init >/dev/null; $M2 import domains tools/demo/domains.csv >/dev/null
$M2 import agencies tools/demo/agencies.csv >/dev/null; $M2 survey load surveys/*.json >/dev/null
(head -1 "$T/e.csv"; tail -n +2 "$T/e.csv" | sort -r) >"$T/rev.csv"
$M2 import encounters "$T/rev.csv" >/dev/null
s4=$($M2 sample --survey enforcement-enterprise --n 300 --by agency --seed 42 2>/dev/null | cut -d, -f1-4)
eq "the same seed on another database (rows stored in another order): the same sample" \
	"$(md5sum <<<"$s1")" "$(md5sum <<<"$s4")"
echo "$s1" >"$T/s1.csv"
python3 - "$T/e.csv" "$T/s1.csv" >"$T/alloc" <<'PY'
import collections, csv, sys
frame = collections.Counter(r["agency"] for r in csv.DictReader(open(sys.argv[1])))
got = collections.Counter(r["agency"] for r in csv.DictReader(open(sys.argv[2])))
N = sum(frame.values())
print(all(abs(got[a] - 300 * frame[a] / N) < 1 for a in frame))
PY
eq "proportional allocation follows the strata sizes" "$(cat "$T/alloc")" True
eq=$(sample --n 120 --by agency --allocation equal --seed 1 | tail -n +2 | cut -d, -f2 | sort | uniq -c | awk '{print $1}' | sort -u)
eq "equal allocation: 10 from each of 12 agencies" "$eq" 10
sd=$(sample --n 50 --seed 5 --from 2022-03-01 --to 2022-03-31 | tail -n +2 | cut -d, -f4)
check "a date range limits the frame" bash -c "! grep -vqE '^2022-03-' <<<'$sd'"
full=$($MANYI sample --survey enforcement-enterprise --n 5 --seed 9 2>/dev/null | tail -n +2 | tr -d '\r')
check "the call list carries a token and a link per encounter" \
	bash -c "awk -F, 'NF!=6 || length(\$5)!=22 || \$6 !~ /t=/ {exit 1}' <<<'$full'"
eq "phone invitations record the phone channel" \
	"$(sql "SELECT DISTINCT channel FROM invitation")" phone
run $MANYI sample --survey enforcement-enterprise --n 5
eq "sample without a seed is a usage error" "$RC" 2
run $MANYI sample --survey enforcement-enterprise --n 5 --seed 1 --allocation equal
eq "allocation without --by is a usage error" "$RC" 2
run $MANYI sample --survey nope --n 5 --seed 1
eq "an unknown survey is status 1" "$RC" 1
it_done
