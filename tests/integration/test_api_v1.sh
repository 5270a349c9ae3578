#!/usr/bin/env bash
# The API dashboards live on: every live response checked against the
# OpenAPI document, each role against each route, ETags, CORS, published
# figures with small groups suppressed, /metrics and the request log.
. "$(dirname "$0")/lib.sh"
export MANYI_CORS_ORIGINS="https://dash.example.gov.cn"
it_start

python3 tools/gen_encounters.py 2000 21 >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
python3 - "$T/e.csv" "$T/a.csv" <<'PY'
import csv, random, sys
r = random.Random(8)
rows = list(csv.DictReader(open(sys.argv[1])))
items = ["legality","procedure","fairness","civility","efficiency","transparency","integrity","disruption","overall"]
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + ",".join(items) + ",comment\n")
    for e in r.sample(rows, 600):
        vals = [str(r.choice([2, 3, 4, 4, 5, 5])) for _ in items]
        f.write("%s,,,,phone,2022-06-01T10:00:00+08:00,%s,secret comment\n" % (e["encounter_id"], ",".join(vals)))
PY
$MANYI import responses --survey enforcement-enterprise "$T/a.csv" >/dev/null
ekey=$(evaluator_key)
akey=$(agency_key A06)
rkey=$(evaluator_key)
$MANYI key revoke "${rkey:3:12}" >/dev/null

req GET /api/v1/openapi.json
eq "the OpenAPI document is served" "$STATUS" 200
eq "it is OpenAPI 3.1" "$(json 'j["openapi"]')" 3.1.0
cp "$T/body" "$T/openapi.json"
OPENAPI=$T/openapi.json

api "" GET /healthz; conform GET /healthz
api "" GET /api/v1/surveys; conform GET /api/v1/surveys
eq "both surveys are listed" "$(json '[s["id"] for s in j["surveys"]]')" "['enforcement-enterprise', 'enforcement-public']"
api "" GET /api/v1/surveys/enforcement-public; conform GET "/api/v1/surveys/{id}"
eq "a definition comes with its items" "$(json 'len(j["definition"]["items"]) > 5')" True
api "" GET /api/v1/surveys/nope; conform GET "/api/v1/surveys/{id}"
eq "an unknown survey: 404" "$STATUS" 404
api "" GET /api/v1/registry; conform GET /api/v1/registry
eq "the registry has names in both languages" "$(json 'j["agencies"][0]["name"]["en"] != "" and j["agencies"][0]["name"]["zh"] != ""')" True

Q="survey=enforcement-enterprise&by=agency&measure=overall"
api "$ekey" GET "/api/v1/stats?$Q"; conform GET /api/v1/stats
etag=$(grep -i '^etag:' <<<"$HEADERS" | cut -d' ' -f2 | tr -d '\r')
check "stats carry an ETag" test -n "$etag"
api "$ekey" GET "/api/v1/stats?$Q" -H "If-None-Match: $etag"
eq "If-None-Match with the same ETag: 304" "$STATUS" 304
eq "with no body" "$BODY" ""
api "$ekey" GET "/api/v1/stats?$Q&level=0.9" -H "If-None-Match: $etag"
eq "another query: 200" "$STATUS" 200
api "$ekey" GET "/api/v1/stats?survey=enforcement-enterprise&weighting=poststrat"; conform GET /api/v1/stats
api "$ekey" GET "/api/v1/stats?survey=enforcement-enterprise&by=planet"; conform GET /api/v1/stats
api "$ekey" GET "/api/v1/stats?survey=enforcement-enterprise&by=agency&weighting=none&measure=overall&from=2022-07-01&to=2022-12-31"
conform GET /api/v1/stats
eq "the second half of a year is compared with the first" "$(json 'j["previous"]["from"] + " " + j["previous"]["to"]') $(json '"vs_previous" in j["overall"]')" "2022-01-01 2022-06-30 True"
api "$ekey" GET "/api/v1/stats?survey=enforcement-enterprise&by=agency&weighting=rake&from=2022-01-01&to=2022-01-02"
conform GET /api/v1/stats

