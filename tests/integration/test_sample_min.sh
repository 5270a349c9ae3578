#!/usr/bin/env bash
# manyi sample's warning about agencies that would stay under the
# publication threshold at the expected response rate (the default, one
# given, or the survey's RR1 so far), the command line it offers, and
# --min-per-agency: the minimums first, reproducible, refused when --n
# cannot hold them.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
E=enforcement-enterprise
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(grep -v 'the links point to' "$T/err"); }
name() { awk -F, -v c="$1" '$1 == c { print $2 }' tools/demo/agencies.csv; }
invitations() { sql "SELECT count(*) FROM invitation"; }

# Frames: A01 300, A02 60, A03 10 enterprises.
python3 -c "
print('encounter_id,agency,domain,size,district,occurred_on')
for a, n in (('A01', 300), ('A02', 60), ('A03', 10)):
    for i in range(n): print('%s-%03d,%s,market,small,x,2022-04-01' % (a, i, a))
" >"$T/enc.csv"
check "370 encounters" $MANYI import encounters "$T/enc.csv"

# Proportional 100: 81, 16, 3.  At the default 0.5: A02 8 and A03 1.5
# expected completes, under 30; ceil(30 / 0.5) = 60 each, A03 all its 10: 130.
run $MANYI sample --survey $E --n 100 --by agency --seed 7
eq "drawn: exit 0" "$RC" 0
eq "the warning names each thin agency, its allocation and expected completes, and the fix" "$ERR" \
"100 encounters sampled
manyi: sample: warning: at an expected response rate of 0.5 (the default: no dispositions for the survey yet; set another with --response-rate R), 2 agencies would stay under the publication threshold of 30 completes (--low-n):
  A02 $(name A02): 16 sampled of 60 in the frame, 8 expected completes
  A03 $(name A03): 3 sampled of 10 in the frame, 1.5 expected completes
manyi: sample: to give every agency at least 60 (ceil(30 / 0.5), at most its frame; 130 in all), draw again with:
  manyi sample --survey $E --n 130 --by agency --seed 7 --min-per-agency 60"
cp "$T/out" "$T/first.csv"

# The offered command: 60, 60 and the whole 10; only A03 stays under, and
# no allocation can help it, so no command is offered.
run $MANYI sample --survey $E --n 130 --by agency --seed 7 --min-per-agency 60
eq "the offered command: exit 0" "$RC" 0
eq "each agency's minimum" "$(tail -n +2 "$T/out" | cut -d, -f2 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
	"A01=60 A02=60 A03=10 "
eq "only the agency whose whole frame is too small, and nothing to offer" "$ERR" \
"130 encounters sampled
manyi: sample: warning: at an expected response rate of 0.5 (the default: no dispositions for the survey yet; set another with --response-rate R), 1 agency would stay under the publication threshold of 30 completes (--low-n):
  A03 $(name A03): 10 sampled of 10 in the frame, 5 expected completes (its whole frame: no allocation reaches the threshold)"
cut -d, -f1 "$T/out" >"$T/ids1"
run $MANYI sample --survey $E --n 130 --by agency --seed 7 --min-per-agency 60
cut -d, -f1 "$T/out" >"$T/ids2"
eq "the same seed and minimum draw the same sample" "$(cmp -s "$T/ids1" "$T/ids2" && echo same)" "same"
run $MANYI sample --survey $E --n 200 --by agency --seed 7 --min-per-agency 40 --allocation equal
eq "equal after the minimums: 40, 40, 10 then 110 round what is left" \
	"$(tail -n +2 "$T/out" | cut -d, -f2 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
	"A01=130 A02=60 A03=10 "

# A rate given; a simple random sample is told to stratify.
run $MANYI sample --survey $E --n 100 --seed 7 --response-rate 0.3 --low-n 20
contains "the given rate and threshold" "$ERR" \
	"at an expected response rate of 0.3 (given with --response-rate), 2 agencies would stay under the publication threshold of 20 completes (--low-n):"
contains "ceil(20 / 0.3) = 67, --by agency added" "$ERR" \
	"  manyi sample --survey $E --n 137 --seed 7 --response-rate 0.3 --low-n 20 --by agency --min-per-agency 67"
run $MANYI sample --survey $E --n 100 --by agency --seed 7 --low-n 1
eq "nobody under --low-n 1: no warning" "$ERR" "100 encounters sampled"

# Refusals: nothing drawn, nothing stored.
before=$(invitations)
run $MANYI sample --survey $E --n 100 --by agency --seed 7 --min-per-agency 60
eq "--n under the minimums: exit 1 with the least n" "$RC/$ERR" \
	"1/manyi: sample: --n 100 is less than --min-per-agency 60 asks of the 3 agencies (130 in all, each at most its frame): give --n 130 or more, or a smaller minimum"
eq "nothing stored" "$(invitations)" "$before"
run $MANYI sample --survey $E --n 100 --seed 7 --min-per-agency 60
eq "--min-per-agency without --by agency: exit 2" "$RC/$(grep -c -- '--min-per-agency needs --by agency' <<<"$ERR")" "2/1"
for bad in 0 -3 x; do
	run $MANYI sample --survey $E --n 100 --by agency --seed 7 --min-per-agency "$bad"
	eq "--min-per-agency $bad: exit 2" "$RC/$(grep -c -- '--min-per-agency must be a whole number from 1' <<<"$ERR")" "2/1"
done
for bad in 0 1.5 -0.2 x 0.5e0; do
	run $MANYI sample --survey $E --n 100 --by agency --seed 7 --response-rate "$bad"
	eq "--response-rate $bad: exit 2" "$RC/$(grep -c -- '--response-rate is the share expected to answer' <<<"$ERR")" "2/1"
done
run $MANYI sample --survey $E --n 100 --by agency --seed 7 --low-n x
eq "--low-n x: exit 2 naming it" "$RC/$(grep -c -- '--low-n is a whole number' <<<"$ERR")" "2/1"
eq "nothing stored by the refusals" "$(invitations)" "$before"

# The survey's RR1 so far: of the first draw's 100, 25 answered and 10
# refused, the rest unknown (sampled again since: every phone-invited
# encounter counts, 130 + 27 others so far).
H='encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall'
{
	echo "$H"
	tail -n +2 "$T/first.csv" | head -25 | cut -d, -f1 | sed 's/$/,,,,phone,2022-06-01T10:00:00+08:00,4,4,4,4,4,4,4,4,4/'
} >"$T/ans.csv"
check "25 answers" $MANYI import responses --survey $E "$T/ans.csv"
{
	echo "encounter_id,survey,outcome,attempts,last_call_at"
	tail -n +2 "$T/first.csv" | sed -n '26,35p' | cut -d, -f1 | sed "s/\$/,$E,refusal,1,2022-06-01T10:00:00+08:00/"
} >"$T/disp.csv"
check "10 refusals" $MANYI import dispositions "$T/disp.csv"
sampled=$(sql "SELECT count(DISTINCT encounter_id) FROM invitation WHERE channel = 'phone'")
rr1=$(python3 -c "print('%.4g' % (25 / $sampled))")
min=$(python3 -c "import math; print(math.ceil(30 / (25 / $sampled) - 1e-9))")
run $MANYI sample --survey $E --n 100 --by agency --seed 8
contains "the survey's RR1 so far (25 of $sampled sampled) is the expected rate" "$ERR" \
	"at an expected response rate of $rr1 (the survey's RR1 so far, from its dispositions; set another with --response-rate R)"
contains "and the minimum follows from it: ceil(30 / rr1) = $min" "$ERR" "--min-per-agency $min"

it_done
