#!/usr/bin/env bash
# An agency key learns nothing about who answered.  An agency registers the
# enterprises it inspected; if any route it can call answered differently
# for an encounter that has been rated, it could probe each one.  Two
# encounters of one agency, one answered through its token: every route an
# agency key can call (and the invitation, QR and notice routes for an
# evaluator key, which behave the same for simplicity) is asked for both,
# and the two replies must agree in status, header names and body shape,
# and must do the same work (one fresh invitation each for a mint, none for
# a GET or HEAD that renders one).  Only the respondent who opens a link of
# the answered encounter is told it was rated.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
E=enforcement-enterprise
akey=$(agency_key A01)
ekey=$(evaluator_key)
# Same length, same domain, size and date: only the answer tells them apart.
A=PROBE-A
B=PROBE-B
api "$akey" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary \
	"[{\"encounter_id\":\"$A\",\"domain\":\"market\",\"size\":\"small\",\"district\":\"鄂城区\",\"occurred_on\":\"2022-07-01\"},
	  {\"encounter_id\":\"$B\",\"domain\":\"market\",\"size\":\"small\",\"district\":\"鄂城区\",\"occurred_on\":\"2022-07-01\"}]"
eq "two encounters of A01 registered" "$STATUS" 201
tokA=$(json 'j[0]["token"]')
req POST /api/v1/responses -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" -agency -domain token="$tokA")"
eq "$A is answered through its token" "$STATUS" 201
eq "and only $A" "$(sql "SELECT group_concat(encounter_id) FROM response")" "$A"

TOK_A="" TOK_B=""  # the tokens a path's @TOK@ stands for, A's and B's
# probe KEY KIND METHOD PATH-WITH-@ID@-AND-@TOK@ [curl args]: ask for A and for B,
# compare.  KIND says how a body's shape is compared: json, svg, png, html.
norm() { # KIND FILE: the body with what may differ (token, link, QR modules, id) taken out
	python3 - "$1" "$2" "$A" "$B" <<'PY'
import json, re, struct, sys
kind, path, a, b = sys.argv[1:5]
raw = open(path, "rb").read()
if kind == "png":
    ok = raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR"
    print("png", ok, struct.unpack(">II", raw[16:24]) if ok else None)
    sys.exit()
t = raw.decode("utf-8")
t = t.replace(a, "@ID@").replace(b, "@ID@")
t = re.sub(r"t=[A-Za-z0-9_-]{22}", "t=@TOKEN@", t)
t = re.sub(r'"[A-Za-z0-9_-]{22}"', '"@TOKEN@"', t)
t = re.sub(r' d="[^"]*"', ' d="@MODULES@"', t)
if kind == "json" and t.strip():
    def shape(v):
        if isinstance(v, dict):
            return {k: shape(x) for k, x in v.items()}
        if isinstance(v, list):
            return [shape(x) for x in v]
        return v
    t = json.dumps(shape(json.loads(t)), sort_keys=True)
print(t)
PY
}
hnames() { # the header names of the last reply, without Date
	tr -d '\r' <"$T/headers" | sed -n 's/^\([A-Za-z-]*\):.*/\1/p' | tr A-Z a-z | grep -vx date | sort -u | tr '\n' ' '
}
probe() {
	local key=$1 kind=$2 m=$3 p=$4 who=$5; shift 5
	local inv_a inv_b
	inv_a=$(sql "SELECT count(*) FROM invitation WHERE encounter_id='$A'")
	local pa=${p//@ID@/$A} pb=${p//@ID@/$B}
	api "$key" "$m" "${pa//@TOK@/$TOK_A}" "${@//@ID@/$A}"
	local sa=$STATUS ha; ha=$(hnames); norm "$kind" "$T/body" >"$T/na"; cp "$T/body" "$T/body_a"
	inv_b=$(sql "SELECT count(*) FROM invitation WHERE encounter_id='$B'")
	api "$key" "$m" "${pb//@TOK@/$TOK_B}" "${@//@ID@/$B}"
	local sb=$STATUS hb; hb=$(hnames); norm "$kind" "$T/body" >"$T/nb"; cp "$T/body" "$T/body_b"
	local d="$who $m $p"
	eq "$d: the same status for the answered and the unanswered ($sa)" "$sa" "$sb"
	eq "$d: the same header names" "$ha" "$hb"
	if cmp -s "$T/na" "$T/nb"; then ok "$d: the same body shape"; else
		not_ok "$d: the same body shape" "$(diff "$T/na" "$T/nb" | head -c 600)"; fi
	eq "$d: the same work (fresh invitations made for each)" \
		"$(( $(sql "SELECT count(*) FROM invitation WHERE encounter_id='$A'") - inv_a ))" \
		"$(( $(sql "SELECT count(*) FROM invitation WHERE encounter_id='$B'") - inv_b ))"
	PROBE_STATUS=$sa
}

# The invitation routes, for both kinds of key: a POST mints (201 for both
# encounters, one invitation each); the GETs and HEADs render the minted
# token (200 for both, nothing written).
mint_one='{"encounters":["@ID@"]}'
for who in agency evaluator; do
	key=$akey; [ "$who" = evaluator ] && key=$ekey
	probe "$key" json POST /api/v1/encounters/@ID@/invitations "$who key"
	eq "$who key: minting for an answered encounter is 201, not 409" "$PROBE_STATUS" 201
	TOK_A=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["invitations"][0]["token"])' "$T/body_a")
	TOK_B=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["invitations"][0]["token"])' "$T/body_b")
	probe "$key" json POST /api/v1/invitations "$who key (a batch)" \
		-H 'Content-Type: application/json' --data-binary "$mint_one"
	eq "$who key: a batch with an answered encounter: 201" "$PROBE_STATUS" 201
	probe "$key" json POST /api/v1/invitations "$who key (a batch with an unknown id)" \
		-H 'Content-Type: application/json' --data-binary '{"encounters":["@ID@","Z"]}'
	probe "$key" svg GET "/api/v1/encounters/@ID@/qr.svg?t=@TOK@" "$who key"
	eq "$who key: qr.svg of an answered encounter is 200, not 409" "$PROBE_STATUS" 200
	if convert "$T/body_a" "$T/a.png" 2>/dev/null && convert "$T/body_b" "$T/b.png" 2>/dev/null; then
		eq "$who key: both SVGs decode to a link of the same form" \
			"$(zbarimg -q --raw "$T/a.png" | sed 's/t=.*/t=/')" "$(zbarimg -q --raw "$T/b.png" | sed 's/t=.*/t=/')"
	fi
	probe "$key" png GET "/api/v1/encounters/@ID@/qr.png?t=@TOK@" "$who key"
	eq "$who key: qr.png of an answered encounter is 200" "$PROBE_STATUS" 200
	linkA=$(zbarimg -q --raw "$T/body_a" 2>/dev/null)
	linkB=$(zbarimg -q --raw "$T/body_b" 2>/dev/null)
	check "$who key: the answered one's PNG decodes to an invitation link" \
		grep -qE "^http://127.0.0.1:8080/s/$E\?t=[A-Za-z0-9_-]{22}$" <<<"$linkA"
	check "$who key: and so does the unanswered one's" \
		grep -qE "^http://127.0.0.1:8080/s/$E\?t=[A-Za-z0-9_-]{22}$" <<<"$linkB"
	probe "$key" svg HEAD "/api/v1/encounters/@ID@/qr.svg?t=@TOK@" "$who key"
	probe "$key" html GET "/api/v1/encounters/@ID@/notice?t=@TOK@" "$who key"
	eq "$who key: the notice of an answered encounter is 200" "$PROBE_STATUS" 200
	probe "$key" html HEAD "/api/v1/encounters/@ID@/notice?t=@TOK@" "$who key"
	probe "$key" html GET "/api/v1/notices?t=@TOK@" "$who key"
	eq "$who key: notices with an answered encounter: 200" "$PROBE_STATUS" 200
	probe "$key" json GET "/api/v1/notices?t=@TOK@,AAAAAAAAAAAAAAAAAAAAAA" "$who key"
	probe "$key" json GET "/api/v1/encounters/@ID@/qr.svg?t=AAAAAAAAAAAAAAAAAAAAAA" "$who key (an unknown token)"
	eq "$who key: an unknown token is 404 for both" "$PROBE_STATUS" 404
	api "$key" GET "/api/v1/notices?t=$TOK_A,$TOK_B"
	eq "$who key: a batch of both: 200 with two cards" \
		"$STATUS $(grep -o '<section class="notice">' <<<"$BODY" | wc -l)" "200 2"
