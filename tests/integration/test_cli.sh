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
contains "loading the same file again changes nothing" "$OUT" "unchanged (version 1)"
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
bad_import "a duplicate code" 'code,name_zh,name_en\nN1,新一,New one\nN1,新一,Again\n' "$T/bad.csv:3: duplicate code \"N1\""
bad_import "an empty name" 'code,name_zh,name_en\nN1,,New one\n' "$T/bad.csv:2: name_zh is empty"
bad_import "a missing column" 'code,name_zh\nN1,新一\n' "$T/bad.csv:1: missing column \"name_en\""
bad_import "an unknown column" 'code,name_zh,name_en,x\nN1,新一,New,1\n' "$T/bad.csv:1: unknown column \"x\""
bad_import "a short row" 'code,name_zh,name_en\nN1,新一,New\nN2,新二\n' "$T/bad.csv:3:"
bad_import "an unterminated quote" 'code,name_zh,name_en\nN1,"新一,New\n' "$T/bad.csv:2:"
bad_import "invalid UTF-8" 'code,name_zh,name_en\nN1,\xff\xfe,New\n' "$T/bad.csv:2:"
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
it_done
