#!/usr/bin/env bash
# Every query parameter of every route, over-long and malformed: a 400
# whose message names the parameter, never a 200 that quietly used the
# default in its place.
. "$(dirname "$0")/lib.sh"
it_start

E=enforcement-enterprise
ekey=$(evaluator_key)
api "$ekey" POST "/api/v1/encounters" -H 'Content-Type: application/json' \
	--data-binary '[{"encounter_id":"P1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]'
eq "an encounter to ask about" "$STATUS" 201

long=$(printf 'a%.0s' $(seq 300))
longdate="2022-01-01$(printf 'X%.0s' $(seq 300))"
manytoks=$(printf 'AAAAAAAAAAAAAAAAAAAAAA,%.0s' $(seq 201))AAAAAAAAAAAAAAAAAAAAAA

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
/api/v1/stats?survey=$E|e|format|$long|xml
/api/v1/stats?survey=$E|e|lang|$long|fr
/api/v1/fieldwork|e|survey|$long|Bad%20Survey%21
/api/v1/fieldwork?survey=$E|e|by|$long|domain
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
/api/v1/responses?survey=$E|e|q|$long|a%01b
/api/v1/responses?survey=$E|e|text|$long|maybe
/api/v1/stats?survey=$E|e|measure|$long|problems.Rude
/api/v1/stats?survey=$E|e|measure|$long|problems.
/api/v1/notices|e|t|$manytoks|AAAAAAAAAAAAAAAAAAAAAA,%3Cx%3E
/api/v1/encounters/P1/qr.svg|e|t|$long|%3Cx%3E
/api/v1/encounters/P1/qr.png|e|t|$long|%3Cx%3E
/api/v1/encounters/P1/notice|e|t|$long|%3Cx%3E
POST /api/v1/encounters|e|survey|$long|Bad%20Survey%21
POST /api/v1/invitations|e|survey|$long|Bad%20Survey%21
POST /api/v1/encounters/P1/invitations|e|survey|$long|Bad%20Survey%21
/s/$E|-|lang|$long|fr
/s/$E/thanks|-|lang|$long|fr
EOF

# What is well formed still works, and an empty value is the default.
api "$ekey" POST "/api/v1/invitations?survey=$E" -H 'Content-Type: application/json' --data-binary '{"encounters":["P1"]}'
eq "a well-formed survey on a mint: 201" "$STATUS" 201
api "$ekey" GET "/api/v1/notices?t=$(json 'j["invitations"][0]["token"]')"
eq "well-formed tokens on notices: 200" "$STATUS" 200
req GET "/s/$E?lang=en-US"
eq "the form with lang=en-US: 200, in English" "$STATUS $(grep -c 'lang="en"' <<<"$BODY" | sed 's/^[1-9][0-9]*$/en/')" "200 en"
req GET "/s/$E?lang="
eq "the form with an empty lang: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/responses?survey=$E&agency=&limit="
eq "responses with empty filters: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/responses?survey=$E&q=&text="
eq "responses with an empty q and text: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/responses?survey=$E&q=$(printf 'a%.0s' $(seq 64))&text=0"
eq "responses with a q of 64 bytes: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/responses?survey=$E&q=%E5%BE%88%E5%A5%BD"
eq "responses with a q in Chinese: 200" "$STATUS" 200

# Where a key is needed, a request without one is 401 whatever its query.
req GET "/api/v1/stats?survey=$E&level=2"
eq "a bad query without a key: 401, not 400" "$STATUS" 401
req GET "/api/v1/export?survey=$E&format=doc" -H "Authorization: Bearer nope"
eq "a bad query with a bad key: 401" "$STATUS" 401

# The same value gets the same message from the API and from the command
# line (which names a key --key): both go through one validator table.
# query | command line (after manyi)
while IFS='|' read -r query cli; do
	[ -n "$query" ] || continue
	api "$ekey" GET "$query"
	amsg=$(json 'j["error"]["message"]' 2>/dev/null)
	cmd=${cli%% *}
	# shellcheck disable=SC2086
	$MANYI $cli >/dev/null 2>"$T/cli-err"; rc=$?
	cmsg=$(head -1 "$T/cli-err" | sed "s/^manyi: $cmd: //; s/--\([a-z]\)/\1/g")
	eq "${query%%\?*} 400 and manyi $cmd status 2 for the same input ($cli)" "$STATUS/$rc" "400/2"
	eq "the same message: $amsg" "$cmsg" "${amsg:-(no API message)}"
done <<EOF2
/api/v1/stats?survey=$E&level=2|stats --survey $E --level 2
/api/v1/stats?survey=$E&measure=problems.nope|stats --survey $E --measure problems.nope
/api/v1/stats?survey=$E&measure=overall.rude|stats --survey $E --measure overall.rude
/api/v1/stats?survey=$E&measure=nothing.rude|stats --survey $E --measure nothing.rude
/api/v1/stats?survey=$E&level=1e-1|publish --survey $E --level 1e-1
/api/v1/stats?survey=$E&weighting=heavy|stats --survey $E --weighting heavy
/api/v1/public/stats?survey=$E&by=nope|publish --survey $E --by nope
/api/v1/stats?survey=$E&by=agency,agency|stats --survey $E --by agency,agency
/api/v1/stats?survey=$E&from=2022-07-01&to=2022-06-30|stats --survey $E --from 2022-07-01 --to 2022-06-30
/api/v1/export?survey=$E&format=csv&from=2022-07-01&to=2022-06-30|export --survey $E --format csv --from 2022-07-01 --to 2022-06-30
/api/v1/export?survey=$E&format=csv&to=2022-02-30|sample --survey $E --n 3 --seed 1 --to 2022-02-30
/api/v1/stats?survey=Bad%20Survey%21|stats --survey Bad_Survey!
/api/v1/export?survey=$E&format=doc|export --survey $E --format doc
/api/v1/export?survey=$E|export --survey $E
/api/v1/export?survey=$E&format=csv&lang=fr|export --survey $E --format csv --lang fr
/api/v1/export?survey=$E&format=sav&bom=1|export --survey $E --format sav --bom
/api/v1/stats?survey=$E&level=0.9&level=0.95|stats --survey $E --level 0.9 --level 0.95
EOF2
it_done
