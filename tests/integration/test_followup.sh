#!/usr/bin/env bash
# Handling follow-up cases, through nginx and manyi-fcgi, by an agency user
# and an evaluator user signed in with sessions: the lists and a case as each
# sees it (an agency its own only, never the contact flag, an encounter id or
# a day); deadline arithmetic across National Day; overdue cases and how late
# in working days; the state machine (reply, review, return, callback,
# close) with its 403/409/422 and an audit row per action; an appeal upheld
# → the answer excluded from `manyi stats` (as if deleted) and audited; the
# indicators (API and CLI, JSON and CSV).
. "$(dirname "$0")/lib.sh"
it_start

E=enforcement-enterprise
python3 tools/gen_encounters.py 2000 7 >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
# Answers by phone for A01 and A02: some rate "overall" 1 (a bad rating
# opens a case in the answer's transaction), the rest 4 or 5.
python3 - "$T/e.csv" "$T/a.csv" <<'PY'
import csv, random, sys
r = random.Random(7)
rows = [e for e in csv.DictReader(open(sys.argv[1])) if e["agency"] == "A01"][:15] + \
       [e for e in csv.DictReader(open(sys.argv[1])) if e["agency"] == "A02"][:15]
items = ["legality","procedure","fairness","civility","efficiency","transparency","integrity","disruption","overall"]
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + ",".join(items) + "\n")
    for k, e in enumerate(rows):
        bad = k % 3 == 0
        vals = [str(r.choice([1, 2] if bad else [4, 5])) for _ in items[:-1]] + ["1" if bad else str(r.choice([4, 5]))]
        f.write("%s,,,,phone,2026-03-02T10:00:00+08:00,%s\n" % (e["encounter_id"], ",".join(vals)))
PY
$MANYI import responses --survey $E "$T/a.csv" >/dev/null
ncases=$(sql "SELECT count(*) FROM followup")
check "bad ratings opened cases ($ncases)" test "$ncases" -ge 6
eq "in both agencies" "$(sql "SELECT count(DISTINCT agency) FROM followup")" 2

PW='correct horse battery staple'
printf '%s\n' "$PW" | $MANYI user add wang.evaluator --role evaluator >/dev/null 2>&1
printf '%s\n' "$PW" | $MANYI user add li.a01 --role agency --agency A01 >/dev/null 2>&1
signin username=wang.evaluator "password=$PW"
ETOK=$SESSION
signin username=li.a01 "password=$PW"
ATOK=$SESSION
check "both signed in" test -n "$ETOK" -a -n "$ATOK"
ECSRF=$(session_csrf "$ETOK")
ACSRF=$(session_csrf "$ATOK")
ev() { local m=$1 p=$2; shift 2; req "$m" "$p" -H "Cookie: manyi_session=$ETOK" -H "X-CSRF-Token: $ECSRF" "$@"; }
ag() { local m=$1 p=$2; shift 2; req "$m" "$p" -H "Cookie: manyi_session=$ATOK" -H "X-CSRF-Token: $ACSRF" "$@"; }
evp() { ev POST "/api/v1/followups/$1/$2" -H 'Content-Type: application/json' --data-binary "$3"; }
agp() { ag POST "/api/v1/followups/$1/$2" -H 'Content-Type: application/json' --data-binary "$3"; }
TODAY=$(TZ=Asia/Shanghai date +%F)
audits() { sql "SELECT count(*) FROM audit WHERE action LIKE 'followup %' AND object = '$1'"; }

# Cases to work with: three of A01's, one of A02's.
mapfile -t A1 < <(sql "SELECT code FROM followup WHERE agency = 'A01' ORDER BY id LIMIT 4")
B=$(sql "SELECT code FROM followup WHERE agency = 'A02' ORDER BY id LIMIT 1")
check "A01 has four cases" test "${#A1[@]}" -eq 4

