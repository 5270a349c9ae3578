#!/usr/bin/env bash
# The complaint channel (投诉举报, issue 15) through nginx and manyi-fcgi: the
# public form (CSRF, honeypot, the public channel's hourly limit, 422 with
# values kept), the tracking code shown once and the tracking page, the
# staff's JSON (triage with audit, forward with a due date in working days,
# transfer and the printable letter), an agency seeing only what was
# forwarded to it and never the contact, the contact sealed at rest.
. "$(dirname "$0")/lib.sh"

it_db || { not_ok "set up the database"; exit 1; }
$MANYI init --evaluator-name "某市司法局" --evaluator-name-en "Municipal Justice Bureau" >/dev/null ||
	{ not_ok "set the bureau's name"; exit 1; }
# The sealing key the server reads at start: manyi init made it, for its owner only.
eq "manyi init made the sealing key, 0600" "$(stat -c %a "$DB.contact-key" 2>&1)" 600
sql "INSERT INTO officer (cert_no, name, agency, status, valid_until) VALUES
	('42010020230001', '张三', 'A01', 'valid', '2027-12-31'),
	('42010020230002', '李四', 'A02', 'valid', '2027-12-31')"
it_stack || { not_ok "start nginx and manyi-fcgi"; exit 1; }

EVAL=$(evaluator_key)
AG1=$(agency_key A01)
AG2=$(agency_key A02)
PHONE=13912345678
count() { sql "SELECT count(*) FROM complaint"; }
# post PATH FIELD=VALUE...: a urlencoded form post.
post() {
	local p=$1 a=() f
	shift
	for f in "$@"; do a+=(--data-urlencode "$f"); done
	req POST "$p" "${a[@]}"
}
today=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date())')
tomorrow=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() + datetime.timedelta(hours=32)).date())')

# --- The form -------------------------------------------------------------
req GET /complaint
eq "the form is 200" "$STATUS" 200
contains "Chinese by default" "$BODY" 'lang="zh-CN"'
contains "lists the agencies by name" "$BODY" "市市场监督管理局"
contains "lists the categories" "$BODY" "吃拿卡要"
contains "offers a contact (the key was read)" "$BODY" 'name="contact"'
contains "anonymous by default" "$BODY" 'value="yes" checked'
contains "has the honeypot" "$BODY" 'name="_hp"'
contains "sets the CSRF cookie for /complaint" "$HEADERS" "Path=/complaint; Max-Age"
lacks "no script on the page" "$BODY" "<script"
TOKEN=$(field _csrf)
check "the form carries a CSRF token" test -n "$TOKEN"
req GET "/complaint?agency=A01&officer_cert=42010020230001"
contains "a link fills in the agency" "$BODY" 'value="A01" selected'
contains "and the officer's certificate" "$BODY" 'value="42010020230001"'
req GET "/complaint?lang=en"
contains "English with lang=en" "$BODY" "Report misconduct"
contains "English category names" "$BODY" "Demanding or accepting benefits"

n0=$(count)
post /complaint what="很好"
eq "no CSRF token: 403" "$STATUS" 403
eq "nothing stored without the token" "$(count)" "$n0"
contains "the 403 form says why" "$BODY" "class=\"notice\""
TOKEN=$(field _csrf)

post /complaint _csrf="$TOKEN" what="" agency=A01 category=rough place="解放路 <b>1</b>" happened_on="$tomorrow"
eq "a bad post is 422" "$STATUS" 422
contains "says what is missing at the field" "$BODY" 'id="e-what"'
contains "refuses a date after today" "$BODY" "日期不能晚于今天"
contains "keeps the place, escaped" "$BODY" 'value="解放路 &lt;b&gt;1&lt;/b&gt;"'
contains "keeps the agency chosen" "$BODY" 'value="A01" selected'
eq "nothing stored from a bad post" "$(count)" "$n0"

