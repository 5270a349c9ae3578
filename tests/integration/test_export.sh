#!/usr/bin/env bash
# manyi export in every format, read back with independent tools — Debian's
# readstat and extract_metadata for .sav and .dta, python3-openpyxl for
# .xlsx, python's csv and json modules — and compared with the database as
# the sqlite3 shell reads it: every answer, every weight (recomputed here),
# labels, the row count; hostile free text neutralised; nothing private in
# any file.  The comparisons live in export_check.py.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
E=enforcement-enterprise
P=enforcement-public
OUT=$T/out
mkdir -p "$OUT"

# Internal response ids far from any value in the data, so that the check
# for leaked ids means something: a placeholder response of another survey
# takes id 770000000 and the imported ones follow it.
sql "INSERT INTO response (id, public_id, survey_id, survey_version, channel, agency, domain, submitted_at)
     VALUES (770000000, 'placeholder', 'zz-placeholder', 1, 'web', 'A01', 'market', '2022-01-01T00:00:00Z')"

# Encounters: every agency x domain x size cell of A01-A03, market and
# ecology, small, micro and large has some, and some of each are answered,
# so that all four weightings can be computed (and checked here).
python3 - "$T" <<'PY'
import csv, random, sys
T = sys.argv[1]
r = random.Random(7)
hostile_districts = ["=1+1", "<b>江岸区</b>", "江\u202e汉区", "+武昌", "@硚口"]
enc, ans = [], []
n = 0
for a in ["A01", "A02", "A03"]:
    for d in ["market", "ecology"]:
        for z in ["large", "small", "micro"]:
            k = r.randint(3, 6)
            for j in range(k):
                n += 1
                eid = "ENC-SECRET-%04d" % n
                dist = hostile_districts[n % len(hostile_districts)] if n % 4 == 0 else r.choice(["江岸区", "洪山区"])
                enc.append([eid, a, d, z, dist, "2022-%02d-%02d" % (1 + n % 12, 1 + n % 28),
                            r.choice(["", "no_violation", "corrected", "warning", "fined", "other"])])
                if j < max(1, k - 2):
                    ans.append(eid)
