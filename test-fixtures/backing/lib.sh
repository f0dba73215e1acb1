# shellcheck shell=bash
# Shared settings and helpers for start.sh / stop.sh. Sourced, not executed.
#
# Contract (env var -> default):
#   EASGATE_BACKING_DIR  /tmp/easgate-backing   everything lives here
#   EASGATE_IMAP_PORT    10143                  Dovecot IMAP (plaintext, loopback)
#   EASGATE_SMTP_PORT    10587                  Postfix submission (AUTH PLAIN/LOGIN, no TLS)
#   EASGATE_LMTP_PORT    10024                  Dovecot LMTP (Postfix delivers here)
#   EASGATE_DAV_PORT     15232                  Radicale CalDAV/CardDAV
#   EASGATE_EXTRA_USERS  ""                     "carol@example.com:carol-secret dave@example.com:pw"
#   EASGATE_BACKING_TIMEOUT 30                  seconds to wait for the services to answer

BACKING_DIR=${EASGATE_BACKING_DIR:-/tmp/easgate-backing}
IMAP_PORT=${EASGATE_IMAP_PORT:-10143}
SMTP_PORT=${EASGATE_SMTP_PORT:-10587}
LMTP_PORT=${EASGATE_LMTP_PORT:-10024}
DAV_PORT=${EASGATE_DAV_PORT:-15232}
WAIT_TIMEOUT=${EASGATE_BACKING_TIMEOUT:-30}
BIND=127.0.0.1
MAIL_UID=5000
MAIL_GID=5000
# Debian's interpreter: a pyenv/venv python3 earlier in PATH does not have radicale.
PY=/usr/bin/python3

DOVECOT_CONF=$BACKING_DIR/dovecot/dovecot.conf
DOVECOT_INSTANCE=easgate-dovecot
DOVECOT_PID=$BACKING_DIR/dovecot/run/master.pid
# Postfix wants its config dir root-owned and apart from the queue.
POSTFIX_CONF_DIR=$BACKING_DIR/postfix/etc
POSTFIX_PID=$BACKING_DIR/postfix/queue/pid/master.pid
RADICALE_CONF=$BACKING_DIR/radicale/config
RADICALE_PID=$BACKING_DIR/radicale/radicale.pid
LOG_DIR=$BACKING_DIR/log

log() { printf '[easgate-backing] %s\n' "$*" >&2; }
die() { printf '[easgate-backing] ERROR: %s\n' "$*" >&2; exit 1; }

# Serialise start.sh/stop.sh runs (several test suites may call start.sh at once).
take_lock() {
  mkdir -p "$BACKING_DIR"
  chmod 0755 "$BACKING_DIR"
  exec 9>"$BACKING_DIR/.lock"
  flock -w 180 9 || die "could not take $BACKING_DIR/.lock within 180 s"
}

# pid from a pid file if that process is alive and its command line/env mentions $2.
live_pid() {
  local file=$1 marker=$2 pid
  [[ -r $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$marker" ||
     { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF -- "$marker"; then
    echo "$pid"
    return 0
  fi
  return 1
}

dovecot_pid()  { live_pid "$DOVECOT_PID" "$DOVECOT_CONF"; }
# Postfix's master is started by postfix-script with MAIL_CONFIG in its environment.
postfix_pid()  { live_pid "$POSTFIX_PID" "MAIL_CONFIG=$POSTFIX_CONF_DIR"; }
radicale_pid() { live_pid "$RADICALE_PID" "$RADICALE_CONF"; }

# Send TERM to a pid, wait up to ~5 s, then KILL.
kill_and_wait() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.1
}

# Children that outlived their master (e.g. after a kill -9) still hold the listeners.
# Dovecot's children carry the instance name in their title and live (cwd) under our
# data dir; Postfix's inherit MAIL_CONFIG; Radicale is one process with our config path.
kill_orphans() {
  local what=$1 pid args
  while read -r pid args; do
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    case $what in
      dovecot)
        [[ $args == "dovecot-$DOVECOT_INSTANCE/"* || $args == *"dovecot -c $DOVECOT_CONF"* ]] || continue
        [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$BACKING_DIR"/* ]] || continue
        ;;
      postfix)
        case ${args%% *} in
          /usr/lib/postfix/sbin/* | master | pickup | qmgr | smtpd | smtp | lmtp | cleanup | trivial-rewrite | \
            bounce | flush | proxymap | showq | error | discard | anvil | scache | postlogd | verify | postdrop) ;;
          *) continue ;;
        esac
        { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF -- "MAIL_CONFIG=$POSTFIX_CONF_DIR" || continue
        ;;
      radicale)
        [[ $args == *"radicale --config $RADICALE_CONF"* ]] || continue
        ;;
    esac
    kill -KILL "$pid" 2>/dev/null || true
  done < <(ps -eo pid=,args=)
}

stop_dovecot() {
  local pid
  if pid=$(dovecot_pid); then kill_and_wait "$pid"; fi
  kill_orphans dovecot
  rm -f "$DOVECOT_PID"
}

stop_postfix() {
  local pid
  if pid=$(postfix_pid); then
    # "abort" does not wait for running deliveries; this is throwaway test data.
    MAIL_CONFIG=$POSTFIX_CONF_DIR /usr/sbin/postfix -c "$POSTFIX_CONF_DIR" abort >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  kill_orphans postfix
}

stop_radicale() {
  local pid
  if pid=$(radicale_pid); then kill_and_wait "$pid"; fi
  kill_orphans radicale
  rm -f "$RADICALE_PID"
}

# --- probes: each returns 0 when the service answers like it should -------------------

probe_imap() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/'"$BIND"'/'"$IMAP_PORT"' || exit 1
    IFS= read -r line <&3 || exit 1
    [[ $line == "* OK"* ]] || exit 1
    printf "p LOGOUT\r\n" >&3' 2>/dev/null
}

# Requires the EHLO answer to offer AUTH (that proves Postfix reaches Dovecot's auth socket).
probe_smtp() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/'"$BIND"'/'"$SMTP_PORT"' || exit 1
    IFS= read -r line <&3 || exit 1
    [[ $line == 220* ]] || exit 1
    printf "EHLO probe.easgate.test\r\n" >&3
    auth=1
    while IFS= read -r line <&3; do
      [[ $line == 250?AUTH* ]] && auth=0
      [[ $line == "250 "* ]] && { printf "QUIT\r\n" >&3; exit $auth; }
      [[ $line == 250-* ]] || exit 1
    done
    exit 1' 2>/dev/null
}

probe_lmtp() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/'"$BIND"'/'"$LMTP_PORT"' || exit 1
    IFS= read -r line <&3 || exit 1
    [[ $line == 220* ]] || exit 1
    printf "QUIT\r\n" >&3' 2>/dev/null
}

probe_dav() {
  local code
  code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://$BIND:$DAV_PORT/" 2>/dev/null) || return 1
  [[ $code != 000 ]]
}

# Is something (anything) accepting connections on a port?
port_busy() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$BIND/$1" 2>/dev/null
}
