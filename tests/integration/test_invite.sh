#!/usr/bin/env bash
# Encounters, invitations, keys and QR codes through the real stack:
# one rating per encounter, tokens used once even when raced, expired and
# unknown tokens, agency keys confined to their agency, QR codes that decode
# back to the link, wrong tokens throttled, throttling that outlives a
# restarted worker.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
U=/s/enforcement-enterprise
printf 'encounter_id,agency,domain,size,district,occurred_on,outcome\nE1,A01,market,small,鄂城区,2022-04-11,corrected\nE2,A02,ecology,large,华容区,2022-05-01,\nE3,A01,market,micro,梁子湖区,2022-06-01,fined\n' >"$T/enc.csv"
check "encounters import" $MANYI import encounters "$T/enc.csv"
eq "three encounters registered" "$(sql 'SELECT count(*) FROM encounter')" 3
eq "the import is audited" "$(sql "SELECT count(*) FROM audit WHERE action='import encounters'")" 1

invite() { $MANYI invite --survey enforcement-enterprise "$@" | tail -n +2 | tr -d '\r'; }
row=$(invite --encounter E1)
tok=$(cut -d, -f2 <<<"$row")
url=$(cut -d, -f3 <<<"$row")
check "a token is 22 base64url characters, the first a letter or a digit" grep -qE '^[A-Za-z0-9][A-Za-z0-9_-]{21}$' <<<"$tok"
eq "the link carries the token" "$url" "http://127.0.0.1:8080$U?t=$tok"
eq "only the token's hash is stored" "$(sql "SELECT count(*) FROM invitation WHERE hex(hash) LIKE '%' || hex('$tok') || '%'")" 0
eq "the hash is 32 bytes" "$(sql 'SELECT length(hash) FROM invitation LIMIT 1')" 32

