#!/usr/bin/env bash
# Sign-in for people, through nginx and manyi-fcgi: a key or a username and
# password at /signin; the cookie's attributes; GET /api/v1/session; the
# cookie on keyed routes for an evaluator and for an agency (only what its
# key sees); a POST by the cookie needs X-CSRF-Token; sign-out with and
# without its CSRF token; expiry; lockout after 5 failed sign-ins; a bad
# next= ignored; sessions survive a restart of manyi-fcgi; nothing secret
# in the logs.
. "$(dirname "$0")/lib.sh"
it_start

E=enforcement-enterprise
python3 tools/gen_encounters.py 400 5 >"$T/e.csv"
$MANYI import encounters "$T/e.csv" >/dev/null
python3 - "$T/e.csv" "$T/a.csv" <<'PY'
import csv, random, sys
r = random.Random(5)
rows = list(csv.DictReader(open(sys.argv[1])))
items = ["legality","procedure","fairness","civility","efficiency","transparency","integrity","disruption","overall"]
with open(sys.argv[2], "w") as f:
    f.write("encounter_id,agency,domain,size,channel,submitted_at," + ",".join(items) + "\n")
    for e in r.sample(rows, 200):
        f.write("%s,,,,phone,2022-06-01T10:00:00+08:00,%s\n"
                % (e["encounter_id"], ",".join(str(r.choice([2, 3, 4, 5])) for _ in items)))
PY
$MANYI import responses --survey $E "$T/a.csv" >/dev/null
EVAL_KEY=$(evaluator_key)
AG_KEY=$(agency_key A01)
PW='correct horse battery staple'

# manyi user
out=$(printf '%s\n' "$PW" | $MANYI user add wang.evaluator --role evaluator 2>&1)
eq "user add (evaluator), password on stdin" "$?" 0
printf '%s\n' "$PW" | $MANYI user add li.a01 --role agency --agency A01 >/dev/null 2>&1
eq "user add (agency A01)" "$?" 0
out=$(printf 'short\n' | $MANYI user add zhao --role evaluator 2>&1)
eq "a short password is refused (exit 1)" "$?" 1
contains "and says so" "$out" "at least 10 characters"
out=$(printf '%s\n' "$PW" | $MANYI user add zhao --role agency 2>&1)
eq "an agency user without --agency is a usage error" "$?" 2
out=$(printf '%s\n' "$PW" | $MANYI user add zhao --role agency --agency NOPE 2>&1)
eq "an unknown agency is refused" "$?/$(grep -c 'unknown agency' <<<"$out")" "1/1"
out=$(printf '%s\n' "$PW" | $MANYI user add wang.evaluator --role evaluator 2>&1)
eq "a name taken is refused" "$?" 1
# In a terminal: asked twice, never echoed; two different answers store nothing.
tty_add() { # NAME FIRST SECOND: exit status and what the terminal showed
	timeout 60 python3 - "$BIN/manyi" "$DB" "$@" <<'PY'
import os, pty, sys
manyi, db, name, first, second = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(manyi, [manyi, "--db", db, "user", "add", name, "--role", "evaluator"])
out = b""
for prompt, answer in ((b"Password", first), (b"again", second)):
    while prompt not in out:
        out += os.read(fd, 1024)
    os.write(fd, answer.encode() + b"\n")
while True:
    try:
        b = os.read(fd, 1024)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
print(os.WEXITSTATUS(st), out.decode().replace("\r", "").replace("\n", " | "))
PY
}
out=$(tty_add tty.one 'first password' 'other password')
contains "in a terminal: two different passwords are refused" "$out" "1 Password"
contains "saying so" "$out" "the two passwords differ"
out=$(tty_add tty.two 'typed password' 'typed password')
contains "in a terminal: asked twice, then added" "$out" "The same password again:  | user tty.two (evaluator) added"
lacks "the password is not echoed" "$out" "typed password"
eq "only the second user is there" "$(sql "SELECT group_concat(name) FROM user_account WHERE name LIKE 'tty.%'")" "tty.two"
out=$($MANYI user list 2>&1)
contains "user list names the users" "$out" "wang.evaluator"
contains "user list shows the agency's name" "$out" "A01 市市场监督管理局"
lacks "user list never prints a hash" "$out" 'argon2'
eq "the database holds an Argon2id hash, not the password" \
	"$(sql "SELECT hash LIKE '\$argon2id\$%' AND instr(hash, 'horse') = 0 FROM user_account WHERE name = 'li.a01'")" 1

