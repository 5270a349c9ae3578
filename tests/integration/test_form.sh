#!/usr/bin/env bash
# The HTML form through nginx and manyi-fcgi, as a browser without
# JavaScript uses it: GET in both languages, CSRF cookie and field, 303 on a
# good post, 422 with errors and kept values on a bad one, nothing stored.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
U=/s/enforcement-enterprise
form() { python3 tests/integration/mkbody.py --form "$S" "$@"; }
title() { python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["title"][sys.argv[2]])' "$S" "$1"; }
csrf_of() { field _csrf; }
nonce_of() { field _n; }
count() { sql "SELECT count(*) FROM response"; }
post() { req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"; }

req GET "$U"
eq "the form is 200" "$STATUS" 200
contains "the form is HTML in UTF-8" "$HEADERS" "text/html; charset=utf-8"
contains "Chinese by default" "$BODY" 'lang="zh-CN"'
contains "shows the Chinese title" "$BODY" "$(title zh)"
contains "shows the scale labels" "$BODY" "非常满意"
contains "offers not applicable" "$BODY" 'value="na"'
contains "sets the CSRF cookie" "$HEADERS" "Set-Cookie: manyi_csrf="
contains "the cookie is HttpOnly and SameSite" "$HEADERS" "HttpOnly; SameSite=Lax"
lacks "no script on the page" "$BODY" "<script"
TOKEN=$(csrf_of)
check "the form carries a CSRF token" test -n "$TOKEN"

req GET "$U?lang=en"
contains "English with lang=en" "$BODY" 'lang="en"'
contains "shows the English title" "$BODY" "$(title en)"
contains "English scale labels" "$BODY" "Very satisfied"
req GET "$U"
TOKEN=$(csrf_of)

n0=$(count)
post "$(form _csrf="$TOKEN" legality=5 comment='很好 <script>alert(1)</script>')"
eq "a good post is 303" "$STATUS" 303
contains "to the thank-you page" "$HEADERS" "Location: $U/thanks?lang=zh"
eq "one answer stored" "$(count)" $((n0 + 1))
eq "stored from the web channel with the chosen agency and domain" \
	"$(sql "SELECT channel, agency, domain FROM response ORDER BY id DESC LIMIT 1")" "web|A01|market"
eq "the scale answer is stored" \
	"$(sql "SELECT num FROM answer WHERE item='legality' AND response_id=(SELECT max(id) FROM response)")" 5
eq "the text is stored as typed" \
	"$(sql "SELECT text FROM answer WHERE item='comment' AND response_id=(SELECT max(id) FROM response)")" \
	'很好 <script>alert(1)</script>'
req GET "$U/thanks?lang=zh"
eq "the thank-you page is 200" "$STATUS" 200

post "$(form _csrf="$TOKEN" _lang=en legality=3)"
contains "the thank-you page keeps the language" "$HEADERS" "Location: $U/thanks?lang=en"

n0=$(count)
# bad posts: STATUS DESC BODY NEEDLE
bad() {
	post "$3"
	eq "$2: status $1" "$STATUS" "$1"
	[ -n "${4:-}" ] && contains "$2: says why" "$BODY" "$4"
	eq "$2: nothing stored" "$(count)" "$n0"
}
bad 422 "missing required answer" "$(form _csrf="$TOKEN" -legality comment=保留我)" 'id="e-legality"'
contains "the entered text is kept" "$BODY" "保留我"
contains "the other answers stay checked" "$BODY" 'checked'
contains "an error summary leads to the field" "$BODY" 'href="#q-legality"'
check "the re-rendered form still works without JavaScript" grep -q '<form' <<<"$BODY"
bad 422 "scale out of range" "$(form _csrf="$TOKEN" overall=9)" 'id="e-overall"'
bad 422 "scale not a number" "$(form _csrf="$TOKEN" overall=abc)" 'id="e-overall"'
bad 422 "unknown option" "$(form _csrf="$TOKEN" encounter_type=raid)" 'id="e-encounter_type"'
bad 422 "na where not allowed" "$(form _csrf="$TOKEN" overall=na)" 'id="e-overall"'
bad 422 "over-long text" "$(form _csrf="$TOKEN" comment="$(head -c 2001 /dev/zero | tr '\0' x)")" 'id="e-comment"'
bad 422 "invalid UTF-8" "$(form _csrf="$TOKEN" -comment)&comment=%FF%FE" 'id="e-comment"'
bad 422 "unknown agency" "$(form _csrf="$TOKEN" _agency=Z99)" '_agency'
bad 422 "no agency chosen" "$(form _csrf="$TOKEN" _agency=)" '_agency'
bad 422 "an empty form" "_csrf=$TOKEN" 'role="alert"'
bad 403 "missing CSRF token" "$(form)" '请再次提交'
contains "values are kept after a CSRF failure" "$BODY" 'checked'
bad 403 "forged CSRF token" "$(form _csrf=AAAA${TOKEN:4})"
rm -f "$T/jar"
bad 403 "CSRF token without its cookie" "$(form _csrf="$TOKEN")"
req GET "$U"
TOKEN=$(csrf_of)
{ form _csrf="$TOKEN" -comment; printf '&comment='; head -c 200000 /dev/zero | tr '\0' x; } >"$T/big"
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/big"
eq "an oversized post is 413" "$STATUS" 413
eq "an oversized post: nothing stored" "$(count)" "$n0"
req POST "$U" -H 'Content-Type: text/plain' --data-binary "$(form _csrf="$TOKEN")"
eq "a post that is not a form is 415" "$STATUS" 415

post "$(form _csrf="$TOKEN" _hp=http://spam.example)"
eq "a filled honeypot looks like success" "$STATUS" 303
eq "but stores nothing" "$(count)" "$n0"

# A double tap: the same page posted twice stores one answer, and both
# taps land on the thank-you page.
req GET "$U"
TOKEN=$(csrf_of)
NONCE=$(nonce_of)
check "every render carries its own _n" test -n "$NONCE"
n1=$(count)
post "$(form _csrf="$TOKEN" _n="$NONCE")"
first=$STATUS
post "$(form _csrf="$TOKEN" _n="$NONCE")"
eq "a double tap: both taps are thanked" "$first $STATUS" "303 303"
eq "a double tap stores one answer" "$(count)" "$((n1 + 1))"
req GET "$U"
eq "the same browser's next page is another render" "$(csrf_of) $([ "$(nonce_of)" != "$NONCE" ] && echo new)" "$TOKEN new"
post "$(form _csrf="$TOKEN" _n="$(nonce_of)")"
eq "and its answer is stored (someone may rate two encounters)" "$(count)" "$((n1 + 2))"

# A field the survey no longer has (a form opened before a new version) is
# ignored, not an error the respondent cannot fix.
req GET "$U"
TOKEN=$(csrf_of)
post "$(form _csrf="$TOKEN")&retired_item=4"
eq "an unknown field is ignored" "$STATUS" 303

# Without the cookie the public form says what to do.
req GET "$U"
TOKEN=$(csrf_of)
rm -f "$T/jar"
post "$(form _csrf="$TOKEN")"
eq "no cookie: 403" "$STATUS" 403
contains "saying cookies are needed for the public form" "$BODY" "请允许本站使用 Cookie"

# The public channel is rate limited per address: 20 answers an hour; the
# 21st gets its form back with the answers kept.
done_before=$(sql "SELECT count(*) FROM response WHERE channel='web'")
codes=""
for i in $(seq $((21 - done_before))); do
	req GET "$U"
	TOKEN=$(csrf_of)
	post "$(form _csrf="$TOKEN" _n="$(nonce_of)" comment=保留我)"
	codes="$codes $STATUS"
done
eq "the first answers from one address are taken" "$(sql "SELECT count(*) FROM response WHERE channel='web'")" 20
contains "then the address waits (429)" "$codes" "429"
contains "with Retry-After" "$HEADERS" "Retry-After:"
contains "and a page that says so" "$BODY" "请稍后再提交"
contains "with the answers kept" "$BODY" "保留我"

req GET /s/no-such-survey
eq "an unknown survey is 404" "$STATUS" 404
contains "with a page that says so" "$BODY" "没有找到这份问卷"
req POST /s/no-such-survey -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "x=1"
eq "posting to an unknown survey is 404" "$STATUS" 404
req GET "/s/BAD%20ID"
eq "a malformed survey id is 404" "$STATUS" 404
req GET "$U?t=not-a-token"
eq "an unknown invitation token is 404" "$STATUS" 404
req GET "/assets/manyi.css"
eq "nginx serves the stylesheet" "$STATUS" 200
it_done
