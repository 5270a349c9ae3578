#!/usr/bin/env bash
# The command line on real SQLite files: init, survey load, registry imports,
# exit statuses and FILE:LINE messages, and atomic imports.
. "$(dirname "$0")/lib.sh"

run() { # run CMD...: sets RC, OUT, ERR
	"$@" >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}

run $MANYI init
eq "init creates the database" "$RC" 0
contains "init reports the schema" "$OUT" "schema version"
run $MANYI init
eq "init is idempotent" "$RC" 0
eq "WAL mode" "$(sql 'PRAGMA journal_mode')" wal
eq "the database is private to its owner (mode 600)" "$(stat -c %a "$DB")" 600
lacks "a private database: no warning" "$ERR" "warning"
chmod 644 "$DB"
run $MANYI init
contains "a database others can read: init warns" "$ERR" "can be read by other users (mode 0644)"
contains "and says what to do" "$ERR" "chmod 600"
chmod 600 "$DB"
run "$BIN/manyi" --db "$T/sub/dir/x.db" init
eq "init does not make missing directories: status 1" "$RC" 1
contains "and says so" "$ERR" "$T/sub/dir: No such file or directory (create the directory first"
check "nothing is created" test ! -e "$T/sub"
: >"$T/file"
run "$BIN/manyi" --db "$T/file/x.db" init
eq "a file where the directory should be: status 1" "$RC" 1
mkdir "$T/cwd"
(cd "$T/cwd" && umask 022 && env -u MANYI_DB "$BIN/manyi" init >/dev/null 2>&1)
eq "the default location's var/ is made" "$(stat -c %a "$T/cwd/var/manyi.db" 2>&1)" 600
(cd "$T/cwd" && MANYI_DB=var/other.db "$BIN/manyi" init >/dev/null 2>&1)
check "as for any database in var/" test -f "$T/cwd/var/other.db"

run $MANYI survey load surveys/enforcement-enterprise.json surveys/enforcement-public.json
eq "both shipped surveys load" "$RC" 0
contains "and are registered as version 1" "$OUT" "registered as version 1"
run $MANYI survey load surveys/enforcement-enterprise.json
contains "loading the same file again changes nothing" "$OUT" "unchanged (version 1, served)"
python3 - "$T/changed.json" <<'PY'
import json, sys
d = json.load(open("surveys/enforcement-enterprise.json"))
d["title"]["en"] += " (2023)"
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False, indent=1)
PY
run $MANYI survey load "$T/changed.json"
contains "a changed file becomes a new version" "$OUT" "registered as version 2"
eq "registering a version is audited" "$(sql "SELECT count(*) FROM audit WHERE action='survey load'")" 3
eq "both versions are kept" "$(sql "SELECT group_concat(version) FROM survey WHERE id='enforcement-enterprise'")" "1,2"
# The latest loaded definition is what is served: loading the original
# file again serves it again, as version 3.
run $MANYI survey load surveys/enforcement-enterprise.json
contains "loading the older file again makes it the next version" "$OUT" \
	"registered as version 3, the definition of version 1 served again"
eq "version 3 holds version 1's definition" \
	"$(sql "SELECT (SELECT definition FROM survey WHERE id='enforcement-enterprise' AND version=3) = (SELECT definition FROM survey WHERE id='enforcement-enterprise' AND version=1)")" 1
run $MANYI survey load surveys/enforcement-enterprise.json
contains "and loading it once more changes nothing" "$OUT" "unchanged (version 3, served)"

