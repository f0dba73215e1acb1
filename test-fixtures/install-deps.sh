#!/usr/bin/env bash
# Installs what the tests and the demo need and is not there yet: npm packages and
# the Debian packages for the codec cross-checks. The backing services' own packages
# are installed by test-fixtures/backing/start.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci"
  npm ci --no-audit --no-fund
fi

need=()
command -v wbxml2xml >/dev/null || need+=(libwbxml2-utils)
[ -f /usr/include/libwbxml-1.0/wbxml/wbxml.h ] || need+=(libwbxml2-dev)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "[deps] missing Debian packages ${need[*]}: run as root or install them" >&2; exit 1; fi
  echo "[deps] apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