with open(T + "/e.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "district", "occurred_on", "outcome"])
    w.writerows(enc)

scales = ["legality", "procedure", "fairness", "civility", "efficiency", "transparency",
          "integrity", "disruption", "overall"]
comments = [
    '<script>alert("x")</script>',
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(1)",
    "-2+3",
    "abc\u202edef",
    "执法人员态度很好，点赞！",
    "👍🏻 很满意 🎉",
    'He said "ok", then, left',
    "line1\nline2\r\nline3",
    "\tTAB first",
    "\rCR first",
    "'already quoted",
    "长" * 800,          # 2400 bytes: a Stata strL
    "",
]
problems = ["no_id", "rude", "slow", "none", "fees_favours"]
with open(T + "/a.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + scales +
               ["encounter_type", "problems", "comment"])
    for i, eid in enumerate(ans):
        vals = [str(r.choice([1, 2, 3, 4, 5])) for _ in scales]
        if i % 5 == 1:
            vals[3] = "na"
        if i % 7 == 2:
            vals[0] = "na"
        et = ["inspection", "penalty", "permit", "other", ""][i % 5]
        # "none" stands alone (an exclusive option)
        pr = "none" if i % 11 == 3 else ";".join(r.sample([p for p in problems if p != "none"], i % 3))
        w.writerow([eid, "", "", "", "phone", "2022-06-%02dT10:%02d:00+08:00" % (1 + i % 28, i % 60)] +
                   vals + [et, pr, comments[i % len(comments)]])
    for i in range(6):
        vals = [str(r.choice([1, 3, 5])) for _ in scales]
        w.writerow(["", "A0%d" % (1 + i % 3), ["market", "ecology"][i % 2], "", "kiosk",
                    "2022-07-%02dT09:00:00Z" % (i + 1)] + vals + ["permit", "rude", "公众 %d" % i])
with open(T + "/p.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + scales +
               ["encounter_type", "problems", "comment"])
    for i in range(5):
        vals = [str(1 + (i + j) % 5) for j in range(len(scales))]
        vals[2] = "na"
        w.writerow(["", "A0%d" % (1 + i % 2), "urban", "", "paper", "2022-08-0%dT09:00:00+08:00" % (i + 1)] +
                   vals + ["street", "rude;buck_passing" if i % 2 else "", "=cmd|' /C calc'!A0" if i == 0 else ""])
PY
check "encounters import" $MANYI import encounters "$T/e.csv"
check "answers import" $MANYI import responses --survey $E "$T/a.csv"
check "public answers import" $MANYI import responses --survey $P "$T/p.csv"

# What no form lets through, written straight into the database: control
# characters, a NUL, bytes that are not UTF-8, a C1 control; a required
# item missing; a multi answered with nothing ticked; a choice value the
# definition no longer has; an item it no longer has; a score out of range.
ids=($(sql "SELECT id FROM response WHERE survey_id = '$E' AND encounter_id IS NOT NULL ORDER BY id LIMIT 8"))
sql "DELETE FROM answer WHERE item = 'comment' AND response_id IN (${ids[0]}, ${ids[1]}, ${ids[2]}, ${ids[3]});
     INSERT INTO answer (response_id, item, seq, text) VALUES
       (${ids[0]}, 'comment', 0, 'a' || char(1) || 'b' || char(27) || 'c' || char(127) || 'd'),
       (${ids[1]}, 'comment', 0, 'x' || char(0) || 'y'),
       (${ids[2]}, 'comment', 0, CAST(X'61FF62C0AF' AS TEXT)),
       (${ids[3]}, 'comment', 0, 'nel' || char(133) || 'end' || char(8207));
     DELETE FROM answer WHERE item = 'fairness' AND response_id = ${ids[4]};
     DELETE FROM answer WHERE item = 'problems' AND response_id = ${ids[5]};
     INSERT INTO answer (response_id, item, seq, text) VALUES (${ids[5]}, 'problems', 0, NULL);
     UPDATE answer SET text = 'gone' WHERE item = 'encounter_type' AND response_id = ${ids[6]};
     INSERT INTO answer (response_id, item, seq, num) VALUES (${ids[6]}, 'old_item', 0, 3);
     UPDATE answer SET num = 9 WHERE item = 'overall' AND response_id = ${ids[7]};"

# Version 2 of the survey drops the item disruption and the encounter type
# "other": the answers given to version 1 must stay in every export (the
# columns of every version), and answers to version 2 follow.
/usr/bin/python3 - surveys/$E.json "$T/v2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["version"] = 2
d["items"] = [it for it in d["items"] if it["id"] != "disruption"]
for it in d["items"]:
    if it["id"] == "encounter_type":
        it["options"] = [o for o in it["options"] if o["value"] != "other"] + \
            [{"value": "complaint", "text": {"zh": "投诉处理", "en": "Complaint handling"}}]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
check "version 2 (no disruption, no encounter type other, a new type complaint) loads" $MANYI survey load "$T/v2.json"
eq "it is version 2" "$(sql "SELECT max(version) FROM survey WHERE id = '$E'")" 2
eq "version 1 has answers to disruption and to encounter type other" \
	"$(sql "SELECT count(*) > 0 FROM answer WHERE item = 'disruption'")$(sql "SELECT count(*) > 0 FROM answer WHERE item = 'encounter_type' AND text = 'other'")" 11
printf '%s\n' "encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,overall,encounter_type,problems,comment" \
	",A01,market,,paper,2022-09-01T09:00:00+08:00,5,4,na,3,2,1,5,4,permit,slow;rude,第二版" \
	",A02,ecology,,paper,2022-09-03T07:30:00+08:00,1,2,3,4,5,na,4,3,complaint,,v2" >"$T/v2.csv"
check "answers to version 2 import" $MANYI import responses --survey $E "$T/v2.csv"
$MANYI import responses --survey $E <(sed -e '1s/$/,disruption/' -e '2s/$/,3/' "$T/v2.csv" | head -2) >/dev/null 2>&1
eq "version 2 takes no answer to disruption" "$?" 1

# Secrets that must never reach an export.
$MANYI invite --survey $E --uninvited >"$T/invites.csv" 2>/dev/null
check "invitations minted" test "$(wc -l <"$T/invites.csv")" -gt 5
evaluator_key >"$T/key"
{
	tail -n +2 "$T/invites.csv" | cut -d, -f2
	cat "$T/key"
	sql "SELECT id FROM encounter"
	sql "SELECT id FROM response WHERE survey_id IN ('$E', '$P')"
	sql "SELECT 'hex:' || hex(hash) FROM invitation"
	sql "SELECT 'hex:' || hex(hash) FROM api_key"
} >"$T/secrets"

# A survey whose item ids clash with the fixed columns, SPSS and Stata
# reserved words, and the 32-character limit.
cat >"$T/names.json" <<'JSON'
{"id": "names", "version": 1, "audience": "public",
 "title": {"zh": "名称", "en": "Names"}, "intro": {"zh": "说明", "en": "Intro"},
 "scale": {"points": 4, "satisfied": [3, 4], "labels": {"zh": ["一", "二", "三", "四"], "en": ["one", "two", "three", "four"]}},
 "items": [
  {"id": "to", "type": "scale", "text": {"zh": "到", "en": "To"}, "allow_na": true, "index_weight": 1},
  {"id": "district", "type": "text", "text": {"zh": "区县意见", "en": "District comment"}},
  {"id": "str5", "type": "choice", "text": {"zh": "选择", "en": "Pick"},
   "options": [{"value": "x-1", "text": {"zh": "甲", "en": "X"}}, {"value": "y", "text": {"zh": "乙", "en": "Y"}}]},
  {"id": "a_very_long_item_identifier_that_exceeds_32", "type": "multi",
   "text": {"zh": "这是一个非常长的题目文字，用来检验标签在 Stata 的八十个字符限制之下如何被截断，以及 SPSS 的二百五十五字节限制如何处理，再多写一些文字让它确实超过限制才行啊啊啊啊，这样就足够长了吧", "en": "Long"},
   "options": [{"value": "first-option-with-a-long-value", "text": {"zh": "一", "en": "One"}},
               {"value": "b", "text": {"zh": "二", "en": "Two"}}]}]}
JSON
check "names survey load" $MANYI survey load "$T/names.json"
printf '%s\n' "encounter_id,agency,domain,size,channel,submitted_at,to,district,str5,a_very_long_item_identifier_that_exceeds_32" \
	",A01,market,,kiosk,2022-05-01T09:00:00Z,na,=1,x-1,first-option-with-a-long-value;b" \
	",A02,market,,kiosk,2022-05-02T09:00:00Z,3,ok,y," >"$T/n.csv"
check "names answers import" $MANYI import responses --survey names "$T/n.csv"

# Every format, both languages; the CSV also with a byte order mark.
bad_exports=()
for s in $E $P names; do
	for lang in zh en; do
		for f in csv json ndjson xlsx sav dta; do
			$MANYI export --survey $s --format $f --lang $lang --out "$OUT/$s.$lang.$f" 2>"$T/err"
			rc=$?
			[ "$rc" -eq 0 ] && [ -s "$OUT/$s.$lang.$f" ] ||
				bad_exports+=("$s $f $lang: exit status $rc: $(cat "$T/err")")
		done
	done
	$MANYI export --survey $s --format csv --bom --out "$OUT/$s.bom.csv" 2>"$T/err" ||
		bad_exports+=("$s csv --bom: $(cat "$T/err")")
done
eq "every survey exports in every format and language (a file each)" "${#bad_exports[@]}" 0
[ ${#bad_exports[@]} -eq 0 ] || printf '#   %s\n' "${bad_exports[@]}"
contains "long multi-choice names keep one prefix per item, then the option" \
	"$(head -1 "$OUT/names.zh.csv")" "a_very_long_item_first_option_wi,a_very_long_item_b,"
contains "date: the submission day in UTC+8 (07:30 in Beijing is the day before in UTC)" \
	"$(grep ',v2,' "$OUT/$E.zh.csv")" ",2022-09-02T23:30:00Z,A02,ecology,,,,2022-09-03,0,"
contains "reserved words and clashes are renamed" "$(head -1 "$OUT/names.zh.csv")" "v_to,district_2,v_str5,"
for f in csv json sav; do
	$MANYI export --survey $E --format $f --from 2022-01-01 --to 2022-06-30 --out "$OUT/$E.h1.$f" 2>"$T/h1.err" ||
		not_ok "export a period as $f" "$(cat "$T/h1.err")"
done
$MANYI export --survey $E --format csv --from 2022-07-01 --to 2022-06-30 >/dev/null 2>&1
eq "a period that ends before it starts is a usage error" "$?" 2
$MANYI export --survey $E --format csv --from 2022-02-30 >/dev/null 2>&1
eq "--from is a real date" "$?" 2
$MANYI export --survey $E --format sav --out "$OUT/warn.sav" 2>"$T/err"
eq "a survey whose every weighting can be computed exports without a warning" "$(cat "$T/err")" ""
$MANYI export --survey $P --format csv >/dev/null 2>"$T/err"
contains "the public survey has no base weights, and says why" "$(cat "$T/err")" "weight_base is empty"
$MANYI export --survey $E --format csv >"$T/stdout.csv" 2>/dev/null
eq "stdout carries the same bytes as --out" "$(cmp -s "$T/stdout.csv" "$OUT/$E.zh.csv" && echo same)" same
$MANYI export --survey $E --format xlsx >"$T/stdout.xlsx" 2>/dev/null
eq "a binary format goes to a pipe or a file" "$?" 0

# The comparisons, format by format.
/usr/bin/python3 tests/integration/export_check.py "$DB" "$OUT" "$T/secrets" >"$T/check.out" 2>&1
while IFS=$'\t' read -r verdict desc detail; do
	case "$verdict" in
	PASS) ok "$desc" ;;
	FAIL) not_ok "$desc" "$detail" ;;
	*) not_ok "export_check.py: $verdict $desc $detail" ;;
	esac