post /complaint _csrf="$TOKEN" what="罚款不开票" agency=A01 category=benefits officer_cert=42010020230002
eq "an officer of another agency: 422" "$STATUS" 422
contains "says the certificate is another agency's" "$BODY" "属于另一个执法单位"
post /complaint _csrf="$TOKEN" what="罚款不开票" agency=A01 category=benefits officer_cert=NOSUCH
contains "an unknown certificate is refused" "$BODY" "没有这个执法证号"
post /complaint _csrf="$TOKEN" what="罚款不开票" agency=A01 category=benefits anonymous=yes contact="$PHONE"
contains "a contact while anonymous is refused" "$BODY" 'id="e-contact"'

# A filled honeypot: thanks, nothing stored.
post /complaint _csrf="$TOKEN" what="spam" agency=A01 category=other _hp="http://spam"
eq "the honeypot is answered 303" "$STATUS" 303
eq "nothing stored from a bot" "$(count)" "$n0"

# Complaint 1: named officer, contact left (sealed).
post /complaint _csrf="$TOKEN" what="执法人员索要好处费，不给就罚款。" happened_on="$today" place="解放路菜市场" \
	agency=A01 category=benefits officer_cert=42010020230001 anonymous=no contact="$PHONE"
eq "a good post is 303" "$STATUS" 303
contains "to the filed page" "$HEADERS" "Location: /complaint/filed?lang=zh"
contains "the code goes in a short-lived HttpOnly cookie" "$HEADERS" "Max-Age=600; HttpOnly; SameSite=Strict"
eq "one complaint stored" "$(count)" $((n0 + 1))
req GET "/complaint/filed?lang=zh"
eq "the filed page is 200" "$STATUS" 200
TRACK1=$(grep -oE '[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}' <<<"$BODY" | head -1)
check "shows the tracking code grouped" test -n "$TRACK1"
contains "clears the cookie" "$HEADERS" "manyi_cmp=; Path=/complaint/; Max-Age=0"
req GET "/complaint/filed?lang=zh"
lacks "the code is shown once" "$BODY" "$TRACK1"
raw1=$(tr -d '-' <<<"$TRACK1")
eq "the tracking code is not stored" "$(sql "SELECT count(*) FROM complaint WHERE code LIKE '%$raw1%' OR track_hash LIKE '%$raw1%'")" 0
eq "only its 32-byte hash is" "$(sql "SELECT length(track_hash) FROM complaint ORDER BY id DESC LIMIT 1")" 32
C1=$(sql "SELECT code FROM complaint ORDER BY id DESC LIMIT 1")
eq "stored with the officer, not anonymous, contact sealed" \
	"$(sql "SELECT officer, anonymous, length(contact_sealed) > 40, filed_on FROM complaint WHERE code='$C1'")" \
	"42010020230001|0|1|$today"

# Complaint 2: anonymous, free-text officer (about A01 too, never forwarded).
post /complaint _csrf="$TOKEN" what="暴力执法，推搡摊主。" agency=A01 category=rough officer_text="高个子，戴眼镜"
eq "an anonymous complaint is 303" "$STATUS" 303
req GET /complaint/filed
TRACK2=$(grep -oE '[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}' <<<"$BODY" | head -1)
C2=$(sql "SELECT code FROM complaint ORDER BY id DESC LIMIT 1")
eq "anonymous, no contact" "$(sql "SELECT anonymous, contact_sealed IS NULL, officer IS NULL FROM complaint WHERE code='$C2'")" "1|1|1"

# The contact is sealed: the phone is nowhere in the database's files.
sqlite3 "$DB" "PRAGMA wal_checkpoint(FULL)" >/dev/null
if grep -rqa "$PHONE" "$DB" "$DB"-* 2>/dev/null; then
	not_ok "the phone is not in the database file"
else
	ok "the phone is not in the database file"
fi

# --- Tracking --------------------------------------------------------------
req GET /complaint/track
eq "the tracking page is 200" "$STATUS" 200
TOKEN=$(field _csrf)
post /complaint/track _csrf="$TOKEN" code="$(tr 'A-Z' 'a-z' <<<"$TRACK1")"
eq "a tracking code (typed in lower case) finds it" "$STATUS" 200
contains "shows the state in words" "$BODY" "已收到，等待分办"
contains "shows the category" "$BODY" "吃拿卡要"
contains "shows the filing date" "$BODY" "$today"
lacks "never the contact" "$BODY" "$PHONE"

