#!/usr/bin/env bash
# Start and stop manyi's stack — nginx in front, manyi-fcgi behind — with
# everything under one state directory.  Sourced by tools/run.sh and the
# integration tests.
#
#   stack_start VAR PORT DB   # returns 0 once our nginx holds PORT and /healthz
#                             # answers; 1 with the reason on stderr
#   stack_stop VAR            # SIGTERM both (SIGKILL after 10 s), wait; never fails
#
# BIN (default bin/) says where manyi-fcgi is; MANYI_THREADS and MANYI_QUEUE,
# when set, its --threads and --queue; MANYI_FORENSIC_HOURS, when set, adds
# the forensic access log (see stack_config).
#
# Both programs end with the shell that started them, however it ends (even
# by SIGKILL, when no trap runs): manyi-fcgi by --die-with-parent, nginx by
# setpriv --pdeathsig; each gets SIGTERM and stops as stack_stop stops it.

stack_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Write VAR/nginx.conf for PORT.  With MANYI_FORENSIC_HOURS set (a number of
# hours, 1 or more) the forensic access log's lines are kept (VAR/log/
# forensic/YYYY-MM-DDTHH.log); otherwise they are left out.
stack_config() {
	local var=$1 port=$2
	local user="" forensic="/@FORENSIC@/d"
	[ "$(id -u)" -eq 0 ] && user="user root;"
	if [ -n "${MANYI_FORENSIC_HOURS:-}" ]; then
		if ! [[ $MANYI_FORENSIC_HOURS =~ ^[1-9][0-9]*$ ]]; then
			echo "MANYI_FORENSIC_HOURS must be a whole number of hours (1 or more)" >&2
			return 1
		fi
		forensic="s|@FORENSIC@||"
		mkdir -p "$var/log/forensic"
		chmod 0700 "$var/log/forensic"
	fi
	mkdir -p "$var/log" "$var/nginx"
	sed -e "s|@VAR@|$var|g" -e "s|@PORT@|$port|g" -e "s|@WWW@|$stack_top/www|g" \
	    -e "s|@SOCK@|$var/manyi.sock|g" -e "s|@USER@|$user|g" -e "$forensic" \
	    "$stack_top/tools/nginx.conf.in" >"$var/nginx.conf"
}

# Delete the forensic log files under VAR last written more than HOURS hours
# ago (a file holds one hour, so a line is kept HOURS to HOURS + 1 hours).
stack_forensic_prune() {
	local var=$1 hours=$2
	[ -d "$var/log/forensic" ] || return 0
	find "$var/log/forensic" -maxdepth 1 -type f -name '*.log' -mmin +$((hours * 60)) -delete
}

# True while process PID runs (a zombie has ended: it only waits to be reaped).
stack_alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[ -n "$st" ] && [[ $st != Z* ]]
}

# The bytes FILE holds now (0 when missing): where this start's log lines begin.
stack_log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# What FILE gained after byte offset SIZE.
stack_log_since() { tail -c +"$(($2 + 1))" "$1" 2>/dev/null; }