done <"$T/check.out"

# The command line: usage errors, a terminal, files only when complete.
$MANYI export --survey $E --format xls >/dev/null 2>&1
eq "an unknown format is a usage error" "$?" 2
$MANYI export --format csv >/dev/null 2>&1
eq "--survey is required" "$?" 2
$MANYI export --survey $E --format sav --bom --out "$T/x.sav" >/dev/null 2>&1
eq "--bom goes with csv only" "$?" 2
$MANYI export --survey $E --format csv --lang fr >/dev/null 2>&1
eq "--lang is zh or en" "$?" 2
$MANYI export --survey nope --format csv >/dev/null 2>"$T/err"
eq "an unknown survey is bad input" "$?" 1
contains "and says so" "$(cat "$T/err")" "unknown survey"
python3 - "$BIN/manyi" "$DB" >"$T/tty" 2>&1 <<'PY'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.run([sys.argv[1], "--db", sys.argv[2], "export", "--survey", "enforcement-enterprise",
                    "--format", "dta"], stdout=s, stderr=subprocess.PIPE)
os.close(s)
print(p.returncode)
print(p.stderr.decode())
PY
eq "a binary format to a terminal is refused" "$(head -1 "$T/tty")" 2
contains "with a hint" "$(cat "$T/tty")" "--out"
mkdir -p "$T/atomic"
$MANYI export --survey $E --format sav --out "$T/atomic/x.sav" 2>/dev/null
before=$(sha256sum <"$T/atomic/x.sav")
$MANYI export --survey nope --format sav --out "$T/atomic/x.sav" 2>/dev/null
eq "a failed export leaves the old file alone" "$(sha256sum <"$T/atomic/x.sav")" "$before"
$MANYI export --survey nope --format csv --out "$T/atomic/y.csv" 2>/dev/null
eq "and leaves no half file behind" "$(ls "$T/atomic")" "x.sav"
$MANYI export --survey $E --format csv --out "$T/no/such/dir/x.csv" 2>"$T/err"
eq "an --out in a missing directory is bad input" "$?" 1
if [ -w /dev/full ]; then
	$MANYI export --survey $E --format ndjson >/dev/full 2>"$T/err"
	eq "a full disk is an error, not a silent half export" "$?" 1
	contains "saying so" "$(cat "$T/err")" "cannot write"
