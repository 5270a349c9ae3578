#!/usr/bin/env bash
# The working-day calendar on the command line: migration 16's years
# 2022-2026 (DOMAIN.md §5), `manyi workdays add|between` (exit 1 past the
# calendar), `manyi calendar`, `manyi import calendar` (a file's years
# replaced wholly, each bad row named FILE:LINE, nothing stored from a bad
# file), and `manyi config list|get|set` (validated, audited).
. "$(dirname "$0")/lib.sh"
$MANYI init >/dev/null || { not_ok "set up the database"; exit 1; }

run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }
days() { sql "SELECT group_concat(date || ':' || kind, ' ') FROM (SELECT * FROM calendar_day WHERE date LIKE '$1%' ORDER BY date)"; }

eq "weekday holidays per year (2022 18, 2023 18, 2024 19, 2025 18, 2026 19)" \
	"$(sql "SELECT group_concat(y || ':' || n, ' ') FROM (SELECT substr(date, 1, 4) y, count(*) n FROM calendar_day WHERE kind = 'holiday' GROUP BY y ORDER BY y)")" \
	"2022:18 2023:18 2024:19 2025:18 2026:19"
eq "make-up workdays per year" \
	"$(sql "SELECT group_concat(y || ':' || n, ' ') FROM (SELECT substr(date, 1, 4) y, count(*) n FROM calendar_day WHERE kind = 'workday' GROUP BY y ORDER BY y)")" \
	"2022:7 2023:7 2024:8 2025:5 2026:6"
eq "every make-up workday is a weekend day, every holiday a weekday" \
	"$(sql "SELECT count(*) FROM calendar_day WHERE (kind = 'workday') != (strftime('%w', date) IN ('0','6'))")" 0
eq "each year names its notice" "$(sql "SELECT count(*) FROM calendar_year WHERE source LIKE '国务院办公厅关于' || year || '年部分节假日安排的通知%'")" 5
eq "2022-12-31 (the 2023 notice's Saturday) is a weekend day, no row" "$(sql "SELECT count(*) FROM calendar_day WHERE date = '2022-12-31'")" 0

run $MANYI workdays add 2023-09-28 1
eq "National Day 2023: the next working day after 9/28 is Saturday 10/7" "$RC:$OUT" "0:2023-10-07"
run $MANYI workdays add 2022-12-30 1
eq "New Year 2023: after 2022-12-30 comes 2023-01-03" "$RC:$OUT" "0:2023-01-03"
run $MANYI workdays add 2025-01-27 1
eq "Spring Festival 2025: 1/28-2/4 off" "$RC:$OUT" "0:2025-02-05"
run $MANYI workdays add 2026-02-13 5
eq "Spring Festival 2026: Saturday 2/14 worked, 2/15-2/23 off" "$RC:$OUT" "0:2026-02-27"
run $MANYI workdays add 2025-06-03 0
eq "n = 0 is the day itself" "$RC:$OUT" "0:2025-06-03"
run $MANYI workdays add 2026-12-28 5
eq "a deadline into 2027: exit 1" "$RC:$OUT" "1:"
contains "saying the calendar ends with 2026" "$ERR" "covers up to 2026"
run $MANYI workdays add 2025-02-30 1
eq "not a date: a usage error" "$RC" 2
contains "naming it" "$ERR" '"2025-02-30" is not a date'
run $MANYI workdays add 2025-01-02 -1
eq "a negative N: a usage error" "$RC" 2
run $MANYI workdays between 2024-12-31 2025-12-31
eq "2025 has 248 working days" "$RC:$OUT" "0:248"
run $MANYI workdays between 2025-03-10 2025-03-07
eq "between: 0 when to <= from" "$RC:$OUT" "0:0"
run $MANYI workdays between 2026-12-01 2027-01-05
eq "between into 2027: exit 1" "$RC" 1

run $MANYI calendar --year 2024
eq "calendar --year 2024" "$RC" 0
contains "lists the notice" "$OUT" "国务院办公厅关于2024年部分节假日安排的通知"
contains "and the days with their names" "$OUT" "2024-02-18 Sun  workday  春节 Spring Festival"
contains "and counts them" "$OUT" "19 weekdays off, 8 weekend days worked"
lacks "only that year" "$OUT" "2025-"
run $MANYI calendar --year 2027
eq "an uncovered year: exit 1" "$RC" 1
run $MANYI calendar --format csv
eq "the CSV listing has a row per day" "$(($(wc -l <"$T/out") - 1))" "$(sql 'SELECT count(*) FROM calendar_day')"