# --- The lists, by role ---------------------------------------------------
ag GET /api/v1/followups
eq "agency list: 200" "$STATUS" 200
conform GET /api/v1/followups
eq "an agency sees its own cases only" "$(json 'sorted({c["agency"] for c in j["followups"]})')" "['A01']"
eq "with the agency's names" "$(json 'j["followups"][0]["agency_name"]["zh"]')" "市市场监督管理局"
eq "no contact flag for an agency" "$(json 'any("has_contact" in c for c in j["followups"])')" "False"
C=$(json 'j["followups"][0]["code"]')
ENCDAY=$(sql "SELECT e.occurred_on FROM followup f JOIN response r ON r.id = f.resp JOIN encounter e ON e.id = r.encounter_id WHERE f.code = '$C'")
eq "the month of the encounter, not its day" "$(json 'j["followups"][0]["month"]')" "${ENCDAY:0:7}"
eq "the reason and the bad score" "$(json 'j["followups"][0]["reason"][0], j["followups"][0]["scores"]["overall"]')" "('low_score', 1)"
encs=$(sql "SELECT group_concat(code, ' ') FROM enc")
leak=0; for e in $encs; do grep -qF "$e" <<<"$BODY" && leak=1; done
eq "no encounter id in what an agency sees" "$leak" 0
lacks "nor the encounter's day" "$BODY" "$ENCDAY"
ag GET "/api/v1/followups?agency=A02"
eq "an agency asking for another's list: 403" "$STATUS" 403
ag GET "/api/v1/followups/$B"
eq "another agency's case: 404" "$STATUS" 404
conform GET "/api/v1/followups/{code}"
ag GET "/api/v1/followups?state=nonsense"
eq "a bad state: 400 naming it" "$STATUS/$(grep -c state <<<"$BODY")" "400/1"
ev GET /api/v1/followups
eq "the evaluator sees every case" "$(json 'len(j["followups"])')" "$ncases"
eq "with the contact flag" "$(json 'all("has_contact" in c for c in j["followups"])')" "True"
conform GET /api/v1/followups
req GET /api/v1/followups
eq "without a session: 401" "$STATUS" 401

# --- Deadline arithmetic across National Day 2025 --------------------------
# Case 0 opened on 2025-09-30: five working days after it skip 1-8 October
# and count Saturday 11 October, a make-up workday.
C0=${A1[0]}
DUE=$($MANYI workdays add 2025-09-30 5)
eq "5 working days after 2025-09-30 is 2025-10-14" "$DUE" "2025-10-14"
sql "UPDATE followup SET opened_on = '2025-09-30', reply_due = '$DUE', rectify_due = '$($MANYI workdays add 2025-09-30 15)' WHERE code = '$C0'"
# Replied on 9 October (UTC+8): nine calendar days, one working day.
sql "INSERT INTO followup_event (followup, at, actor, kind, action, note) SELECT id, '2025-10-09T02:00:00Z', 'agency', 'reply', 'fixed', 'fixed' FROM followup WHERE code = '$C0'"
sql "UPDATE followup SET state = 'replied' WHERE code = '$C0'"
ev GET "/api/v1/followup/indicators?from=2025-09-01&to=2025-12-31"
eq "indicators over the case: 1 case, replied, on time" \
	"$(json '[j["overall"][k] for k in ("cases","replied","reply_rate","on_time","on_time_rate")]')" "[1, 1, 1, 1, 1]"
eq "median reply: 9 calendar days, 1 working day (the holiday not counted)" \
	"$(json '[j["overall"]["median_reply_days"], j["overall"]["median_reply_workdays"]]')" "[9, 1]"
ev GET "/api/v1/followups/$C0"
eq "the case shows its deadlines" "$(json 'j["reply_due"], j["due_uncovered"], j["overdue"]')" "('2025-10-14', False, False)"
conform GET "/api/v1/followups/{code}"

# --- Overdue ----------------------------------------------------------------
C1=${A1[1]}
sql "UPDATE followup SET opened_on = '2026-01-05', reply_due = '2026-01-12', state = 'open' WHERE code = '$C1'"
ag GET "/api/v1/followups?overdue=1"
eq "overdue=1 lists the late case" "$(json '[c["code"] for c in j["followups"]]')" "['$C1']"
eq "marked overdue" "$(json 'j["followups"][0]["overdue"]')" "True"
ev GET "/api/v1/followup/indicators?from=2026-01-01"
LATE=$($MANYI workdays between 2026-01-12 "$TODAY" 2>/dev/null || echo None)
eq "the overdue list: the case, its due, working days late" \
	"$(json '[(o["code"], o["agency"], o["reply_due"], o["workdays_late"]) for o in j["overdue"]]')" "[('$C1', 'A01', '2026-01-12', $LATE)]"