P="survey=enforcement-enterprise&by=agency,domain&measure=overall"
api "" GET "/api/v1/public/stats?$P"
conform GET /api/v1/public/stats
eq "nothing is public before it is published" "$STATUS/$(json 'j["error"]["code"]')" "404/not_published"
out=$($MANYI publish --survey enforcement-enterprise --by agency,domain --measure overall)
contains "manyi publish names the public query" "$out" "/api/v1/public/stats?survey=enforcement-enterprise&measure=overall&by=agency,domain"
eq "publishing is audited" "$(sql "SELECT count(*) FROM audit WHERE action='publish'")" 1
api "" GET "/api/v1/public/stats?$P"
conform GET /api/v1/public/stats
eq "published figures need no key" "$STATUS" 200
eq "they say when they were published" "$(json '"published_at" in j')" True
eq "small groups are suppressed" "$(json 'all(set(g) - {"names"} == {"by", "suppressed"} for g in j["groups"] if g.get("suppressed"))')" True
eq "and there are some" "$(json 'any(g.get("suppressed") for g in j["groups"])')" True
eq "large enough groups are shown" "$(json 'all("mean" in g for g in j["groups"] if not g.get("suppressed"))')" True
eq "every published group, suppressed or not, names its agency and domain" \
	"$(json 'all(set(g["names"]) == {"agency", "domain"} and all(n["zh"] and n["en"] for n in g["names"].values()) for g in j["groups"])')" True
first=$BODY
python3 - "$T/e.csv" "$T/more.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall\n")
    f.write("%s,,,,phone,2022-06-02T10:00:00+08:00,1,1,1,1,1,1,1,1,1\n" % rows[-1]["encounter_id"])
PY
$MANYI import responses --survey enforcement-enterprise "$T/more.csv" >/dev/null 2>&1
api "" GET "/api/v1/public/stats?$P"
eq "published figures stay frozen as answers arrive" "$BODY" "$first"
api "" GET "/api/v1/public/publications?survey=enforcement-enterprise"
conform GET /api/v1/public/publications
eq "the list of publications" "$(json 'len(j["publications"])')" 1
eq "one version so far" "$(json '[p["latest_version"] for p in j["publications"]]')" "[1]"
first_at=$(json 'j["publications"][0]["versions"][0]["published_at"]')
contains "manyi publish said it was the first version" "$out" "version 1 of this query"

# Publishing the same query again: a new version, the old one kept.
sleep 1
out=$($MANYI publish --survey enforcement-enterprise --by agency,domain --measure overall)
contains "manyi publish says it replaced the figures, and when they were published" "$out" "replaced the figures published on $first_at; version 2"
api "" GET "/api/v1/public/stats?$P"
conform GET /api/v1/public/stats
eq "the latest version is served" "$(json '[j["version"], j["latest_version"]]')" "[2, 2]"
eq "with the answer that came since" "$(json 'j["overall"]["n"]')" "$(($(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["overall"]["n"])' "$first") + 1))"
api "" GET "/api/v1/public/stats?$P&version=1"
conform GET /api/v1/public/stats
eq "version=1 serves the first publication" "$(json '[j["version"], j["latest_version"]]')" "[1, 2]"
eq "exactly as it was" "$(json 'json.dumps({k: v for k, v in j.items() if k != "latest_version"}, sort_keys=True)')" \
	"$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); j.pop("latest_version"); print(json.dumps(j, sort_keys=True))' "$first")"
api "" GET "/api/v1/public/stats?$P&version=3"
conform GET /api/v1/public/stats
eq "a version that does not exist: 404 no_such_version" "$STATUS/$(json 'j["error"]["code"]')" "404/no_such_version"
api "" GET "/api/v1/public/stats?$P&version=x"
eq "a version that is not a number: 400 naming it" "$STATUS/$(json '"version" in j["error"]["message"]')" "400/True"
api "" GET "/api/v1/public/publications?survey=enforcement-enterprise"
conform GET /api/v1/public/publications
eq "still one query" "$(json 'len(j["publications"])')" 1
eq "with both versions, oldest first" "$(json '[v["version"] for v in j["publications"][0]["versions"]]')" "[1, 2]"
eq "the first still dated as before" "$(json 'j["publications"][0]["versions"][0]["published_at"]')" "$first_at"
eq "the query's date is its latest's" "$(json 'j["publications"][0]["published_at"] == j["publications"][0]["versions"][1]["published_at"]')" True
url=$(json 'j["publications"][0]["versions"][0]["url"]')
api "" GET "$url"
eq "each version's url serves it" "$STATUS/$(json 'j["version"]')" "200/1"
help=$($MANYI help publish 2>&1)
for o in --survey --measure --by --weighting --from --to --level --low-n; do
	contains "manyi help publish lists $o" "$help" "$o"
done
api "" GET "/api/v1/public/stats?survey=enforcement-enterprise&by=district"
eq "an unpublished query: 404" "$STATUS" 404

