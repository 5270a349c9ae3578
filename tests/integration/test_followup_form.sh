#!/usr/bin/env bash
# Follow-up cases, the respondent's side, through nginx and manyi-fcgi: a
# bad rating on the web form opens a case in the answer's transaction, the
# thanks page shows its code and the rater code once, the call-back phone
# is refused without consent and sealed (never plain in the database file)
# when given, the API's 201 names the case, a good rating opens none,
# `manyi followup purge` deletes contacts past their retention, and an
# excluded answer leaves the statistics exactly as deleting its row would.
. "$(dirname "$0")/lib.sh"
it_start

S=surveys/enforcement-enterprise.json
U=/s/enforcement-enterprise
form() { python3 tests/integration/mkbody.py --form "$S" "$@"; }
post() { req POST "$U" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"; }
cases() { sql "SELECT count(*) FROM followup"; }
PHONE=13912345678

check "manyi init made the contact key file, 0600" test "$(stat -c %a "$DB.contact-key")" = 600
req GET "$U"
contains "the form offers the call-back consent" "$BODY" 'name="_callback" value="yes"'
contains "with who calls and that the agency never sees it" "$BODY" "看不到我的电话"
TOKEN=$(field _csrf)

# A good rating without misconduct opens nothing.
post "$(form _csrf="$TOKEN" _n=a1 overall=5 problems=slow)"
eq "a good answer is 303" "$STATUS" 303
eq "a good answer opens no case" "$(cases)" 0
lacks "and sets no case cookie" "$HEADERS" "manyi_fu="

# A phone without consent, and consent with a bad phone: 422 at the field, values kept.
post "$(form _csrf="$TOKEN" _n=a2 overall=1 problems=slow _phone=$PHONE)"
eq "a phone without consent is 422" "$STATUS" 422
contains "says to tick the consent" "$BODY" "请先勾选同意回访"
contains "keeps the phone typed" "$BODY" "value=\"$PHONE\""
post "$(form _csrf="$TOKEN" _n=a3 overall=1 problems=slow _callback=yes _phone=12345)"
eq "consent with a bad phone is 422" "$STATUS" 422
contains "says the number is not one" "$BODY" "电话号码格式不正确"
contains "the consent stays ticked" "$BODY" 'value="yes" checked'
eq "nothing stored by the refused posts" "$(sql "SELECT count(*) FROM response")" 1

# A bad rating with consent and a phone: a case, the phone sealed.
post "$(form _csrf="$TOKEN" _n=a4 overall=1 problems=slow _callback=yes _phone=$PHONE)"
eq "a bad rating is 303" "$STATUS" 303
eq "it opened one case" "$(cases)" 1
eq "for the answer just stored, low_score, state open" \
	"$(sql "SELECT f.reason, f.state, f.resp = (SELECT max(id) FROM resp) FROM followup f")" "low_score|open|1"
CODE=$(sql "SELECT code FROM followup")
check "the case code is FU- and 10 base32 characters" grep -qE '^FU-[A-Z2-7]{10}$' <<<"$CODE"
eq "opened today (UTC+8)" "$(sql "SELECT opened_on FROM followup")" "$(TZ=Asia/Shanghai date +%F)"
# N working days after today, counted here from the calendar table (Mon-Fri unless a
# holiday, and the weekend days marked workday).
workdays_after() { python3 -c '
import datetime, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[3])
kind = dict(db.execute("SELECT date, kind FROM calendar_day"))
d = datetime.date.fromisoformat(sys.argv[2])
while n > 0:
    d += datetime.timedelta(days=1)
    k = kind.get(d.isoformat())
    if k == "workday" or (k is None and d.weekday() < 5):
        n -= 1
print(d.isoformat())' "$DB" "$1" "$2"; }
TODAY=$(TZ=Asia/Shanghai date +%F)
eq "the reply is due 5 working days later" "$(sql "SELECT reply_due FROM followup")" "$(workdays_after "$TODAY" 5)"
eq "rectification 15 working days later" "$(sql "SELECT rectify_due FROM followup")" "$(workdays_after "$TODAY" 15)"
contains "the case cookie is short-lived, HttpOnly, Strict, /s/" "$HEADERS" "Path=/s/; Max-Age=600; HttpOnly; SameSite=Strict"
eq "one sealed contact" "$(sql "SELECT count(*), length(sealed) FROM followup_contact")" "1|51"
check "the phone is nowhere in the database files" bash -c "! grep -a -q $PHONE $DB* $T/var/*.log 2>/dev/null"
check "the rater code is stored as a 32-byte hash" test "$(sql "SELECT length(rater_code) FROM followup")" = 32

req GET "$U/thanks?lang=zh"
eq "the thanks page is 200" "$STATUS" 200
contains "shows the case code" "$BODY" "$CODE"
RATER=$(grep -oE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' <<<"$BODY" | head -1)
check "shows a rater code XXXX-XXXX-XXXX" test -n "$RATER"
contains "and clears the cookie" "$HEADERS" "manyi_fu=; Path=/s/; Max-Age=0"
req GET "$U/thanks?lang=zh"
lacks "shown once: not on the next visit" "$BODY" "$CODE"

# /followup: the rater code shows the case, takes one 追评.
fpost() { req POST /followup -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"; }
req GET /followup
eq "GET /followup is 200" "$STATUS" 200
contains "asks for the rater code" "$BODY" 'name="code"'
lacks "no script on the page" "$BODY" "<script"
FT=$(field _csrf)
fpost "_csrf=$FT&code=AAAA-BBBB-CCCC"
eq "a wrong code is 404" "$STATUS" 404
contains "saying so" "$BODY" "没有找到这个追评码"
fpost "code=$RATER"
eq "without the CSRF field 403" "$STATUS" 403
lower=$(tr 'A-Z' 'a-z' <<<"${RATER//-/ }")
fpost "_csrf=$FT&code=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$lower")"
eq "the code typed in lower case with spaces is found" "$STATUS" 200
contains "shows the case code" "$BODY" "$CODE"
contains "its state" "$BODY" "待答复"
contains "that the agency has not replied" "$BODY" "执法机关尚未答复"
contains "offers the 追评 on the survey's scale" "$BODY" 'name="score" value="5"'
sql "INSERT INTO followup_event (followup, actor, kind, action, note) SELECT id, 'agency', 'reply', 'fixed', '已当面致歉并退还费用' FROM followup WHERE code = '$CODE'"
fpost "_csrf=$FT&code=$RATER&_rate=1"
eq "a 追评 without a score is 422" "$STATUS" 422
contains "shows the agency's reply" "$BODY" "已当面致歉并退还费用"
fpost "_csrf=$FT&code=$RATER&_rate=1&score=4&comment=%E5%A4%84%E7%90%86%E5%BE%88%E5%BF%AB"
eq "the 追评 is taken" "$STATUS" 200
contains "with thanks" "$BODY" "感谢您的追评"
eq "stored as one rating event by the rater" \
	"$(sql "SELECT actor, kind, score, note FROM followup_event WHERE kind = 'rating'")" "rater|rating|4|处理很快"
fpost "_csrf=$FT&code=$RATER&_rate=1&score=1"
eq "a second 追评 is not taken" "$(sql "SELECT count(*) FROM followup_event WHERE kind = 'rating'")" 1
contains "the page shows the rating given" "$BODY" "您已追评"
fpost "_csrf=$FT&code=$RATER&lang=en&_lang=en"
contains "in English with _lang=en" "$BODY" "Your rating: "

# Misconduct without a bad score, and no phone: a case without contact.
post "$(form _csrf="$TOKEN" _n=a5 overall=4 problems=fees_favours)"
eq "misconduct opens a case" "$(sql "SELECT reason FROM followup ORDER BY id DESC LIMIT 1")" misconduct
eq "without a phone no contact" "$(sql "SELECT count(*) FROM followup_contact")" 1

# The API: the 201 names the case and the rater code.
KEY=$(evaluator_key)
api "$KEY" POST /api/v1/responses -H 'Content-Type: application/json' \
	--data-binary "$(python3 tests/integration/mkbody.py "$S" answers.overall=2 'answers.problems=["rude"]')"
eq "the API answer is 201" "$STATUS" 201
eq "its reply names the case" "$(json 'j["followup"]["reason"]')" "low_score,misconduct"
check "with a code and a rater code" python3 -c 'import json,re,sys; f=json.loads(sys.argv[1])["followup"]; sys.exit(not (re.fullmatch(r"FU-[A-Z2-7]{10}", f["code"]) and re.fullmatch(r"([A-Z2-7]{4}-){2}[A-Z2-7]{4}", f["rater_code"])))' "$BODY"
eq "the case is stored" "$(sql "SELECT count(*) FROM followup")" 3

# The import: a paper answer's bad score opens its case in the import's transaction.
n0=$(cases)
# paper_csv DOMAIN:OVERALL...: a CSV of paper answers to agency A03, every scale item 4 but overall.
paper_csv() { python3 -c '
import json, sys
d = json.load(open("surveys/enforcement-enterprise.json"))
scale = [i["id"] for i in d["items"] if i["type"] == "scale"]
print(",".join(["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + scale + ["problems"]))
for a in sys.argv[1:]:
    dom, overall = a.split(":")
    print(",".join(["", "A03", dom, "", "paper", "2026-11-02T09:00:00+08:00"] +
                   [overall if i == "overall" else "4" for i in scale] + ["slow"]))' "$@"; }
paper_csv urban:1 urban:5 >"$T/paper.csv"
$MANYI import responses --survey enforcement-enterprise "$T/paper.csv" >/dev/null
eq "an imported bad answer opens a case, a good one none" "$(cases)" $((n0 + 1))
eq "the case is the paper answer's, its agency's" \
	"$(sql "SELECT f.reason, f.agency FROM followup f JOIN response r ON r.id = f.resp WHERE r.channel = 'paper'")" "low_score|A03"
paper_csv urban:1 nowhere:1 >"$T/bad.csv"
$MANYI import responses --survey enforcement-enterprise "$T/bad.csv" >/dev/null 2>&1
eq "a refused import opens no case either (one transaction)" "$(cases)" $((n0 + 1))

# Purge: a closed case's contact goes once its retention has passed.
sql "UPDATE followup SET state = 'closed', closed_on = '2026-01-01' WHERE code = '$CODE'"
sql "UPDATE followup_contact SET purge_after = '2026-01-31'"
out=$($MANYI followup purge --today 2026-01-30)
contains "nothing due the day before" "$out" "0 call-back contacts deleted"
out=$($MANYI followup purge --today 2026-01-31)
contains "purged on the day due" "$out" "1 call-back contact deleted"
eq "the sealed contact is gone" "$(sql "SELECT count(*) FROM followup_contact")" 0
eq "the purge is audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'followup.purge'")" 1

# Exclusion: the statistics as if the rows were deleted.
for i in 1 2 3 4 5 6; do post "$(form _csrf="$TOKEN" _n=b$i overall=$(( (i % 5) + 1 )) legality=$(( (i % 4) + 1 )) problems=slow)"; done
st() { "$BIN/manyi" --db "$1" stats --survey enforcement-enterprise --weighting none --format json 2>&1; }
before=$(st "$DB")
sqlite3 "$DB" ".backup '$T/deleted.db'"
EX=$(sql "SELECT id FROM resp ORDER BY id LIMIT 2 OFFSET 3")
for r in $EX; do sql "INSERT INTO exclusion (resp, source, reason, decided_by) VALUES ($r, 'appeal', 'upheld in test', 'test')"; done
for r in $EX; do sqlite3 "$T/deleted.db" "DELETE FROM followup WHERE resp = $r; DELETE FROM answer_text WHERE response = $r; DELETE FROM resp WHERE id = $r"; done
a=$(st "$DB")
b=$(st "$T/deleted.db")
strip() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); [j.pop(k,None) for k in ("generated_at","data_time","data_as_of")]; [r.pop("excluded",None) for r in [j.get("overall",{})]+j.get("groups",[])]; print(json.dumps(j,sort_keys=True))' "$1"; }
eq "excluded answers leave stats as deleted rows do" "$(strip "$a")" "$(strip "$b")"
check "and the exclusion did change them" test "$(strip "$a")" != "$(strip "$before")"
eq "an excluded answer keeps its case" "$(sql "SELECT count(*) FROM followup f JOIN exclusion x ON x.resp = f.resp")" 2

# The export keeps the excluded answers, marked, without weights.
$MANYI export --survey enforcement-enterprise --format csv --out "$T/x.csv" 2>/dev/null
check "the export marks exactly the excluded answers, with the reason and no weight" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
ex = [r for r in rows if r["excluded"] == "1"]
ok = len(rows) == int(sys.argv[2]) and len(ex) == 2 and all(r["excluded_reason"] == "upheld in test" and r["weight_base"] == "" for r in ex)
ok = ok and all(r["excluded"] == "0" and r["excluded_reason"] == "" for r in rows if r not in ex)
sys.exit(0 if ok else 1)' "$T/x.csv" "$(sql "SELECT count(*) FROM resp")"
lacks "and never the phone or a code" "$(cat "$T/x.csv")" "$CODE"

# Without the key file the form offers no call-back, and a phone posted anyway is dropped unread.
stack_stop "$T/var" >/dev/null 2>&1
mv "$DB.contact-key" "$T/key.moved"
PORT=
it_stack || { not_ok "restart without the key file"; it_done; exit 1; }
req GET "$U"
lacks "without the key: no call-back consent on the form" "$BODY" "_callback"
TOKEN=$(field _csrf)
n0=$(sql "SELECT count(*) FROM followup_contact")
post "$(form _csrf="$TOKEN" _n=c1 overall=1 problems=slow _callback=yes _phone=$PHONE)"
eq "a bad answer is still taken" "$STATUS" 303
eq "its case opened" "$(sql "SELECT count(*) FROM followup WHERE resp = (SELECT max(id) FROM resp)")" 1
eq "and the phone is not kept" "$(sql "SELECT count(*) FROM followup_contact")" "$n0"

it_done
