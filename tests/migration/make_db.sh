#!/usr/bin/env bash
# Make tests/migration/release.sql (the database as SQL text) and
# tests/migration/expected/ with the release built in this checkout (`make -j2` first), through its public
# interface only: the command line, the HTML form and the API behind nginx.
# Run once, on the release whose databases later layouts must migrate; then
# commit both (and tokens.txt).  Running it again on a later layout would
# only test that layout against itself; and each run draws new ids, keys
# and tokens, so every file changes.  tests/integration/test_migration.sh opens a copy with the
# code of the day and expects the same outputs.
#
#     bash tests/migration/make_db.sh
#
# The database holds: the registry (agencies, domains, the domains each
# agency enforces, names with commas and quotes), three surveys, one of
# them in two versions (the second adds an item and an option); encounters
# over thirteen months of every size and outcome, in two batches; phone,
# paper, kiosk and other answers imported from CSV (scores, "na", optional
# items left empty, one and several choices, "none", texts in Chinese with
# quotes, commas and newlines), public-channel ones among them; invitations
# minted one by one, for every uninvited encounter, and by a phone sample;
# answers through the form (invited, and the public channel with its
# render mark) and the API (a token, an app's key with an Idempotency-Key
# sent twice, the public channel); API keys (evaluators and agencies, one
# revoked, one used); publications (two versions of one query, another
# survey's); settings (base URL, the evaluator's names).
. "$(dirname "$0")/../integration/lib.sh"
. tests/migration/outputs.sh
set -e
M=tests/migration
G="python3 $M/gen.py"
E=enforcement-enterprise
P=enforcement-public
K=service-kiosk
[ -x "$BIN/manyi" ] && [ -x "$BIN/manyi-fcgi" ] || { echo "build first: make -j2" >&2; exit 1; }
q() { "$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; echo "failed: $*" >&2; exit 1; }; }
span() { seq -f "E%03g" "$1" "$2" | paste -sd,; }

q $MANYI init --base-url https://manyi.example.gov.cn --evaluator-name "第三方评估中心" \
	--evaluator-name-en "Independent Evaluation Centre" --evaluator-contact "热线 027-1234, eval@example.gov.cn"
q $MANYI import domains $M/domains.csv
q $MANYI import agencies $M/agencies.csv
q $MANYI import agency-domains $M/agency-domains.csv
q $MANYI survey load surveys/$E.json surveys/$P.json $M/kiosk.json

$G encounters 1 100 >"$T/enc1.csv"
q $MANYI import encounters "$T/enc1.csv"
# Invitations one by one (answered through the web below, E004 never).
for e in E001 E002 E003 E004; do
	$MANYI invite --survey $E --encounter $e --expires 3650 >>"$T/inv-$E.csv" 2>/dev/null
done
for e in E080 E081; do
	$MANYI invite --survey $P --encounter $e --expires 3650 >>"$T/inv-$P.csv" 2>/dev/null
done
tok() { grep "^$2," "$T/inv-$1.csv" | cut -d, -f2; }

$G responses surveys/$E.json 1 "$(span 10 69)" >"$T/r-$E-1.csv"
q $MANYI import responses --survey $E "$T/r-$E-1.csv"
$G responses surveys/$P.json 2 "$(span 70 79),A01/market,A01/food,A02/ecology,A03/urban,A03/market,A04/transport,A05/food,A05/urban,A05/ecology,A01/market,A02/ecology,A03/urban,A04/transport,A05/transport,A05/market" \
	>"$T/r-$P.csv"
q $MANYI import responses --survey $P "$T/r-$P.csv"
$G responses $M/kiosk.json 3 "A01/market,A01/food,A02/ecology,A03/urban,A04/transport,A05/food,A05/urban,A01/market,A03/market,A02/ecology,A05/ecology,A04/transport" kiosk \
	>"$T/r-$K.csv"
q $MANYI import responses --survey $K "$T/r-$K.csv"

# A phone sample (invitations on the phone channel), answered in part below.
$MANYI sample --survey $E --n 16 --by agency --seed 11 >"$T/sample.csv" 2>/dev/null
# Invitations for every encounter not invited to the kiosk survey yet, short-lived.
q $MANYI invite --survey $K --uninvited --expires 3

# Version 2 of the enterprise survey, and a second batch of encounters.
$G v2 surveys/$E.json >"$T/$E-v2.json"
q $MANYI survey load "$T/$E-v2.json"
$G encounters 101 150 >"$T/enc2.csv"
q $MANYI import encounters "$T/enc2.csv"
$G responses "$T/$E-v2.json" 4 "$(span 101 130)" >"$T/r-$E-2.csv"
q $MANYI import responses --survey $E "$T/r-$E-2.csv"
phone=$(python3 -c 'import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["token"] and r["encounter_id"] not in ("E001", "E002", "E003", "E004")]
print(",".join(r["encounter_id"] for r in rows[:8]))' "$T/sample.csv")
$G responses "$T/$E-v2.json" 5 "$phone" phone >"$T/r-$E-phone.csv"
q $MANYI import responses --survey $E "$T/r-$E-phone.csv"

# API keys: two evaluators (one revoked), two agencies; a second apart, so
# that the key list's order (oldest first) has no ties.
ekey=$(evaluator_key)
sleep 1
a1key=$(agency_key A01)
sleep 1
agency_key A03 >/dev/null
sleep 1
rkey=$(evaluator_key)
q $MANYI key revoke "$rkey"

# The web stack: the form and the API.
it_stack
hdr_json=(-H 'Content-Type: application/json')
hdr_form=(-H 'Content-Type: application/x-www-form-urlencoded')
must() { # must STATUS DESC: the last request gave STATUS
	[ "$STATUS" = "$1" ] || { echo "$2: status $STATUS, not $1: $BODY" >&2; exit 1; }
}
form() { python3 tests/integration/mkbody.py --form "$@"; }
body() { python3 tests/integration/mkbody.py "$@"; }

# The form, invited: the token's encounter says who; one in English with "na".
req GET "/s/$E?t=$(tok $E E001)"; must 200 "the invited form"
req POST "/s/$E" "${hdr_form[@]}" --data-binary "$(form "$T/$E-v2.json" -_agency -_domain \
	_csrf="$(field _csrf)" _t="$(tok $E E001)" legality=na communication=2 \
	comment="表单：满意，\"很好\"
第二行")"
must 303 "the invited form post"
req GET "/s/$E?t=$(tok $E E002)&lang=en"; must 200 "the invited form in English"
req POST "/s/$E" "${hdr_form[@]}" --data-binary "$(form "$T/$E-v2.json" -_agency -_domain -comment \
	-encounter_type _csrf="$(field _csrf)" _t="$(tok $E E002)" _lang=en problems=none overall=2)"
must 303 "the invited form post in English"
# The form, public channel: CSRF cookie, render mark.
req GET "/s/$P"; must 200 "the public form"
req POST "/s/$P" "${hdr_form[@]}" --data-binary "$(form surveys/$P.json _agency=A03 _domain=urban \
	_csrf="$(field _csrf)" _n="$(field _n)" comment="城管,态度\"好\"")"
must 303 "the public form post"
# The API: a token; an app's key with an Idempotency-Key, sent twice; the public channel.
req POST /api/v1/responses "${hdr_json[@]}" --data-binary \
	"$(body "$T/$E-v2.json" -agency -domain token="$(tok $E E003)" answers.communication=5)"
must 201 "an answer with a token"
req POST /api/v1/responses "${hdr_json[@]}" --data-binary \
	"$(body surveys/$P.json -agency -domain token="$(tok $P E080)" answers.problems='["none"]')"
must 201 "a public-survey answer with a token"
idem=$(body "$T/$E-v2.json" agency=A01 domain=food answers.comment='app: 好, "ok"')
for try in 1 2; do
	req POST /api/v1/responses "${hdr_json[@]}" -H "Authorization: Bearer $ekey" \
		-H "Idempotency-Key: 2b0e1c4f-migration-1" --data-binary "$idem"
	must 201 "an app's answer with an Idempotency-Key (try $try)"
done
req POST /api/v1/responses "${hdr_json[@]}" --data-binary \
	"$(body surveys/$P.json agency=A05 domain=transport -answers.comment answers.legality=na)"
must 201 "a public-channel answer"
req POST /api/v1/responses "${hdr_json[@]}" --data-binary \
	"$(body $M/kiosk.json agency=A04 domain=transport -answers.note answers.issues='["queue","forms"]')"
must 201 "a kiosk answer through the API"
# An agency key used (its last use shows in the key list).
api "$a1key" GET "/api/v1/stats?survey=$E&by=agency"; must 200 "an agency's stats"

# Publications: one query twice (an answer in between), another survey's once.
q $MANYI publish --survey $E --by agency --measure overall
sleep 1
req POST /api/v1/responses "${hdr_json[@]}" --data-binary \
	"$(body "$T/$E-v2.json" agency=A05 domain=urban)"
must 201 "a public-channel answer to the enterprise survey"
q $MANYI publish --survey $E --by agency --measure overall
q $MANYI publish --survey $P --weighting none

# The expected outputs.
X=$M/expected
rm -rf "$X"
# The API first: the key it uses shows as used in the key list.
mig_api "$X" "$ekey"
mig_cli "$X"
mig_counts "$X" >"$X/counts.txt"
# What the test needs to act as the release's users: keys and links it made.
cat >$M/tokens.txt <<EOF
# Keys and invitation links of release.db (test values, made by make_db.sh):
# test_migration.sh checks that they still open what they opened.
evaluator $ekey
agency_A01 $a1key
revoked $rkey
invited_E004 $(tok $E E004)
answered_E001 $(tok $E E001)
invited_E081 $(tok $P E081)
EOF
# The export's count of answers is the one the tables hold.
sqlite3 "$DB" "SELECT r.survey_id, 'responses', count(DISTINCT r.id), 'answers', count(a.item)
	FROM response r LEFT JOIN answer a ON a.response_id = r.id GROUP BY r.survey_id ORDER BY 1" |
	tr '|' ' ' | diff - "$X/counts.txt" >&2

stack_stop "$T/var"
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
sqlite3 "$DB" 'VACUUM'
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
# Kept as SQL text (test_migration.sh makes the file from it): the
# schema version first, then every row with its rowid.
{
	echo "PRAGMA user_version = $(sqlite3 "$DB" 'PRAGMA user_version');"
	sqlite3 "$DB" ".dump --preserve-rowids"
} >$M/release.sql
echo "tests/migration/release.sql: $(stat -c %s $M/release.sql) bytes, schema $(sqlite3 "$DB" 'PRAGMA user_version')"
for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"); do
	printf '  %-14s %s\n' "$t" "$(sqlite3 "$DB" "SELECT count(*) FROM \"$t\"")"
done
cat "$X/counts.txt"
