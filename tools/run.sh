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
if [ ! -e "$DB" ]; then
	echo "creating $DB with the demo registry"
	"$BIN/manyi" --db "$DB" init
	"$BIN/manyi" --db "$DB" import domains tools/demo/domains.csv
	"$BIN/manyi" --db "$DB" import agencies tools/demo/agencies.csv
else
	"$BIN/manyi" --db "$DB" init >/dev/null
fi
"$BIN/manyi" --db "$DB" survey load surveys/*.json

stopping=0
stop() {
	[ "$stopping" -eq 1 ] && return
	stopping=1
	echo
	echo "stopping..."
	stack_stop "$top/$VAR"
	echo "stopped"
}
trap stop INT TERM EXIT

case "$DB" in /*) absdb=$DB ;; *) absdb=$top/$DB ;; esac
stack_start "$top/$VAR" "$PORT" "$absdb"
cat <<EOT

manyi is running on http://127.0.0.1:$PORT/

  enterprise survey  http://127.0.0.1:$PORT/s/enforcement-enterprise
                     http://127.0.0.1:$PORT/s/enforcement-enterprise?lang=en
  public survey      http://127.0.0.1:$PORT/s/enforcement-public
  health             http://127.0.0.1:$PORT/healthz
  answers API        POST http://127.0.0.1:$PORT/api/v1/responses

database $DB, logs in $VAR/log/.  Press Ctrl-C to stop.
EOT
# Wait for either process to end (or for Ctrl-C).
while kill -0 "$(cat "$top/$VAR/manyi-fcgi.pid")" 2>/dev/null &&
      kill -0 "$(cat "$top/$VAR/nginx.master.pid")" 2>/dev/null; do
	sleep 1 &
	wait $! || true
done
