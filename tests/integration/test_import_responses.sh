#!/usr/bin/env bash
# Phone and paper answers from CSV: validated as the form validates, atomic,
# one answer per encounter across all channels, channel recorded.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }

printf 'encounter_id,agency,domain,size,district,occurred_on\nE1,A01,market,small,鄂城区,2022-04-11\nE2,A02,ecology,large,华容区,2022-05-01\nE3,A02,ecology,micro,华容区,2022-05-02\nE4,A01,market,micro,华容区,2022-05-02\nE5,A01,market,small,华容区,2022-05-03\n' >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
H='encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall,problems,comment'
P=$(python3 -c 'import json;d=json.load(open("surveys/enforcement-enterprise.json"));o=[o["value"] for i in d["items"] if i["id"]=="problems" for o in i["options"]];print(o[0]+";"+o[1])')
{
	echo "$H"
	echo "E1,,,,phone,2022-04-12T10:00:00+08:00,5,4,4,na,4,4,5,3,4,$P,\"电话回访, 满意\""
	echo "E2,A02,ecology,large,paper,2022-05-03T09:30:00+08:00,3,3,3,3,3,3,3,3,3,,"
	echo ",A03,urban,,kiosk,2022-05-04T16:00:00Z,4,4,4,4,4,4,4,4,5,,"
} >"$T/ok.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/ok.csv"
eq "phone, paper and kiosk answers import" "$RC" 0
eq "and are counted" "$OUT" "$T/ok.csv: 3 answers imported into enforcement-enterprise version 1"
eq "three answers" "$(sql 'SELECT count(*) FROM response')" 3
eq "the encounter gives agency, domain and size; the channel is kept" \
	"$(sql "SELECT agency, domain, size, channel FROM response WHERE encounter_id='E1'")" "A01|market|small|phone"
eq "submission times are stored in UTC" \
	"$(sql "SELECT submitted_at FROM response WHERE encounter_id='E1'")" "2022-04-12T02:00:00Z"
eq "a public-channel row has no encounter" \
	"$(sql "SELECT coalesce(encounter_id,'none'), agency, domain, channel FROM response WHERE channel='kiosk'")" "none|A03|urban|kiosk"
eq "multi answers split on ;" "$(sql "SELECT count(*) FROM answer a JOIN response r ON r.id=a.response_id WHERE r.encounter_id='E1' AND a.item='problems'")" 2
eq "a quoted comma stays in the text" "$(sql "SELECT text FROM answer a JOIN response r ON r.id=a.response_id WHERE r.encounter_id='E1' AND a.item='comment'")" "电话回访, 满意"
eq "na is stored as missing" "$(sql "SELECT coalesce(num,'-') || na FROM answer a JOIN response r ON r.id=a.response_id WHERE r.encounter_id='E1' AND a.item='civility'")" "-1"

n0=$(sql 'SELECT count(*) FROM response')
bad() { # DESC ROW EXPECTED
	{ echo "$H"; echo "E3,,,,phone,2022-05-05T10:00:00+08:00,4,4,4,4,4,4,4,4,4,,"; echo "$2"; } >"$T/bad.csv"
	run $MANYI import responses --survey enforcement-enterprise "$T/bad.csv"
	eq "$1: status 1" "$RC" 1
	contains "$1: FILE:LINE: reason" "$ERR" "$T/bad.csv:3: $3"
	eq "$1: nothing stored" "$(sql 'SELECT count(*) FROM response')" "$n0"
}
good="2022-05-05T10:00:00+08:00,4,4,4,4,4,4,4,4,4,,"
bad "an encounter answered twice in the file" "E3,,,,paper,$good" \
	'encounter "E3" was already answered by phone on 2022-05-05 (an earlier import, or an earlier line of this file)'
bad "a submission time in the future" "E4,,,,phone,2099-05-05T10:00:00+08:00,4,4,4,4,4,4,4,4,4,," \
	'submitted_at "2099-05-05T10:00:00+08:00" is in the future'
bad "an encounter answered before by an import" "E1,,,,paper,$good" \
	'encounter "E1" was already answered by phone on 2022-04-12'
bad "an unknown encounter" "E9,,,,paper,$good" 'unknown encounter_id "E9"'
bad "an agency that disagrees with the encounter" "E4,A02,,,paper,$good" 'agency "A02" disagrees'
bad "a size that disagrees" "E4,,,large,paper,$good" 'size "large" disagrees'
bad "a public row without agency" ",,urban,,kiosk,$good" 'agency is required'
bad "an unknown domain" ",A01,space,,kiosk,$good" 'unknown domain "space"'
bad "an unknown channel" "E4,,,,carrier-pigeon,$good" 'channel "carrier-pigeon"'
# An encounter answered online: the phone answer says so, with the day.
{ echo "$H"; echo "E5,,,,web,2022-05-06T01:00:00Z,4,4,4,4,4,4,4,4,4,,"; } >"$T/web.csv"
check "a web answer for E5" $MANYI import responses --survey enforcement-enterprise "$T/web.csv"
n0=$(sql 'SELECT count(*) FROM response')
bad "an encounter answered online" "E5,,,,phone,$good" \
	'encounter "E5" was already answered online (web) on 2022-05-06; an encounter is answered once, so this phone answer is not needed'