# Roles against routes.
route_status() { api "$1" "${@:2}"; echo "$STATUS"; }
eq "stats: no key 401" "$(route_status "" GET "/api/v1/stats?$Q")" 401
eq "stats: revoked key 401" "$(route_status "$rkey" GET "/api/v1/stats?$Q")" 401
eq "stats: a made-up key 401" "$(route_status "mk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" GET "/api/v1/stats?$Q")" 401
eq "stats: agency key 200" "$(route_status "$akey" GET "/api/v1/stats?$Q")" 200
eq "stats: the agency sees only its groups" "$(json 'sorted(set(g["by"]["agency"] for g in j["groups"]))')" "['A06']"
lacks "stats never carry comments" "$BODY" "secret comment"
Z1='[{"encounter_id":"Z1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-01-01"}]'
api "$akey" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary "$Z1"
eq "encounters: agency key for another agency 403" "$STATUS" 403
conform POST /api/v1/encounters
api "$ekey" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary "$Z1"
eq "encounters: evaluator key 201" "$STATUS" 201
conform POST /api/v1/encounters
api "" POST /api/v1/encounters -H 'Content-Type: application/json' --data-binary '[]'
eq "encounters: no key 401" "$STATUS" 401
conform POST /api/v1/encounters
api "$ekey" POST /api/v1/invitations -H 'Content-Type: application/json' --data-binary '{"encounters":["Z1","NOPE"]}'
conform POST /api/v1/invitations
eq "invitations: 201 with the unknown id named" "$STATUS $(json '[e["encounter_id"] for e in j["errors"]]')" "201 ['NOPE']"
z1svg=$(json 'j["invitations"][0]["qr_svg"]'); z1png=$(json 'j["invitations"][0]["qr_png"]')
z1notices=$(json 'j["notices"]')
api "$akey" POST /api/v1/invitations -H 'Content-Type: application/json' --data-binary '{"encounters":["Z1"]}'
conform POST /api/v1/invitations
eq "invitations: agency key for another agency's only 403" "$STATUS" 403
api "$ekey" POST /api/v1/invitations -H 'Content-Type: application/json' --data-binary '{"encounters":"Z1"}'
conform POST /api/v1/invitations
api "$ekey" POST /api/v1/encounters/Z1/invitations; conform POST "/api/v1/encounters/{id}/invitations"
api "$ekey" POST /api/v1/encounters/NOPE/invitations; conform POST "/api/v1/encounters/{id}/invitations"
api "$ekey" GET "$z1svg"; conform GET "/api/v1/encounters/{id}/qr.svg"
api "$ekey" GET /api/v1/encounters/Z1/qr.svg; conform GET "/api/v1/encounters/{id}/qr.svg"
api "$akey" GET "$z1png"; conform GET "/api/v1/encounters/{id}/qr.png"
eq "qr: agency key for another agency 403" "$STATUS" 403
api "$ekey" GET "/api/v1/encounters/Z1/notice?t=AAAAAAAAAAAAAAAAAAAAAA"; conform GET "/api/v1/encounters/{id}/notice"
api "$ekey" GET "$z1notices"; conform GET /api/v1/notices
api "$ekey" GET "/api/v1/notices?t=AAAAAAAAAAAAAAAAAAAAAA"; conform GET /api/v1/notices

body=$(python3 tests/integration/mkbody.py surveys/enforcement-enterprise.json)
api "" POST /api/v1/responses -H 'Content-Type: application/json' --data-binary "$body"
conform POST /api/v1/responses
api "" POST /api/v1/responses -H 'Content-Type: application/json' --data-binary '{"survey":'
conform POST /api/v1/responses
api "" POST /api/v1/responses -H 'Content-Type: application/json' --data-binary "$(python3 tests/integration/mkbody.py surveys/enforcement-enterprise.json answers.overall=9)"
conform POST /api/v1/responses

# CORS for the configured dashboard origin only.
api "$ekey" GET "/api/v1/stats?$Q" -H "Origin: https://dash.example.gov.cn"
contains "CORS: the configured origin may read" "$HEADERS" "Access-Control-Allow-Origin: https://dash.example.gov.cn"
api "$ekey" GET "/api/v1/stats?$Q" -H "Origin: https://evil.example"
lacks "CORS: another origin may not" "$HEADERS" "Access-Control-Allow-Origin"
req OPTIONS "/api/v1/stats" -H "Origin: https://dash.example.gov.cn" -H "Access-Control-Request-Method: GET" -H "Access-Control-Request-Headers: authorization"
eq "a preflight is 204" "$STATUS" 204
contains "allowing the Authorization header" "$HEADERS" "Access-Control-Allow-Headers: Authorization"

