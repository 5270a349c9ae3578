#!/usr/bin/env bash
# The tamper-evident record (issue 16 item 4, CONTRACT §6 "Audit"; docs/audit.md):
# every audit row chained by SHA-256 (checked here against an independent
# implementation of the encoding in Python), the answers of each day that is
# over sealed, `manyi audit verify` exit 0 on an intact record and exit 1
# naming the first row that does not match after an attacker with the file
# edits or deletes an audit row, edits an answer or deletes a response
# (sqlite3, triggers dropped first), `--head` of a publication after the
# record was rewritten consistently, the head carried by `manyi publish`,
# GET /api/v1/public/publications and the efficacy report, and the chaining
# of the rows an older database already has when it migrates.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
E=enforcement-enterprise
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
# copy NAME: a copy of the database to attack (the original stays intact).
copy() { sqlite3 "$DB" ".backup $T/$1.db"; echo "$BIN/manyi --db $T/$1.db"; }

# Activity: registry, surveys, encounters, answers (with a comment), keys.
{
	echo "encounter_id,agency,domain,size,district,occurred_on,outcome"
	for i in $(seq 1 30); do echo "M$i,A01,market,small,鄂城区,2023-04-$(printf %02d $(( (i % 28) + 1 ))),$([ $((i % 2)) = 0 ] && echo fined || echo no_violation)"; done
	for i in $(seq 1 30); do echo "N$i,A02,ecology,small,华容区,2023-05-$(printf %02d $(( (i % 28) + 1 ))),fined"; done
} >"$T/enc.csv"
check "encounters" $MANYI import encounters "$T/enc.csv"
{
	echo 'encounter_id,agency,domain,size,channel,submitted_at,legality,procedure,fairness,civility,efficiency,transparency,integrity,disruption,overall,comment'
	for i in $(seq 1 30); do v=$(( (i % 3) + 3 )); echo "M$i,,,,phone,2023-06-01T10:00:00+08:00,$v,$v,4,5,$v,4,5,4,$v,好"; done
	for i in $(seq 1 30); do v=$(( (i % 2) + 2 )); echo "N$i,,,,phone,2023-06-01T10:00:00+08:00,$v,$v,3,$v,2,3,$v,3,$v,"; done
} >"$T/ans.csv"
check "answers" $MANYI import responses --survey $E "$T/ans.csv"
EK=$(evaluator_key)
AK=$(agency_key A01)
check "a key revoked" $MANYI key revoke "$(sql "SELECT id FROM api_key WHERE role = 'agency'")"
# The answers were stored on two days that are over (UTC+8): stored_at is
# what the server set, moved back here before anything was sealed.
sql "UPDATE resp SET stored_at = stored_at - 3 * 86400 WHERE public_id IN (SELECT r.public_id FROM resp r JOIN enc e ON e.id = r.encounter WHERE e.code LIKE 'M%')"
sql "UPDATE resp SET stored_at = stored_at - 2 * 86400 WHERE stored_at > strftime('%s', 'now') - 86400"
D3=$(sql "SELECT date('now', '+8 hours', '-3 days')")
D2=$(sql "SELECT date('now', '+8 hours', '-2 days')")
O=$(copy old) # made older at the end

NROWS=$(sql "SELECT count(*) FROM audit")
eq "every audit row has a 32-byte hash" "$(sql "SELECT count(*) FROM audit WHERE length(hash) = 32")" "$NROWS"
run $MANYI audit verify
eq "audit verify on an intact record: exit 0" "$RC" 0
contains "... a one-line summary" "$OUT" "audit chain intact: $NROWS rows, head $NROWS "
contains "... nothing sealed yet" "$OUT" "answers: 0 days sealed, 0 answers"

# The encoding, independently: SHA-256(previous hash || enc(id, at, actor, action, object, detail)).
cat >"$T/chain.py" <<'PY'
import hashlib, sqlite3, struct, sys
def enc(v):
    if v is None: return b"\x00"
    if isinstance(v, int): return b"\x01" + struct.pack(">q", v)
    b = v.encode() if isinstance(v, str) else bytes(v)
    return (b"\x03" if isinstance(v, str) else b"\x04") + struct.pack(">I", len(b)) + b
def row_hash(prev, row):
    return hashlib.sha256(prev + b"".join(enc(x) for x in row)).digest()