req GET "$U?t=$tok"
eq "the invitation opens the form" "$STATUS" 200
contains "with the encounter's context" "$BODY" "市市场监督管理局 · 市场监管 · 2022-04-11"
lacks "no agency select: the encounter says who" "$BODY" 'name="_agency"'
lacks "nothing identifies the enterprise" "$BODY" "鄂城区"
csrf=$(python3 -c 'import re,sys,html
for t in re.findall(r"<input[^>]*>", sys.stdin.read()):
    if "name=\"_csrf\"" in t: print(html.unescape(re.search(r"value=\"([^\"]*)\"", t).group(1)))' <<<"$BODY")
form() { python3 tests/integration/mkbody.py --form "$S" -_agency -_domain "$@"; }
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$(form _csrf="$csrf" _t="$tok")"
eq "an invited answer is 303" "$STATUS" 303
eq "tied to the encounter, with its agency, domain and size" \
	"$(sql "SELECT encounter_id, agency, domain, size, channel FROM response")" "E1|A01|market|small|web"
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$(form _csrf="$csrf" _t="$tok")"
eq "the same token again is 409" "$STATUS" 409
contains "with a friendly page" "$BODY" "已经收到评价"
req GET "$U?t=$tok"
eq "opening a used link is 409" "$STATUS" 409
eq "still one answer" "$(sql 'SELECT count(*) FROM response')" 1

# An invited form needs no cookie and no fresh CSRF token: the token is the
# capability.  A form left open past a day, or a browser that keeps no
# cookies, still answers for its encounter (never as a public answer).
row2=$(invite --encounter E2)
tok2=$(cut -d, -f2 <<<"$row2")
rm -f "$T/jar"
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$(form _csrf=stale-or-missing _t="$tok2")"
eq "an invited answer without the cookie is taken: 303" "$STATUS" 303
eq "and it is the encounter's, not a public answer" \
	"$(sql "SELECT encounter_id, channel FROM response WHERE encounter_id = 'E2'")" "E2|web"
eq "the invitation is used" "$(sql "SELECT count(*) FROM invitation WHERE encounter_id = 'E2' AND used_at IS NOT NULL")" 1
sql "DELETE FROM answer WHERE response_id IN (SELECT id FROM response WHERE encounter_id = 'E2');
     DELETE FROM response WHERE encounter_id = 'E2'"

# A second token for an answered encounter is refused too (one answer per encounter).
run_invite=$($MANYI invite --survey enforcement-enterprise --encounter E1 2>&1)
contains "no new invitation for a rated encounter" "$run_invite" "already been rated"

# JSON with a token; the race: two connections at the same moment, one 201.
tok2=$(invite --encounter E2 | cut -d, -f2)
body=$(python3 tests/integration/mkbody.py "$S" -agency -domain token="$tok2")
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
		--data-binary "$body" "$BASE/api/v1/responses" >>"$T/race" &
	pids+=($!)
done
wait "${pids[@]}"
eq "a token raced from six connections: exactly one 201" "$(grep -c '^201$' "$T/race")" 1
eq "and five 409" "$(grep -c '^409$' "$T/race")" 5
eq "one answer for E2" "$(sql "SELECT count(*) FROM response WHERE encounter_id='E2'")" 1

# Expired.
tok3=$(invite --encounter E3 --expires 1 | cut -d, -f2)
sql "UPDATE invitation SET expires_at = strftime('%s','now') - 1 WHERE encounter_id = 'E3'"
req GET "$U?t=$tok3"
eq "an expired link is 410" "$STATUS" 410
contains "with a page that says so" "$BODY" "已超过有效期"
req POST /api/v1/responses -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" -agency -domain token="$tok3")"
eq "an expired token in JSON is 422 expired_token" "$STATUS/$(json 'j["error"]["fields"][0]["code"]')" "422/expired_token"
req GET "$U?t=AAAAAAAAAAAAAAAAAAAAAA"
eq "an unknown token is 404" "$STATUS" 404

# Keys and roles.
ekey=$(evaluator_key)
akey=$(agency_key A01)
bkey=$(agency_key A02)
check "keys look like mk_ID_SECRET" grep -qE '^mk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$' <<<"$ekey"
eq "no key is stored in clear" "$(sql "SELECT count(*) FROM api_key WHERE hex(hash) = hex('$ekey')")" 0
api() { local k=$1 m=$2 p=$3; shift 3; req "$m" "$p" -H "Authorization: Bearer $k" "$@"; }
api "$akey" POST /api/v1/encounters -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"Q1","domain":"market","size":"small","district":"鄂城区","occurred_on":"2022-07-01"},{"encounter_id":"Q2","agency":"A01","domain":"urban","size":"household","district":"华容区","occurred_on":"2022-07-02","outcome":"warning"}]'
eq "an agency key registers its encounters: 201" "$STATUS" 201
eq "each with a token and a link" "$(json 'len([e for e in j if len(e["token"])==22 and e["url"].endswith(e["token"])])')" 2
qurl=$(json 'j[0]["url"]')
eq "an enterprise is invited to the enterprise survey, a household to the public one" \
	"$(json '[e["survey"] for e in j]') $(json '"/s/enforcement-public?t=" in j[1]["url"]')" \
	"['enforcement-enterprise', 'enforcement-public'] True"
