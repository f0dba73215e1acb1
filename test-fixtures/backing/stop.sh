#!/usr/bin/env bash
# Stop the private backing services started by start.sh (found through their pid files).
# Idempotent. --purge also deletes the data dir ($EASGATE_BACKING_DIR, default /tmp/easgate-backing).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

purge=0
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    -h | --help) echo "usage: $0 [--purge]"; exit 0 ;;
    *) die "unknown argument: $arg (usage: $0 [--purge])" ;;
  esac
done

if [[ ! -d $BACKING_DIR ]]; then
  log "nothing to stop: $BACKING_DIR does not exist"
  exit 0
fi

take_lock
# In parallel: each takes 1.5-2.5 s to wind down.
stop_radicale &
stop_postfix &
stop_dovecot &
wait

if ((purge)); then
  # Refuse to purge anything that does not look like our data dir.
  [[ -f $BACKING_DIR/dovecot/dovecot.conf || -f $BACKING_DIR/env.sh || -z $(ls -A "$BACKING_DIR" | grep -v '^\.lock$') ]] ||
    die "refusing to purge $BACKING_DIR: it does not look like an easgate backing dir"
  rm -rf -- "$BACKING_DIR"
  log "stopped and purged $BACKING_DIR"
else
  log "stopped (data kept in $BACKING_DIR)"
fi
