#!/usr/bin/env bash
# Enforcement officers through the real stack (issue 15): the certificate
# register imported from CSV and posted by the certificate authority's
# system (atomic, FILE:LINE, agency keys confined to their agency, audited);
# encounters naming their officers and the invited form showing them; the
# public lookup page and API (exact number or full name only, rate limited
# per address); satisfaction per officer for evaluators only, suppressed
# under the threshold, and held to R's survey package (tests/officers/,
# made by make_officers.R: R is not needed here).
. "$(dirname "$0")/lib.sh"
it_start

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
O=tests/officers
U=/s/enforcement-enterprise

# ---- import officers --------------------------------------------------------
cat >"$T/off.csv" <<'CSV'
cert_no,name,agency,status,valid_until,category,area
42070001,张三,A01,valid,2099-12-31,市场监管,鄂城区
42070002,李四,A01,suspended,2099-12-31,,
42070003,王五,A02,valid,2020-06-30,生态环境,华容区
42070004,张三,A02,revoked,2099-12-31,,
CSV
check "import officers" $MANYI import officers "$T/off.csv"
eq "four officers registered" "$(sql 'SELECT count(*) FROM officer')" 4
eq "the import is audited" "$(sql "SELECT count(*) FROM audit WHERE action='import officers'")" 1
printf 'cert_no,name,agency,status,valid_until\n42070002,李四,A01,valid,2099-12-31\n' >"$T/renew.csv"
out=$($MANYI import officers "$T/renew.csv")
contains "a known certificate is updated" "$out" "0 new, 1 updated"
eq "its status changed" "$(sql "SELECT status FROM officer WHERE cert_no='42070002'")" valid

bad_import() { # DESC ROWS NEEDLE: the file (header + ROWS) is refused at line 3, nothing stored
	printf 'cert_no,name,agency,status,valid_until\n42070009,赵六,A01,valid,2099-12-31\n%s\n' "$2" >"$T/bad.csv"
	local err rc=0
	err=$($MANYI import officers "$T/bad.csv" 2>&1 >/dev/null) || rc=$?
	eq "$1: exit 1" "$rc" 1
	contains "$1: FILE:LINE and why" "$err" "$T/bad.csv:3: $3"
}
bad_import "an unknown agency" "42070010,赵七,A99,valid,2099-12-31" 'unknown agency "A99"'
bad_import "a status that is none" "42070010,赵七,A01,lost,2099-12-31" 'status "lost" is not one of valid, suspended, revoked'
bad_import "a date that is none" "42070010,赵七,A01,valid,2099-02-30" 'valid_until "2099-02-30" is not a date'
bad_import "a number twice in the file" "42070009,赵六,A01,valid,2099-12-31" 'certificate "42070009" appears twice'
bad_import "an empty name" "42070010,,A01,valid,2099-12-31" 'name is empty'
bad_import "a number with a ';'" "4207;0010,赵七,A01,valid,2099-12-31" 'cert_no "4207;0010" is not a certificate number'
eq "atomic: nothing of the bad files stored" "$(sql "SELECT count(*) FROM officer WHERE cert_no='42070009'")" 0

