#!/usr/bin/env bash
# Install the Debian packages manyi needs to build, run and test, if any is
# missing.  As root: apt-get install -y.  Otherwise: print the one sudo line
# and fail.
set -euo pipefail

pkgs=(build-essential pkg-config clang
      libfcgi-dev libsqlite3-dev sqlite3 libgsl-dev libcjson-dev libcmocka-dev
      libsodium-dev libqrencode-dev libxlsxwriter-dev libreadstat-dev libcsv-dev zlib1g-dev
      nginx curl python3 python3-jsonschema zbar-tools
      readstat python3-openpyxl   # export read-back tests (tests/integration/test_export.sh)
      chromium fonts-noto-cjk)   # browser tests (tests/browser); CJK font for the Chinese pages

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
# Node.js and npm run the browser tests (playwright-core).  Either may come
# from outside Debian (e.g. a nodejs package that bundles npm); Debian's npm
# would conflict with that, so ask for a package only when the command is
# missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "manyi needs these Debian packages; please run:" >&2
	echo "  sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