# --- Categories ------------------------------------------------------------
req GET /api/v1/complaint-categories
eq "the categories are public JSON" "$STATUS" 200
conform GET /api/v1/complaint-categories
eq "eight shipped categories" "$(json 'len(j["categories"])')" 8
eq "with names and the national category" "$(json '[c for c in j["categories"] if c["code"]=="benefits"][0]["name"]["zh"]')" "吃拿卡要（索取、收受利益）"

# --- Staff JSON ------------------------------------------------------------
api "" GET /api/v1/complaints
eq "the list needs a key" "$STATUS" 401
api "$EVAL" GET /api/v1/complaints
eq "the evaluator lists them" "$STATUS" 200
eq "both complaints" "$(json 'len(j["complaints"])')" 2
conform GET /api/v1/complaints
api "$EVAL" GET "/api/v1/complaints/$C1"
eq "one complaint" "$STATUS" 200
conform GET "/api/v1/complaints/{code}"
eq "the shape of DESIGN15" "$(json 'sorted(j.keys())')" \
	"['agency', 'agency_name', 'anonymous', 'category', 'category_name', 'code', 'discipline', 'due', 'events', 'filed_on', 'happened_on', 'has_contact', 'national', 'officer', 'officer_text', 'overdue', 'place', 'state', 'what']"
eq "the officer named from the table" "$(json 'j["officer"]["name"] + " " + j["officer"]["cert_no"]')" "张三 42010020230001"
eq "names beside codes" "$(json 'j["agency_name"]["zh"] + "|" + j["category_name"]["en"]')" "市市场监督管理局|Demanding or accepting benefits"
eq "national and discipline" "$(json '(j["national"], j["discipline"], j["has_contact"], j["anonymous"])')" "(1, True, True, False)"
lacks "the JSON has no contact" "$BODY" "$PHONE"
api "$EVAL" GET "/api/v1/complaints?state=bogus"
eq "a bad state is 400" "$STATUS" 400

# The agencies see nothing before a forward.
api "$AG1" GET /api/v1/complaints
eq "agency: nothing forwarded yet" "$(json 'len(j["complaints"])')" 0
api "$AG1" GET "/api/v1/complaints/$C1"
eq "agency: a complaint not forwarded is 404" "$STATUS" 404

# Triage.
triage() { api "$EVAL" POST "/api/v1/complaints/$1/triage" -H 'Content-Type: application/json' --data-binary "$2"; }
triage "$C1" '{"action":"reject"}'
eq "reject without a note: 422" "$STATUS" 422
contains "names the field" "$BODY" '"field":"note"'
triage "$C1" '{"action":"fly"}'
eq "an unknown action: 422" "$STATUS" 422
api "$AG1" POST "/api/v1/complaints/$C1/triage" -H 'Content-Type: application/json' --data-binary '{"action":"accept"}'
eq "an agency does not triage: 403" "$STATUS" 403
triage "$C1" '{"action":"note","note":"内部备注：与12345工单重复核查"}'
eq "a note is 200" "$STATUS" 200
triage "$C1" '{"action":"accept"}'
eq "accept is 200" "$STATUS" 200
eq "accepted" "$(json 'j["state"]')" accepted
triage "$C1" '{"action":"accept"}'
eq "accept twice: 409" "$STATUS" 409
conform POST "/api/v1/complaints/{code}/triage"
contains "says which state allows it" "$BODY" "a received complaint"