# The page
req GET /signin
eq "GET /signin: 200" "$STATUS" 200
contains "the page is Chinese by default" "$BODY" '<html lang="zh-CN">'
contains "a label for the username" "$BODY" '<label for="username">用户名</label>'
contains "a label for the password" "$BODY" '<label for="password">密码</label>'
contains "a label for the key" "$BODY" '<label for="key">密钥</label>'
contains "a language switch" "$BODY" 'href="/signin?lang=en"'
lacks "no script" "$BODY" "<script"
contains "phone-sized (viewport)" "$BODY" 'name="viewport"'
req GET "/signin?lang=en&next=/dashboard/%3Fsurvey%3D$E"
contains "English with lang=en" "$BODY" '<label for="password">Password</label>'
eq "next= is carried in the form" "$(field next | sed -n 1p)" "/dashboard/?survey=$E"
contains "and in the language switch" "$BODY" "href=\"/signin?lang=zh&amp;next=/dashboard/%3Fsurvey%3D$E\""
req GET "/signin?next=https://evil.example/"
eq "a next= to another site is not carried" "$(field next | sed -n 1p)" ""
req GET /
contains "the landing page links to the sign-in" "$BODY" 'href="/signin"'
contains "and to the public results" "$BODY" 'href="/results"'

# Sign in with a key
signin "key=$EVAL_KEY"
tok=$SESSION
eq "sign-in with a key: 303" "$STATUS" 303
check "a session token is set" test -n "$tok"
cookie=$(grep -i '^set-cookie: manyi_session=' <<<"$HEADERS" | tr -d '\r')
contains "cookie: HttpOnly" "$cookie" "; HttpOnly"
contains "cookie: SameSite=Strict" "$cookie" "; SameSite=Strict"
contains "cookie: Path=/" "$cookie" "; Path=/"
contains "cookie: Max-Age=28800" "$cookie" "; Max-Age=28800"
lacks "cookie: not Secure over plain http" "$cookie" "Secure"
contains "to the dashboard by default" "$HEADERS" "Location: /dashboard/"
eq "the database holds no token, only its hash" "$(sql "SELECT count(*) FROM session WHERE instr(hash, CAST('$tok' AS BLOB)) > 0")" 0
signin "key=  $EVAL_KEY "
eq "a key pasted with spaces around it signs in" "$STATUS" 303
tok_https=$(curl -sS -o /dev/null -D - --data-urlencode "key=$EVAL_KEY" -H 'X-Forwarded-Proto: https' "$BASE/signin" | tr -d '\r' | grep -i '^set-cookie: manyi_session=')
contains "cookie: Secure when the request came over https" "$tok_https" "; Secure"