bad "a time without offset" "E4,,,,phone,2022-05-05T10:00:00,4,4,4,4,4,4,4,4,4,," 'submitted_at'
# Answer errors speak to the evaluator who made the file: the column, the value, what it takes.
ans="E4,,,,phone,2022-05-05T10:00:00Z"
bad "a scale value out of range" "$ans,9,4,4,4,4,4,4,4,4,," 'legality: "9" is not a score 1..5 or na'
bad "a scale value that is no number" "$ans,4,x,4,4,4,4,4,4,4,," 'procedure: "x" is not a score 1..5 or na'
bad "a fraction" "$ans,4,4,4.5,4,4,4,4,4,4,," 'fairness: "4.5" is not a score 1..5 or na'
bad "na where not allowed" "$ans,4,4,4,4,4,4,4,4,na,," \
	'overall: "na" is not allowed, the item has no "not applicable" (a score 1..5)'
bad "a missing required answer" "$ans,,4,4,4,4,4,4,4,4,," 'legality: empty, but the item is required (a score 1..5 or na)'
bad "an unknown option" "$ans,4,4,4,4,4,4,4,4,4,bribery-galore," \
	'problems: "bribery-galore" is not an option of problems (no_id, rights_not_told, unclear_basis,'
bad "an unknown option among good ones is the one named" "$ans,4,4,4,4,4,4,4,4,4,rude;bribery-galore;slow," \
	'problems: "bribery-galore" is not an option of problems ('
bad "an option twice" "$ans,4,4,4,4,4,4,4,4,4,rude;slow;rude," 'problems: "rude;slow;rude" lists "rude" twice'
bad "none of the above with a problem" "$ans,4,4,4,4,4,4,4,4,4,rude;none," \
	'problems: "rude;none" ticks "none" with other options, but "none" excludes every other'
long=$(python3 -c 'print("长" * 2001)')
bad "a comment too long" "$ans,4,4,4,4,4,4,4,4,4,,$long" 'comment: 2001 characters, more than the 2000 allowed'
bad "a comment with a control character" "$ans,4,4,4,4,4,4,4,4,4,,$(printf 'bell\a')" \
	'comment: "bell\x07" contains control characters'
bad "a row that answers nothing" "E4,,,,phone,2022-05-05T10:00:00Z,,,,,,,,,,," 'legality: empty, but the item is required'
bad "the respondent's wording is not used" "$ans,9,4,4,4,4,4,4,4,4,," 'legality: '
lacks "no \"Please choose again\"" "$ERR" "Please"
{ echo "$H,encounter_type"; echo "E4,,,,phone,$good,visit"; } >"$T/bad.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/bad.csv"
contains "a choice: the value and the options" "$ERR" \
	"$T/bad.csv:2: encounter_type: \"visit\" is not an option of encounter_type (inspection, penalty, permit, other)"
id70=E123456789012345678901234567890123456789012345678901234567890123456789
bad "a 70-character encounter_id is quoted whole" "$id70,,,,paper,$good" "unknown encounter_id \"$id70\""
# 满意 in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
bad "a comment saved as GBK" "$ans,4,4,4,4,4,4,4,4,4,,$(printf '\xc2\xfa\xd2\xe2')" \
	'column "comment" (field 17) is not valid UTF-8; save the file as UTF-8 (Excel: 另存为 "CSV UTF-8（逗号分隔）"'

# A required item's column missing is the header's fault, said once at line 1.
{ echo "${H/,legality/}"; echo "E4,,,,phone,$good" | sed 's/,4,/,/'; } >"$T/bad.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/bad.csv"
eq "a required item's column missing: status 1" "$RC" 1
contains "reported at the header, naming the column" "$ERR" \
	"$T/bad.csv:1: missing column \"legality\" (a required item of survey enforcement-enterprise)"
{ echo "${H/,comment/}"; echo "E4,,,,phone,${good%,}"; } >"$T/ok1.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/ok1.csv"
eq "an optional item's column may be left out" "$RC" 0
eq "one answer is singular" "$OUT" "$T/ok1.csv: 1 answer imported into enforcement-enterprise version 1"
n0=$(sql 'SELECT count(*) FROM response')
{ echo "$H,shoe_size"; echo "E4,,,,phone,$good,42"; } >"$T/bad.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/bad.csv"
contains "an unknown column is named at line 1" "$ERR" "$T/bad.csv:1: column \"shoe_size\""
{ echo "$H,$id70"; echo "E4,,,,phone,$good,42"; } >"$T/bad.csv"
run $MANYI import responses --survey enforcement-enterprise "$T/bad.csv"
contains "a 70-character column name is quoted whole" "$ERR" "$T/bad.csv:1: column \"$id70\" is neither"
run $MANYI import responses --survey nope "$T/ok.csv"
eq "an unknown survey is status 1" "$RC" 1
run $MANYI import responses "$T/ok.csv"
eq "no --survey is a usage error" "$RC" 2

# An invitation for an encounter answered by phone cannot be used.
tok=$($MANYI invite --survey enforcement-enterprise --encounter E3 | tail -1 | cut -d, -f2 | tr -d '\r')
{ echo "$H"; echo "E3,,,,phone,$good"; } >"$T/e3.csv"
check "E3 answered by phone" $MANYI import responses --survey enforcement-enterprise "$T/e3.csv"
PORT=
it_stack
req POST /api/v1/responses -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py surveys/enforcement-enterprise.json -agency -domain token="$tok")"
eq "its web invitation then answers 409" "$STATUS" 409
eq "still one answer for E3" "$(sql "SELECT count(*) FROM response WHERE encounter_id='E3'")" 1
it_done