# Forward: the due date is 10 working days on (the default), on the calendar.
triage "$C1" '{"action":"forward","note":"请核查并答复"}'
eq "forward is 200" "$STATUS" 200
eq "forwarded" "$(json 'j["state"]')" forwarded
conform POST "/api/v1/complaints/{code}/triage"
expected=$(python3 - "$DB" "$today" 10 <<'EOF'
import datetime, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
marks = dict(db.execute("SELECT date, kind FROM calendar_day"))
years = {r[0] for r in db.execute("SELECT year FROM calendar_year")}
d = datetime.date.fromisoformat(sys.argv[2]); n = int(sys.argv[3])
while n > 0:
    d += datetime.timedelta(days=1)
    if d.year not in years:
        print("None"); sys.exit()
    k = marks.get(d.isoformat())
    if (d.weekday() < 5 and k != "holiday") or k == "workday":
        n -= 1
print(d)
EOF
)
eq "due = 10 working days after today on the holiday calendar" "$(json 'j["due"]')" "$expected"
eq "the event records the due" "$(json '[e["due"] for e in j["events"] if e["action"]=="forward"][0]')" "$expected"
eq "not overdue" "$(json 'j["overdue"]')" False
eq "the same as manyi workdays add" "$(json 'j["due"]')" "$($MANYI workdays add "$today" 10 2>/dev/null || echo None)"
eq "the triage is audited" "$(sql "SELECT count(*) FROM audit WHERE action='complaint triage' AND object='$C1'")" 3

# An agency sees only what was forwarded to it, and never the contact.
api "$AG1" GET /api/v1/complaints
eq "agency A01 sees the forwarded one only" "$(json '[c["code"] for c in j["complaints"]]')" "['$C1']"
api "$AG1" GET "/api/v1/complaints/$C1"
eq "agency: 200" "$STATUS" 200
eq "agency: no anonymous flag, no has_contact" "$(json '("anonymous" in j, "has_contact" in j)')" "(False, False)"
eq "agency: only the forward among the events" "$(json '[e["action"] for e in j["events"]]')" "['forward']"
lacks "agency: never the contact" "$BODY" "$PHONE"
lacks "agency: not the evaluator's note" "$BODY" "内部备注"
api "$AG1" GET "/api/v1/complaints/$C2"
eq "agency: the one not forwarded stays 404" "$STATUS" 404
api "$AG1" GET "/api/v1/complaints/$C1/contact"
eq "agency: the contact is 403" "$STATUS" 403
api "$AG1" GET "/api/v1/complaints/$C1/letter"
eq "agency: the letter is 403" "$STATUS" 403
api "$AG2" GET /api/v1/complaints
eq "agency A02 sees none" "$(json 'len(j["complaints"])')" 0
api "$AG2" GET "/api/v1/complaints/$C1"
eq "agency A02: another's complaint is 404" "$STATUS" 404

# Overdue when the due date has passed.
sql "UPDATE complaint SET due='2020-01-02' WHERE code='$C1'"
api "$EVAL" GET "/api/v1/complaints/$C1"
eq "overdue past its due date" "$(json 'j["overdue"]')" True
sql "UPDATE complaint SET due='$expected' WHERE code='$C1'"

# The agency answers.
answer() { api "$AG1" POST "/api/v1/complaints/$1/answer" -H 'Content-Type: application/json' --data-binary "$2"; }
answer "$C1" '{}'
eq "an answer needs a note: 422" "$STATUS" 422
answer "$C1" '{"note":"经核查，已对当事执法人员批评教育并退还款项。"}'
eq "the answer is 200" "$STATUS" 200
eq "answered" "$(json 'j["state"]')" answered
conform POST "/api/v1/complaints/{code}/answer"
answer "$C1" '{"note":"again"}'
eq "answering twice: 409" "$STATUS" 409
api "$EVAL" POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' --data-binary '{"note":"x"}'
eq "the evaluator does not answer for the agency: 403" "$STATUS" 403
eq "the answer is audited" "$(sql "SELECT count(*) FROM audit WHERE action='complaint answer' AND object='$C1'")" 1