fi

# The statistics' CSV carries registry text too (districts): guarded the same way.
$MANYI stats --survey $E --by district --weighting none --format csv >"$T/stats.csv" 2>"$T/err"
/usr/bin/python3 - "$T/stats.csv" >"$T/districts" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
print("\n".join(r[0] for r in rows[1:]))
PY
contains "stats csv: a district starting with = opens as text" "$(cat "$T/districts")" "'=1+1"
contains "stats csv: + and @ too" "$(cat "$T/districts")" "'+武昌"
eq "stats csv: no district cell starts with = + - or @" "$(grep -cE '^[-=+@]' "$T/districts")" 0
$MANYI stats --survey $E --by district --weighting none >"$T/stats.json" 2>/dev/null
contains "stats json: the district as it is (JSON is data, not a sheet)" "$(cat "$T/stats.json")" '"district":"=1+1"'

# ---- over HTTP: the same bytes through nginx and manyi-fcgi ----
PORT=
it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }
ekey=$(cat "$T/key")
akey=$(agency_key A01)
rkey=$(evaluator_key)
$MANYI key revoke "${rkey:3:12}" >/dev/null
for f in csv json ndjson xlsx sav dta; do
	for lang in zh en; do
		api "$ekey" GET "/api/v1/export?survey=$E&format=$f&lang=$lang"
		if [ "$STATUS" = 200 ] && cmp -s "$T/body" "$OUT/$E.$lang.$f"; then
			ok "GET /api/v1/export $f $lang: 200 and the same bytes as manyi export"
		else
			not_ok "GET /api/v1/export $f $lang: 200 and the same bytes as manyi export" "status $STATUS" \
				"$(cmp "$T/body" "$OUT/$E.$lang.$f" 2>&1)"
		fi
	done