conform GET /api/v1/followup/indicators
check "on-time rate counts the late case in its denominator" test "$(json 'j["groups"][0]["on_time_rate"]')" != None

# --- The state machine --------------------------------------------------------
C2=${A1[2]}
agp "$C2" reply '{"action":"rectify","note":"we will fix the procedure"}'
eq "rectify without rectify_by: 422 naming it" "$STATUS/$(json 'j["error"]["fields"][0]["field"]')" "422/rectify_by"
conform POST "/api/v1/followups/{code}/reply"
agp "$C2" reply '{"action":"rectify","note":"x","rectify_by":"2020-01-01"}'
eq "rectify_by in the past: 422" "$STATUS" 422
agp "$C2" reply '{"action":"sorry","note":"x"}'
eq "an unknown action: 422 naming the field" "$STATUS/$(json 'j["error"]["fields"][0]["field"]')" "422/action"
agp "$C2" reply 'not json'
eq "a body that is not JSON: 400" "$STATUS" 400
evp "$C2" reply '{"action":"fixed","note":"x"}'
eq "the evaluator cannot reply for an agency: 403" "$STATUS" 403
req POST "/api/v1/followups/$C2/reply" -H "Cookie: manyi_session=$ATOK" -H 'Content-Type: application/json' --data-binary '{"action":"fixed","note":"x"}'
eq "a POST by cookie without X-CSRF-Token: 403" "$STATUS" 403
agp "$B" reply '{"action":"fixed","note":"x"}'
eq "replying to another agency's case: 404" "$STATUS" 404
agp "$C2" review '{"action":"accept"}'
eq "an agency cannot review: 403" "$STATUS" 403
evp "$C2" review '{"action":"accept"}'
eq "reviewing an open case: 409 saying which state allows it" "$STATUS/$(grep -c 'when the case is replied' <<<"$BODY")" "409/1"
conform POST "/api/v1/followups/{code}/review"
agp "$C2" reply '{"action":"fixed","note":"the officer was retrained"}'
eq "the agency replies: 200, replied" "$STATUS/$(json 'j["state"]')" "200/replied"
conform POST "/api/v1/followups/{code}/reply"
eq "the event: agency reply fixed" "$(json '[(e["actor"], e["kind"], e["action"], e["note"]) for e in j["events"]]')" \
	"[('agency', 'reply', 'fixed', 'the officer was retrained')]"
agp "$C2" reply '{"action":"fixed","note":"again"}'
eq "a second reply: 409" "$STATUS/$(grep -c 'open or returned' <<<"$BODY")" "409/1"
evp "$C2" review '{"action":"return"}'
eq "a return needs a note: 422" "$STATUS/$(json 'j["error"]["fields"][0]["field"]')" "422/note"
evp "$C2" review '{"action":"return","note":"say what was fixed, and by when"}'
NEWDUE=$($MANYI workdays add "$TODAY" 5 2>/dev/null || echo None)
eq "returned: the reply due moves to 5 working days after today" \
	"$STATUS/$(json 'j["state"]')/$(json 'j["reply_due"]')" "200/returned/$NEWDUE"
RB=$($MANYI workdays add "$TODAY" 3 2>/dev/null || echo "$TODAY")
agp "$C2" reply "{\"action\":\"rectify\",\"note\":\"training on 3 days\",\"rectify_by\":\"$RB\"}"
eq "replied again with a promise" "$STATUS/$(json 'j["state"]')/$(json 'j["rectify_by"]')" "200/replied/$RB"
evp "$C2" callback '{"reached":true}'
eq "a call-back reached needs the satisfaction: 422" "$STATUS/$(json 'j["error"]["fields"][0]["field"]')" "422/satisfaction"
evp "$C2" review '{"action":"accept","note":"done"}'
eq "accepted" "$STATUS/$(json 'j["state"]')" "200/accepted"
evp "$C2" callback '{"reached":true,"satisfaction":"basic","note":"called"}'
eq "call-back recorded" "$STATUS/$(json 'j["events"][-1]["kind"]')/$(json 'j["events"][-1]["satisfaction"]')" "200/callback/basic"
conform POST "/api/v1/followups/{code}/callback"
evp "$C2" close '{"note":"rectified"}'
eq "closed" "$STATUS/$(json 'j["state"]')" "200/closed"
conform POST "/api/v1/followups/{code}/close"
eq "closed today (UTC+8)" "$(sql "SELECT closed_on FROM followup WHERE code = '$C2'")" "$TODAY"
evp "$C2" close '{}'
eq "closing twice: 409" "$STATUS" 409
eq "an audit row per action (reply, return, reply, accept, callback, close)" "$(audits "$C2")" 6
eq "events at the hour, never finer" "$(sql "SELECT count(*) FROM followup_event e JOIN followup f ON f.id = e.followup WHERE f.code = '$C2' AND e.at NOT LIKE '%:00:00Z'")" 0
ev GET "/api/v1/followups/$C2/contact"
eq "no call-back contact left: 404 (or no key: 409)" "$(grep -cE '^(404|409)$' <<<"$STATUS")" 1
ag GET "/api/v1/followups/$C2/contact"
eq "an agency never reads a contact: 403" "$STATUS" 403
conform GET "/api/v1/followups/{code}/contact"