# Transfer and the letter.
api "$EVAL" GET "/api/v1/complaints/$C1/letter"
eq "no letter before a transfer: 409" "$STATUS" 409
triage "$C1" '{"action":"transfer"}'
eq "transfer without a receiver: 422" "$STATUS" 422
triage "$C1" "{\"action\":\"transfer\",\"receiver\":\"$(python3 -c 'print("纪" * 201)')\"}"
eq "a receiver over 200 characters: 422" "$STATUS" 422
triage "$C1" '{"action":"transfer","receiver":"市纪委监委","note":"涉嫌违反廉洁纪律"}'
eq "transfer is 200" "$STATUS" 200
eq "transferred" "$(json 'j["state"]')" transferred
api "$AG1" GET "/api/v1/complaints/$C1"
eq "agency: a transferred complaint is withdrawn from it (404)" "$STATUS" 404
api "$AG1" GET /api/v1/complaints
eq "agency: and gone from its list" "$(json 'len(j["complaints"])')" 0
api "$EVAL" GET "/api/v1/complaints/$C1/letter?lang=zh"
eq "the letter is 200" "$STATUS" 200
contains "the letter is HTML" "$HEADERS" "text/html; charset=utf-8"
contains "the letter's title" "$BODY" "问题线索移送函"
contains "its number" "$BODY" "移字〔${today:0:4}〕第 1 号"
contains "the receiver" "$BODY" "市纪委监委："
contains "the bureau's name" "$BODY" "某市司法局"
contains "the facts" "$BODY" "执法人员索要好处费"
contains "the category" "$BODY" "吃拿卡要（索取、收受利益）"
contains "the national category" "$BODY" "党员涉嫌违犯党纪"
contains "the officer" "$BODY" "张三（执法证号 42010020230001）"
contains "the attachments" "$BODY" "附件"
contains "dated as letters are" "$BODY" "$(python3 -c 'import sys; y, m, d = sys.argv[1].split("-"); print(f"{y}年{int(m)}月{int(d)}日")' "$today")"
contains "the A4 print styles" "$BODY" "/assets/letter.css"
lacks "the letter has no contact" "$BODY" "$PHONE"
api "$EVAL" GET "/api/v1/complaints/$C1/letter?lang=en"
contains "the English letter" "$BODY" "Letter transferring a problem clue"
contains "with the English bureau name" "$BODY" "Municipal Justice Bureau"
req GET /assets/letter.css
eq "the print styles are served" "$STATUS" 200

# The contact, for the evaluator, audited.
api "$EVAL" GET "/api/v1/complaints/$C1/contact"
eq "the evaluator reads the contact" "$(json 'j["contact"]')" "$PHONE"
eq "the unsealing is audited" "$(sql "SELECT count(*) FROM audit WHERE action='complaint contact unsealed' AND object='$C1'")" 1
api "$EVAL" GET "/api/v1/complaints/$C2/contact"
eq "an anonymous complaint has none: 404" "$STATUS" 404

# Reject and close with reasons; the complainant sees the public steps.
triage "$C2" '{"action":"reject","note":"反映的情况不属于行政执法范围。"}'
eq "reject with a note is 200" "$STATUS" 200
req GET /complaint/track
TOKEN=$(field _csrf)
post /complaint/track _csrf="$TOKEN" code="$TRACK1"
contains "tracking: transferred" "$BODY" "已移送有关机关处理"
contains "tracking: the forward and its due" "$BODY" "$expected"
contains "tracking: the agency's answer" "$BODY" "已对当事执法人员批评教育"
lacks "tracking: not the evaluator's note" "$BODY" "内部备注"
post /complaint/track _csrf="$TOKEN" code="$TRACK2" _lang=en
contains "tracking in English: not accepted" "$BODY" "Not accepted"
contains "tracking: the reason" "$BODY" "不属于行政执法范围"