done
contains "a file to save" "$HEADERS" "Content-Disposition: attachment; filename=\"$E.dta\""
contains "with its type" "$HEADERS" "Content-Type: application/x-stata-dta"
api "$ekey" GET "/api/v1/export?survey=$E&format=sav&from=2022-01-01&to=2022-06-30"
eq "GET /api/v1/export of a period: the bytes of manyi export --from --to" "$(cmp -s "$T/body" "$OUT/$E.h1.sav" && echo same)" same
api "$ekey" GET "/api/v1/export?survey=$E&format=csv&from=2022-07-01&to=2022-06-30"; conform GET /api/v1/export
eq "export: a period ending before it starts 400" "$STATUS" 400
api "$ekey" GET "/api/v1/export?survey=$E&format=csv&bom=1"
eq "bom=1 gives the --bom bytes" "$(cmp -s "$T/body" "$OUT/$E.bom.csv" && echo same)" same
contains "csv is UTF-8 text" "$HEADERS" "Content-Type: text/csv; charset=utf-8"
api "" GET "/api/v1/export?survey=$E&format=csv"; conform GET /api/v1/export
eq "export: no key 401" "$STATUS" 401
api "$rkey" GET "/api/v1/export?survey=$E&format=csv"; conform GET /api/v1/export
eq "export: a revoked key 401" "$STATUS" 401
api "$akey" GET "/api/v1/export?survey=$E&format=csv"; conform GET /api/v1/export
eq "export: an agency key 403 (microdata is the evaluator's)" "$STATUS" 403
lacks "and no data with it" "$BODY" "ENC-"
api "$ekey" GET "/api/v1/export?survey=$E&format=xls"; conform GET /api/v1/export
eq "export: an unknown format 400" "$STATUS" 400
api "$ekey" GET "/api/v1/export?survey=$E&format=sav&bom=1"
eq "export: bom with sav 400" "$STATUS" 400
api "$ekey" GET "/api/v1/export?survey=$E&format=csv&lang=fr"
eq "export: lang fr 400" "$STATUS" 400
api "$ekey" GET "/api/v1/export?survey=nope&format=csv"; conform GET /api/v1/export
eq "export: an unknown survey 404" "$STATUS" 404
api "$ekey" GET "/api/v1/export?format=csv"
eq "export: survey is required" "$STATUS" 400