done

# The link in an answered encounter's QR code works: it tells the
# respondent the encounter was rated (the friendly page), not a form that
# fails when sent.  The unanswered one's opens the form.
req GET "${linkA#http://127.0.0.1:8080}"
eq "the answered encounter's fresh link: 409" "$STATUS" 409
contains "with the friendly 'already rated' page" "$BODY" "已经收到评价"
lacks "and no form" "$BODY" "<form"
req GET "${linkA#http://127.0.0.1:8080}&lang=en"
contains "in English too" "$BODY" "We already have a rating for this encounter"
req GET "${linkB#http://127.0.0.1:8080}"
eq "the unanswered encounter's link opens the form" "$STATUS" 200
contains "a form" "$BODY" "<form"

# Everything else an agency key can call, for the two encounters.
enc() { printf '[{"encounter_id":"%s","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01"}]' "$1"; }
probe "$akey" json POST /api/v1/encounters "agency key (registering the id again)" \
	-H 'Content-Type: application/json' --data-binary "$(enc @ID@)"
eq "registering an existing id again: 422 for both" "$PROBE_STATUS" 422
# Tokens of both (the agency was handed them), sent with the agency key.
tokA2=$(sed 's/.*t=//' <<<"$linkA")
tokB2=$(sed 's/.*t=//' <<<"$linkB")
body_for() { python3 tests/integration/mkbody.py "$S" -agency -domain token="$1"; }
printf '%s' "$(body_for "$tokA2")" >"$T/ans_$A"
printf '%s' "$(body_for "$tokB2")" >"$T/ans_$B"
probe "$akey" json POST /api/v1/responses "agency key (an answer with the token)" \
	-H 'Content-Type: application/json' --data-binary "@$T/ans_@ID@"
