#!/usr/bin/env bash
# The domains each agency enforces: `manyi import agency-domains` (a good
# file, each bad row, atomicity, a re-import replaces the list), and what
# the public channel makes of it: the form offers an agency's own domains
# and the form and the API refuse another pair with 422 naming it, while
# an agency without pairs still takes any domain.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }

run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
pairs() { sql "SELECT group_concat(agency || ':' || domain, ' ') FROM (SELECT * FROM agency_domain ORDER BY agency, domain)"; }

eq "an empty table at first" "$(sql 'SELECT count(*) FROM agency_domain')" 0
run $MANYI import agency-domains tools/demo/agency-domains.csv
eq "the demo file imports" "$RC" 0
eq "every row of it stored" "$(sql 'SELECT count(*) FROM agency_domain')" \
	"$(($(wc -l <tools/demo/agency-domains.csv) - 1))"
contains "says how many" "$OUT" "tools/demo/agency-domains.csv: 22 pairs imported (replacing 0)"
eq "the import is audited" \
	"$(sql "SELECT object || ' ' || detail FROM audit WHERE action = 'import agency-domains'")" \
	"tools/demo/agency-domains.csv 22 rows"

# The file is the whole list: importing another replaces it.
printf 'agency,domain\nA01,market\nA01,drugs\nA18,statistics\n' >"$T/small.csv"
run $MANYI import agency-domains "$T/small.csv"
eq "a second file imports" "$RC" 0
contains "and says what it replaced" "$OUT" "3 pairs imported (replacing 22)"
eq "the second file replaces the first" "$(pairs)" "A01:drugs A01:market A18:statistics"
printf '\xef\xbb\xbf"agency","domain"\r\nA01,market\r\nA01,drugs\r\nA18,statistics\r\n' >"$T/bom.csv"
run $MANYI import agency-domains "$T/bom.csv"
eq "the same list again, with a BOM, quotes and CRLF (as Excel saves it)" "$RC:$(pairs)" \
	"0:A01:drugs A01:market A18:statistics"

bad() { # DESC CSV-LINE EXPECTED
	printf 'agency,domain\nA02,ecology\n%s\n' "$2" >"$T/b.csv"
	run $MANYI import agency-domains "$T/b.csv"
	eq "$1: status 1" "$RC" 1
	contains "$1: says why at line 3" "$ERR" "$T/b.csv:3: $3"
	eq "$1: the stored list is untouched" "$(pairs)" "A01:drugs A01:market A18:statistics"
}
bad "unknown agency" "Z99,ecology" 'unknown agency "Z99"'
bad "unknown domain" "A02,space" 'unknown domain "space"'
bad "a pair twice" "A02,ecology" 'the pair A02,ecology appears twice'
bad "an empty agency" ",ecology" 'agency is empty'
bad "a code with a space" "A 02,ecology" "agency \"A 02\" is not a registry code"
printf 'agency,domains\nA02,ecology\n' >"$T/h.csv"
run $MANYI import agency-domains "$T/h.csv"
eq "a wrong header: status 1" "$RC" 1
contains "a wrong header: names the column" "$ERR" "$T/h.csv:1: unknown column \"domains\""
printf 'agency,domain\n' >"$T/empty.csv"
run $MANYI import agency-domains "$T/empty.csv"
eq "no rows: status 1 (a file that would empty the list is refused like every empty import)" "$RC" 1
eq "no rows: the stored list is untouched" "$(pairs)" "A01:drugs A01:market A18:statistics"
run $MANYI import agency-domains "$T/missing.csv"
eq "a missing file: status 1" "$RC" 1
run $MANYI import agency-domains
eq "no file: a usage error" "$RC" 2
run $MANYI help import
contains "the help lists the import" "$OUT" "import agency-domains FILE.csv"

PORT=
it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }

# GET /api/v1/registry: each agency's domains, when known.
req GET /api/v1/registry
eq "the registry is 200" "$STATUS" 200
eq "A01 lists its domains" "$(json '[a for a in j["agencies"] if a["code"]=="A01"][0]["domains"]')" \
	"['drugs', 'market']"