db = sqlite3.connect(sys.argv[1])
mode = sys.argv[2]
rows = db.execute("SELECT id, at, actor, action, object, detail, hash FROM audit ORDER BY id").fetchall()
if mode == "check":  # how many rows the independent chain agrees with
    prev, ok = bytes(32), 0
    for r in rows:
        h = row_hash(prev, r[:6])
        if h != r[6]: break
        ok, prev = ok + 1, h
    print(ok)
else:  # rewrite: row ID's detail becomes the text given, and every hash from it on is recomputed
    rid, text = int(sys.argv[3]), sys.argv[4]
    db.execute("DROP TRIGGER audit_append_only_u")
    prev = bytes(32)
    for r in rows:
        r = list(r)
        if r[0] == rid: r[5] = text
        if r[0] >= rid:
            r[6] = row_hash(prev, r[:6])
            db.execute("UPDATE audit SET detail = ?, hash = ? WHERE id = ?", (r[5], r[6], r[0]))
        prev = r[6]
    db.commit()
PY
eq "the chain is the documented encoding (Python agrees on every row)" "$(python3 "$T/chain.py" "$DB" check)" "$NROWS"

# Sealing: audit head seals the two days that are over, each an audit row.
run $MANYI audit head
eq "audit head: exit 0, ID HEX" "$RC/$(grep -cE '^[0-9]+ [0-9a-f]{64}$' <<<"$OUT")" "0/1"
HEAD_ID=${OUT%% *}
eq "... two days sealed, each an audit row (the head is the last)" "$HEAD_ID" "$((NROWS + 2))"
eq "... answers_day: the two days and their counts" "$(sql "SELECT group_concat(day || ':' || n, ' ') FROM answers_day")" "$D3:30 $D2:30"
eq "... the audit rows say the same" "$(sql "SELECT group_concat(object || ':' || substr(detail, 1, 10), ' ') FROM audit WHERE action = 'answers sealed'")" "$D3:30 answers $D2:30 answers"
eq "... the root in the audit row is the table's" "$(sql "SELECT count(*) FROM audit a JOIN answers_day d ON a.object = d.day WHERE a.detail = d.n || ' answers, root ' || lower(hex(d.root))")" 2
run $MANYI audit head --format json
eq "audit head --format json (nothing more to seal: the same head)" "$OUT" "$(python3 -c 'import sys; print("{\"id\":%s,\"hash\":\"%s\"}" % tuple(sys.argv[1].split()))' "$HEAD_ID $(sql "SELECT lower(hex(hash)) FROM audit WHERE id = $HEAD_ID")")"
today_answer=$(sql "SELECT count(*) FROM resp WHERE date(stored_at, 'unixepoch', '+8 hours') = date('now', '+8 hours')")
eq "... today stays open" "$(sql "SELECT count(*) FROM answers_day WHERE day = date('now', '+8 hours')")/$today_answer" "0/0"
run $MANYI audit verify
eq "verify after sealing: exit 0" "$RC" 0
contains "... counts the sealed days and their answers" "$OUT" "answers: 2 days sealed, 60 answers"
eq "the Python chain still agrees" "$(python3 "$T/chain.py" "$DB" check)" "$(sql "SELECT count(*) FROM audit")"

# Publishing: the publication carries the head after its own audit line.
run $MANYI publish --survey $E --weighting none --low-n 10
eq "publish: exit 0" "$RC/$ERR" "0/"
PUB_ID=$(sql "SELECT id FROM audit WHERE action = 'publish'")
PUB_HASH=$(sql "SELECT lower(hex(hash)) FROM audit WHERE id = $PUB_ID")
eq "... the publication's audit_head is its audit row, the last" \
	"$(sql "SELECT json_extract(result, '\$.audit_head.id') || ' ' || json_extract(result, '\$.audit_head.hash') FROM publication")" \
	"$PUB_ID $PUB_HASH"
eq "... which is the head" "$(sql "SELECT max(id) FROM audit")" "$PUB_ID"
contains "... and publish prints it" "$OUT" "audit head $PUB_ID $PUB_HASH"