# Import: the CSV listing of 2025 goes back in unchanged.
before=$(days 2025)
$MANYI calendar --year 2025 --format csv >"$T/y2025.csv"
run $MANYI import calendar "$T/y2025.csv"
eq "re-importing 2025's listing" "$RC" 0
contains "says how many" "$OUT" "23 calendar days imported"
eq "changes nothing" "$(days 2025)" "$before"
eq "keeps the names" "$(sql "SELECT name FROM calendar_day WHERE date = '2025-01-26'")" "春节 Spring Festival"
eq "and names the file as the source" "$(sql "SELECT source FROM calendar_year WHERE year = 2025")" "import y2025.csv"
eq "the import is audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'import calendar'")" 1

# A 2027 file (a made-up notice) covers 2027; 2026's deadlines may run into it.
printf 'date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n2027-02-08,holiday,春节\n' >"$T/y2027.csv"
run $MANYI import calendar "$T/y2027.csv"
eq "a 2027 file imports" "$RC" 0
run $MANYI workdays add 2026-12-31 1
eq "and 2026-12-31 + 1 is 2027-01-04" "$RC:$OUT" "0:2027-01-04"
run $MANYI workdays add 2027-02-05 2
eq "its Saturday worked, its Monday off" "$RC:$OUT" "0:2027-02-09"
# A year is replaced wholly: a one-row 2027 file leaves that one row.
printf 'date,kind\n2027-10-01,holiday\n' >"$T/y2027b.csv"
run $MANYI import calendar "$T/y2027b.csv"
eq "a second 2027 file replaces the year" "$RC:$(days 2027)" "0:2027-10-01:holiday"
eq "other years untouched" "$(days 2026 | wc -w)" 25

bad() { # DESC CSV-LINE EXPECTED
	printf 'date,kind,name\n2028-01-03,holiday,x\n%s\n' "$2" >"$T/b.csv"
	run $MANYI import calendar "$T/b.csv"
	eq "$1: status 1" "$RC" 1
	contains "$1: says why at line 3" "$ERR" "$T/b.csv:3: $3"
	eq "$1: nothing stored (2028 not covered, 2027 as it was)" \
		"$(sql "SELECT count(*) FROM calendar_year WHERE year = 2028")|$(days 2028)|$(days 2027)" "0||2027-10-01:holiday"
}
bad "a bad date" "2027-02-29,holiday," 'date "2027-02-29" is not a date'
bad "a bad kind" "2027-03-01,off," 'kind "off" is not holiday'
bad "a holiday on a weekend" "2027-03-06,holiday," "2027-03-06 is a Saturday: a holiday is a weekday off"
bad "a workday on a weekday" "2027-03-08,workday," "2027-03-08 is a Monday: a workday is a weekend day worked"
bad "a duplicate date" "2028-01-03,holiday,y" "duplicate date 2028-01-03 (first on line 2)"
printf 'date,kinds\n2027-03-01,holiday\n' >"$T/h.csv"
run $MANYI import calendar "$T/h.csv"
eq "a wrong header: status 1" "$RC" 1
contains "naming the column" "$ERR" "$T/h.csv:1: unknown column \"kinds\""
run $MANYI import calendar
eq "no file: a usage error" "$RC" 2

# Settings.
run $MANYI config list
eq "config list" "$RC" 0
contains "shows the reply days with default and range" "$OUT" "followup_reply_days,5,5,1,60,working days,no,"
for kv in followup_reply_days=5 followup_rectify_days=15 contact_retention_days=30 complaint_forward_days=10 officer_lookups_per_hour=60 officer_min_n=30; do
	run $MANYI config get "${kv%=*}"
	eq "default ${kv}" "$RC:$OUT" "0:${kv#*=}"
done
run $MANYI config set followup_reply_days 7
eq "config set" "$RC:$OUT" "0:followup_reply_days = 7"
run $MANYI config get followup_reply_days
eq "config get after set" "$OUT" 7
eq "the change is audited" "$(sql "SELECT object || ' ' || detail FROM audit WHERE action = 'config set'")" "followup_reply_days 5 -> 7"
run $MANYI config set followup_reply_days 0
eq "out of range: exit 1" "$RC" 1
contains "saying the range" "$ERR" "is not a whole number 1 to 60"
eq "the value stays" "$($MANYI config get followup_reply_days)" 7
run $MANYI config get no_such
eq "an unknown setting: exit 1" "$RC" 1
contains "listing the names" "$ERR" "officer_min_n"
run $MANYI help workdays
contains "the help lists workdays" "$OUT" "workdays add DATE N"
it_done