# ---- POST /api/v1/officers ----------------------------------------------------
EK=$(evaluator_key)
AK=$(agency_key A01)
json_post() { api "$1" POST "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
json_post "$EK" /api/v1/officers '[{"cert_no":"42070011","name":"钱八","agency":"A02","status":"valid","valid_until":"2099-12-31","category":"交通运输","area":"梁子湖区"},{"cert_no":"42070003","name":"王五","agency":"A02","status":"suspended","valid_until":"2020-06-30"}]'
eq "an evaluator posts officers: 201" "$STATUS" 201
eq "one new, one updated" "$(json '[j["officers"], j["created"], j["updated"]]')" "[2, 1, 1]"
conform POST /api/v1/officers
eq "the post is audited" "$(sql "SELECT count(*) FROM audit WHERE action='register officers'")" 1
json_post "$AK" /api/v1/officers '[{"cert_no":"42070012","name":"孙九","status":"valid","valid_until":"2099-12-31"}]'
eq "an agency key posts its own officer (agency implied): 201" "$STATUS" 201
eq "registered under its agency" "$(sql "SELECT agency FROM officer WHERE cert_no='42070012'")" A01
json_post "$AK" /api/v1/officers '[{"cert_no":"42070013","name":"周十","agency":"A02","status":"valid","valid_until":"2099-12-31"}]'
eq "an agency key posts another agency's officer: 403" "$STATUS" 403
json_post "$AK" /api/v1/officers '[{"cert_no":"42070003","name":"王五","agency":"A01","status":"valid","valid_until":"2099-12-31"}]'
eq "nor takes over another agency's certificate: 403" "$STATUS" 403
json_post "$EK" /api/v1/officers '[{"cert_no":"42070014","name":"吴一","agency":"A01","status":"valid","valid_until":"2099-12-31"},{"cert_no":"42070015","name":"郑二","agency":"A01","status":"gone","valid_until":"2099-12-31"}]'
eq "a bad officer: 422" "$STATUS" 422
eq "naming its index and the rule" "$(json '[j["error"]["fields"][0]["index"], "status" in j["error"]["fields"][0]["message"]]' 2>/dev/null || json 'j["error"]["message"]')" "[1, True]"
conform POST /api/v1/officers
eq "atomic: the good one before it is not stored" "$(sql "SELECT count(*) FROM officer WHERE cert_no='42070014'")" 0
json_post "$EK" /api/v1/officers '{"cert_no":"x"}'
eq "not an array: 400" "$STATUS" 400
json_post "" /api/v1/officers '[]'
eq "no key: 401" "$STATUS" 401

# ---- encounters naming officers ---------------------------------------------
cat >"$T/enc.csv" <<'CSV'
encounter_id,agency,domain,size,district,occurred_on,outcome,officers
E1,A01,market,small,鄂城区,2022-04-11,corrected,42070001;42070002
E2,A02,ecology,large,华容区,2022-05-01,,42070003
E3,A01,market,micro,梁子湖区,2022-06-01,fined,
CSV
check "encounters with officers import" $MANYI import encounters "$T/enc.csv"
eq "the officers in their order" "$(sql "SELECT group_concat(cert_no || ':' || seq, ' ') FROM (SELECT eo.cert_no, eo.seq FROM enc_officer eo JOIN enc e ON e.id = eo.enc WHERE e.code = 'E1' ORDER BY eo.seq)")" "42070001:0 42070002:1"
printf 'encounter_id,agency,domain,size,district,occurred_on,officers\nE4,A01,market,small,x,2022-04-11,42070001\nE5,A01,market,small,x,2022-04-11,42070003\n' >"$T/enc-bad.csv"
err=$($MANYI import encounters "$T/enc-bad.csv" 2>&1 >/dev/null)
contains "another agency's officer: FILE:LINE" "$err" "$T/enc-bad.csv:3: officers: certificate \"42070003\" (王五) belongs to agency \"A02\", not the encounter's \"A01\""
printf 'encounter_id,agency,domain,size,district,occurred_on,officers\nE4,A01,market,small,x,2022-04-11,42079999\n' >"$T/enc-bad.csv"
err=$($MANYI import encounters "$T/enc-bad.csv" 2>&1 >/dev/null)
contains "an unregistered certificate: FILE:LINE" "$err" "$T/enc-bad.csv:2: officers: certificate \"42079999\" is not registered"
eq "atomic: E4 not registered" "$(sql "SELECT count(*) FROM enc WHERE code='E4'")" 0

json_post "$AK" /api/v1/encounters '[{"encounter_id":"E6","domain":"market","size":"small","district":"鄂城区","occurred_on":"2022-07-01","officers":["42070002","42070001"]}]'
eq "POST /api/v1/encounters with officers: 201" "$STATUS" 201
tok6=$(json 'j[0]["token"]')
eq "stored in order" "$(sql "SELECT group_concat(cert_no, ',') FROM (SELECT eo.cert_no FROM enc_officer eo JOIN enc e ON e.id = eo.enc WHERE e.code = 'E6' ORDER BY eo.seq)")" "42070002,42070001"
json_post "$AK" /api/v1/encounters '[{"encounter_id":"E7","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01","officers":["42070011"]}]'
eq "another agency's officer: 422" "$STATUS" 422
contains "named" "$BODY" 'belongs to agency \"A02\"'
json_post "$AK" /api/v1/encounters '[{"encounter_id":"E7","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01","officers":["1","2","3","4","5","6"]}]'
eq "six officers: 422" "$STATUS" 422
contains "at most five" "$BODY" "at most 5 officers"
json_post "$AK" /api/v1/encounters '[{"encounter_id":"E7","domain":"market","size":"small","district":"x","occurred_on":"2022-07-01","officers":[42070001]}]'
eq "a number that is not a string: 422" "$STATUS" 422
eq "atomic: E7 not registered" "$(sql "SELECT count(*) FROM enc WHERE code='E7'")" 0

# ---- the invited form shows who came ----------------------------------------
req GET "$U?t=$tok6"
eq "the invitation opens the form" "$STATUS" 200
contains "under the encounter line, the officers in order" "$BODY" "市场监管 · 2022-07-01
执法人员：李四（执法证号 42070002）、张三（执法证号 42070001）"
req GET "$U?t=$tok6&lang=en"
contains "in English too" "$BODY" "Officers: 李四 (certificate 42070002), 张三 (certificate 42070001)"
tok3=$($MANYI invite --survey enforcement-enterprise --encounter E3 2>/dev/null | tail -n +2 | cut -d, -f2 | tr -d '\r')
req GET "$U?t=$tok3"
lacks "an encounter without officers names none" "$BODY" "执法人员："

# ---- the public lookup --------------------------------------------------------
lookups=0
look() { lookups=$((lookups + 1)); req GET "$1"; }
req GET /officers
eq "the lookup page: 200" "$STATUS" 200
contains "asks for a number or a full name" "$BODY" "执法证号或全名"
lacks "without JavaScript" "$BODY" "<script"
look "/officers?q=42070001"
eq "by certificate number: 200" "$STATUS" 200
contains "the name" "$BODY" "张三"
contains "the agency's name, not its code" "$BODY" "市市场监督管理局"
contains "the status in words" "$BODY" "有效"
look "/officers?q=$(printf %s '王五' | $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.stdin.read()))')&lang=en"
contains "by full name, in English: suspended and expired" "$BODY" "Suspended (Expired)"
look "/officers?q=4207"
contains "a prefix finds nothing: no listing" "$BODY" "未找到与“4207”完全一致的执法证件"
look "/api/v1/public/officers?q=$(printf %s '张三' | $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.stdin.read()))')"
eq "the API: 200" "$STATUS" 200
conform GET /api/v1/public/officers
eq "both officers named 张三" "$(json '[o["cert_no"] for o in j["officers"]]')" "['42070001', '42070004']"
eq "its shape" "$(json 'sorted(j["officers"][0])')" "['agency', 'agency_name', 'area', 'category', 'cert_no', 'expired', 'name', 'status', 'valid_until']"
eq "with the registry's names and the status" "$(json '[j["officers"][1]["agency_name"]["en"] != None, j["officers"][1]["status"], j["officers"][1]["expired"]]')" "[True, 'revoked', False]"
look "/api/v1/public/officers?q=%E7%8E%8B"
eq "one character of a name finds nothing" "$(json 'j["officers"]')" "[]"
req GET "/api/v1/public/officers"
eq "no q: 400" "$STATUS" 400
long=$(printf 'x%.0s' $(seq 1 300))
req GET "/officers?q=$long"
eq "the page with a q longer than any: 400" "$STATUS" 400
contains "saying so" "$BODY" "输入的内容过长"
lacks "no officer data is stored by a lookup" "$(sql "SELECT group_concat(action) FROM audit")" "lookup"

# The hourly limit per address (the setting officer_lookups_per_hour).
check "set the limit" $MANYI config set officer_lookups_per_hour $((lookups + 2))
look "/api/v1/public/officers?q=42070001"
eq "within the limit: 200" "$STATUS" 200
look "/officers?q=42070001"
eq "the last within it: 200" "$STATUS" 200
look "/api/v1/public/officers?q=42070001"
eq "past it: 429" "$STATUS" 429
contains "with Retry-After" "$HEADERS" "Retry-After:"
conform GET /api/v1/public/officers
look "/officers?q=42070001"
eq "the page past it: 429" "$STATUS" 429
contains "a friendly page saying why" "$BODY" "查询过于频繁"
lacks "and not the officer" "$BODY" "鄂城区"
check "restore the limit" $MANYI config set officer_lookups_per_hour 60

# ---- satisfaction per officer --------------------------------------------------
# The end-to-end data with officers, in a database of their own, against R.
RDB=$T/r.db
R="$BIN/manyi --db $RDB"
check "an R database" sh -c "$R init >/dev/null && $R import domains tools/demo/domains.csv >/dev/null && $R import agencies tools/demo/agencies.csv >/dev/null && $R survey load surveys/*.json >/dev/null"
check "its officers" $R import officers $O/officers.csv
check "its encounters, naming them" $R import encounters $O/encounters.csv
check "its answers" $R import responses --survey enforcement-enterprise tests/stats/e2e/responses.csv
tap_compare $(($(cut -d, -f1 $O/expected.csv | sort -u | wc -l) - 1)) "$PY" $O/compare.py "$BIN/manyi" "$RDB"

$R officers stats --survey enforcement-enterprise >"$T/body"
eq "under 30 answers: n only, suppressed" "$(json '[(o["n"] < 30) == o["suppressed"] and (o["mean"] is None) == o["suppressed"] and (o["se"] is None) == o["suppressed"] for o in j["officers"]] == [True] * len(j["officers"])')" True
eq "some are shown, some suppressed" "$(json 'sorted({o["suppressed"] for o in j["officers"]})')" "[False, True]"
$R config set officer_min_n 20 >/dev/null
$R officers stats --survey enforcement-enterprise >"$T/body"
eq "the threshold is the setting officer_min_n" "$(json '[o["suppressed"] for o in j["officers"]] == [o["n"] < 20 for o in j["officers"]]')" True
$R officers stats --survey enforcement-enterprise --format csv >"$T/o.csv"
eq "CSV: agency_name beside agency" "$(head -1 "$T/o.csv")" "cert_no,name,agency,agency_name,status,n,suppressed,wsum,mean,se,df,ci_low,ci_high"
err=$($R officers stats --survey enforcement-enterprise --weighting rake 2>&1 >/dev/null)
contains "base or none only" "$err" "weighting must be base or none"

# The API, on the stack's database (its answers: the e2e data too).
check "the e2e officers into the stack's database" $MANYI import officers $O/officers.csv
check "and its encounters" $MANYI import encounters $O/encounters.csv
check "and answers" $MANYI import responses --survey enforcement-enterprise tests/stats/e2e/responses.csv
api "$EK" GET "/api/v1/officers/stats?survey=enforcement-enterprise"
eq "GET /api/v1/officers/stats for an evaluator: 200" "$STATUS" 200
conform GET /api/v1/officers/stats
$MANYI officers stats --survey enforcement-enterprise >"$T/cli.json"
eq "the same JSON as manyi officers stats" "$BODY" "$(cat "$T/cli.json")"
api "$AK" GET "/api/v1/officers/stats?survey=enforcement-enterprise"
eq "an agency key: 403" "$STATUS" 403
api "" GET "/api/v1/officers/stats?survey=enforcement-enterprise"
eq "no key: 401" "$STATUS" 401
api "$EK" GET "/api/v1/officers/stats?survey=nope"
eq "an unknown survey: 404" "$STATUS" 404
api "$EK" GET "/api/v1/officers/stats?survey=enforcement-enterprise&format=csv"
eq "CSV too" "$(head -1 <<<"$BODY")" "cert_no,name,agency,agency_name,status,n,suppressed,wsum,mean,se,df,ci_low,ci_high"

it_done