api "$ekey" GET "/api/v1/export?survey=enforcement-enterprise&format=csv" -H "Origin: https://dash.example.gov.cn"
contains "CORS: a dashboard may read the file name of a download" "$HEADERS" "Access-Control-Expose-Headers: ETag, Retry-After, Content-Disposition, Manyi-Warning"

api "$ekey" GET "/api/v1/export?survey=enforcement-public&format=csv"
contains "export: what manyi export warns of comes in the head" "$(grep -i "^Manyi-Warning:" <<<"$HEADERS")" "weight_base is empty"

api "$ekey" GET "/api/v1/stats?survey=enforcement-enterprise&from=2022-07-01&to=2022-06-30"; conform GET /api/v1/stats
eq "stats: a period that ends before it starts is 400" "$STATUS" 400

# HEAD on a download gives its head and runs nothing.
head=$(curl -sS -I -H "Authorization: Bearer $ekey" "$BASE/api/v1/export?survey=enforcement-enterprise&format=xlsx")
contains "HEAD /api/v1/export: 200" "$head" "HTTP/1.1 200"
contains "with the file name" "$head" 'filename="enforcement-enterprise.xlsx"'
lacks "and no export was run and cut" "$(cat "$T/var/log/manyi-fcgi.log")" "cutting the connection"

# Parameters that are there but unreadable are named, never ignored.
api "$ekey" GET "/api/v1/responses?survey=enforcement-enterprise&limit=99999999999999999999999"; conform GET /api/v1/responses
eq "responses: an over-long limit is 400, not the default" "$STATUS" 400
api "$ekey" GET "/api/v1/responses?survey=enforcement-enterprise&agency=%2"
eq "responses: a malformed query is 400" "$STATUS" 400
contains "saying what is malformed" "$(json 'j["error"]["message"]')" "malformed"
api "$ekey" GET "/api/v1/export?format=csv&survey=$(printf 'x%.0s' $(seq 80))"
contains "export: an over-long survey id is named as such" "$(json 'j["error"]["message"]')" "too long"

# Metrics and the request log.
req GET /metrics
eq "metrics for this machine" "$STATUS" 200
contains "requests by route and status" "$BODY" 'manyi_http_requests_total{route="api_stats",code="200"}'
contains "a latency histogram" "$BODY" 'manyi_http_request_duration_seconds_bucket{route="api_stats",le="+Inf"}'
contains "answers stored" "$BODY" 'manyi_answers_stored_total{channel="api"} 1'
contains "rejects by reason" "$BODY" 'manyi_submissions_rejected_total{reason="invalid"} 1'
contains "and malformed ones" "$BODY" 'manyi_submissions_rejected_total{reason="malformed"} 1'
log="$T/var/log/manyi-fcgi.log"
check "one JSON line per request" bash -c "grep '^{' '$log' | /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
contains "naming the route and status" "$(grep '"route":"api_stats"' "$log" | head -1)" '"status":200'
lacks "the log never holds query strings" "$(cat "$log")" "survey=enforcement"
lacks "nor addresses" "$(grep "^{" "$log")" "127.0.0.1"

# HEAD sends GET's head: the same status and the Content-Length of the body
# GET sends (not 0).  An export's length is not known before it
# is written: no Content-Length at all.
clen() { tr -d '\r' <"$T/headers" | sed -n 's/^[Cc]ontent-[Ll]ength: *//p'; }
for p in "/s/enforcement-public" "/s/enforcement-enterprise?lang=en" "/s/enforcement-public/thanks" \
	"/api/v1/stats?survey=enforcement-enterprise&by=agency" "/api/v1/registry" "/api/v1/surveys" \
	"/api/v1/surveys/enforcement-public" "/healthz" "/api/v1/stats?survey=nope" "/s/nope"; do
	api "$ekey" GET "$p"
	gs=$STATUS gl=$(clen) gb=$(wc -c <"$T/body")
	api "$ekey" HEAD "$p"
	eq "HEAD $p: GET's status and Content-Length ($gs, $gl = $gb bytes sent)" \
		"$STATUS $(clen) $gl" "$gs $gb $gb"
done
api "$ekey" HEAD "/api/v1/export?survey=enforcement-enterprise&format=csv"
eq "HEAD of an export: 200, no Content-Length (its length is not known before it runs)" \
	"$STATUS [$(clen)]" "200 []"
it_done