# --- An appeal upheld -----------------------------------------------------------
C3=${A1[3]}
st() { "$BIN/manyi" --db "$1" stats --survey $E --weighting none --format json 2>&1; }
strip() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); [j.pop(k,None) for k in ("generated_at","data_time","data_as_of")]; [r.pop("excluded",None) for r in [j.get("overall",{})]+j.get("groups",[])]; print(json.dumps(j,sort_keys=True))' "$1"; }
before=$(st "$DB")
RESP=$(sql "SELECT resp FROM followup WHERE code = '$C3'")
sqlite3 "$DB" ".backup '$T/deleted.db'"
sqlite3 "$T/deleted.db" "DELETE FROM followup_event WHERE followup = (SELECT id FROM followup WHERE resp = $RESP); DELETE FROM followup WHERE resp = $RESP; DELETE FROM answer_text WHERE response = $RESP; DELETE FROM resp WHERE id = $RESP"
evp "$C3" decision '{"action":"uphold","reason":"x"}'
eq "a decision on a case not appealed: 409" "$STATUS" 409
agp "$C3" reply '{"action":"appeal","note":"the rater was not our client: the encounter was another agency'"'"'s"}'
eq "the agency appeals" "$STATUS/$(json 'j["state"]')" "200/appealed"
agp "$C3" decision '{"action":"uphold","reason":"x"}'
eq "an agency cannot decide its own appeal: 403" "$STATUS" 403
evp "$C3" decision '{"action":"uphold"}'
eq "a decision needs its reason: 422" "$STATUS/$(json 'j["error"]["fields"][0]["field"]')" "422/reason"
evp "$C3" decision '{"action":"uphold","reason":"the registry shows the encounter under another agency"}'
eq "upheld: excluded" "$STATUS/$(json 'j["state"]')" "200/excluded"
conform POST "/api/v1/followups/{code}/decision"
eq "an exclusion row from the appeal, its reason kept" \
	"$(sql "SELECT source || '|' || reason FROM exclusion WHERE resp = $RESP")" "appeal|the registry shows the encounter under another agency"
after=$(st "$DB")
eq "manyi stats leaves the excluded answer out, as if deleted" "$(strip "$after")" "$(strip "$(st "$T/deleted.db")")"
eq "... and says it lost one" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["overall"]["excluded"])' "$after")" 1
check "and the exclusion changed them" test "$(strip "$after")" != "$(strip "$before")"
eq "the appeal and the decision audited" "$(audits "$C3")" 2
eq "the exclusion audited too" "$(sql "SELECT count(*) FROM audit WHERE action LIKE '%exclu%'")" 1

# --- Indicators -------------------------------------------------------------------
ev GET /api/v1/followup/indicators
eq "evaluator: both agencies' groups" "$(json '[g["by"]["agency"] for g in j["groups"]]')" "['A01', 'A02']"
eq "named" "$(json 'j["groups"][0]["names"]["agency"]["en"]')" "Municipal Administration for Market Regulation"
eq "the excluded case out of the cases, counted apart" "$(json 'j["overall"]["excluded"], j["overall"]["cases"]')" "(1, $((ncases - 1)))"
eq "rectified: accepted and called back (1 of A01's)" "$(json 'j["groups"][0]["rectified"], j["groups"][0]["callbacks"], j["groups"][0]["callback_satisfaction_rate"]')" "(1, 1, 1)"
A01N=$(sql "SELECT count(*) FROM followup WHERE agency = 'A01'")
eq "reply rate of A01: 2 replied of its cases less the excluded" "$(json 'j["groups"][0]["reply_rate"]')" \
	"$(python3 -c "print(2 / ($A01N - 1))")"