eq "A02 (no pairs) has no domains member" "$(json '"domains" in [a for a in j["agencies"] if a["code"]=="A02"][0]')" \
	False
conform GET /api/v1/registry

# The form: the domains grouped by agency, without JavaScript.
S=surveys/enforcement-enterprise.json
U=/s/enforcement-enterprise
form() { python3 tests/integration/mkbody.py --form "$S" "$@"; }
post() { req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"; }
count() { sql "SELECT count(*) FROM response"; }
domain_select() { python3 -c 'import re,sys; print(re.search(r"<select id=\"f-_domain\".*?</select>", sys.stdin.read(), re.S).group(0))' <<<"$BODY"; }
req GET "$U"
sel=$(domain_select)
contains "the domains of A01 under its name" "$sel" '<optgroup label="市市场监督管理局">'
contains "those of A18 under its name" "$sel" \
	'<optgroup label="市统计局">
<option value="statistics">统计</option>
</optgroup>'
contains "every domain for the other agencies" "$sel" '<optgroup label="其他单位">'
lacks "no script on the page" "$BODY" "<script"
TOKEN=$(field _csrf)

n0=$(count)
post "$(form _csrf="$TOKEN" _agency=A18 _domain=statistics)"
eq "the form: an allowed pair is 303" "$STATUS" 303
eq "and stored" "$(sql 'SELECT agency || domain FROM response ORDER BY id DESC LIMIT 1')" "A18statistics"
post "$(form _csrf="$TOKEN" _agency=A18 _domain=fire)"
eq "the form: a refused pair is 422" "$STATUS" 422
contains "the message beside the domain question" "$BODY" 'id="e-_domain"'
contains "saying the agency does not enforce it" "$BODY" "所选单位不负责这一执法领域"
sel=$(domain_select)
contains "the form again offers A18's domains" "$sel" '<option value="statistics">统计</option>'
lacks "and only those" "$sel" 'value="fire"'
post "$(form _csrf="$TOKEN" _agency=A02 _domain=fire)"
eq "the form: an agency without pairs takes any domain" "$STATUS" 303
eq "the form stored two, not the refused one" "$(count)" "$((n0 + 2))"

# The API: the pair named, names beside codes.
good() { python3 tests/integration/mkbody.py "$S" "$@"; }
apost() { req POST /api/v1/responses -H 'Content-Type: application/json' --data-binary "$1"; }
apost "$(good agency=A01 domain=drugs)"
eq "the API: an allowed pair is 201" "$STATUS" 201
apost "$(good agency=A18 domain=fire)"
eq "the API: a refused pair is 422" "$STATUS" 422
eq "a field error on domain" "$(json '[(f["field"], f["code"]) for f in j["error"]["fields"]]')" \
	"[('domain', 'not_enforced')]"
contains "naming the pair, names beside codes" "$(json 'j["error"]["fields"][0]["message"]')" \
	"domain: A18 (市统计局) does not enforce fire (消防); it enforces statistics (统计)"
conform POST /api/v1/responses
apost "$(good agency=A02 domain=fire)"
eq "the API: an agency without pairs takes any domain" "$STATUS" 201
apost "$(good agency=A18 domain=space)"
eq "an unknown domain is still 'not registered', not a refused pair" \
	"$(json '[f["code"] for f in j["error"]["fields"]]')" "['unknown_option']"
eq "the API stored two, not the refused one" "$(count)" "$((n0 + 4))"

# A new list takes effect at once, the server running.
printf 'agency,domain\nA18,statistics\nA18,fire\n' >"$T/new.csv"
run $MANYI import agency-domains "$T/new.csv"
eq "a re-import while the server runs" "$RC" 0
apost "$(good agency=A18 domain=fire)"
eq "after a re-import A18 may be rated for fire" "$STATUS" 201
apost "$(good agency=A01 domain=ecology)"
eq "and A01, no longer listed, for anything" "$STATUS" 201
it_done