# The efficacy report carries the head in its stamp, its footer and its methods appendix.
F=tests/report/evaluation-fixture.json
run $MANYI report --year 2023 --evaluation "$F" --survey $E --format json --out "$T/r.json"
eq "report --format json: exit 0" "$RC/$ERR" "0/"
eq "... its stamp's audit_head is the head" "$(python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["stamp"]["audit_head"]; print(h["id"], h["hash"])' "$T/r.json")" "$PUB_ID $PUB_HASH"
run $MANYI report --year 2023 --evaluation "$F" --survey $E --out "$T/r.html"
contains "the HTML report: a meta line" "$(cat "$T/r.html")" "<meta name=\"manyi-audit-head\" content=\"$PUB_ID $PUB_HASH\">"
contains "... the methods appendix" "$(cat "$T/r.html")" "manyi audit verify --head $PUB_HASH"
run $MANYI report verify "$T/r.html" --evaluation "$F"
eq "report verify: exit 0" "$RC" 0
contains "... its head is in the chain" "$OUT" "its audit head $PUB_ID $PUB_HASH is in the intact audit chain"
run $MANYI audit verify --head "$PUB_HASH"
eq "audit verify --head (the published head): exit 0" "$RC" 0
contains "... saying so" "$OUT" "the published head is in the chain"
run $MANYI audit verify --head "$PUB_ID $PUB_HASH"
eq "... given as audit head prints it" "$RC" 0

MANYI_CHROMIUM=/nonexistent run $MANYI publish evaluation --year 2023 --evaluation "$F" --survey $E
eq "publish evaluation: exit 0" "$RC/$ERR" "0/"
eq "... the published report's stamp carries the head" \
	"$(sql "SELECT json_extract(result, '\$.stamp.audit_head.id') || ' ' || json_extract(result, '\$.stamp.audit_head.hash') FROM publication WHERE query = 'evaluation?year=2023&form=json'")" \
	"$PUB_ID $PUB_HASH"
contains "... and publish evaluation prints it" "$OUT" "audit head $PUB_ID $PUB_HASH"

# GET /api/v1/public/publications shows each version's head.
it_stack || { not_ok "start nginx and manyi-fcgi"; it_done; exit 1; }
req GET /api/v1/public/evaluations
eq "GET /api/v1/public/evaluations: the report's audit_head" "$STATUS/$(json 'j["evaluations"][0]["audit_head"]["hash"]')" "200/$PUB_HASH"
req GET "/api/v1/public/publications?survey=$E"
eq "GET /api/v1/public/publications: the version's audit_head" \
	"$STATUS/$(json 'j["publications"][0]["versions"][0]["audit_head"]["id"], j["publications"][0]["versions"][0]["audit_head"]["hash"]')" \
	"200/($PUB_ID, '$PUB_HASH')"
conform GET /api/v1/public/publications
req GET "/api/v1/public/stats?$(sql "SELECT query FROM publication WHERE survey_id = '$E'")"
eq "GET /api/v1/public/stats: the publication's audit_head" "$STATUS/$(json 'j["audit_head"]["id"], j["audit_head"]["hash"]')" \
	"200/($PUB_ID, '$PUB_HASH')"
conform GET /api/v1/public/stats
stack_stop "$T/var" >/dev/null 2>&1

# Attacks on copies of the file, as someone holding it with sqlite3 would.
K=$(sql "SELECT id FROM audit WHERE action = 'key create' ORDER BY id LIMIT 1")
KAT=$(sql "SELECT at FROM audit WHERE id = $K")
A=$(copy edit)
sqlite3 "$T/edit.db" "DROP TRIGGER audit_append_only_u; UPDATE audit SET detail = 'role=agency' WHERE id = $K"
run $A audit verify
eq "an audit row edited: exit 1" "$RC" 1
contains "... naming it, its time and action" "$OUT" "audit row $K ($KAT key create"
contains "... and why" "$OUT" "its hash does not match — edited or a row before it deleted"

A=$(copy del)
sqlite3 "$T/del.db" "DROP TRIGGER audit_append_only_d; DELETE FROM audit WHERE id = $K"
run $A audit verify
eq "an audit row deleted: exit 1" "$RC" 1
contains "... naming the row after the gap" "$OUT" "audit row $((K + 1)) ("
contains "... and the missing one" "$OUT" "the rows $K to $K before it are missing (deleted)"

A=$(copy nohash)
sqlite3 "$T/nohash.db" "INSERT INTO audit (actor, action) VALUES ('x', 'forged')"
run $A audit verify
eq "a row added outside manyi: exit 1" "$RC/$(grep -c 'forged): it has no hash' <<<"$OUT")" "1/1"