eq "registered under the key's agency" "$(sql "SELECT agency FROM encounter WHERE id='Q1'")" A01
api "$akey" POST /api/v1/encounters -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"Q3","agency":"A02","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]'
eq "an agency key registering another agency's encounter: 403" "$STATUS" 403
n=$(sql 'SELECT count(*) FROM encounter')
api "$ekey" POST /api/v1/encounters -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"Q4","agency":"A02","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"},{"encounter_id":"Q5","agency":"A02","domain":"market","size":"huge","district":"x","occurred_on":"2022-07-01"}]'
eq "a bad encounter in an array: 422" "$STATUS" 422
eq "naming its index" "$(json 'j["error"]["fields"][0]["index"]')" 1
contains "and the rule" "$(json 'j["error"]["message"]')" 'size "huge"'
eq "nothing of the array stored" "$(sql 'SELECT count(*) FROM encounter')" "$n"
api "$ekey" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary '{"not":"an array"}'
eq "not an array: 400" "$STATUS" 400
api "$ekey" POST /api/v1/encounters -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"Q6","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]'
eq "an evaluator's encounter without an agency: 422 saying so" "$STATUS $(json '"agency is required" in j["error"]["message"]')" "422 True"
api "$ekey" POST /api/v1/encounters -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"E1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]'
eq "a duplicate id: 422" "$STATUS/$(json '"duplicate" in j["error"]["message"]')" "422/True"
req POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary '[]'
eq "no key: 401" "$STATUS/$(json 'j["error"]["code"]')" "401/unauthorized"
# Invitations are minted by POST (audited, one transaction); the QR codes
# and notices are GETs that render the token they are given, writing nothing.
mint() { api "$1" POST /api/v1/invitations -H 'Content-Type: application/json' --data-binary "$2"; }
api "mk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" POST /api/v1/encounters/Q1/invitations
eq "an unknown key: 401" "$STATUS" 401
api "$bkey" POST /api/v1/encounters/Q1/invitations
eq "an agency key minting for another agency's encounter: 403" "$STATUS/$(json 'j["error"]["fields"][0]["code"]')" "403/not_yours"
api "$akey" POST /api/v1/encounters/NOPE/invitations
eq "an unknown encounter: 404" "$STATUS/$(json 'j["error"]["fields"][0]["code"]')" "404/unknown"
inv0=$(sql "SELECT count(*) FROM invitation")
api "$akey" POST /api/v1/encounters/Q1/invitations
eq "one encounter's invitation is minted by POST: 201" "$STATUS" 201
eq "one invitation stored" "$(( $(sql "SELECT count(*) FROM invitation") - inv0 ))" 1
eq "with its token, link, last day and the links that render it" \
	"$(json 'sorted(j["invitations"][0])')" \
	"['encounter_id', 'expires_on', 'notice', 'qr_png', 'qr_svg', 'survey', 'token', 'url']"
qsvg=$(json 'j["invitations"][0]["qr_svg"]')
qpng=$(json 'j["invitations"][0]["qr_png"]')
qnotice=$(json 'j["invitations"][0]["notice"]')
mtok=$(json 'j["invitations"][0]["token"]')
eq "the mint is audited, naming the key and the encounter" \
	"$(sql "SELECT actor || ' ' || detail FROM audit WHERE action='mint invitations' ORDER BY id DESC LIMIT 1")" "${akey:3:12} Q1"
eq "and never the token, anywhere in the audit" "$(sql "SELECT count(*) FROM audit WHERE coalesce(detail,'') || coalesce(object,'') || action LIKE '%$mtok%'")" 0
inv0=$(sql "SELECT count(*) FROM invitation")
api "$akey" GET "$qsvg"
eq "the QR code as SVG" "$STATUS" 200
contains "is SVG" "$HEADERS" "image/svg+xml"
cp "$T/body" "$T/qr.svg"
api "$akey" HEAD "$qsvg"
eq "HEAD of the QR code: 200" "$STATUS" 200
api "$akey" GET "$qpng"
eq "the QR code as PNG" "$STATUS" 200
cp "$T/body" "$T/qr.png"
decoded=$(zbarimg -q --raw "$T/qr.png" 2>/dev/null)
eq "the PNG decodes to the minted link" "$decoded" "http://127.0.0.1:8080$U?t=$mtok"
eq "GET and HEAD minted nothing" "$(sql "SELECT count(*) FROM invitation")" "$inv0"
eq "and the audit holds no token" "$(sql "SELECT count(*) FROM audit WHERE coalesce(detail,'') LIKE '%$mtok%'")" 0
api "$akey" GET /api/v1/encounters/Q1/qr.svg
eq "a QR code without t: 400 naming t" "$STATUS/$(json '"t is required" in j["error"]["message"]')" "400/True"
api "$akey" GET "/api/v1/encounters/Q2/qr.svg?t=$mtok"
eq "Q1's token on Q2: 404" "$STATUS" 404
api "$akey" GET "/api/v1/encounters/Q1/qr.svg?t=AAAAAAAAAAAAAAAAAAAAAA"
eq "an unknown token: 404" "$STATUS" 404
api "$bkey" GET "$qsvg"
eq "another agency's key with the token: 403" "$STATUS" 403
eq "none of these wrote an invitation" "$(sql "SELECT count(*) FROM invitation")" "$inv0"
req GET "$U?t=$mtok"
eq "the decoded link opens the form" "$STATUS" 200
eq "and records the qr channel" "$(sql "SELECT channel FROM invitation WHERE encounter_id='Q1' ORDER BY created_at DESC LIMIT 1")" qr
if command -v convert >/dev/null 2>&1 && convert "$T/qr.svg" "$T/svg.png" 2>/dev/null; then
	check "the SVG decodes too" bash -c "zbarimg -q --raw '$T/svg.png' | grep -q 't='"