# True when something accepts connections on 127.0.0.1:PORT.
stack_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stack_start() {
	local var=$1 port=$2 db=$3
	local bin=${BIN:-$stack_top/bin}
	local pid log0 err0
	case "$bin" in /*) ;; *) bin=$stack_top/$bin ;; esac
	var=$(mkdir -p "$var" && cd "$var" && pwd)
	if stack_port_busy "$port"; then
		echo "port $port is already in use by another program; choose another (PORT=9000 make run)" >&2
		return 1
	fi
	stack_config "$var" "$port" || return 1

	# manyi-fcgi: up once it says it serves (a socket file may be a stale
	# one, or another instance's, which manyi-fcgi refuses to take over).
	log0=$(stack_log_size "$var/log/manyi-fcgi.log")
	# Each program leads its own process group, so that stack_stop finds its
	# workers even when the leader is gone.  (Without job control a
	# background job is no group leader, so setsid runs it in place: $! is
	# the program's pid and its group's id.)
	# Its parent is this shell (setsid does not fork here), which
	# --die-with-parent=PID checks, so a shell gone already is noticed too.
	# ($BASHPID read here: in the background job's words it is the job's.)
	local shell=$BASHPID
	setsid "$bin/manyi-fcgi" --db "$db" --socket "$var/manyi.sock" ${MANYI_THREADS:+--threads $MANYI_THREADS} \
		${MANYI_QUEUE:+--queue $MANYI_QUEUE} --die-with-parent="$shell" \
		>>"$var/log/manyi-fcgi.log" 2>&1 &
	pid=$!
	echo "$pid" >"$var/manyi-fcgi.pid"
	# Limits in seconds, and generous: on a busy machine (benchmarks, other
	# suites) either program can take several seconds to come up.
	local until=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$until" ]; do
		stack_log_since "$var/log/manyi-fcgi.log" "$log0" | grep -q '^manyi-fcgi: serving' && break
		stack_alive "$pid" || break
		sleep 0.05
	done
	if ! stack_alive "$pid" ||
	   ! stack_log_since "$var/log/manyi-fcgi.log" "$log0" | grep -q '^manyi-fcgi: serving'; then
		echo "manyi-fcgi did not start; see $var/log/manyi-fcgi.log:" >&2
		stack_log_since "$var/log/manyi-fcgi.log" "$log0" | tail -n 5 >&2
		return 1
	fi

	# nginx writes its pid file only once it holds the port, so a /healthz
	# answer before that may come from somebody else.
	rm -f "$var/nginx.pid"
	err0=$(stack_log_size "$var/log/nginx-error.log")
	local pdeath=()
	command -v setpriv >/dev/null && pdeath=(setpriv --pdeathsig TERM)
	setsid "${pdeath[@]}" nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log" \
		>>"$var/log/nginx.log" 2>&1 &
	pid=$!
	echo "$pid" >"$var/nginx.master.pid"
	until=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$until" ]; do
		if ! stack_alive "$pid"; then
			if stack_log_since "$var/log/nginx-error.log" "$err0" | grep -q 'Address already in use'; then
				echo "port $port is already in use by another program; choose another (PORT=9000 make run)" >&2
			else
				echo "nginx did not start; see $var/log/nginx-error.log:" >&2
				stack_log_since "$var/log/nginx-error.log" "$err0" | tail -n 5 >&2
			fi
			return 1
		fi
		if [ "$(cat "$var/nginx.pid" 2>/dev/null)" = "$pid" ] &&
		   curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "the stack did not answer /healthz on port $port; logs in $var/log" >&2
	tail -n 5 "$var/log/nginx-error.log" "$var/log/manyi-fcgi.log" >&2
	return 1
}

# The live processes of process group PGID (zombies have ended).
stack_group() {
	local p
	for p in $(pgrep -g "$1" 2>/dev/null); do
		stack_alive "$p" && echo "$p"
	done
	return 0
}

# Stop the process group PID leads (nginx's master and workers, or
# manyi-fcgi's supervisor and worker), if it is still the one started under
# VAR: SIGTERM to the leader (to the group once the leader is gone), up to
# 10 s to finish, then SIGKILL to whatever is left.  Never fails.
stack_kill() {
	local var=$1 pid=$2 p
	if stack_alive "$pid"; then
		ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "$var" || return 0
		kill -TERM "$pid" 2>/dev/null || true
	else
		# The leader ended (killed, crashed): its workers may still run.
		for p in $(stack_group "$pid"); do
			ps -o args= -p "$p" 2>/dev/null | grep -qE -- "^nginx: |$var" &&
				{ kill -TERM "$p" 2>/dev/null || true; }
		done
	fi
	for _ in $(seq 100); do
		[ -z "$(stack_group "$pid")" ] && return 0
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		[ -z "$(stack_group "$pid")" ] && return 0
		sleep 0.1
	done
	echo "stack_stop: process group $pid did not end" >&2
	return 0
}

# nginx first (no new requests), then manyi-fcgi (finishes those in flight).
# Whatever already ended or fails to die, every process started under VAR
# is gone afterwards; always returns 0, also under `set -e`.
stack_stop() {
	local var f pid
	var=$(cd "$1" 2>/dev/null && pwd) || return 0
	for f in nginx.master manyi-fcgi; do
		[ -f "$var/$f.pid" ] || continue
		pid=$(cat "$var/$f.pid" 2>/dev/null) || pid=""
		[ -n "$pid" ] && stack_kill "$var" "$pid"
		rm -f "$var/$f.pid"
	done
	return 0
}
