#!/usr/bin/env bash
# Installs what the tests and the demo need and is not there yet: npm packages,
# the Debian packages for the codec cross-checks and the XSD validation (xmllint), and
# the EAS-4-TbSync client code. The backing services' own packages are installed by
# test-fixtures/backing/start.sh.
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
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "[deps] missing Debian packages ${need[*]}: run as root or install them" >&2; exit 1; fi
  echo "[deps] apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# EAS-4-TbSync (Thunderbird's EAS provider), run under Node by test/support/tbsync: the .deb is
# only downloaded and unpacked (installing it would pull Thunderbird); its .xpi is a zip.
# Lives in test-fixtures/.cache (ignored by git); nothing from the package is committed.
tbsync=test-fixtures/.cache/eas4tbsync
if [ ! -f "$tbsync/xpi/content/includes/network.js" ]; then
  echo "[deps] apt-get download webext-eas4tbsync"
  rm -rf "$tbsync"
  mkdir -p "$tbsync"
  if ! (cd "$tbsync" && apt-get download -qq webext-eas4tbsync 2>/dev/null); then
    if [ "$(id -u)" != 0 ]; then echo "[deps] cannot download webext-eas4tbsync: run as root (apt-get update) or put it in $tbsync" >&2; exit 1; fi
    apt-get update -qq
    (cd "$tbsync" && apt-get download -qq webext-eas4tbsync 2>/dev/null)
  fi
  dpkg-deb -x "$tbsync"/webext-eas4tbsync_*.deb "$tbsync/deb"
  unzip -q "$tbsync/deb/usr/share/webext/eas4tbsync@jobisoft.de.xpi" -d "$tbsync/xpi.tmp"
  mv "$tbsync/xpi.tmp" "$tbsync/xpi"
fi