# A due date past the calendar's covered years is flagged, never guessed.
req GET /complaint
TOKEN=$(field _csrf)
post /complaint _csrf="$TOKEN" what="无证执法" agency=A02 category=no_certificate
C3=$(sql "SELECT code FROM complaint ORDER BY id DESC LIMIT 1")
sql "CREATE TABLE saved_years AS SELECT * FROM calendar_year; DELETE FROM calendar_year WHERE year >= ${today:0:4}"
triage "$C3" '{"action":"forward","days":3}'
eq "forward past the calendar: 200" "$STATUS" 200
eq "no due date, flagged" "$(json '(j["due"], j["due_uncovered"], j["state"])')" "(None, True, 'forwarded')"
eq "never overdue without a due date" "$(json 'j["overdue"]')" False
sql "INSERT INTO calendar_year SELECT * FROM saved_years WHERE year NOT IN (SELECT year FROM calendar_year); DROP TABLE saved_years"
triage "$C3" '{"action":"close","note":"已核实，执法人员持有效证件。"}'
eq "close with a note" "$(json 'j["state"]')" closed
triage "$C3" '{"action":"note","note":"x"}'
eq "nothing after closing: 409" "$STATUS" 409

# --- CLI -------------------------------------------------------------------
out=$($MANYI complaint list --format csv)
contains "CLI list: CSV with names" "$out" "$C1,$today,transferred"
contains "CLI list: agency name beside the code" "$out" "A01,市市场监督管理局,benefits"
eq "CLI list --state" "$($MANYI complaint list --state rejected | python3 -c 'import json,sys; print([c["code"] for c in json.load(sys.stdin)["complaints"]])')" "['$C2']"
out=$($MANYI complaint show "$C1")
eq "CLI show" "$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], len(j["events"]))' <<<"$out")" "transferred 5"
lacks "CLI show has no contact" "$out" "$PHONE"
$MANYI complaint show TS-NOPE >/dev/null 2>"$T/err"
eq "CLI show of an unknown code: exit 1" "$?" 1
cat >"$T/cats.json" <<'EOF'
[{"code": "rough", "name": {"zh": "野蛮执法", "en": "Brutal enforcement"}, "national": 2, "discipline": true},
 {"code": "fees", "name": {"zh": "乱收费", "en": "Unlawful fees"}, "national": null, "discipline": false}]
EOF
check "CLI categories load" $MANYI complaint categories load "$T/cats.json"
out=$($MANYI complaint categories)
contains "a category in use is retired, kept" "$out" "benefits,吃拿卡要（索取、收受利益）,Demanding or accepting benefits,1,党员涉嫌违犯党纪,yes,1,yes"
contains "the new list is version 2" "$out" "fees,乱收费,Unlawful fees,,,no,2,no"
lacks "an unused one is gone" "$out" "inaction"
echo '[{"code": "Bad Code", "name": {"zh": "x", "en": "y"}}]' >"$T/bad.json"
$MANYI complaint categories load "$T/bad.json" 2>"$T/err"
eq "a bad categories file: exit 1" "$?" 1
contains "says where and why" "$(cat "$T/err")" "[0].code"
req GET /api/v1/complaint-categories
eq "the API offers the new list" "$(json '[c["code"] for c in j["categories"]]')" "['rough', 'fees']"
api "$EVAL" GET "/api/v1/complaints/$C1"
eq "an old complaint keeps its retired category's name" "$(json 'j["category_name"]["zh"]')" "吃拿卡要（索取、收受利益）"

# --- Throttles (last: they lock this address out) ----------------------------
bad_track=0
for i in $(seq 1 8); do
	post /complaint/track _csrf="$TOKEN" code="ZZZZ-ZZZZ-ZZZZ-ZZZ$i"
	[ "$STATUS" = 429 ] && { bad_track=1; break; }
done
eq "wrong tracking codes are slowed down (429)" "$bad_track" 1
contains "with Retry-After" "$HEADERS" "Retry-After:"

req GET /complaint
TOKEN=$(field _csrf)
n0=$(count)
limited=0
for i in $(seq 1 25); do
	post /complaint _csrf="$TOKEN" what="第 $i 条" agency=A02 category=fees
	if [ "$STATUS" = 429 ]; then limited=1; break; fi
done
eq "the public channel's hourly limit: 429" "$limited" 1
contains "the 429 form keeps what was typed" "$BODY" "第 $i 条"
check "at most 20 an hour from one address" test "$(( $(count) - n0 ))" -le 20

it_done