# /api/v1/responses: every page, in order, is the json export without weights.
pages=0
cursor=""
: >"$T/paged.ndjson"
while :; do
	api "$ekey" GET "/api/v1/responses?survey=$E&limit=7${cursor:+&cursor=$cursor}"
	[ "$STATUS" = 200 ] || break
	pages=$((pages + 1))
	[ "$pages" -eq 1 ] && conform GET /api/v1/responses
	json '"\n".join(json.dumps(o, ensure_ascii=False) for o in j["responses"])' >>"$T/paged.ndjson"
	cursor=$(json 'j["next_cursor"] or ""')
	[ -n "$cursor" ] || break
	[ "$pages" -lt 50 ] || break
done
n=$(sql "SELECT count(*) FROM response WHERE survey_id = '$E'")
eq "responses: pages of 7 cover the survey" "$pages" $(((n + 6) / 7))
/usr/bin/python3 - "$T/paged.ndjson" "$OUT/$E.zh.json" >"$T/cmp" 2>&1 <<'PY'
import json, sys
paged = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
full = json.load(open(sys.argv[2]))
want = [{k: v for k, v in o.items() if not k.startswith("weight_") and k != "stratum_n"} for o in full]
print("same" if paged == want else "differ: %d vs %d rows; first: %r" % (len(paged), len(want),
      next(((a, b) for a, b in zip(paged, want) if a != b), None)))
PY
eq "responses: the pages are the json export's rows, weights and stratum_n aside" "$(cat "$T/cmp")" same
api "$ekey" GET "/api/v1/responses?survey=$E&agency=A02&limit=1000"
eq "responses: filtered by agency" "$(json 'sorted({o["agency"] for o in j["responses"]})') $(json 'len(j["responses"])')" \
	"['A02'] $(sql "SELECT count(*) FROM response WHERE survey_id = '$E' AND agency = 'A02'")"
api "$ekey" GET "/api/v1/responses?survey=$E&channel=kiosk"
eq "responses: filtered by channel" "$(json 'len(j["responses"])')" 6
api "$ekey" GET "/api/v1/responses?survey=$E&from=2022-03-01&to=2022-04-30&limit=1000"
eq "responses: filtered by the encounter's date" "$(json 'len(j["responses"])')" \
	"$(sql "SELECT count(*) FROM response r JOIN encounter e ON e.id = r.encounter_id WHERE r.survey_id = '$E' AND e.occurred_on BETWEEN '2022-03-01' AND '2022-04-30'")"
api "$ekey" GET "/api/v1/responses?survey=$E&from=2022-07-02&to=2022-07-03"
eq "responses: a public answer by its submission day" "$(json 'len(j["responses"])') $(json 'j["next_cursor"]')" \
	"$((2 + $(sql "SELECT count(*) FROM response r JOIN encounter e ON e.id = r.encounter_id WHERE r.survey_id = '$E' AND e.occurred_on BETWEEN '2022-07-02' AND '2022-07-03'"))) None"
