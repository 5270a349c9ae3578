#!/usr/bin/env bash
# make run: create the database on first start (demo registry + surveys),
# register every survey under surveys/ (a changed file becomes a new
# version), start nginx and the FastCGI application, and stay in the
# foreground until Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PORT=${PORT:-8080}
BIN=${BIN:-bin}
DB=${MANYI_DB:-var/manyi.db}
VAR=${MANYI_VAR:-var}
export BIN
. tools/stack.sh

mkdir -p "$VAR"
VAR_ABS=$(cd "$VAR" && pwd)

# One make run per state directory: a second one touches nothing of the
# first (its processes, pid files, socket) and says who is serving.  The
# lock is held on descriptor 9 by this script alone (the programs it starts
# do not inherit it), so it is free again the moment this script ends.
exec 9>>"$VAR_ABS/run.lock"
if ! flock -w 3 9; then
	read -r other_pid other_port <"$VAR_ABS/run.pid" 2>/dev/null || true
	echo "another make run is serving from this checkout (pid ${other_pid:-?}, port ${other_port:-?});" \
		"stop it first (Ctrl-C where it runs, or kill ${other_pid:-PID})" >&2
	exit 1
fi
echo "$$ $PORT" >"$VAR_ABS/run.pid"
# Links in invitations, QR codes and notices are made with the database's
# base URL, which the server and the command line share: MANYI_BASE_URL when
# given, else the address this stack serves on (which only this machine can
# open) unless a public address was set (`manyi init --base-url`).
if [ -n "${MANYI_BASE_URL:-}" ]; then
	base_opt=(--base-url "$MANYI_BASE_URL")
else
	base_opt=(--base-url-default "http://127.0.0.1:$PORT")
fi
new=0
if [ ! -e "$DB" ]; then
	echo "creating $DB with the demo registry"
	new=1
fi
init_out=$("$BIN/manyi" --db "$DB" init "${base_opt[@]}")
base_url=$(sed -n 's/^links in invitations and QR codes: //p' <<<"$init_out")
if [ "$new" -eq 1 ]; then
	echo "$init_out" | head -1
	"$BIN/manyi" --db "$DB" import domains tools/demo/domains.csv
	"$BIN/manyi" --db "$DB" import agencies tools/demo/agencies.csv
	"$BIN/manyi" --db "$DB" import agency-domains tools/demo/agency-domains.csv
fi
"$BIN/manyi" --db "$DB" survey load surveys/*.json

stopping=0
stop() {
	[ "$stopping" -eq 1 ] && return 0
	stopping=1
	# A second TERM (make passes its own on to this script) must not cut
	# the stop short: from here on they are ignored.
	trap '' INT TERM
	[ -n "${watchdog:-}" ] && kill "$watchdog" 2>/dev/null
	echo
	echo "stopping..."
	stack_stop "$VAR_ABS"
	rm -f "$VAR_ABS/run.pid"
	echo "stopped"
}
# Ctrl-C or SIGTERM is the normal way to stop: exit 0 once everything is down.
trap 'stop; exit 0' INT TERM
trap stop EXIT

case "$DB" in /*) absdb=$DB ;; *) absdb=$top/$DB ;; esac
stack_start "$VAR_ABS" "$PORT" "$absdb" 9>&-
# Killed outright (SIGKILL, or its terminal gone), this script cannot stop
# what it started: a watchdog in a session of its own waits for it to end
# and then, unless another make run has the directory by then, stops the
# stack and removes the pid file.
# (Its paths travel in the environment, not on its command line.)
WD_TOP=$top WD_PID=$$ WD_VAR=$VAR_ABS setsid bash -c '
	. "$WD_TOP/tools/stack.sh"
	exec 8>>"$WD_VAR/run.lock"
	while kill -0 "$WD_PID" 2>/dev/null; do sleep 1; done
	flock -n 8 || exit 0
	stack_stop "$WD_VAR"
	rm -f "$WD_VAR/run.pid"' manyi-run-watchdog </dev/null >/dev/null 2>&1 9>&- &
watchdog=$!
cat <<EOT

manyi is running on http://127.0.0.1:$PORT/

  enterprise survey  http://127.0.0.1:$PORT/s/enforcement-enterprise
                     http://127.0.0.1:$PORT/s/enforcement-enterprise?lang=en
  public survey      http://127.0.0.1:$PORT/s/enforcement-public
  follow-up (追评)    http://127.0.0.1:$PORT/followup
  complaints         http://127.0.0.1:$PORT/complaint
  certificates       http://127.0.0.1:$PORT/officers
  health             http://127.0.0.1:$PORT/healthz
  answers API        POST http://127.0.0.1:$PORT/api/v1/responses

database $DB, logs in $VAR/log/.  Press Ctrl-C to stop.
EOT
# make demo (tools/demo.sh) adds how to sign in.
if [ -n "${MANYI_RUN_NOTE:-}" ]; then printf '%s\n' "$MANYI_RUN_NOTE"; fi
if [ -z "${MANYI_FORENSIC_HOURS:-}" ] && [ -n "$(ls -A "$VAR_ABS/log/forensic" 2>/dev/null)" ]; then
	# Off now: what an earlier run wrote goes (copy it first to keep it).
	rm -f "$VAR_ABS"/log/forensic/*.log
	echo "forensic log off: deleted the files in $VAR/log/forensic/"
elif [ -n "${MANYI_FORENSIC_HOURS:-}" ]; then
	cat <<EOT
Forensic log on: every request's address, time, method and path go to
$VAR/log/forensic/ (one file an hour), deleted after $MANYI_FORENSIC_HOURS hours.
While it is on, an address can be matched to an answer by its time.
EOT
fi
case "$base_url" in
http://127.* | https://127.* | http://localhost* | https://localhost* | http://\[::1\]* | https://\[::1\]*)
	cat <<EOT
Invitation links and QR codes point to $base_url, which only this
machine can open; set the public address to hand them out:
  bin/manyi init --base-url https://your.server   (or MANYI_BASE_URL=https://your.server make run)
EOT
	;;
esac
# Wait for either process to end (or for Ctrl-C); expired forensic logs
# are deleted at start and every minute.
ticks=0
while :; do
	if [ -n "${MANYI_FORENSIC_HOURS:-}" ] && [ $((ticks % 60)) -eq 0 ]; then
		stack_forensic_prune "$VAR_ABS" "$MANYI_FORENSIC_HOURS"
	fi
	ticks=$((ticks + 1))
	for p in nginx.master:nginx manyi-fcgi:manyi-fcgi; do
		if ! stack_alive "$(cat "$VAR_ABS/${p%%:*}.pid" 2>/dev/null)"; then
			echo "${p#*:} ended unexpectedly; see $VAR/log/" >&2
			exit 1
		fi
	done
	sleep 1 &
	wait $! || true
done
