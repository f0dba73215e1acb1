#!/usr/bin/env bash
# `npm run demo`: backing services + demo data + the gateway, until Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export EASGATE_BACKING_DIR=${EASGATE_BACKING_DIR:-/tmp/easgate-backing}
PORT=${PORT:-8080}
HOST=${EASGATE_SERVER_HOST:-127.0.0.1}

bash test-fixtures/install-deps.sh || exit 1

started=0
bash test-fixtures/backing-up.sh >/dev/null 2>&1 || started=1
bash test-fixtures/backing/start.sh || exit 1
# shellcheck disable=SC1091
. "$EASGATE_BACKING_DIR/env.sh"

stop_all() {
  [ -n "${GW_PID:-}" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null
  [ $started = 1 ] && bash "$ROOT/test-fixtures/backing/stop.sh"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

marker="$EASGATE_BACKING_DIR/.demo-seeded"
if [ ! -f "$marker" ]; then
  echo "[demo] seeding alice's mailbox, calendar and contacts"
  node --import tsx test-fixtures/seed/cli.ts --user alice@example.com --password alice-secret \
    --mailbox INBOX --count 500 --events --contacts && touch "$marker"
fi

export EASGATE_SERVER_HOST=$HOST EASGATE_SERVER_PORT=$PORT
export EASGATE_IMAP_HOST=127.0.0.1 EASGATE_IMAP_PORT EASGATE_SMTP_HOST=127.0.0.1 EASGATE_SMTP_PORT
export EASGATE_DAV_URL=${EASGATE_DAV_URL:-http://127.0.0.1:${EASGATE_DAV_PORT}/}
export EASGATE_STATE_DATA_DIR=${EASGATE_STATE_DATA_DIR:-$EASGATE_BACKING_DIR/easgate-state}
node bin/easgate.js serve &
GW_PID=$!
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GW_PID" 2>/dev/null || { echo "[demo] the gateway exited; see the log above" >&2; exit 1; }
  sleep 0.2
done

cat <<EOT

  easgate is running: http://$HOST:$PORT/Microsoft-Server-ActiveSync

  Demo users (same password for IMAP, SMTP submission and CalDAV/CardDAV):
    alice@example.com / alice-secret   (seeded: 500 messages, events, tasks, contacts)
    bob@example.com   / bob-secret

  Try it:
    curl -i -X OPTIONS -u alice@example.com:alice-secret http://127.0.0.1:$PORT/Microsoft-Server-ActiveSync

  A phone: add an "Exchange" account with email alice@example.com, server <this
  machine's address>:$PORT, password alice-secret. Start with EASGATE_SERVER_HOST=0.0.0.0
  to listen beyond loopback, and put a TLS-terminating proxy in front: most phones
  insist on HTTPS. Press Ctrl-C to stop (backing services started here stop too).

EOT
wait "$GW_PID"