api "$ekey" GET "/api/v1/responses?survey=$E&limit=0"; conform GET /api/v1/responses
eq "responses: limit 0 is 400" "$STATUS" 400
api "$ekey" GET "/api/v1/responses?survey=$E&limit=1001"
eq "responses: limit over 1000 is 400" "$STATUS" 400
api "$ekey" GET "/api/v1/responses?survey=$E&from=2022-13-01"
eq "responses: a bad date is 400" "$STATUS" 400
api "$ekey" GET "/api/v1/responses?survey=$E&cursor=nonesuch"; conform GET /api/v1/responses
eq "responses: an unknown cursor is 400 bad_cursor" "$STATUS $(json 'j["error"]["code"]')" "400 bad_cursor"
other=$(sql "SELECT public_id FROM response WHERE survey_id = '$P' LIMIT 1")
api "$ekey" GET "/api/v1/responses?survey=$E&cursor=$other"
eq "responses: another survey's response is no cursor" "$STATUS" 400
api "$akey" GET "/api/v1/responses?survey=$E"; conform GET /api/v1/responses
eq "responses: an agency key 403" "$STATUS" 403
lacks "and no answer with it" "$BODY" "response_id"
api "" GET "/api/v1/responses?survey=$E"; conform GET /api/v1/responses
eq "responses: no key 401" "$STATUS" 401
# Free comments, searchable: text=1 keeps the responses with a free-text
# answer, q those with one containing q (ASCII in either case).
# textual WHAT: the ids of the json export's rows whose comment is not empty
# and (with WHAT) contains it, ASCII case aside; "ids" of the page in $BODY.
textual() {
	/usr/bin/python3 - "$OUT/$E.zh.json" "$1" <<'PY'
import json, sys
q = sys.argv[2]
low = lambda s: "".join(c.lower() if c.isascii() else c for c in s)
print(sorted(o["response_id"] for o in json.load(open(sys.argv[1]))
             if o.get("comment") and low(q) in low(o["comment"])))
PY
}
ids() { json 'sorted(o["response_id"] for o in j["responses"])'; }
api "$ekey" GET "/api/v1/responses?survey=$E&text=1&limit=1000"; conform GET /api/v1/responses
eq "responses: text=1 keeps those with a free-text answer" "$(ids)" "$(textual '')"
check "and there are some, not all" test "$(json 'len(j["responses"])')" -gt 0 -a "$(json 'len(j["responses"])')" -lt "$n"
api "$ekey" GET "/api/v1/responses?survey=$E&text=0&limit=1000"
eq "responses: text=0 filters nothing" "$(json 'len(j["responses"])')" "$(sql "SELECT count(*) FROM response WHERE survey_id = '$E'")"
api "$ekey" GET "/api/v1/responses?survey=$E&q=%E7%82%B9%E8%B5%9E&limit=1000"
eq "responses: q finds a Chinese word in the comments" "$(ids)" "$(textual '点赞')"
check "and finds it" test "$(json 'len(j["responses"])')" -gt 0
api "$ekey" GET "/api/v1/responses?survey=$E&q=hyperlink&limit=1000"
eq "responses: q=hyperlink finds HYPERLINK (ASCII case aside)" "$(ids)" "$(textual HYPERLINK)"
check "and finds it" test "$(json 'len(j["responses"])')" -gt 0
api "$ekey" GET "/api/v1/responses?survey=$E&q=%22ok%22%2C%20then&text=1&limit=1000"
eq "responses: q with quotes and a comma" "$(ids)" "$(textual '"ok", then')"
api "$ekey" GET "/api/v1/responses?survey=$E&q=fees_favours&limit=1000"
eq "responses: q searches free text, not the options chosen" "$(json 'len(j["responses"])')" 0
api "$ekey" GET "/api/v1/responses?survey=$E&q=%25&limit=1000"
eq "responses: q=% is a percent sign, not a wildcard" "$(json 'len(j["responses"])')" "$(textual '%' | python3 -c 'import ast,sys; print(len(ast.literal_eval(sys.stdin.read())))')"
pages=0; cursor=""; : >"$T/q.ids"
while :; do
	api "$ekey" GET "/api/v1/responses?survey=$E&q=HYPERLINK&limit=2${cursor:+&cursor=$cursor}"
	[ "$STATUS" = 200 ] || break
	json '"\n".join(o["response_id"] for o in j["responses"])' >>"$T/q.ids"
	pages=$((pages + 1))
	cursor=$(json 'j["next_cursor"] or ""')
	[ -n "$cursor" ] && [ "$pages" -lt 50 ] || break