A=$(copy nums)
R=$(sql "SELECT r.id FROM resp r JOIN enc e ON e.id = r.encounter WHERE e.code = 'N7'")
sqlite3 "$T/nums.db" "UPDATE resp SET nums = X'0505050505050505' WHERE id = $R"
run $A audit verify
eq "an answer of a sealed day edited: exit 1" "$RC" 1
contains "... naming the day" "$OUT" "answers of $D2: 30 sealed, 30 now, but their root differs — a response edited after sealing"

A=$(copy text)
sqlite3 "$T/text.db" "UPDATE answer_text SET text = '差' WHERE response = (SELECT min(response) FROM answer_text)"
run $A audit verify
eq "a comment of a sealed day edited: exit 1" "$RC/$(grep -c "answers of $D3: 30 sealed, 30 now, but their root differs" <<<"$OUT")" "1/1"

A=$(copy gone)
sqlite3 "$T/gone.db" "DELETE FROM response WHERE id = $R"
run $A audit verify
eq "a response deleted: exit 1" "$RC" 1
contains "... naming the day and the counts" "$OUT" "answers of $D2: 30 sealed, 29 now — a response deleted after sealing"

A=$(copy added)
sqlite3 "$T/added.db" "INSERT INTO response (public_id, survey_id, survey_version, channel, agency, domain, size, submitted_at, stored_at)
	VALUES ('forged1', '$E', 1, 'paper', 'A01', 'market', 'small', '2023-06-01T10:00:00+08:00', strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days'))"
run $A audit verify
eq "a response slipped into a sealed day: exit 1" "$RC/$(grep -c "answers of $D2: 30 sealed, 31 now — a response added after sealing" <<<"$OUT")" "1/1"

A=$(copy seal)
sqlite3 "$T/seal.db" "DROP TRIGGER answers_day_append_only_d; DELETE FROM answers_day WHERE day = '$D2'"
run $A audit verify
eq "a seal deleted from answers_day: exit 1" "$RC/$(grep -c "answers of $D2: sealed in the audit record but missing" <<<"$OUT")" "1/1"

# A consistent rewrite after publication: the chain recomputed from the
# edited row on passes on its own, not against the published head.
A=$(copy rewrite)
python3 "$T/chain.py" "$T/rewrite.db" rewrite "$K" "role=agency"
run $A audit verify
eq "a rewritten chain is consistent on its own: exit 0" "$RC" 0
run $A audit verify --head "$PUB_HASH"
eq "... but not with the published head: exit 1" "$RC" 1
contains "... saying the record was rewritten after publication" "$OUT" "the head $PUB_HASH is not in the audit chain"
contains "... and giving the head now" "$OUT" "(head now $PUB_ID "
run $MANYI audit verify --head "$PUB_ID $PUB_HASH"
eq "the original still holds the head" "$RC" 0
run $MANYI audit verify --head "$((PUB_ID - 1)) $PUB_HASH"
eq "... at its id only" "$RC" 1

# Bad input.
run $MANYI audit verify --head nothex
eq "--head not a hash: exit 1" "$RC" 1
contains "... saying what a head is" "$OUT" "is not a head (64 hex digits"
run $MANYI audit frob
eq "an unknown subcommand: usage" "$RC" 2
run $MANYI audit head --format xml
eq "a bad format: usage" "$RC" 2
run $MANYI audit verify --head
eq "--head without a value: usage" "$RC" 2

# An older database (before the migration) chains its rows as it migrates:
# the copy made before sealing, set back to the version before the audit
# migration (when it is the last one; else later migrations would run again).
MA=$(sed -n 's/^#define MIGRATION_AUDIT \([0-9]*\).*/\1/p' src/store/store_internal.h)
if [ "$MA" != "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" ]; then
	ok "an older database migrates # SKIP the audit migration ($MA) is not the last"
else
	sqlite3 "$T/old.db" "DROP TRIGGER audit_append_only_u; DROP TABLE answers_day; ALTER TABLE audit DROP COLUMN hash;
		CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
		PRAGMA user_version = $((MA - 1))"
	run $O audit verify
	eq "an older database migrates: its rows chained, exit 0" "$RC" 0
	ON=$(sqlite3 "$T/old.db" "SELECT count(*) FROM audit")
	contains "... every row" "$OUT" "audit chain intact: $ON rows"
	eq "... as the encoding says" "$(python3 "$T/chain.py" "$T/old.db" check)" "$ON"
	contains "... and the table is append-only again" "$(sqlite3 "$T/old.db" "UPDATE audit SET detail = 'x' WHERE id = 1" 2>&1)" \
		"the audit table is append-only"
fi

it_done
