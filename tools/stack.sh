#!/usr/bin/env bash
# Start and stop manyi's stack — nginx in front, manyi-fcgi behind — with
# everything under one state directory.  Sourced by tools/run.sh and the
# integration tests.
#
#   stack_start VAR PORT DB   # returns once /healthz answers
#   stack_stop VAR            # SIGTERM both, wait for them
#
# BIN (default bin/) says where manyi-fcgi is.

stack_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Write VAR/nginx.conf for PORT.
stack_config() {
	local var=$1 port=$2
	local user=""
	[ "$(id -u)" -eq 0 ] && user="user root;"
	mkdir -p "$var/log" "$var/nginx"
	sed -e "s|@VAR@|$var|g" -e "s|@PORT@|$port|g" -e "s|@WWW@|$stack_top/www|g" \
	    -e "s|@SOCK@|$var/manyi.sock|g" -e "s|@USER@|$user|g" \
	    "$stack_top/tools/nginx.conf.in" >"$var/nginx.conf"
}

stack_start() {
	local var=$1 port=$2 db=$3
	local bin=${BIN:-$stack_top/bin}
	case "$bin" in /*) ;; *) bin=$stack_top/$bin ;; esac
	var=$(mkdir -p "$var" && cd "$var" && pwd)
	stack_config "$var" "$port"
	"$bin/manyi-fcgi" --db "$db" --socket "$var/manyi.sock" ${MANYI_THREADS:+--threads $MANYI_THREADS} \
		>>"$var/log/manyi-fcgi.log" 2>&1 &
	echo $! >"$var/manyi-fcgi.pid"
	for _ in $(seq 100); do
		[ -S "$var/manyi.sock" ] && break
		sleep 0.05
	done
	if [ ! -S "$var/manyi.sock" ]; then
		echo "manyi-fcgi did not start; see $var/log/manyi-fcgi.log:" >&2
		tail -n 5 "$var/log/manyi-fcgi.log" >&2
		return 1
	fi
	nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log" \
		>>"$var/log/nginx.log" 2>&1 &
	echo $! >"$var/nginx.master.pid"
	for _ in $(seq 100); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "the stack did not answer /healthz on port $port; logs in $var/log" >&2
	tail -n 5 "$var/log/nginx-error.log" "$var/log/manyi-fcgi.log" >&2
	return 1
}

stack_stop() {
	local var=$1 pid
	for f in nginx.master manyi-fcgi; do
		[ -f "$var/$f.pid" ] || continue
		pid=$(cat "$var/$f.pid")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$var/$f.pid"
	done
	return 0
}
