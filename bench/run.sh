#!/bin/sh
# Build and run the statistics benchmark (not a test: it prints figures).
#   bench/run.sh            1,000,000 responses; N=... to change
# When Rscript and the survey package are installed, the same job also runs
# on R_ROWS responses (default 10000) in C and in R, side by side.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla \
	-Iinclude $(pkg-config --cflags gsl libsodium) \
	-o build/bench/stats_bench bench/stats_bench.c src/stats/stats*.c src/core/util.c \
	$(pkg-config --libs gsl libsodium) -lm
build/bench/stats_bench "${N:-1000000}"
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(survey)' >/dev/null 2>&1; then
	rows=${R_ROWS:-10000}
	echo
	echo "== the same job on $rows responses: C, then R =="
	build/bench/stats_bench --write "$rows" build/bench/r
	Rscript bench/stats_bench.R build/bench/r
else
	echo "(Rscript with the survey package not found: no R timing)"
fi