eq "no callbacks in A02: its rate is null" "$(json 'j["groups"][1]["callback_satisfaction_rate"]')" "None"
ag GET /api/v1/followup/indicators
eq "an agency: its own group only" "$(json '[g["by"]["agency"] for g in j["groups"]]')" "['A01']"
ag GET "/api/v1/followup/indicators?agency=A02"
eq "and not another's" "$STATUS" 403
ev GET "/api/v1/followup/indicators?from=2026-13-01"
eq "a bad date: 400" "$STATUS" 400

# --- CLI -----------------------------------------------------------------------------
out=$($MANYI followup list --agency A01 --format csv)
contains "followup list CSV: names beside codes" "$out" "A01,市市场监督管理局"
eq "one row per case" "$(($(wc -l <<<"$out") - 1))" "$A01N"
out=$($MANYI followup show "$C2")
contains "followup show: the case's events" "$out" '"kind":	"callback"'
$MANYI followup show FU-NOSUCHCASE >/dev/null 2>&1
eq "show of no case: exit 1" "$?" 1
out=$($MANYI followup indicators --format csv)
contains "indicators CSV header" "$out" "agency,agency_name,agency_name_en,cases,excluded,replied,reply_rate"
contains "a row per agency with its name" "$out" "A02,市生态环境局,Municipal Bureau of Ecology and Environment"
out=$($MANYI followup indicators --from 2025-09-01 --to 2025-12-31)
eq "CLI JSON is the API's" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["overall"]["median_reply_workdays"])' "$out")" 1
$MANYI followup list --format xml >/dev/null 2>&1
eq "a bad format: usage error" "$?" 2
out=$($MANYI followup list --state pen 2>&1)
eq "a bad state: usage error naming the states" "$?/$(grep -c 'one of open, replied' <<<"$out")" "2/1"
out=$($MANYI followup list --state closed --format csv)
eq "--state closed: the closed case" "$(tail -n +2 <<<"$out" | cut -d, -f1)" "$C2"

# --- The call-back contact: the evaluator's only, each reading audited --------------
S=surveys/enforcement-enterprise.json
PHONE=13912345678
req GET /s/$E
TOKEN=$(field _csrf)
req POST /s/$E -H 'Content-Type: application/x-www-form-urlencoded' --data-binary \
	"$(python3 tests/integration/mkbody.py --form "$S" _csrf="$TOKEN" _n=c1 overall=1 problems=slow _callback=yes _phone=$PHONE)"
eq "a bad rating with a call-back phone is stored" "$STATUS" 303
CC=$(sql "SELECT f.code FROM followup f JOIN followup_contact c ON c.followup = f.id")
CA=$(sql "SELECT agency FROM followup WHERE code = '$CC'")
ev GET "/api/v1/followups/$CC"
eq "the evaluator sees that a contact is kept" "$(json 'j["has_contact"]')" True
lacks "but not the phone in the case" "$BODY" "$PHONE"
ev GET "/api/v1/followups/$CC/contact"
eq "the evaluator reads the phone on request" "$STATUS/$(json 'j["phone"]')" "200/$PHONE"
conform GET "/api/v1/followups/{code}/contact"
eq "the reading is audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'followup contact' AND object = '$CC'")" 1
printf '%s\n' "$PW" | $MANYI user add "agency.${CA,,}" --role agency --agency "$CA" >/dev/null 2>&1
signin "username=agency.${CA,,}" "password=$PW"
req GET "/api/v1/followups/$CC" -H "Cookie: manyi_session=$SESSION"
eq "its agency sees the case" "$STATUS" 200
lacks "without the contact flag" "$BODY" "has_contact"
lacks "or the phone" "$BODY" "$PHONE"
req GET "/api/v1/followups/$CC/contact" -H "Cookie: manyi_session=$SESSION"
eq "and cannot read the contact: 403" "$STATUS" 403
check "nothing in the logs holds the phone" test -z "$(grep -rl "$PHONE" "$T/var" 2>/dev/null)"

it_done
