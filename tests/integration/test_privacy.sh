#!/usr/bin/env bash
# Nothing on the server ties an answer to an address, a device or a token.
# Answers come through every channel — the public form, an invited form,
# the API without and with a token, an app's key with an Idempotency-Key —
# each from its own loopback address with a telltale user agent, and one
# more address tries wrong tokens until it is throttled.  Then every file
# the stack wrote (the database and its log, nginx's and manyi-fcgi's logs,
# everything under var/) is searched for each address, token, user agent,
# cookie, form render and idempotency key used.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
P=surveys/enforcement-public.json
UA="ManyiPrivacyProbe/1.0 (device-7731)"
printf 'encounter_id,agency,domain,size,district,occurred_on\nE1,A01,market,small,鄂城区,2022-04-11\nE2,A02,ecology,large,华容区,2022-05-01\n' >"$T/enc.csv"
$MANYI import encounters "$T/enc.csv" >/dev/null
tok() { $MANYI invite --survey enforcement-enterprise --encounter "$1" | tail -n +2 | cut -d, -f2 | tr -d '\r'; }
tok1=$(tok E1)
tok2=$(tok E2)
key=$(evaluator_key)
from() { echo --interface "127.0.0.$1"; }
secrets=("$tok1" "$tok2" "ManyiPrivacyProbe" "device-7731")

# 1. The public form from 127.0.0.57, with its stylesheet.
req GET /s/enforcement-public $(from 57) -A "$UA"
eq "the public form" "$STATUS" 200
req GET /assets/manyi.css $(from 57) -A "$UA"
req GET /s/enforcement-public $(from 57) -A "$UA"
csrf=$(field _csrf)
nonce=$(field _n)
cookie=$(awk '$6 == "manyi_csrf" {print $7}' "$T/jar")
check "the browser holds a CSRF cookie" test -n "$cookie"
secrets+=("$csrf" "$nonce" "$cookie")
req POST /s/enforcement-public $(from 57) -A "$UA" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "$(python3 tests/integration/mkbody.py --form "$P" _csrf="$csrf" _n="$nonce" _agency=A03 _domain=urban)"
eq "a public answer on the form: 303" "$STATUS" 303

# 2. An invited form from 127.0.0.58.
req GET "/s/enforcement-enterprise?t=$tok1" $(from 58) -A "$UA"
eq "the invited form" "$STATUS" 200
req POST /s/enforcement-enterprise $(from 58) -A "$UA" \
	-H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "$(python3 tests/integration/mkbody.py --form "$S" _t="$tok1" _n="$(field _n)" -_agency -_domain)"
eq "an invited answer on the form: 303" "$STATUS" 303

# 3. The API: public from .59, with a token from .60, an app's key from .61.
req POST /api/v1/responses $(from 59) -A "$UA" -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$P" agency=A03 domain=urban)"
eq "a public answer by the API: 201" "$STATUS" 201
req POST /api/v1/responses $(from 60) -A "$UA" -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" token="\"$tok2\"" -agency -domain)"
eq "an invited answer by the API: 201" "$STATUS" 201
idem=privacy-probe-idem-5521
secrets+=("$idem")
req POST /api/v1/responses $(from 61) -A "$UA" -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $key" -H "Idempotency-Key: $idem" \
	--data-binary "$(python3 tests/integration/mkbody.py "$S")"
eq "an app's answer: 201" "$STATUS" 201

# 4. Wrong tokens from .62 until the address is slowed down (at the 20th it
# is locked out for half an hour, however slowly the requests come).
for i in $(seq 25); do
	wrong=WrongTokenProbe${i}xxxxxxx
	secrets+=("$wrong")
	req GET "/s/enforcement-enterprise?t=$wrong" $(from 62) -A "$UA"
	[ "$STATUS" = 429 ] && break
done
eq "wrong tokens are throttled" "$STATUS" 429

eq "five answers stored" "$(sql 'SELECT count(*) FROM response')" 5
eq "through every channel" "$(sql 'SELECT group_concat(DISTINCT channel) FROM (SELECT channel FROM response ORDER BY channel)')" "api,web"

# The stack's files, all of them (stop it first so that every log is flushed).
stack_stop "$T/var"
files=$(find "$T/var" "$DB" "$DB-wal" "$DB-shm" -type f 2>/dev/null)
check "the access log was written" grep -q "POST /s/enforcement-public" "$T/var/log/access.log"
check "and the request log" grep -q '"route"' "$T/var/log/manyi-fcgi.log"
for a in 57 58 59 60 61 62; do
	hits=$(grep -laF "127.0.0.$a" $files)
	eq "no file holds the address 127.0.0.$a" "$hits" ""
done
for s in "${secrets[@]}"; do
	hits=$(grep -laF -- "$s" $files)
	eq "no file holds ${s:0:24}" "$hits" ""
done
eq "no stored time finer than the hour" \
	"$(sql "SELECT count(*) FROM response WHERE submitted_at NOT GLOB '*:00:00Z' OR stored_at NOT GLOB '*:00:00Z'")" 0
eq "nor any invitation's use" "$(sql 'SELECT count(*) FROM invitation WHERE used_at % 3600 != 0')" 0
eq "no audit row dates an app's answer" "$(sql "SELECT count(*) FROM audit WHERE action LIKE 'POST /api/v1/responses%'")" 0
eq "no throttle table in the database" "$(sql "SELECT count(*) FROM sqlite_master WHERE name LIKE '%throttle%'")" 0
it_done
