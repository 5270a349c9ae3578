#!/usr/bin/env bash
# What a shell starts with tools/stack.sh (make run, the tests) ends when
# that shell ends, even by SIGKILL when no trap can run: manyi-fcgi by
# --die-with-parent, its worker with it, nginx by setpriv --pdeathsig.
# Started without the option (a service manager's unit), manyi-fcgi
# outlives whoever started it.
. "$(dirname "$0")/lib.sh"
it_db || { not_ok "set up the database"; exit 1; }
PORT=$(free_port)

# A shell that starts the stack and then waits, as tools/run.sh does.
bash -c '. tools/stack.sh; stack_start "$1" "$2" "$3" || exit 1; echo up >"$1/up"
	while :; do sleep 1; done' starter "$T/var" "$PORT" "$DB" >"$T/starter.log" 2>&1 &
shell=$!
disown "$shell" # no "Killed" notice below
it_wait 90 test -e "$T/var/up"
check "the stack starts" test -e "$T/var/up"
sup=$(cat "$T/var/manyi-fcgi.pid")
nginx=$(cat "$T/var/nginx.master.pid")
worker=$(pgrep -P "$sup" | head -1)
check "manyi-fcgi runs a worker" test -n "$worker"
eq "manyi-fcgi's parent is the shell" "$(ps -o ppid= -p "$sup" | tr -d ' ')" "$shell"
contains "manyi-fcgi was told to die with it" "$(ps -o args= -p "$sup")" "--die-with-parent=$shell"

kill -KILL "$shell"
gone() { ! stack_alive "$1"; }
all_gone() { gone "$sup" && gone "$worker" && gone "$nginx"; }
it_wait 30 all_gone
check "manyi-fcgi ends with the shell" gone "$sup"
check "and so does its worker" gone "$worker"
check "and nginx" gone "$nginx"
contains "manyi-fcgi stopped the usual way" "$(cat "$T/var/log/manyi-fcgi.log")" "manyi-fcgi: stopped"
check "the port is free again" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null"

# A parent that is not the one named: gone before it looked.
out=$("$BIN/manyi-fcgi" --db "$DB" --socket "$T/other.sock" --die-with-parent=1 2>&1)
eq "a parent already gone: manyi-fcgi does not start (exit 1)" "$?" 1
contains "and says why" "$out" "manyi-fcgi: the process that started it is gone; not starting"
check "and leaves no socket" test ! -e "$T/other.sock"

# Without the option, manyi-fcgi outlives the shell that started it.
bash -c '"$1" --db "$2" --socket "$3/svc.sock" >"$3/svc.log" 2>&1 & echo $! >"$3/svc.pid"
	while :; do sleep 1; done' starter "$BIN/manyi-fcgi" "$DB" "$T" &
shell=$!
disown "$shell"
it_wait 30 grep -q '^manyi-fcgi: serving' "$T/svc.log"
svc=$(cat "$T/svc.pid")
kill -KILL "$shell"
sleep 0.5
check "without --die-with-parent, manyi-fcgi outlives its parent" stack_alive "$svc"
kill -TERM "$svc"
it_wait 30 gone "$svc"
check "and stops on SIGTERM" gone "$svc"
it_done
