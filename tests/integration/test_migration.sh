#!/usr/bin/env bash
# A database written by an earlier release (tests/migration/release.sql, its rows as SQL text, made
# by tests/migration/make_db.sh) is migrated in place when the code of the
# day opens it, and keeps every answer: the same exports, statistics, keys,
# registry, publications and sample as that release gave (byte for byte,
# tests/migration/expected/), an intact file, the same count of answers, a
# second open that changes nothing, its keys and links still working (at
# /signin too, and a user added since signs in), and
# room for new answers from an import, the form and the API.
. "$(dirname "$0")/lib.sh"
. tests/migration/outputs.sh
M=tests/migration
X=$M/expected
E=enforcement-enterprise
P=enforcement-public
GOT=$T/got

# The release's file, made from its SQL text (a dump keeps a database out of git).
sqlite3 "$T/release.db" <$M/release.sql
cp "$T/release.db" "$DB"
chmod 600 "$DB"
secret() { awk -v k="$1" '$1 == k { print $2 }' $M/tokens.txt; }
dump() { sqlite3 "$DB" .dump | sha256sum | cut -d' ' -f1; }
# What today's outputs add to the release's, taken out of a file as text
# so the rest is still compared byte for byte with what the release gave:
#   strip names FILE: the statistics name the values of the agency, domain
#     and size columns ("names" in a JSON group, a VAR_name column after VAR
#     in CSV); the release did not.  Nor did it say how many answers each
#     JSON row lost to exclusions (issue 16: "excluded" in overall and groups,
#     and a publication's "exclusions" note).
#   strip excluded FILE: the export marks answers left out of the
#     statistics (issue 15: the columns excluded and excluded_reason after
#     in_sample; JSON members); the release had none.
strip() {
	python3 - "$1" "$2" <<'PY'
import re, sys
what, path = sys.argv[1:3]
data = open(path, "rb").read().decode("utf-8")
s = r'"(?:[^"\\]|\\.)*"'
def fields(line):
    out, cur, q = [], "", False
    for c in line:
        if c == '"':
            q = not q
        if c == "," and not q:
            out.append(cur)
            cur = ""
        else:
            cur += c
    return out + [cur]
lines = data.split("\r\n")
if what == "names" and len(lines) > 1 and re.match(r"^[a-z_,]*row,n,", lines[0]):
    head = fields(lines[0])
    keep = [i for i, h in enumerate(head) if not h.endswith("_name")]
    data = "\r\n".join(",".join(f[i] for i in keep) if l else l
                         for l in lines for f in [fields(l)])
elif what == "names":
    names = re.compile(r',"names":\{(?:"[a-z]+":\{"zh":%s,"en":%s\},?)*\}' % (s, s))
    data = names.sub("", data)
    data = re.sub(r',"excluded":[0-9]+(?=[,}])', "", data)
    data = re.sub(r',"exclusions":\{"excluded":[0-9]+,"zh":%s,"en":%s\}' % (s, s), "", data)
else:
    out, drop = [], None
    for line in re.sub(r',"excluded":[01],"excluded_reason":(?:null|%s)' % s, "", data).split("\r\n"):
        f = fields(line)
        if "excluded" in f and "excluded_reason" in f and "in_sample" in f:
            drop = {f.index("excluded"), f.index("excluded_reason")}
        if drop and line and len(f) > max(drop):
            line = ",".join(x for i, x in enumerate(f) if i not in drop)
        out.append(line)
    data = "\r\n".join(out)
open(path, "wb").write(data.encode("utf-8"))
PY
}

# same NAME: the output NAME in $GOT is the expected one, byte for byte.
same() {
	case "$1" in stats-* | api-stats.out | api-public-stats*) strip names "$GOT/$1" ;; esac
	case "$1" in export-* | api-export.out | api-responses*) strip excluded "$GOT/$1" ;; esac
	if cmp -s "$X/$1" "$GOT/$1"; then
		ok "$1 as the release gave it"
	else
		local d
		d=$(diff "$X/$1" "$GOT/$1" 2>&1 | head -c 1200)
		not_ok "$1 as the release gave it" "${d//$'\n'/$'\n'#   }"
	fi
}

# The first open migrates; a command that only reads is enough.
mkdir -p "$GOT"
$MANYI key list >"$GOT/key-list.out" 2>"$T/err"
eq "the first open (key list) succeeds" "$?/$(cat "$T/err")" "0/"
eq "the migrated file is intact" "$(sql 'PRAGMA integrity_check')" ok
eq "and breaks no foreign key" "$(sql 'PRAGMA foreign_key_check')" ""
after_first=$(dump)

mig_cli "$GOT"
for f in "$X"/export-* "$X"/stats-* "$X"/key-list.out "$X"/sample.csv; do
	same "$(basename "$f")"
done