# GET /api/v1/session
req GET /api/v1/session
eq "/api/v1/session without a cookie: 401" "$STATUS" 401
eq "a JSON error" "$(json 'j["error"]["code"]')" unauthorized
conform GET /api/v1/session
req GET /api/v1/session -H "Cookie: manyi_session=$tok"
eq "/api/v1/session: 200" "$STATUS" 200
conform GET /api/v1/session
eq "role evaluator, no agency, no user" "$(json 'j["role"], j["agency"], j["agency_name"], j["user"]')" "('evaluator', None, None, None)"
csrf=$(json 'j["csrf"]')
check "a CSRF token" test ${#csrf} -ge 40
check "expires in 8 hours" python3 -c "
import datetime, sys
t = datetime.datetime.strptime('$(json 'j["expires_at"]')', '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
d = (t - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
sys.exit(0 if 8 * 3600 - 120 < d <= 8 * 3600 else 1)"
contains "not cached" "$HEADERS" "Cache-Control: no-store"

req POST /signin -H 'Sec-Fetch-Site: cross-site' --data-urlencode "key=$EVAL_KEY"
eq "a sign-in posted from another site's page: 403, no cookie" "$STATUS/$(grep -ci 'set-cookie: manyi_session' <<<"$HEADERS")" "403/0"

# Sign in with a username and password
signin username=Li.A01 "password=$PW" "next=/dashboard/?agency=A01"
ptok=$SESSION
eq "sign-in with username (any case) and password: 303" "$STATUS" 303
contains "to next" "$HEADERS" "Location: /dashboard/?agency=A01"
req GET /api/v1/session -H "Cookie: manyi_session=$ptok"
eq "an agency user's session" "$(json 'j["role"], j["agency"], j["user"], j["agency_name"]["zh"]')" "('agency', 'A01', 'li.a01', '市市场监督管理局')"
conform GET /api/v1/session
signin username=wang.evaluator "password=$PW" "next=https://evil.example/"
etok=$SESSION
eq "a bad next= is ignored: to the dashboard" "$(grep -i '^location:' <<<"$HEADERS")" "Location: /dashboard/"
signin username=wang.evaluator "password=$PW" "next=//evil.example/dashboard/"
eq "a protocol-relative next= is ignored too" "$(grep -i '^location:' <<<"$HEADERS" | tr -d '\r')" "Location: /dashboard/"
signin "key=$EVAL_KEY" "next=/dashboard/\"><script>"
eq "a next= with markup is ignored" "$(grep -i '^location:' <<<"$HEADERS" | tr -d '\r')" "Location: /dashboard/"

req GET "/signin?lang=en&next=/dashboard/%23x" -H "Cookie: manyi_session=$ptok"
contains "signed in already: the page says who" "$BODY" "You are signed in: li.a01 · Municipal Administration for Market Regulation (A01)"
contains "with a way on" "$BODY" 'href="/dashboard/#x"'
eq "and a sign-out form with the session's CSRF token" "$(field csrf)" "$(session_csrf "$ptok")"

# The cookie on the keyed routes
ck() { req "$@" -H "Cookie: manyi_session=$CK"; }
for who in evaluator agency; do
	if [ $who = evaluator ]; then CK=$etok; else CK=$ptok; fi
	ck GET "/api/v1/stats?survey=$E&by=agency"
	eq "stats with the $who's cookie: 200" "$STATUS" 200
done
CK=$ptok
ck GET "/api/v1/stats?survey=$E&by=agency"
eq "agency cookie: its own agency's groups only" "$(json 'sorted({g["by"]["agency"] for g in j["groups"]})')" "['A01']"
ck GET "/api/v1/stats?survey=$E&by=district"
eq "agency cookie: by district refused as for its key" "$STATUS" 403
ck GET "/api/v1/export?survey=$E&format=csv"
eq "agency cookie: /api/v1/export 403" "$STATUS" 403
ck GET "/api/v1/responses?survey=$E"
eq "agency cookie: /api/v1/responses 403" "$STATUS" 403
ck GET "/api/v1/fieldwork?survey=$E"
eq "agency cookie: /api/v1/fieldwork 200" "$STATUS" 200
ck GET "/api/v1/fieldwork/progress?survey=$E"
eq "agency cookie: /api/v1/fieldwork/progress, its own agency only" \
	"$STATUS $(json 'sorted({g["agency"] for g in j["agencies"]})')" "200 ['A01']"
CK=$etok
ck GET "/api/v1/export?survey=$E&format=csv"
eq "evaluator cookie: /api/v1/export 200" "$STATUS" 200
ck GET "/api/v1/responses?survey=$E"
eq "evaluator cookie: /api/v1/responses 200" "$STATUS" 200
eq "a user's requests are audited under their name" \
	"$(sql "SELECT count(*) > 0 FROM audit WHERE actor = 'user:wang.evaluator' AND action LIKE 'GET /api/v1/export%'")" 1
req GET "/api/v1/stats?survey=$E" -H "Cookie: manyi_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
eq "a made-up session: 401" "$STATUS/$(json 'j["error"]["code"]')" "401/unauthorized"

# A POST by the cookie alone needs the CSRF token
body='[{"encounter_id":"S-1","agency":"A01","domain":"market","size":"small","district":"x","occurred_on":"2022-01-01"}]'
pcsrf=$(session_csrf "$ptok")
req POST /api/v1/encounters -H "Cookie: manyi_session=$ptok" -H 'Content-Type: application/json' --data-binary "$body"
eq "POST with the cookie, no X-CSRF-Token: 403" "$STATUS/$(json 'j["error"]["code"]')" "403/csrf"
req POST /api/v1/encounters -H "Cookie: manyi_session=$ptok" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' --data-binary "$body"
eq "POST with another session's CSRF token: 403" "$STATUS" 403
req POST /api/v1/encounters -H "Cookie: manyi_session=$ptok" -H "X-CSRF-Token: $pcsrf" -H 'Content-Type: application/json' --data-binary "$body"
eq "POST with the cookie and its X-CSRF-Token: 201" "$STATUS" 201
eq "nothing stored by the refused ones" "$(sql "SELECT count(*) FROM encounter WHERE id = 'S-1'")" 1

# Failures
signin "key=mk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
eq "a made-up key: 401" "$STATUS" 401
contains "the page says so" "$BODY" "密钥无效"
signin username=wang.evaluator password=wrong-password-1
eq "a wrong password: 401" "$STATUS" 401
contains "the page says so" "$BODY" "用户名或密码不正确"
contains "and keeps the name" "$BODY" 'value="wang.evaluator"'
signin username=nobody password=wrong-password-1 lang=en
eq "an unknown user: 401, the same words" "$STATUS" 401
contains "in English with lang=en" "$BODY" "The username or the password is not right."
signin lang=en
eq "an empty form: 400" "$STATUS" 400

# Lockout: 5 failures within 15 minutes lock the name for 15 minutes
for i in 1 2 3 4; do signin username=li.a01 "password=wrong password $i"; done
eq "4 failures: still 401" "$STATUS" 401
signin username=li.a01 "password=wrong password 5"
eq "the 5th failure: 429" "$STATUS" 429
retry=$(grep -i '^retry-after:' <<<"$HEADERS" | tr -dc 0-9)
check "with Retry-After of about 15 minutes" test "${retry:-0}" -ge 840 -a "${retry:-0}" -le 900
contains "and the page says so in words" "$BODY" "已被锁定"
signin username=li.a01 "password=$PW"
t=$SESSION
eq "locked: the right password is refused too (429, no cookie)" "$STATUS/$t" "429/"
contains "with the same words" "$BODY" "即使密码正确也无法登录"
signin username=li.a01 "password=$PW" lang=en
contains "in English too" "$BODY" "even the right"
req GET /api/v1/session -H "Cookie: manyi_session=$ptok"
eq "a session opened before the lockout goes on" "$STATUS" 200
signin username=wang.evaluator "password=$PW"
eq "another name is not locked" "$STATUS" 303

# Sign-out
req POST /signout -H "Cookie: manyi_session=$etok"
eq "sign-out without the CSRF token: 403" "$STATUS" 403
req GET /api/v1/session -H "Cookie: manyi_session=$etok"
eq "and the session goes on" "$STATUS" 200
ecsrf=$(json 'j["csrf"]')
req POST /signout -H "Cookie: manyi_session=$etok" --data-urlencode "csrf=$ecsrf"
eq "sign-out with the CSRF token (form field): 303" "$STATUS" 303
contains "to /signin" "$HEADERS" "Location: /signin"
contains "the cookie cleared" "$HEADERS" "manyi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
req GET /api/v1/session -H "Cookie: manyi_session=$etok"
eq "the session is gone" "$STATUS" 401
ck GET "/api/v1/stats?survey=$E"
eq "and stats refuse it" "$STATUS" 401
tcsrf=$(session_csrf "$tok")
before=$(sql "SELECT count(*) FROM session")
req POST /signout -H "Cookie: manyi_session=$tok" -H "X-CSRF-Token: $tcsrf"
eq "sign-out with X-CSRF-Token: 303" "$STATUS" 303
eq "its row is deleted" "$(sql "SELECT count(*) FROM session")" "$((before - 1))"

# Sessions live in the database: a restart of manyi-fcgi keeps them
stack_stop "$T/var" >/dev/null 2>&1
it_stack || not_ok "restart the stack"
req GET /api/v1/session -H "Cookie: manyi_session=$ptok"
eq "a session survives a restart of manyi-fcgi" "$STATUS" 200

# Expiry
sql "UPDATE session SET expires_at = CAST(strftime('%s','now') AS INTEGER) - 1"
req GET /api/v1/session -H "Cookie: manyi_session=$ptok"
eq "an expired session: 401" "$STATUS" 401
CK=$ptok
ck GET "/api/v1/stats?survey=$E&by=agency"
eq "and stats refuse it" "$STATUS" 401
signin "key=$AG_KEY"
eq "the next sign-in removes the expired sessions" "$(sql "SELECT count(*) FROM session")" 1

# A removed user's and a revoked key's sessions end
signin username=wang.evaluator "password=$PW"
utok=$SESSION
$MANYI user remove wang.evaluator >/dev/null
req GET /api/v1/session -H "Cookie: manyi_session=$utok"
eq "a removed user's session ends" "$STATUS" 401
signin "key=$AG_KEY"
ktok=$SESSION
$MANYI key revoke "${AG_KEY:3:12}" >/dev/null
req GET /api/v1/session -H "Cookie: manyi_session=$ktok"
eq "a revoked key's session ends" "$STATUS" 401

# Nothing secret written anywhere
logs=$(cat "$T"/var/log/* 2>/dev/null | grep -v 'links in invitations')
for s in "$PW" "$EVAL_KEY" "$ptok" "$ktok" "$csrf" 127.0.0.1; do
	lacks "the logs hold no password, key, token or address (${s:0:6}...)" "$logs" "$s"
done
dump=$(sqlite3 "$DB" .dump)
for s in "$PW" "$ptok" "$ktok" 127.0.0.1; do
	lacks "the database holds no password, token or address (${s:0:6}...)" "$dump" "$s"
done
it_done