for f in tests/data/surveys-bad/*.json; do
	run $MANYI survey load "$f"
	eq "broken definition $(basename "$f") is rejected with status 1" "$RC" 1
	contains "the message names the file $(basename "$f")" "$ERR" "$f"
done
n=$(sql "SELECT count(*) FROM survey")
run $MANYI survey load surveys/enforcement-public.json tests/data/surveys-bad/$(ls tests/data/surveys-bad | head -1)
eq "one bad file among good ones stores nothing" "$(sql "SELECT count(*) FROM survey")" "$n"

run $MANYI import domains tools/demo/domains.csv
eq "the demo domains import" "$RC" 0
contains "22 of them" "$OUT" "22 domains imported (22 new, 0 updated)"
run $MANYI import agencies tools/demo/agencies.csv
eq "the demo agencies import" "$RC" 0
run $MANYI import agencies tools/demo/agencies.csv
contains "importing again updates" "$OUT" "(0 new, 21 updated)"
eq "names in both languages" "$(sql "SELECT name_zh || '/' || name_en FROM agency WHERE code='A01'")" \
	"市市场监督管理局/Municipal Administration for Market Regulation"

# A file with a BOM and CRLF line ends imports.
printf '\xef\xbb\xbfcode,name_zh,name_en\r\nX1,"测试, 甲",Test A\r\n' >"$T/bom.csv"
run $MANYI import domains "$T/bom.csv"
eq "BOM, CRLF and quoted commas are fine" "$(sql "SELECT name_zh FROM domain WHERE code='X1'")" "测试, 甲"

bad_import() { # DESC CONTENT EXPECTED-MESSAGE
	printf '%b' "$2" >"$T/bad.csv"
	local before
	before=$(sql "SELECT count(*) || '/' || group_concat(name_en) FROM domain")
	run $MANYI import domains "$T/bad.csv"
	eq "$1: status 1" "$RC" 1
	contains "$1: FILE:LINE: reason" "$ERR" "$3"
	eq "$1: nothing stored" "$(sql "SELECT count(*) || '/' || group_concat(name_en) FROM domain")" "$before"
}
bad_import "a bad code in the middle" 'code,name_zh,name_en\nN1,新一,New one\nbad code!,坏,Bad\nN2,新二,New two\n' "$T/bad.csv:3: code"
code70=N123456789012345678901234567890123456789012345678901234567890123456789
bad_import "a 70-character code" "code,name_zh,name_en\\n$code70,长,Long\\n" \
	"$T/bad.csv:2: code \"$code70\" is 70 characters long; a code has at most 64"
bad_import "an unknown column of 70 characters" "code,name_zh,name_en,$code70\\nN1,新一,New,1\\n" \
	"$T/bad.csv:1: unknown column \"$code70\""
bad_import "a duplicate code" 'code,name_zh,name_en\nN1,新一,New one\nN1,新一,Again\n' "$T/bad.csv:3: duplicate code \"N1\""
bad_import "an empty name" 'code,name_zh,name_en\nN1,,New one\n' "$T/bad.csv:2: name_zh is empty"
bad_import "a missing column" 'code,name_zh\nN1,新一\n' "$T/bad.csv:1: missing column \"name_en\""
bad_import "an unknown column" 'code,name_zh,name_en,x\nN1,新一,New,1\n' "$T/bad.csv:1: unknown column \"x\""
bad_import "a short row" 'code,name_zh,name_en\nN1,新一,New\nN2,新二\n' "$T/bad.csv:3:"
bad_import "an unterminated quote" 'code,name_zh,name_en\nN1,"新一,New\n' "$T/bad.csv:2:"
bad_import "invalid UTF-8" 'code,name_zh,name_en\nN1,\xff\xfe,New\n' "$T/bad.csv:2:"
# 测试 in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
bad_import "a file saved as GBK" 'code,name_zh,name_en\nN1,\xb2\xe2\xca\xd4,New\n' \
	"$T/bad.csv:2: column \"name_zh\" (field 2) is not valid UTF-8; save the file as UTF-8 (Excel: 另存为 \"CSV UTF-8（逗号分隔）\""
bad_import "an update to existing names, then a bad row" 'code,name_zh,name_en\nmarket,改名,Renamed\nbad code!,x,y\n' "$T/bad.csv:3:"
eq "the earlier update was rolled back" "$(sql "SELECT name_en FROM domain WHERE code='market'")" "Market regulation"
bad_import "a header without rows" 'code,name_zh,name_en\n' "$T/bad.csv:2: no data rows"

run $MANYI import domains /nonexistent.csv
eq "a missing file is status 1" "$RC" 1
contains "and named" "$ERR" "/nonexistent.csv"
run "$BIN/manyi" --db "$T/none.db" import domains tools/demo/domains.csv
eq "no database is status 1" "$RC" 1
contains "with a hint" "$ERR" "manyi init"
run $MANYI frobnicate
eq "an unknown command is status 2" "$RC" 2
run $MANYI import planets x.csv
eq "an unknown import kind is status 2" "$RC" 2
run $MANYI
eq "no command is status 2" "$RC" 2
run env MANYI_DB="$DB" "$BIN/manyi" import domains tools/demo/domains.csv
eq "MANYI_DB names the database" "$RC" 0

# Counts read as English: "1 domain", "2 domains".
printf 'code,name_zh,name_en\nONE1,一,One\n' >"$T/one.csv"
run $MANYI import domains "$T/one.csv"
eq "one domain imported is singular" "$OUT" "$T/one.csv: 1 domain imported (1 new, 0 updated)"
printf 'code,name_zh,name_en\nA01,甲,A\n' >"$T/one.csv"
run $MANYI import agencies "$T/one.csv"
contains "one agency imported is singular" "$OUT" ": 1 agency imported (0 new, 1 updated)"
printf 'encounter_id,agency,domain,size,district,occurred_on\nC1,A01,market,small,x,2022-01-01\n' >"$T/enc1.csv"
run $MANYI import encounters "$T/enc1.csv"
eq "one encounter imported is singular" "$OUT" "$T/enc1.csv: 1 encounter imported"
printf 'encounter_id,agency,domain,size,district,occurred_on\nC2,A01,market,small,x,2022-01-01\nC3,A01,market,small,x,2022-01-02\n' >"$T/enc2.csv"
run $MANYI import encounters "$T/enc2.csv"
eq "two are plural" "$OUT" "$T/enc2.csv: 2 encounters imported"
run $MANYI sample --survey enforcement-enterprise --n 1 --seed 1
contains "one encounter sampled is singular" "$ERR" "1 encounter sampled"
run $MANYI invite --survey enforcement-enterprise --uninvited
contains "invitations: plural for two" "$ERR" "2 invitations minted"
eq "and audited in the same words" "$(sql "SELECT detail FROM audit WHERE action='invite'")" "2 invitations, 30 days"
run $MANYI invite --survey enforcement-enterprise --uninvited --expires 1
contains "none left to invite: 0 is plural" "$ERR" "0 invitations minted"
eq "one day is singular in the audit" "$(sql "SELECT detail FROM audit WHERE action='invite' ORDER BY rowid DESC LIMIT 1")" "0 invitations, 1 day"

# Help, the version, and usage errors that show the one command concerned.
run "$BIN/manyi" help
eq "manyi help: status 0" "$RC" 0
eq "on stdout, nothing on stderr" "$ERR" ""
for c in init "survey load" "import responses" invite sample stats export publish "key create" "key revoke"; do
	contains "manyi help shows $c" "$OUT" "  $c "
done
full=$OUT
run "$BIN/manyi" --help
eq "--help is manyi help" "$RC/$OUT" "0/$full"
run "$BIN/manyi" -h
eq "-h is manyi help" "$RC/$OUT" "0/$full"
run "$BIN/manyi" help sample
eq "manyi help sample: status 0" "$RC" 0
contains "shows sample" "$OUT" "sample --survey ID --n N"
lacks "and no other command" "$OUT" "stats --survey"
run "$BIN/manyi" sample --help
contains "manyi sample --help is the same" "$OUT" "sample --survey ID --n N"
run "$BIN/manyi" help planets
eq "help for an unknown command: status 2" "$RC" 2
run "$BIN/manyi" --version
eq "--version: status 0" "$RC" 0
check "--version prints manyi and a version" grep -Eq '^manyi [0-9]+\.[0-9]+' "$T/out"
eq "the version is the Makefile's" "$OUT" "manyi $(sed -n 's/^VERSION = //p' Makefile)"

run $MANYI sample --survey enforcement-enterprise --seed 1
eq "a usage error: status 2" "$RC" 2
eq "the error comes first" "$(head -1 "$T/err")" "manyi: sample: --n N is required"
contains "then the usage of that command" "$ERR" "sample --survey ID --n N"
contains "including its continuation lines" "$ERR" "[--from DATE] [--to DATE] [--expires DAYS]"
lacks "not the usage of the others" "$ERR" "stats --survey"
lacks "(none of them)" "$ERR" "key revoke"
contains "and where to find the rest" "$ERR" "manyi help"
check "a few lines, not the whole usage" test "$(wc -l <"$T/err")" -le 6
run $MANYI stats --survey enforcement-enterprise --level 2
eq "stats: the error names the command" "$(head -1 "$T/err")" "manyi: stats: --level is a number between 0 and 1, like 0.95"
contains "and shows the stats usage" "$ERR" "[--level 0.95] [--low-n 30]"
lacks "only" "$ERR" "sample --survey"
run $MANYI publish --survey enforcement-enterprise --low-n x
eq "publish: the error names publish" "$(head -1 "$T/err")" "manyi: publish: --low-n is a whole number from 0 to 1000000"
contains "and shows its usage" "$ERR" "publish --survey ID [--measure ITEM|ITEM.OPTION|index] [--by COL[,COL]]"
run $MANYI export --survey enforcement-enterprise
eq "export: what is missing" "$(head -1 "$T/err")" "manyi: export: --format csv|json|ndjson|xlsx|sav|dta is required"
run $MANYI sample --survey enforcement-enterprise --n 3 --seed
eq "an option without its value: status 2" "$RC" 2
eq "named" "$(head -1 "$T/err")" "manyi: sample: --seed needs a value"
run $MANYI import responses x.csv
contains "import responses shows the import usage" "$ERR" "import responses --survey ID FILE.csv"
run $MANYI frobnicate
eq "an unknown command is named" "$(head -1 "$T/err")" 'manyi: unknown command "frobnicate"'
contains "with the list of commands" "$ERR" "commands: init survey import"

# A period that ends before it starts is a usage error, for every command with --from/--to.
for c in stats publish "sample --n 3 --seed 1" "export --format csv"; do
	run $MANYI $c --survey enforcement-enterprise --from 2026-12-01 --to 2026-01-01
	eq "${c%% *} --from after --to: status 2" "$RC" 2
	eq "${c%% *}: says so" "$(head -1 "$T/err")" \
		"manyi: ${c%% *}: --from 2026-12-01 is after --to 2026-01-01: the period ends before it starts"
	eq "${c%% *}: nothing on stdout" "$OUT" ""
done
run $MANYI sample --survey enforcement-enterprise --n 3 --seed 1 --from 2022-01-01 --to 2022-01-01
eq "a period of one day is fine" "$RC" 0
run $MANYI sample --survey enforcement-enterprise --n 3 --seed 1 --from 2022-02-30
eq "sample: --from is a real date" "$RC" 2

# Links come from one setting the command line and the server share.
printf 'encounter_id,agency,domain,size,district,occurred_on\nL1,A01,market,small,d,2022-04-11\nL2,A01,market,household,d,2022-04-11\n' >"$T/l.csv"
$MANYI import encounters "$T/l.csv" >/dev/null
run env -u MANYI_BASE_URL $MANYI init --base-url-default http://127.0.0.1:18800
contains "init --base-url-default sets an unset base URL" "$OUT" "links in invitations and QR codes: http://127.0.0.1:18800"
run env -u MANYI_BASE_URL $MANYI invite --survey enforcement-enterprise --encounter L1
contains "invite makes links with it" "$OUT" ",http://127.0.0.1:18800/s/enforcement-enterprise?t="
contains "and warns that only this machine can open them" "$ERR" "only this machine can open"
run env -u MANYI_BASE_URL $MANYI init --base-url https://manyi.example.gov.cn/
contains "init --base-url sets a public address" "$OUT" "links in invitations and QR codes: https://manyi.example.gov.cn/"
run env -u MANYI_BASE_URL $MANYI init --base-url-default http://127.0.0.1:18801
contains "which make run's default does not replace" "$OUT" "links in invitations and QR codes: https://manyi.example.gov.cn/"
run env -u MANYI_BASE_URL $MANYI invite --survey enforcement-enterprise --encounter L1
contains "invite uses the public address" "$OUT" ",https://manyi.example.gov.cn/s/enforcement-enterprise?t="
lacks "without a warning" "$ERR" "warning"
run env MANYI_BASE_URL=https://other.example $MANYI invite --survey enforcement-enterprise --encounter L1
contains "MANYI_BASE_URL overrides the setting" "$OUT" ",https://other.example/s/"
run $MANYI init --base-url 'ftp://x'
eq "a base URL that is not http(s): usage error" "$RC" 2
run $MANYI init --base-url 'https://x/?t=1'
eq "nor one with a query" "$RC" 2
# A sample invites each encounter to the survey of its audience.
run $MANYI sample --survey enforcement-enterprise --n 100 --seed 3
lacks "the enterprise survey's sample has no household" "$OUT" "L2,"
contains "but has the enterprise" "$OUT" "L1,"
run $MANYI sample --survey enforcement-public --n 100 --seed 3
contains "the public survey's sample has the household" "$OUT" "L2,"
lacks "and no enterprise" "$OUT" "L1,"

# Keys: listed with their agency's name, revoked by id or by the key itself.
ek=$($MANYI key create --role evaluator 2>/dev/null)
ak=$($MANYI key create --role agency --agency A01 2>/dev/null)
run $MANYI key list
eq "key list: status 0" "$RC" 0
contains "key list has a header" "$OUT" "last used"
contains "lists the evaluator key by its id" "$OUT" "${ek:3:12}  evaluator"
contains "and the agency key with its agency's name" "$OUT" "A01 $(sql "SELECT name_zh FROM agency WHERE code='A01'")"
lacks "never a key's secret" "$OUT" "${ek:16}"
run $MANYI key revoke "${ak}x"
eq "a mistyped key revokes nothing: status 1" "$RC" 1
contains "and says so" "$ERR" "not a key of this database"
run $MANYI key revoke "$ak"
eq "the key itself revokes it" "$RC" 0
contains "by its id" "$OUT" "key ${ak:3:12} revoked"
run $MANYI key revoke "${ek:3:12}"
eq "so does its id" "$RC" 0
run $MANYI key revoke "${ek:3:12}"
eq "a key revoked already: status 1" "$RC" 1
run $MANYI key list
eq "both show when they were revoked" "$(grep -cE "^(${ek:3:12}|${ak:3:12}) .* 20[0-9-]+T[0-9:]+Z  (never|20)" <<<"$OUT")" 2
it_done