out=$($MANYI init 2>&1)
contains "init on the migrated file: ready" "$out" "ready (schema version"
v1=${out#*schema version }
out=$($MANYI init 2>&1)
eq "the schema version stays on a second init" "${out#*schema version }" "$v1"
release_v=$(sqlite3 "$T/release.db" 'PRAGMA user_version')
check "no older than the release's ($release_v)" test "${v1%%)*}" -ge "$release_v"
$MANYI key list >"$T/again.out" 2>&1
eq "a second open changes nothing in the file" "$(dump)" "$after_first"
check "and reads the same" cmp "$X/key-list.out" "$T/again.out"
# The audit chain (issue 16): the release's rows were chained as the file migrated.
out=$($MANYI audit verify 2>&1)
contains "the release's audit rows chained: audit verify" "$out" "audit chain intact: $(sqlite3 "$DB" 'SELECT count(*) FROM audit') rows"

it_stack || { not_ok "start nginx and manyi-fcgi"; it_done; exit 1; }
ekey=$(secret evaluator)
mig_api "$GOT" "$ekey"
for f in "$X"/api-*; do
	same "$(basename "$f")"
done
mig_counts "$GOT" >"$GOT/counts.txt"
same counts.txt

# The release's keys and links.
api "$ekey" GET "/api/v1/stats?survey=$E"
eq "the release's evaluator key still opens the stats" "$STATUS" 200
api "$(secret agency_A01)" GET "/api/v1/stats?survey=$E&by=agency"
eq "its agency key still sees its own agency" "$STATUS/$(json '[g["by"]["agency"] for g in j["groups"]]')" "200/['A01']"
api "$(secret revoked)" GET "/api/v1/stats?survey=$E"
eq "its revoked key stays revoked" "$STATUS" 401
req GET "/s/$E?t=$(secret answered_E001)"
eq "a link already answered stays used" "$STATUS" 409
# Sign-in (migration 11's tables): the release's key opens a session, a new user too.
signin "key=$ekey"
eq "the release's evaluator key signs in on the migrated file" "$STATUS" 303
req GET "/api/v1/stats?survey=$E" -H "Cookie: manyi_session=$SESSION"
eq "and its session opens the stats" "$STATUS" 200
printf '%s\n' 'a long enough password' | $MANYI user add mig.user --role agency --agency A01 >/dev/null 2>&1
eq "a user can be added to the migrated file" "$?" 0
signin username=mig.user 'password=a long enough password'
req GET /api/v1/session -H "Cookie: manyi_session=$SESSION"
eq "and signs in as an agency user" "$STATUS/$(json 'j["agency"]')" "200/A01"

# New answers: an import, the form through a link minted by the release,
# the API through another, and the public channel.
n0=$($MANYI stats --survey $E --weighting none | python3 -c 'import json,sys; print(json.load(sys.stdin)["overall"]["n"])')
printf '%s\n' "encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall,comment" \
	'E140,,,,phone,2024-01-05T10:00:00+08:00,5,4,na,4,4,5,5,4,5,"迁移后, ""新"" 答卷"' >"$T/new.csv"
$MANYI import responses --survey $E "$T/new.csv" >"$T/out" 2>&1
eq "the migrated file takes an imported answer" "$?" 0
contains "and says so" "$(cat "$T/out")" "1 answer imported into $E"
python3 -c 'import json,sys
f = open(sys.argv[1]); f.readline(); json.dump(json.load(f)["definition"], open(sys.argv[2], "w"))' \
	"$X/api-survey-$E.out" "$T/$E.json"
req GET "/s/$E?t=$(secret invited_E004)"
eq "the release's unused link opens the form" "$STATUS" 200
req POST "/s/$E" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary \
	"$(python3 tests/integration/mkbody.py --form "$T/$E.json" -_agency -_domain _csrf="$(field _csrf)" \
		_t="$(secret invited_E004)")"
eq "and takes its answer" "$STATUS" 303
req POST /api/v1/responses -H 'Content-Type: application/json' --data-binary \
	"$(python3 tests/integration/mkbody.py surveys/$P.json -agency -domain token="$(secret invited_E081)")"
eq "an answer through the API with another of its links: 201" "$STATUS" 201
req POST /api/v1/responses -H 'Content-Type: application/json' --data-binary \
	"$(python3 tests/integration/mkbody.py surveys/$P.json agency=A03 domain=urban)"
eq "a public-channel answer: 201" "$STATUS" 201
n1=$($MANYI stats --survey $E --weighting none | python3 -c 'import json,sys; print(json.load(sys.stdin)["overall"]["n"])')
eq "stats still run, and count the two new answers" "$n1" $((n0 + 2))
out=$($MANYI stats --survey $E --by agency,domain --weighting rake 2>&1)
eq "raked stats by agency and domain still run" "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["groups"]) > 0)' "$out")" True
$MANYI export --survey $E --format json >"$T/after.json"
eq "the export has the new answers too" \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/after.json")" \
	"$(($(awk -v s=$E '$1 == s { print $3 }' $X/counts.txt) + 2))"
eq "the file is still intact" "$(sql 'PRAGMA integrity_check')" ok

it_done