fi
api "$akey" GET "$qnotice"
eq "a printable notice" "$STATUS" 200
contains "says 扫码评价本次执法" "$BODY" "扫码评价本次执法"
contains "spells out the link" "$BODY" "http://127.0.0.1:8080$U?t=$mtok"
contains "prints on A6" "$BODY" 'class="a6"'
contains "with the QR code" "$BODY" "<svg"
mint "$akey" '{"encounters":["Q1","Q2","E3"]}'
eq "a batch of invitations: 201, three" "$STATUS $(json 'len(j["invitations"])') $(json 'j["errors"]')" "201 3 []"
notices=$(json 'j["notices"]')
api "$akey" GET "$notices"
eq "its notices link: one card each" "$STATUS $(grep -o '<section class="notice">' <<<"$BODY" | wc -l)" "200 3"
until=$(TZ=Asia/Shanghai date -d "@$(( $(date +%s) + 30 * 86400 - 1 ))" +%F)
eq "each card says until when it can be used" "$(grep -o "请于 $until 前扫码评价" <<<"$BODY" | wc -l)" 3
contains "and which record it is, for the officer" "$BODY" "执法记录编号 <span lang=\"en\">Record</span> Q2"
contains "on A4" "$BODY" 'class="a4"'
req GET "$U?t=$(printf 'A%.0s' $(seq 300))"
eq "an over-long token is an unknown link (404), not the public form" "$STATUS" 404
inv0=$(sql "SELECT count(*) FROM invitation")
mint "$akey" '{"encounters":["Q1","E2","NOPE","Q2"]}'
eq "a batch with another agency's encounter and an unknown one: 201 for the rest" \
	"$STATUS $(json '[i["encounter_id"] for i in j["invitations"]]')" "201 ['Q1', 'Q2']"
eq "naming each id that failed and why" "$(json '[(e["encounter_id"], e["code"]) for e in j["errors"]]')" \
	"[('E2', 'not_yours'), ('NOPE', 'unknown')]"
eq "two minted" "$(( $(sql "SELECT count(*) FROM invitation") - inv0 ))" 2
mint "$akey" '{"encounters":["E2","NOPE"]}'
eq "a batch where none can be minted: 403, each named" \
	"$STATUS $(json '[(e["encounter_id"], e["code"]) for e in j["error"]["fields"]]')" "403 [('E2', 'not_yours'), ('NOPE', 'unknown')]"
mint "$akey" '{"ids":["Q1"]}'
eq "a body that is not {\"encounters\": [...]}: 400 saying what it takes" "$STATUS/$(json '"encounters" in j["error"]["message"]')" "400/True"
api "$ekey" POST /api/v1/encounters/E2/invitations
e2tok=$(json 'j["invitations"][0]["token"]')
api "$akey" GET "/api/v1/notices?t=$mtok,$e2tok,AAAAAAAAAAAAAAAAAAAAAA"
eq "notices with another agency's token and an unknown one: 403" "$STATUS" 403
eq "naming each position that failed and why" "$(json '[(e["index"], e["code"]) for e in j["error"]["fields"]]')" "[(1, 'not_yours'), (2, 'unknown')]"
api "$akey" GET "/api/v1/notices?ids=Q1"
eq "the old ?ids= on notices: 400 saying a POST mints them now" "$STATUS/$(json '"POST /api/v1/invitations" in j["error"]["message"]')" "400/True"
eq "key uses are audited" "$(sql "SELECT count(*) > 5 FROM audit WHERE action LIKE 'GET /api/v1/%'")" 1
check "the audit table refuses deletes" bash -c "! sqlite3 '$DB' 'DELETE FROM audit' 2>/dev/null"
check "and updates" bash -c "! sqlite3 '$DB' \"UPDATE audit SET actor='x'\" 2>/dev/null"
kid=${akey:3:12}
check "a key can be revoked" $MANYI key revoke "$kid"
api "$akey" GET "$qsvg"
eq "a revoked key: 401 revoked_key" "$STATUS/$(json 'j["error"]["code"]')" "401/revoked_key"

