#!/usr/bin/env bash
# What a respondent reads on the pages around the form: the landing page
# and the pages of a used, unknown or expired link offer a way on (the
# public form, the evaluator's contact from `manyi init --evaluator-...`, a
# language switch); an exclusive option ("none of the above") ticked with
# another is named by its own text, on the form and in the API's message.
. "$(dirname "$0")/lib.sh"

NAME='鄂州市法治评估中心 <b>&'
NAME_EN='Ezhou Rule of Law Assessment Centre'
CONTACT='热线 Hotline 0711-1234567 · pinggu@example.cn'
it_db || { not_ok "set up the database"; exit 1; }
check "init sets the evaluator's name and contact" $MANYI init --evaluator-name "$NAME" \
	--evaluator-name-en "$NAME_EN" --evaluator-contact "$CONTACT"
eq "stored as settings" "$(sql "SELECT CAST(value AS TEXT) FROM meta WHERE key = 'setting.evaluator_contact'")" "$CONTACT"
out=$($MANYI init --evaluator-contact $'two\nlines' 2>&1); rc=$?
eq "a setting with a line break is a usage error" "$rc" 2
contains "that says what it takes" "$out" "one line of UTF-8 text"
out=$($MANYI init --evaluator-name 2>&1); rc=$?
eq "an option without its value is a usage error" "$rc" 2
contains "manyi help names the options" "$($BIN/manyi help 2>&1)" "--evaluator-contact TEXT"
it_db() { :; }   # it_start: the database is ready
it_start
U=/s/enforcement-enterprise
NAME_HTML='鄂州市法治评估中心 &lt;b&gt;&amp;'
PUB=/s/enforcement-public
pub_title() { python3 -c 'import json,sys;print(json.load(open("surveys/enforcement-public.json"))["title"][sys.argv[1]])' "$1"; }

# The landing page: the forms' header, the surveys, the evaluator.
req GET /
eq "the landing page is the application's: 200" "$STATUS" 200
contains "HTML in UTF-8" "$HEADERS" "text/html; charset=utf-8"
contains "the forms' header" "$BODY" '<header class="site">'
contains "with the language switch" "$BODY" 'href="/?lang=en"'
contains "links the public survey" "$BODY" "href=\"$PUB\""
contains "and the enterprise survey" "$BODY" 'href="/s/enforcement-enterprise"'
contains "names the evaluator, escaped" "$BODY" "$NAME_HTML"
contains "and how to reach them" "$BODY" "$CONTACT"
lacks "no script" "$BODY" "<script"
contains "links the follow-up of a rating" "$BODY" 'href="/followup">查询差评处理进度（追评）</a>'
contains "the complaint form" "$BODY" 'href="/complaint">投诉举报</a>'
contains "and the certificate lookup" "$BODY" 'href="/officers">执法证件查询</a>'
req GET "/?lang=en"
contains "the three, linked in English" "$BODY" 'href="/followup?lang=en">Follow up a rating you gave</a>
<a href="/complaint?lang=en">Report misconduct</a>
<a href="/officers?lang=en">'

contains "English: lang=en" "$BODY" 'lang="en"'
contains "the evaluator's English name" "$BODY" "$NAME_EN"
contains "the English title of the public survey, linked in English" "$BODY" "href=\"$PUB?lang=en\">$(pub_title en)</a>"
contains "a switch back to Chinese" "$BODY" 'href="/?lang=zh"'
req GET /s/enforcement-enterprise
contains "the form's footer names the evaluator too" "$BODY" "$NAME_HTML"

