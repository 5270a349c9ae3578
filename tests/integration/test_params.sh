#!/usr/bin/env bash
# Every query parameter of every route, over-long and malformed: a 400
# whose message names the parameter, never a 200 that quietly used the
# default in its place.
. "$(dirname "$0")/lib.sh"
it_start

E=enforcement-enterprise
ekey=$($MANYI key create --role evaluator 2>/dev/null)
api "$ekey" POST "/api/v1/encounters" -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"P1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]'
eq "an encounter to ask about" "$STATUS" 201

long=$(printf 'a%.0s' $(seq 300))
longdate="2022-01-01$(printf 'X%.0s' $(seq 300))"
manyids=$(printf 'P1,%.0s' $(seq 201))P1

# route (with the other required parameters) | key | parameter | over-long | malformed
while IFS='|' read -r route key name over bad; do
	[ -n "$route" ] || continue
	k=""; [ "$key" = e ] && k=$ekey
	sep='&'; [[ "$route" == *\?* ]] || sep='?'
	for kind in over-long malformed; do
		v=$over; [ "$kind" = malformed ] && v=$bad
		[ -n "$v" ] || continue
		method=GET; path=$route
		if [[ "$route" == "POST "* ]]; then method=POST; path=${route#POST }; fi
		if [ "$method" = POST ]; then
			api "$k" POST "$path$sep$name=$v" -H 'Content-Type: application/json' --data-binary '[]'
		else
			api "$k" GET "$path$sep$name=$v"
		fi
		if [[ "$path" == /s/* ]]; then
			msg=$BODY
		else
			msg=$(json 'j["error"]["message"]' 2>/dev/null)
		fi
		eq "$method ${path%%\?*} with a $kind $name: 400" "$STATUS" 400
		contains "$method ${path%%\?*} with a $kind $name: the message names $name" "$msg" "$name"
	done
done <<EOF
/api/v1/stats|e|survey|$long|Bad%20Survey%21
/api/v1/stats?survey=$E|e|measure|$long|Overall%21
/api/v1/stats?survey=$E|e|by|$long|nope
/api/v1/stats?survey=$E|e|weighting|$long|heavy
/api/v1/stats?survey=$E|e|from|$longdate|2022-13-45
/api/v1/stats?survey=$E|e|to|$longdate|2022-02-30
/api/v1/stats?survey=$E|e|level|$long|2
/api/v1/stats?survey=$E|e|low_n|$long|-1
/api/v1/public/stats|-|survey|$long|Bad%20Survey%21
/api/v1/public/stats?survey=$E|-|measure|$long|Overall%21
/api/v1/public/stats?survey=$E|-|by|$long|nope
/api/v1/public/stats?survey=$E|-|weighting|$long|heavy
/api/v1/public/stats?survey=$E|-|from|$longdate|2022-13-45
/api/v1/public/stats?survey=$E|-|to|$longdate|2022-02-30
/api/v1/public/stats?survey=$E|-|level|$long|2
/api/v1/public/stats?survey=$E|-|low_n|$long|-1
/api/v1/public/stats?survey=$E|-|version|$long|0
/api/v1/public/publications|-|survey|$long|Bad%20Survey%21
/api/v1/export?format=csv|e|survey|$long|Bad%20Survey%21
/api/v1/export?survey=$E|e|format|$long|doc
/api/v1/export?survey=$E&format=csv|e|lang|$long|fr
/api/v1/export?survey=$E&format=csv|e|bom|$long|maybe
/api/v1/export?survey=$E&format=csv|e|from|$longdate|2022-13-45
/api/v1/export?survey=$E&format=csv|e|to|$longdate|2022-02-30
/api/v1/responses|e|survey|$long|Bad%20Survey%21
/api/v1/responses?survey=$E|e|agency|$long|A%2001
/api/v1/responses?survey=$E|e|domain|$long|x%2Fy
/api/v1/responses?survey=$E|e|channel|$long|pigeon
/api/v1/responses?survey=$E|e|from|$longdate|2022-13-45
/api/v1/responses?survey=$E|e|to|$longdate|2022-02-30
/api/v1/responses?survey=$E|e|limit|$long|0
/api/v1/responses?survey=$E|e|cursor|$long|%21%21
/api/v1/notices|e|ids|$manyids|P1,%3Cx%3E
/api/v1/notices?ids=P1|e|survey|$long|Bad%20Survey%21
/api/v1/encounters/P1/qr.svg|e|survey|$long|Bad%20Survey%21
/api/v1/encounters/P1/qr.png|e|survey|$long|Bad%20Survey%21
/api/v1/encounters/P1/notice|e|survey|$long|Bad%20Survey%21
POST /api/v1/encounters|e|survey|$long|Bad%20Survey%21
/s/$E|-|lang|$long|fr
/s/$E/thanks|-|lang|$long|fr
EOF

# What is well formed still works, and an empty value is the default.
api "$ekey" GET "/api/v1/notices?ids=P1&survey=$E"
eq "a well-formed survey on notices: 200" "$STATUS" 200
req GET "/s/$E?lang=en-US"
eq "the form with lang=en-US: 200, in English" "$STATUS $(grep -c 'lang="en"' <<<"$BODY" | sed 's/^[1-9][0-9]*$/en/')" "200 en"
req GET "/s/$E?lang="
eq "the form with an empty lang: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/responses?survey=$E&agency=&limit="
eq "responses with empty filters: 200" "$STATUS" 200
it_done
