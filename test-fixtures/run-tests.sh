#!/usr/bin/env bash
# `npm test`: install what is missing, start the backing services (unless they were
# already up), run every unit and integration test with Node's test runner, and stop
# only what this script started. Exit status is the tests'.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export EASGATE_BACKING_DIR=${EASGATE_BACKING_DIR:-/tmp/easgate-backing}

log() { printf '[npm test] %s\n' "$*"; }

bash test-fixtures/install-deps.sh || { log "installing dependencies failed"; exit 1; }

started=0
if bash test-fixtures/backing-up.sh >/dev/null 2>&1; then
  log "backing services already running; leaving them up afterwards"
else
  started=1
fi
bash test-fixtures/backing/start.sh || { log "backing services failed to start"; [ $started = 1 ] && bash test-fixtures/backing/stop.sh; exit 1; }
# shellcheck disable=SC1091
[ -f "$EASGATE_BACKING_DIR/env.sh" ] && . "$EASGATE_BACKING_DIR/env.sh"

cleanup() { [ $started = 1 ] && bash "$ROOT/test-fixtures/backing/stop.sh" >/dev/null 2>&1; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Static checks first: a type error or a layering violation fails the run like a test.
log "type check (tsc --noEmit) and lint (eslint)"
npx tsc --noEmit -p . || { log "type check failed"; exit 1; }
npx eslint . || { log "lint failed"; exit 1; }

mapfile -t unit < <(find test/unit -name '*.test.ts' 2>/dev/null | sort)
mapfile -t integ < <(find test/integration -name '*.test.ts' 2>/dev/null | sort)
log "${#unit[@]} unit test files, ${#integ[@]} integration test files"

# Unit files run in parallel (one per core); integration files one at a time, since
# they share the backing services and their users' mailboxes.
node --import tsx --test --test-reporter=spec --test-concurrency=2 "${unit[@]}"
rc_unit=$?
rc_integ=0
if [ ${#integ[@]} -gt 0 ]; then
  node --import tsx --test --test-reporter=spec --test-concurrency=1 "${integ[@]}"
  rc_integ=$?
fi
log "unit: exit $rc_unit, integration: exit $rc_integ"
[ $rc_unit = 0 ] && [ $rc_integ = 0 ]
