# manyi — GNU make, pkg-config for every library that ships a .pc file.
#
#   make run     install what is missing, build, serve on 127.0.0.1:$(PORT)
#   make demo    the same with a demo year of data (var/demo/)
#   make test    install what is missing, build, run every test
#   make asan    the whole suite under AddressSanitizer + UBSan
#   make check-pdf  whether `manyi report --format pdf` can print here
#                (headless Chromium at $MANYI_CHROMIUM or /usr/bin/chromium)
#
# Build output goes to $(BUILD) (default build/) and $(BIN) (default bin/).

# The version `manyi --version` prints; defined here only.
VERSION = 0.1.0

BUILD ?= build
BIN   ?= bin
PORT  ?= 8080
CC    ?= cc

CFLAGS  ?= -O2 -g
# Kept out of CFLAGS so a command-line CFLAGS cannot drop them.
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla
STD      = -std=c11 -D_GNU_SOURCE
PKGS     = fcgi sqlite3 gsl libcjson libsodium libqrencode xlsxwriter zlib
# libreadstat and libcsv ship no pkg-config file in Debian 12.
EXTRA_LIBS = -lreadstat -lcsv -lpthread -lm
SAN     ?=
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS  = $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS        = $(PKG_LIBS) $(EXTRA_LIBS)

# src/LAYER/*.c is the library (docs/architecture.md); src/cli the program.
LAYERS   := core survey store access import fieldwork stats export params init web
LIB_SRC  := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
# Public headers in include/; a layer's own headers beside its sources.
HEADERS  := $(wildcard include/*.h src/*/*.h)
# Tests reach into a layer's own headers too.
TEST_INC := $(foreach l,$(LAYERS),-Isrc/$(l))
CLI_SRC  := $(wildcard src/cli/*.c)
CLI_OBJ  := $(CLI_SRC:src/cli/%.c=$(BUILD)/obj/cli/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all deps vendor build run demo test unit asan fuzz clean format check-pdf
.DEFAULT_GOAL := all

all: $(BIN)/manyi $(BIN)/manyi-fcgi $(UNIT_BIN) $(FUZZ_BIN)

build: all

deps:
	@tools/deps.sh

# ECharts for the dashboard and the results page, from npm (pinned in
# tools/vendor/package-lock.json), copied into www/vendor/ (git-ignored):
# `npm ci` runs when node_modules is missing or older than the lock.
VENDOR_STAMP = tools/vendor/node_modules/.package-lock.json
vendor: www/vendor/echarts.min.js

$(VENDOR_STAMP): tools/vendor/package.json tools/vendor/package-lock.json | deps
	@cd tools/vendor && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

www/vendor/echarts.min.js: $(VENDOR_STAMP)
	@mkdir -p www/vendor
	cp tools/vendor/node_modules/echarts/dist/echarts.min.js $@

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/cli/%.o: src/cli/%.c $(HEADERS) Makefile | $(BUILD)/obj/cli
	$(CC) $(ALL_CFLAGS) -DMANYI_VERSION='"$(VERSION)"' -c $< -o $@

$(BUILD)/libmanyi.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN)/manyi: $(CLI_OBJ) $(BUILD)/libmanyi.a | $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmanyi.a $(LIBS)

$(BIN)/manyi-fcgi: cgi/manyi-fcgi.c $(BUILD)/libmanyi.a $(HEADERS) | $(BIN)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libmanyi.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/fixture.h $(BUILD)/libmanyi.a $(HEADERS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(TEST_INC) -DTEST_DATA='"$(CURDIR)/tests/data"' $(shell pkg-config --cflags cmocka) \
		$(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/libmanyi.a $(LIBS) $(shell pkg-config --libs cmocka)

# Fuzz drivers are libFuzzer shims; here they are linked with a small main
# that replays a corpus, so the corpora run as ordinary regression tests.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c tests/unit/fixture.h $(BUILD)/libmanyi.a $(HEADERS) | $(BUILD)/fuzz
	$(CC) $(ALL_CFLAGS) $(TEST_INC) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libmanyi.a $(LIBS)

$(BUILD)/obj/cli $(BUILD)/tests $(BUILD)/fuzz $(BIN):
	mkdir -p $@

# The compiler's lines go to $(BUILD)/build.log unless the build fails.
run: deps vendor
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory all >$(BUILD)/build.log 2>&1 || \
		{ cat $(BUILD)/build.log; echo "the build failed (log: $(BUILD)/build.log)"; exit 1; }
	@PORT=$(PORT) BIN=$(BIN) exec tools/run.sh

# make run with a demo year (2025) in var/demo/, built the first time
# by tools/demo_year.py; prints how to sign in.
demo: deps vendor
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory all >$(BUILD)/build.log 2>&1 || \
		{ cat $(BUILD)/build.log; echo "the build failed (log: $(BUILD)/build.log)"; exit 1; }
	@PORT=$(PORT) BIN=$(BIN) exec tools/demo.sh

test: deps vendor
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) BIN=$(BIN) tests/run.sh

unit: all
	@BUILD=$(BUILD) BIN=$(BIN) ONLY=unit tests/run.sh

asan: deps
	@$(MAKE) --no-print-directory SAN=1 BUILD=build/asan BIN=build/asan/bin CFLAGS="-O1 -g" test

# Real coverage-guided fuzzing with clang's libFuzzer (not part of make test):
#   make fuzz FUZZER=fuzz_form SECONDS=60
# New inputs go to build/libfuzzer/corpus-NAME, crashes to build/libfuzzer/;
# copy a crash into tests/fuzz/corpus/NAME/ once it is fixed.
FUZZER ?= fuzz_form
SECONDS ?= 60
fuzz:
	mkdir -p build/libfuzzer
	clang $(STD) -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude $(TEST_INC) $(PKG_CFLAGS) \
		-o build/libfuzzer/$(FUZZER) tests/fuzz/$(FUZZER).c $(LIB_SRC) $(LIBS)
	mkdir -p build/libfuzzer/corpus-$(FUZZER)
	build/libfuzzer/$(FUZZER) -max_total_time=$(SECONDS) -artifact_prefix=build/libfuzzer/ \
		build/libfuzzer/corpus-$(FUZZER) tests/fuzz/corpus/$(FUZZER:fuzz_%=%)

# The efficacy report's PDF goes through headless Chromium; without it the
# HTML report, with its A4 print stylesheet, is the fallback.
CHROMIUM ?= $(or $(MANYI_CHROMIUM),/usr/bin/chromium)
check-pdf:
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "manyi report --format pdf: available (headless $(CHROMIUM))"; \
	else \
		echo "manyi report --format pdf: not available (no Chromium at $(CHROMIUM)); use --format html, whose print stylesheet lays out A4 pages"; \
	fi

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) cgi/*.c $(HEADERS) tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf build bin