done
eq "responses: pages of a search hold the search's answers" "$(python3 -c 'import sys; print(sorted(l.strip() for l in open(sys.argv[1]) if l.strip()))' "$T/q.ids")" "$(textual HYPERLINK)"
api "$ekey" GET "/api/v1/responses?survey=$E&agency=A02&q=%E7%82%B9%E8%B5%9E&limit=1000"
eq "responses: q with another filter" "$(json 'sorted({o["agency"] for o in j["responses"]} - {"A02"})')" "[]"
api "$akey" GET "/api/v1/responses?survey=$E&q=%E7%82%B9%E8%B5%9E"; conform GET /api/v1/responses
eq "responses: an agency key searching comments: 403" "$STATUS" 403
lacks "and no comment with it" "$BODY" "点赞"
api "$ekey" GET "/api/v1/responses?survey=$E&q=$(printf 'x%.0s' $(seq 65))"
eq "responses: a q over 64 bytes is 400 naming q" "$STATUS $(json '"q is too long" in j["error"]["message"]')" "400 True"
api "$ekey" GET "/api/v1/responses?survey=nope"; conform GET /api/v1/responses
eq "responses: an unknown survey 404" "$STATUS" 404
api "$ekey" GET "/api/v1/responses?survey=$E&limit=1000"
lacks "responses: no encounter id in a page" "$BODY" "ENC-SECRET"
contains "responses: hostile text travels as a JSON string" "$BODY" '"comment":"<script>alert(\"x\")</script>"'
contains "labelled as JSON" "$HEADERS" "Content-Type: application/json"
contains "which a browser may not sniff into HTML" "$HEADERS" "X-Content-Type-Options: nosniff"
# Hostile registry text on the pages: the invitation form's context line,
# the A6 notice and the A4 batch of notices.
printf 'code,name_zh,name_en\nA03,"<script>alert(1)</script>局\xe2\x80\xae反转","=HYPERLINK(""http://x"")"\n' >"$T/hostile.csv"
check "a hostile agency name imports (it is only text)" $MANYI import agencies "$T/hostile.csv"
a03=$(sql "SELECT id FROM encounter WHERE agency = 'A03'")
enc3=$(tail -n +2 "$T/invites.csv" | cut -d, -f1 | grep -Fxf <(echo "$a03") | head -1)
url=$(grep "^$enc3," "$T/invites.csv" | cut -d, -f3 | tr -d "\r")
req GET "/s/${url#*/s/}"
eq "the invitation form opens" "$STATUS" 200
contains "its context names the agency, escaped" "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;局"
lacks "no script element from the registry" "$BODY" "<script>alert(1)"
lacks "no right-to-left override on the page" "$BODY" $'\u202e'
api "$ekey" GET "/api/v1/encounters/$enc3/notice?t=${url##*t=}"
eq "the A6 notice opens" "$STATUS" 200
contains "the notice names the agency, escaped" "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;局"
lacks "the notice has no right-to-left override" "$BODY" $'\u202e'
api "$ekey" GET "/api/v1/notices?t=${url##*t=}&lang=en"
contains "the A4 notices in English: the formula is text" "$BODY" "=HYPERLINK(&quot;http://x&quot;)"
lacks "and no script" "$BODY" "<script>alert(1)"
it_done