# Wrong tokens from one address are slowed down, then locked out.
codes="" waited=""
for i in $(seq 8); do
	req GET "$U?t=BBBBBBBBBBBBBBBBBBBBB$i"
	codes="$codes $STATUS"
	# The 429's own headers: a slow machine may let the last try through
	# once its short wait is over.
	[ "$STATUS" != 429 ] || waited=$HEADERS
done
contains "after a few wrong tokens the address waits (429)" "$codes" "429"
contains "with Retry-After" "$waited" "Retry-After:"
row3=$(invite --encounter E3)
req GET "$U?t=$(cut -d, -f2 <<<"$row3")"
eq "a real token from that address still opens (many phones share one address)" "$STATUS" 200
# The counts live in memory shared by the workers: a worker that is
# restarted keeps an address that reached the hourly limit of public
# answers waiting (and nothing of them is in the database).
pbody=$(python3 tests/integration/mkbody.py surveys/enforcement-public.json agency=A03 domain=urban)
for i in $(seq 20); do
	req POST /api/v1/responses --interface 127.0.0.77 -H 'Content-Type: application/json' --data-binary "$pbody"
done
eq "20 public answers from one address" "$STATUS" 201
check "the killed worker is replaced" kill_worker
req POST /api/v1/responses --interface 127.0.0.77 -H 'Content-Type: application/json' --data-binary "$pbody"
eq "after the worker is restarted the 21st still waits" "$STATUS" 429
eq "no throttle state in the database" "$(sql "SELECT count(*) FROM sqlite_master WHERE name = 'throttle'")" 0

# The CSV of invitations and samples is guarded as exports are: a cell a
# spreadsheet would run as a formula gets a leading apostrophe; a token
# never needs one (it starts with a letter or a digit).
printf 'encounter_id,agency,domain,size,district,occurred_on\n-F1,A01,market,small,x,2022-04-11\n' >"$T/f.csv"
$MANYI import encounters "$T/f.csv" >/dev/null
out=$($MANYI invite --survey enforcement-enterprise --encounter -F1 2>/dev/null | tail -n +2 | tr -d '\r')
check "an invitation for encounter -F1: its id cell is guarded ('-F1)" grep -qE "^'-F1,[A-Za-z0-9][A-Za-z0-9_-]{21},http://" <<<"$out"
out=$(MANYI_BASE_URL='=HYPERLINK(1)' $MANYI invite --survey enforcement-enterprise --uninvited 2>/dev/null | tr -d '\r')
check "a base URL that looks like a formula is guarded in the url cell" grep -qF "'=HYPERLINK(1)/s/" <<<"$out"
lacks "and never left bare" "$(cut -d, -f3 <<<"$out")" "^="
for i in $(seq 40); do $MANYI invite --survey enforcement-enterprise --encounter E3; done 2>/dev/null |
	grep -v '^encounter_id' | cut -d, -f2 >"$T/toks"
eq "40 fresh tokens, none starting with - = + @ or _" "$(grep -c '^[A-Za-z0-9]' "$T/toks")" 40
sample=$($MANYI sample --survey enforcement-enterprise --n 50 --seed 7 2>/dev/null | tr -d '\r')
check "the sample's CSV guards the id -F1 too" grep -q "^'-F1," <<<"$sample"
eq "and no token cell of the sample starts with a formula character" \
	"$(tail -n +2 <<<"$sample" | cut -d, -f5 | grep -c '^[-=+@]')" 0
it_done