# Links that cannot be used: used (409), unknown (404), expired (410).
printf 'encounter_id,agency,domain,size,district,occurred_on\nP1,A01,market,small,鄂城区,2024-04-11\nP2,A02,ecology,large,华容区,2024-05-01\n' >"$T/enc.csv"
check "encounters import" $MANYI import encounters "$T/enc.csv"
invite() { $MANYI invite --survey enforcement-enterprise "$@" 2>/dev/null | tail -n +2 | tr -d '\r' | cut -d, -f2; }
used=$(invite --encounter P1)
S=surveys/enforcement-enterprise.json
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "$(python3 tests/integration/mkbody.py --form "$S" -_agency -_domain _t="$used")"
eq "an invited answer is stored: 303" "$STATUS" 303
expired=$(invite --encounter P2 --expires 1)
sql "UPDATE invitation SET expires_at = strftime('%s','now') - 1 WHERE encounter_id = 'P2'"
unknown=AAAAAAAAAAAAAAAAAAAAAA
way_on() { # STATUS TOKEN LANG WHAT
	local status=$1 tok=$2 lang=$3 what=$4 other=zh
	[ "$lang" = zh ] && other=en
	req GET "$U?t=$tok&lang=$lang"
	eq "$what ($lang): $status" "$STATUS" "$status"
	contains "$what ($lang): the forms' header" "$BODY" '<header class="site">'
	contains "$what ($lang): the public form, by its title" "$BODY" \
		"href=\"$PUB$([ "$lang" = en ] && echo '?lang=en')\">$(pub_title "$lang")</a>"
	contains "$what ($lang): the evaluator's contact" "$BODY" "$CONTACT"
	contains "$what ($lang): a switch to the other language, the same link" "$BODY" \
		"href=\"$U?lang=$other&amp;t=$tok\""
}
for lang in zh en; do
	way_on 409 "$used" $lang "a used link"
	way_on 410 "$expired" $lang "an expired link"
	way_on 404 "$unknown" $lang "an unknown link"
done
req GET "$U?t=$expired"
contains "the expired page names the channel it mentions" "$BODY" "可以填写公开问卷《$(pub_title zh)》"
req GET "$U?t=$expired&lang=en"
contains "in English too" "$BODY" "in the public survey &quot;$(pub_title en)&quot;"
req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "$(python3 tests/integration/mkbody.py --form "$S" -_agency -_domain _t="$used" _lang=en)"
eq "posting a used link again: 409" "$STATUS" 409
contains "with the way on" "$BODY" "href=\"$PUB?lang=en\""
contains "and the switch to Chinese keeps the link" "$BODY" "href=\"$U?lang=zh&amp;t=$used\""

U=/s/enforcement-enterprise
form() { python3 tests/integration/mkbody.py --form "$S" "$@"; }
post() { req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"; }
# The exclusive option's value and texts, from the definition.
excl() { python3 -c 'import json,sys
for it in json.load(open(sys.argv[1]))["items"]:
    for o in it.get("options", []):
        if o.get("exclusive"): print(it["id"], o["value"], o["text"]["zh"], o["text"]["en"], sep="\t")' "$S"; }
IFS=$'\t' read -r X_ITEM X_VALUE X_ZH X_EN <<<"$(excl)"

# 3. The exclusive option ticked with another: its own text, not a stock phrase.
for lang in zh en; do
	req GET "$U?lang=$lang"
	csrf=$(field _csrf)
	post "$(form _csrf="$csrf" _lang=$lang)&$X_ITEM=$X_VALUE"
	eq "$lang: none of the above with another option is 422" "$STATUS" 422
	if [ $lang = zh ]; then want="“$X_ZH”不能与其他选项同时选择"; else want="&quot;$X_EN&quot; cannot be ticked together with another choice"; fi
	contains "$lang: the error beside the question quotes the option's own text" \
		"$(grep 'id="e-'"$X_ITEM"'"' <<<"$BODY")" "$want"
	contains "$lang: so does the summary" "$(grep 'href="#q-'"$X_ITEM"'"' <<<"$BODY")" "$want"
done
lacks "no hard-coded phrase" "$BODY" "以上均未遇到”一类"
req POST /api/v1/responses -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" "answers.$X_ITEM=[\"rude\",\"$X_VALUE\"]")"
eq "the API: 422 exclusive_option" "$STATUS/$(json 'j["error"]["fields"][0]["code"]')" "422/exclusive_option"
contains "the API's message names the option by value and both texts" "$(json 'j["error"]["fields"][0]["message"]')" \
	"$X_ITEM: \"$X_VALUE\" ($X_ZH / $X_EN) stands alone"

it_done
