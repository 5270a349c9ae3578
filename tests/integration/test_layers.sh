#!/usr/bin/env bash
# The code keeps the shape docs/architecture.md draws: each layer includes
# only the layers below it, each third-party library is included only where
# the architecture says, a layer's own headers stay beside its sources, and
# no file or function outgrows what one read can hold.
set -u
cd "$(dirname "$0")/../.."
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# The layers, lowest first; a layer may include its own headers and those of
# the layers listed for it.
declare -A may=(
	[core]="core"
	[survey]="core survey"
	[store]="core survey store"
	[access]="core survey store access"
	[import]="core survey store import"
	[fieldwork]="core survey store fieldwork"
	[stats]="core survey store stats"
	[export]="core survey store stats export"
	[init]="core stats init"
	[params]="core survey stats export params"
	[web]="core survey store access import fieldwork stats export params web"
	[cli]="core survey store access import fieldwork stats export params init cli"
	[cgi]="web init"
)

# Where a header belongs: the layer whose folder holds its .c (or itself).
declare -A layer_of
for f in src/*/*.c src/*/*.h; do
	l=$(basename "$(dirname "$f")")
	b=$(basename "$f")
	layer_of[${b%.*}.h]=$l
done

bad=()
for f in src/*/*.c src/*/*.h include/*.h cgi/*.c; do
	case $f in
	cgi/*) l=cgi ;;
	include/*) b=$(basename "$f"); l=${layer_of[$b]:-} ;;
	*) l=$(basename "$(dirname "$f")") ;;
	esac
	[ -n "$l" ] || { bad+=("$f: a public header without a module in src/"); continue; }
	for h in $(grep -oE '^#include "[a-z_]+\.h"' "$f" | sed 's/#include "//; s/"//'); do
		hl=${layer_of[$h]:-}
		if [ -z "$hl" ]; then
			bad+=("$f includes $h, which no module provides")
		elif [[ " ${may[$l]} " != *" $hl "* ]]; then
			bad+=("$f ($l) includes $h ($hl)")
		fi
	done
done
if [ ${#bad[@]} -eq 0 ]; then ok "every include goes down the layers"; else not_ok "every include goes down the layers" "${bad[@]}"; fi

# A header that only its own layer includes lives beside its sources (one
# that a public header includes is public too).
bad=()
for h in include/*.h; do
	b=$(basename "$h")
	own=${layer_of[$b]}
	users=$(grep -lE "^#include \"$b\"" src/*/*.c src/*/*.h include/*.h cgi/*.c 2>/dev/null |
		while read -r u; do case $u in cgi/*) echo cgi ;; include/*) echo public ;; *) basename "$(dirname "$u")" ;; esac; done | sort -u)
	[ "$users" = "$own" ] && bad+=("include/$b is used only by $own: keep it in src/$own/")
done
if [ ${#bad[@]} -eq 0 ]; then ok "include/ holds only headers shared across layers"; else not_ok "include/ holds only headers shared across layers" "${bad[@]}"; fi

# Third-party libraries, each in its own room.
lib_room() { # DESC PATTERN ALLOWED-FILES...
	local desc=$1 pat=$2; shift 2
	local found
	found=$(grep -lE "$pat" src/*/*.c src/*/*.h include/*.h cgi/*.c | sort)
	local extra=""
	for f in $found; do
		local allowed=0 a
		for a in "$@"; do [ "$f" = "$a" ] && allowed=1; done
		[ $allowed -eq 1 ] || extra="$extra $f"
	done
	if [ -z "$extra" ]; then ok "$desc"; else not_ok "$desc" "also included by:$extra"; fi
}
lib_room "sqlite3 is included by the store only" '^#include <sqlite3\.h>' src/store/*.c src/store/*.h
lib_room "libfcgi by the FastCGI glue only" '^#include <fcgi' src/web/fcgi.c
lib_room "libqrencode by qr only" '^#include <qrencode\.h>' src/web/qr.c
lib_room "libxlsxwriter by the xlsx writer only" '^#include <xlsxwriter\.h>' src/export/export_xlsx.c
lib_room "libreadstat by the SPSS and Stata writer only" '^#include <readstat\.h>' src/export/export_readstat.c
lib_room "libcsv by the CSV reader only" '^#include <csv\.h>' src/import/csvin.c
lib_room "libsodium by crypto only" '^#include <sodium\.h>' src/core/crypto.c
lib_room "GSL by the statistics and the sampler only" '^#include <gsl/' \
	$(ls src/stats/stats*.c) src/fieldwork/sample.c

# The programs start the libraries through manyi_init() and include neither
# libsodium nor GSL themselves.
found=$(grep -lE '^#include <(sodium\.h|gsl/)' cgi/*.c src/cli/*.c)
if [ -z "$found" ]; then ok "cgi/ and src/cli/ include neither <sodium.h> nor <gsl/...>"
else not_ok "cgi/ and src/cli/ include neither <sodium.h> nor <gsl/...>" "included by: $found"; fi
bad=()
for f in cgi/*.c src/cli/*.c; do
	grep -q 'int main(' "$f" && ! grep -q 'manyi_init()' "$f" && bad+=("$f: main() without manyi_init()")
done
if [ ${#bad[@]} -eq 0 ]; then ok "every program starts with manyi_init()"; else not_ok "every program starts with manyi_init()" "${bad[@]}"; fi

# cgi/ is start-up only: the supervisor (fork, waitpid, signals) is in the
# library, where a unit test drives it.
found=$(grep -lE '^[[:space:]]*[^/*[:space:]].*\<(fork|waitpid|sigwait|sigtimedwait)\(' cgi/*.c)
if [ -z "$found" ]; then ok "cgi/ forks and waits for no process (src/web/supervise.c does)"
else not_ok "cgi/ forks and waits for no process (src/web/supervise.c does)" "in: $found"; fi

# Sizes one read can hold: no source file over 800 lines and no function
# over 150 (the aim is 800 and 120: see docs/architecture.md for what is
# still to be split).
big=()
for f in src/*/*.c cgi/*.c; do
	lines=$(wc -l <"$f")
	[ "$lines" -gt 800 ] && big+=("$f: $lines lines")
done
if [ ${#big[@]} -eq 0 ]; then ok "no source file over 800 lines"; else not_ok "no source file over 800 lines" "${big[@]}"; fi

# A function runs from the first line of its signature (at the start of a
# line) to the "}" that starts a line; its body opens with a "{" that does.
long=()
while IFS= read -r l; do long+=("$l"); done < <(awk -v max=150 '
	FNR == 1 { start = 0; body = 0 }
	body && /^}/ {
		if (FNR - start + 1 > max) {
			sub(/\(.*/, "", name); k = split(name, w, /[ *]+/)
			print FILENAME ":" start ": " w[k] "(), " FNR - start + 1 " lines"
		}
		body = 0; next
	}
	body { next }
	/^\{/ { body = start > 0; next }
	/^[A-Za-z_].*;$/ { start = 0; next }
	/^[A-Za-z_]/ { if (!start) { start = FNR; name = $0 }; next }
	/^[ \t]+[^ \t]/ && start { next }
	{ start = 0 }' src/*/*.c cgi/*.c)
if [ ${#long[@]} -eq 0 ]; then ok "no function over 150 lines"; else not_ok "no function over 150 lines" "${long[@]}"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
