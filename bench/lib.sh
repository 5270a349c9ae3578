# Shared by the benchmark scripts (sourced from the top of the checkout).

# bench_tools: GNU time (for peak memory) and the sqlite3 shell, installed
# when missing and run as root, else the one line that installs them.
bench_tools() {
	local missing=()
	[ -x /usr/bin/time ] || missing+=(time)
	command -v sqlite3 >/dev/null || missing+=(sqlite3)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		echo "the benchmark needs: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
}