eq "an agency key answering with a token: 403 for both" "$PROBE_STATUS" 403
eq "and nothing stored for $B" "$(sql "SELECT count(*) FROM response WHERE encounter_id='$B'")" 0
printf '{"survey":"%s","token":"%s","answers":{}}' "$E" "$tokA2" >"$T/bad_$A"
printf '{"survey":"%s","token":"%s","answers":{}}' "$E" "$tokB2" >"$T/bad_$B"
probe "$akey" json POST /api/v1/responses "agency key (an invalid answer with the token)" \
	-H 'Content-Type: application/json' --data-binary "@$T/bad_@ID@"
eq "an invalid answer with a token from an agency key: 403 for both" "$PROBE_STATUS" 403
# Routes that take no encounter: the same reply whichever was answered, by
# construction; asked once each so that the walk is complete.
for path in "/api/v1/stats?survey=$E&by=domain" "/api/v1/export?survey=$E&format=csv" \
	"/api/v1/responses?survey=$E"; do
	api "$akey" GET "$path"
	case "$path" in /api/v1/stats*) want=200 ;; *) want=403 ;; esac
	eq "agency key GET ${path%%\?*}: $want (no encounter in the query)" "$STATUS" "$want"
	lacks "agency key GET ${path%%\?*}: no encounter id in the reply" "$BODY" "$A"
done
eq "$B was never answered" "$(sql "SELECT count(*) FROM response WHERE encounter_id='$B'")" 0
it_done
