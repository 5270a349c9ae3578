#!/usr/bin/env bash
# Slow clients: 3,000 connections from 127.0.0.1 trickling request heads a
# byte a second, held a few seconds, do not take the form down: fetched from
# 127.0.0.2 meanwhile it answers 200 every time.  (bench/slow_clients.sh
# runs the same longer and prints latencies; no timings are asserted here.)
. "$(dirname "$0")/lib.sh"
ulimit -n "$(( $(ulimit -Hn) < 20000 ? $(ulimit -Hn) : 20000 ))"
it_start

out=$(python3 bench/slow_clients.py "$PORT" --conns 3000 --hold 4 --json 2>&1)
echo "# $out"
field() { python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$out" "$1" 2>&1; }
eq "all 3,000 slow connections were open at once" \
	"$(field '(s["slow"]["peak_open"], s["slow"]["failed_connects"])')" "(3000, 0)"
eq "before them the form answered 200" "$(field 'list(s["baseline"]["statuses"])')" "['200']"
eq "while they hang on, the form answers 200 every time" "$(field 'list(s["under_load"]["statuses"])')" "['200']"
check "(and was fetched more than once meanwhile)" test "$(field 's["under_load"]["n"]')" -gt 1
lacks "nginx wrote no client address" "$(cat "$T/var/log/nginx-error.log")" "client: "
it_done
