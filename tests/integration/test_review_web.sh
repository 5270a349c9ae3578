#!/usr/bin/env bash
# Case-file review through the web (issue 13, item 4), through nginx and
# manyi-fcgi: a reviewer signs in (manyi user add --role reviewer
# --reviewer CODE), sees only their own queue, saves a draft and finds it
# again, submits with errors (422, the form again with the values) and then
# right (stored as manyi import reviews stores it), cannot submit twice, needs
# the session's CSRF token, cannot open another reviewer's or a conflicted
# file, and reaches no statistics, export or other keyed route; the
# evaluator's progress per reviewer and agency (manyi review progress and GET
# /api/v1/review/progress); adjudication (manyi review adjudicate) of a
# disagreement by a third review or a panel decision, audited, and its effect
# on manyi quality.
. "$(dirname "$0")/lib.sh"
it_start
R=case-review
Q=tests/quality
PW='correct horse battery staple'
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }

$MANYI import cases $Q/cases.csv >/dev/null
tail -n +2 $Q/reviewers.csv | while IFS=, read -r code name aff conf; do
	$MANYI reviewer add "$code" --name "$name" --affiliation "$aff" ${conf:+--conflict "${conf//;/,}"} >/dev/null
done
run $MANYI review sample --survey $R --per-agency 4 --seed 11
eq "the sample is drawn" "$RC" 0
# The reviewer with the most files of round 1 is ours; another one is not.
ME=$(sqlite3 "$DB" "SELECT reviewer FROM review_assignment GROUP BY reviewer ORDER BY count(*) DESC, reviewer LIMIT 1")
OTHER=$(sqlite3 "$DB" "SELECT reviewer FROM review_assignment WHERE reviewer != '$ME' GROUP BY reviewer ORDER BY reviewer LIMIT 1")
MINE=$(sqlite3 "$DB" "SELECT c.code FROM review_assignment a JOIN case_file c ON c.id = a.case_file WHERE a.reviewer = '$ME' ORDER BY c.code")
N_MINE=$(wc -l <<<"$MINE")
C1=$(sed -n 1p <<<"$MINE")
C2=$(sed -n 2p <<<"$MINE")
C3=$(sed -n 3p <<<"$MINE")
NOT_MINE=$(sqlite3 "$DB" "SELECT c.code FROM review_assignment a JOIN case_file c ON c.id = a.case_file
	WHERE a.reviewer = '$OTHER' AND c.id NOT IN (SELECT case_file FROM review_assignment WHERE reviewer = '$ME') LIMIT 1")
UNASSIGNED=$(sqlite3 "$DB" "SELECT code FROM case_file WHERE id NOT IN (SELECT case_file FROM review_assignment) LIMIT 1")

# Accounts.
run sh -c "printf '%s\n' '$PW' | $MANYI user add rev.me --role reviewer --reviewer $ME"
eq "user add --role reviewer --reviewer CODE" "$RC/$OUT" "0/user rev.me (reviewer $ME) added"
run sh -c "printf '%s\n' '$PW' | $MANYI user add rev.x --role reviewer"
eq "a reviewer without --reviewer is a usage error" "$RC" 2
run sh -c "printf '%s\n' '$PW' | $MANYI user add rev.x --role reviewer --reviewer R99"
eq "an unknown reviewer is refused" "$RC/$(grep -c 'unknown reviewer "R99"' <<<"$ERR")" "1/1"
run sh -c "printf '%s\n' '$PW' | $MANYI user add rev.x --role evaluator --reviewer $ME"
eq "only a reviewer takes --reviewer" "$RC" 2
printf '%s\n' "$PW" | $MANYI user add rev.other --role reviewer --reviewer "$OTHER" >/dev/null
run $MANYI user list
contains "user list names the reviewer" "$OUT" "$ME"

# Not signed in: to the sign-in page, and back.
req GET /review
eq "GET /review without a session: 303" "$STATUS" 303
contains "... to /signin with next=/review" "$HEADERS" "Location: /signin?next=/review"

signin username=rev.me "password=$PW"
eq "a reviewer signs in: 303" "$STATUS" 303
contains "... to the review pages" "$HEADERS" "Location: /review"
S=$SESSION
CK=(-H "Cookie: manyi_session=$S")
api_s() { req "$@" "${CK[@]}"; }

api_s GET /api/v1/session
eq "GET /api/v1/session: role reviewer and the code" "$(json 'j["role"] + "/" + j["reviewer"]')" "reviewer/$ME"
CSRF=$(json 'j["csrf"]')

# The queue: every file assigned to me, no one else's.
api_s GET /review
eq "GET /review: 200" "$STATUS" 200
contains "... html" "$HEADERS" "text/html; charset=utf-8"
contains "... in Chinese by default" "$BODY" "我的评查案卷"
eq "... lists each of my $N_MINE files" "$(grep -o 'href="/review/[^"?]*' <<<"$BODY" | sort -u | wc -l)" "$N_MINE"
lacks "... not another reviewer's" "$BODY" "/review/$NOT_MINE\""
contains "... names the agency" "$BODY" "$(sqlite3 "$DB" "SELECT a.name_zh FROM case_file c JOIN agency a ON a.code = c.agency WHERE c.code = '$C1'")"
api_s GET /review/
eq "GET /review/ is the queue too" "$STATUS/$(grep -c '<h1>我的评查案卷' <<<"$BODY")" "200/1"
api_s GET /reviewer
eq "GET /reviewer: 404" "$STATUS" 404
api_s GET "/review?lang=en"
contains "English with lang=en" "$BODY" "My case files to review"

# A file's page: the record and the form.
api_s GET "/review/$C1"
eq "GET /review/{case}: 200" "$STATUS" 200
contains "the record: the agency's name" "$BODY" "$(sqlite3 "$DB" "SELECT a.name_zh FROM case_file c JOIN agency a ON a.code = c.agency WHERE c.code = '$C1'")"
contains "... the date" "$BODY" "$(sqlite3 "$DB" "SELECT decided_on FROM case_file WHERE code = '$C1'")"
contains "... and that no enterprise identity is held" "$BODY" "案卷登记不含当事企业的身份信息"
contains "a points item: a number input 0..max" "$BODY" 'name="evidence" min="0" max="15"'
contains "... its label" "$BODY" '<label for="f-evidence">'
contains "... the max shown" "$BODY" "满分 15 分"
contains "a flag: yes/no radios" "$BODY" 'id="f-no_authority-yes" name="no_authority" value="yes"'
contains "... in a fieldset with its legend" "$BODY" '<fieldset class="q q-flag" id="q-no_authority">'
contains "the comment" "$BODY" '<textarea id="f-comment" name="comment"'
contains "the csrf field" "$BODY" "name=\"csrf\" value=\"$CSRF\""

# A draft, saved and opened again.
post() { # CASE FIELDS...: POST /review/CASE with the session cookie
	local c=$1 a=() f; shift
	for f in "$@"; do a+=(--data-urlencode "$f"); done
	api_s POST "/review/$c" "${a[@]}"
}
post "$C1" "csrf=$CSRF" action=draft subject=7 facts=12 no_authority=no comment=半份草稿
eq "a draft is saved: 303" "$STATUS" 303
contains "... back to the file" "$HEADERS" "Location: /review/$C1?saved=1"
api_s GET "/review/$C1?saved=1"
contains "the draft is there: its points" "$BODY" 'name="facts" min="0" max="15" step="1" required value="12"'
contains "... its flag" "$BODY" 'name="no_authority" value="no" checked'
contains "... its comment" "$BODY" ">半份草稿</textarea>"
contains "... and says it was saved" "$BODY" "草稿已保存"
api_s GET /review
contains "the queue shows the draft" "$BODY" "草稿已保存"
eq "nothing is submitted by a draft" "$(sqlite3 "$DB" "SELECT count(*) FROM review")" 0

# A submit with errors: 422, the form again with what was entered.
post "$C1" "csrf=$CSRF" action=submit subject=7 facts=16 evidence=x no_authority=no comment=半份草稿
eq "a submit with errors: 422" "$STATUS" 422
contains "... the error summary" "$BODY" 'class="error-summary" role="alert"'
contains "... links to the field" "$BODY" 'href="#f-facts"'
contains "... says the range" "$BODY" "aria-invalid"
contains "... an unanswered flag is named" "$BODY" 'href="#f-wrong_law-yes"'
contains "... the values kept" "$BODY" 'value="16"'
eq "... nothing stored" "$(sqlite3 "$DB" "SELECT count(*) FROM review")" 0

FULL=(subject=9 facts=14 evidence=13 procedure=12 law=15 discretion=8 documents=9 service=5 archiving=4
	no_authority=no uncertified_officer=no facts_unclear=no insufficient_evidence=no wrong_law=no
	unlawful_procedure=yes single_officer=no not_transferred=no "comment=程序有瑕疵")
post "$C1" action=submit "${FULL[@]}"
eq "a submit without the csrf field: 403" "$STATUS" 403
req GET /signin "${CK[@]}"
contains "the sign-in page, signed in: who, and a link on to /review" "$BODY" 'href="/review"'
contains "... naming the reviewer" "$BODY" "评查人员 $ME"
req POST "/review/$C1" "${CK[@]}" -H "Sec-Fetch-Site: cross-site" --data-urlencode "csrf=$CSRF" \
	--data-urlencode action=submit
eq "a cross-site post: 403" "$STATUS" 403
eq "... nothing stored" "$(sqlite3 "$DB" "SELECT count(*) FROM review")" 0
post "$C1" "csrf=$CSRF" action=submit "${FULL[@]}"
eq "the fixed submit: 303" "$STATUS" 303
contains "... to the queue" "$HEADERS" "Location: /review?submitted=$C1"
eq "the review is stored with its total and defects" \
	"$(sqlite3 "$DB" "SELECT r.reviewer || '/' || r.total || '/' || r.defects FROM review r JOIN case_file c ON c.id = r.case_file WHERE c.code = '$C1'")" \
	"$ME/89/1"
eq "... as manyi import reviews stores it (the answers' JSON)" \
	"$(sqlite3 "$DB" "SELECT json_extract(answers, '$.facts') || json_extract(answers, '$.unlawful_procedure') FROM review")" \
	"14yes"
eq "... the draft is gone" "$(sqlite3 "$DB" "SELECT count(*) FROM review_draft")" 0
eq "... and the submit audited" "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'review submit' AND actor = 'user:rev.me' AND object = '$C1'")" 1
post "$C1" "csrf=$CSRF" action=submit "${FULL[@]}"
eq "a second submit is refused: 409" "$STATUS" 409
post "$C1" "csrf=$CSRF" action=draft subject=1
eq "... a draft after it too" "$STATUS" 409
api_s GET "/review/$C1"
contains "the submitted review is shown read only" "$BODY" "不能再修改"
lacks "... with no form" "$BODY" 'name="action"'
contains "... its total" "$BODY" "89 / 100"

# Blind, and only my own files.
api_s GET "/review/$NOT_MINE"
eq "another reviewer's file: 404" "$STATUS" 404
post "$NOT_MINE" "csrf=$CSRF" action=submit "${FULL[@]}"
eq "... nor can it be posted to" "$STATUS" 404
api_s GET "/review/$UNASSIGNED"
eq "a file assigned to nobody: 404" "$STATUS" 404
api_s GET "/review/NO-SUCH-CASE"
eq "an unknown case: 404" "$STATUS" 404
# A conflict learnt after the sample: the file is refused.
AG3=$(sqlite3 "$DB" "SELECT agency FROM case_file WHERE code = '$C3'")
sqlite3 "$DB" "INSERT INTO reviewer_conflict (reviewer, agency) VALUES ('$ME', '$AG3')"
api_s GET "/review/$C3"
eq "a file of an agency I am conflicted with: 403" "$STATUS" 403
post "$C3" "csrf=$CSRF" action=submit "${FULL[@]}"
eq "... and its submit" "$STATUS" 403
sqlite3 "$DB" "DELETE FROM reviewer_conflict WHERE reviewer = '$ME' AND agency = '$AG3'"
# A double-reviewed file: the other reviewer's scores are never shown.
DBL=$(sqlite3 "$DB" "SELECT c.code || ' ' || b.reviewer FROM review_assignment a JOIN review_assignment b
	ON a.case_file = b.case_file AND a.reviewer = '$ME' AND b.reviewer != '$ME' JOIN case_file c ON c.id = a.case_file LIMIT 1")
if [ -n "$DBL" ]; then
	read -r DC DR <<<"$DBL"
	{ head -1 $Q/reviews.csv; echo "\"$DC\",\"$DR\",\"2026-01-02T10:00:00+08:00\",1,2,3,4,5,6,7,1,2,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"SECRET-OTHER\""; } >"$T/other.csv"
	run $MANYI import reviews --survey $R "$T/other.csv"
	eq "the other reviewer's review is in" "$RC" 0
	api_s GET "/review/$DC"
	eq "my half of a double-reviewed file: 200" "$STATUS" 200
	lacks "... without the other's comment" "$BODY" "SECRET-OTHER"
	lacks "... or their code" "$BODY" "$DR"
else
	ok "# no double-reviewed file of mine in this sample (skip)"
fi

# A reviewer's session reaches nothing keyed.
for route in "/api/v1/stats?survey=enforcement-enterprise" "/api/v1/export?survey=enforcement-enterprise&format=csv" \
	"/api/v1/quality?survey=$R" "/api/v1/agreement?survey=$R" "/api/v1/review/progress?survey=$R" \
	"/api/v1/responses?survey=enforcement-enterprise"; do
	api_s GET "$route"
	eq "a reviewer's session: GET ${route%%\?*} 403" "$STATUS" 403
done
req POST /api/v1/cases "${CK[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data-binary '[]'
eq "... POST /api/v1/cases 403" "$STATUS" 403
# Another role on the review pages.
printf '%s\n' "$PW" | $MANYI user add ev.one --role evaluator >/dev/null
signin username=ev.one "password=$PW"
req GET /review -H "Cookie: manyi_session=$SESSION"
eq "an evaluator's session on /review: 403" "$STATUS" 403
EV_S=$SESSION

# A draft of a second file, for the progress.
post "$C2" "csrf=$CSRF" action=draft subject=3
eq "a second draft" "$STATUS" 303

# The evaluator's progress, per reviewer and per agency.
E=$(evaluator_key)
api "$E" GET "/api/v1/review/progress?survey=$R"
eq "GET /api/v1/review/progress: 200" "$STATUS" 200
conform GET /api/v1/review/progress
eq "... my row: assigned, drafts, submitted" \
	"$(json "[ (r['assigned'], r['drafts'], r['submitted'], r['name']) for r in j['reviewers'] if r['reviewer'] == '$ME'][0]")" \
	"($N_MINE, 1, 1, '$(sqlite3 "$DB" "SELECT name FROM reviewer WHERE code = '$ME'")')"
eq "... every reviewer of the panel" "$(json 'len(j["reviewers"])')" "$(sqlite3 "$DB" "SELECT count(*) FROM reviewer")"
eq "... agencies' assigned add up to the assignments" "$(json 'sum(r["assigned"] for r in j["agencies"])')" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM review_assignment")"
eq "... agencies' submitted add up to the reviews" "$(json 'sum(r["submitted"] for r in j["agencies"])')" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM review")"
contains "... with the agencies' names" "$BODY" '"name_zh":"市'
req GET "/api/v1/review/progress?survey=$R" -H "Cookie: manyi_session=$EV_S"
eq "... by the evaluator's session too" "$STATUS" 200
api "$(agency_key A01)" GET "/api/v1/review/progress?survey=$R"
eq "... not by an agency key" "$STATUS" 403
api "$E" GET "/api/v1/review/progress?survey=enforcement-enterprise"
eq "... a survey that is no rubric: 404" "$STATUS" 404
run $MANYI review progress --survey $R --format csv
eq "manyi review progress --format csv" "$RC" 0
contains "... its header" "$OUT" "by,code,name_zh,name_en,assigned,drafts,submitted,open"
contains "... my row" "$OUT" "reviewer,$ME,"
api "$E" GET "/api/v1/review/progress?survey=$R"
run $MANYI review progress --survey $R
eq "... JSON, the API's" "$OUT" "$BODY"

# Adjudication: a disagreement settled by a third review or by the panel.
# Two files of two agencies nobody has reviewed yet, each reviewed twice by
# two reviewers free of conflicts: one pair disagrees on the totals, the
# other on a major-defect flag.
AGS=$(sqlite3 "$DB" "SELECT DISTINCT agency FROM case_file WHERE agency NOT IN (SELECT c.agency FROM review r
	JOIN case_file c ON c.id = r.case_file) ORDER BY agency LIMIT 2")
AA=$(sed -n 1p <<<"$AGS")
AB=$(sed -n 2p <<<"$AGS")
PAIR=$(sqlite3 "$DB" "SELECT code FROM reviewer WHERE code NOT IN (SELECT reviewer FROM reviewer_conflict
	WHERE agency IN ('$AA', '$AB')) ORDER BY code LIMIT 2")
P1=$(sed -n 1p <<<"$PAIR")
P2=$(sed -n 2p <<<"$PAIR")
A=$(sqlite3 "$DB" "SELECT code FROM case_file WHERE agency = '$AA' ORDER BY code LIMIT 1")
B=$(sqlite3 "$DB" "SELECT code FROM case_file WHERE agency = '$AB' ORDER BY code LIMIT 1")
# and one more file of each agency, reviewed once (a stratum of one file has no variance).
A2=$(sqlite3 "$DB" "SELECT code FROM case_file WHERE agency = '$AA' ORDER BY code LIMIT 1 OFFSET 1")
B2=$(sqlite3 "$DB" "SELECT code FROM case_file WHERE agency = '$AB' ORDER BY code LIMIT 1 OFFSET 1")
H=$(head -1 $Q/reviews.csv)
{
	echo "$H"
	echo "\"$A\",\"$P1\",\"2026-01-02T10:00:00+08:00\",10,15,15,15,15,10,10,5,5,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
	echo "\"$A\",\"$P2\",\"2026-01-03T10:00:00+08:00\",5,5,5,5,5,5,5,5,5,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
	echo "\"$B\",\"$P1\",\"2026-01-02T10:00:00+08:00\",8,12,12,12,12,8,8,4,4,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
	echo "\"$B\",\"$P2\",\"2026-01-03T10:00:00+08:00\",8,12,12,12,12,8,8,4,4,\"yes\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
	echo "\"$A2\",\"$P1\",\"2026-01-02T10:00:00+08:00\",10,15,15,15,15,10,10,5,5,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
	echo "\"$B2\",\"$P1\",\"2026-01-02T10:00:00+08:00\",8,12,12,12,12,8,8,4,4,\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"no\",\"\""
} >"$T/pair.csv"
run $MANYI import reviews --survey $R "$T/pair.csv"
eq "two disagreeing pairs imported" "$RC/$ERR" "0/"
run $MANYI review disagreements --survey $R
contains "both are listed" "$OUT" "$A,"
contains "... and the other" "$OUT" "$B,"
quality_of() { # AGENCY: its n, mean and ok_rate
	$MANYI quality --survey $R --by agency --format json |
		python3 -c 'import json,sys; j=json.load(sys.stdin); g=[x for x in j["groups"] if x["by"]["agency"]==sys.argv[1]][0]; print("%d %g %g" % (g["n"], g["mean"], g["ok_rate"]))' "$1"
}
eq "before: A's files score 72.5 (the mean of 100 and 45) and 100" "$(quality_of "$AA")" "2 86.25 1"
eq "before: B's file fails (one review flags a defect), B2 passes" "$(quality_of "$AB")" "2 80 0.5"

run $MANYI review adjudicate "$A" --survey $R --decide --total 60 --defect no
eq "--decide without --note: usage" "$RC" 2
run $MANYI review adjudicate "$A" --survey $R --third "$P1"
contains "a third reviewer who reviewed it already is refused" "$RC/$ERR" "1/manyi: review adjudicate: reviewer \"$P1\" has reviewed or been assigned"
$MANYI reviewer add R90 --name 回避者 --conflict "$AB" >/dev/null
run $MANYI review adjudicate "$B" --survey $R --third R90
contains "a conflicted third reviewer is refused" "$RC/$ERR" "1/manyi: review adjudicate: reviewer \"R90\" has a conflict of interest"
run $MANYI review adjudicate "$C2" --survey $R --decide --total 50 --defect no --note x
contains "a file not reviewed twice is refused" "$RC/$ERR" "1/manyi: review adjudicate: case \"$C2\" has"
run $MANYI review adjudicate "$A" --survey $R --decide --total 101 --defect no --note x
contains "a total above the rubric's is refused" "$RC/$ERR" "1/manyi: review adjudicate: --total 101 is outside 0..100"
run $MANYI review adjudicate "$A" --survey $R --decide --total 60 --defect no --note "专家组合议：取中间值"
eq "the panel decides A" "$RC/$OUT" "0/case $A: the panel's decision recorded (total 60, no major defect)"
run $MANYI review adjudicate "$A" --survey $R --decide --total 70 --defect no --note again
contains "a file is adjudicated once" "$RC/$ERR" "1/manyi: review adjudicate: case $A is adjudicated for $R already"
eq "after: the panel's total (60) replaces the file's" "$(quality_of "$AA")" "2 80 1"
THIRD=$(sqlite3 "$DB" "SELECT code FROM reviewer WHERE code NOT IN ('$P1', '$P2') AND code NOT IN
	(SELECT reviewer FROM reviewer_conflict WHERE agency = '$AB') AND code NOT IN (SELECT a.reviewer FROM review_assignment a
	JOIN case_file c ON c.id = a.case_file WHERE c.code = '$B') ORDER BY code LIMIT 1")
run $MANYI review adjudicate "$B" --survey $R --third "$THIRD"
eq "a third review of B assigned" "$RC/$OUT" "0/case $B: a third review assigned to $THIRD"
eq "... round 3 in the assignments" "$(sqlite3 "$DB" "SELECT a.round FROM review_assignment a JOIN case_file c ON c.id = a.case_file WHERE c.code = '$B' AND a.reviewer = '$THIRD'")" 3
eq "... both decisions audited" "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'review adjudicate'")" 2
eq "... naming the file and what was decided" "$(sqlite3 "$DB" "SELECT detail FROM audit WHERE action = 'review adjudicate' AND object = '$A'")" \
	"survey=$R panel total=60 defect=no note=专家组合议：取中间值"
# The third reviewer scores it through the web: the majority (2 of 3) says no defect.
printf '%s\n' "$PW" | $MANYI user add rev.third --role reviewer --reviewer "$THIRD" >/dev/null
signin username=rev.third "password=$PW"
T3=(-H "Cookie: manyi_session=$SESSION")
C3SRF=$(session_csrf "$SESSION")
req GET /review "${T3[@]}"
contains "the third reviewer's queue holds B" "$BODY" "/review/$B"
req POST "/review/$B" "${T3[@]}" --data-urlencode "csrf=$C3SRF" --data-urlencode action=submit \
	$(printf -- '--data-urlencode %s ' subject=8 facts=12 evidence=12 procedure=12 law=12 discretion=8 documents=8 \
	service=4 archiving=4 no_authority=no uncertified_officer=no facts_unclear=no insufficient_evidence=no \
	wrong_law=no unlawful_procedure=no single_officer=no not_transferred=no)
eq "the third review submitted" "$STATUS" 303
eq "after: B's three totals averaged, two of three say no defect" "$(quality_of "$AB")" "2 80 1"
run $MANYI review agreement --survey $R
eq "agreement still reads the first two reviews of each file" "$RC" 0

# The queue's sign-out button ends the session.
api_s GET /review
req POST /signout "${CK[@]}" --data-urlencode "csrf=$(field csrf | sed -n 1p)"
eq "sign-out from the queue: 303" "$STATUS" 303
api_s GET /review
eq "... and the session is over" "$STATUS" 303

it_done
