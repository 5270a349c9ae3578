#!/usr/bin/env bash
# What a respondent reads on the pages around the form: an exclusive option
# ("none of the above") ticked with another is named by its own text, on
# the form and in the API's message.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
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
