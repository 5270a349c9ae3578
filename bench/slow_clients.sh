#!/usr/bin/env bash
# Slow clients against the form (not a test: it prints figures).
#
#   bench/slow_clients.sh                 3,000 slow connections for 20 s
#   CONNS=1000 HOLD=30 bench/slow_clients.sh
#
# Starts its own stack (nginx + manyi-fcgi, the generated config, a fresh
# database with the demo registry) on a free loopback port, then runs
# bench/slow_clients.py: a baseline of GET /s/enforcement-public from
# 127.0.0.2, then the same while CONNS connections from 127.0.0.1 trickle a
# request head a byte a second.  Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
export BIN
. tools/stack.sh
CONNS=${CONNS:-3000}
HOLD=${HOLD:-20}
ulimit -n "$(( $(ulimit -Hn) < 20000 ? $(ulimit -Hn) : 20000 ))"

work=$(mktemp -d /tmp/manyi-slow.XXXXXX)
trap 'stack_stop "$work/var"; rm -rf "$work"' EXIT
db=$work/manyi.db
"$BIN/manyi" --db "$db" init >/dev/null
"$BIN/manyi" --db "$db" import domains tools/demo/domains.csv >/dev/null
"$BIN/manyi" --db "$db" import agencies tools/demo/agencies.csv >/dev/null
"$BIN/manyi" --db "$db" survey load surveys/*.json >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stack_start "$work/var" "$port" "$db"
python3 bench/slow_clients.py "$port" --conns "$CONNS" --hold "$HOLD"
echo "nginx error log: $(grep -c . "$work/var/log/nginx-error.log" || true) lines"
grep -m 3 . "$work/var/log/nginx-error.log" || true
