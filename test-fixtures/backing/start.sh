#!/usr/bin/env bash
# Start private, loopback-only backing services for easgate tests:
#   Dovecot 2.3 (IMAP + LMTP + auth socket), Postfix 3.7 (submission -> LMTP), Radicale 3.1.
# Idempotent: when everything is already up with the same configuration this only re-verifies.
# A half-started or stale state is cleaned up and that service restarted.
# See README.md beside this file for the contract (ports, users, layout).
set -euo pipefail
shopt -s lastpipe # "producer | write_if_changed FILE FLAG" must set FLAG in this shell

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

T0=$(date +%s.%N)

# --- 1. packages -------------------------------------------------------------------------
ensure_packages() {
  local need=()
  [[ -x /usr/sbin/dovecot ]] || need+=(dovecot-core)
  [[ -x /usr/lib/dovecot/imap ]] || need+=(dovecot-imapd)
  [[ -x /usr/lib/dovecot/lmtp ]] || need+=(dovecot-lmtpd)
  [[ -x /usr/sbin/postfix ]] || need+=(postfix)
  if ! { [[ -x $PY ]] && $PY -c 'import radicale, bcrypt, passlib' 2>/dev/null; }; then
    [[ -x $PY ]] && $PY -c 'import radicale' 2>/dev/null || need+=(radicale python3-radicale)
    [[ -x $PY ]] && $PY -c 'import bcrypt, passlib' 2>/dev/null || need+=(python3-bcrypt python3-passlib)
  fi
  command -v htpasswd >/dev/null || need+=(apache2-utils)
  command -v curl >/dev/null || need+=(curl)
  command -v flock >/dev/null || need+=(util-linux)
  command -v ps >/dev/null || need+=(procps)
  ((${#need[@]} == 0)) && return 0

  [[ $(id -u) == 0 ]] || die "missing packages (${need[*]}) and not root: install them first"
  log "installing missing packages: ${need[*]}"
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  # Never let the packages start their system-wide instances: if there is no policy-rc.d,
  # put a temporary deny-all one in place for the duration of the install.
  local tmp_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    tmp_policy=1
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a concurrent apt/dpkg (e.g. another start.sh) instead of failing at once.
    apt-get -o DPkg::Lock::Timeout=300 update -qq &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}"
  } >&2 || rc=$?
  [[ -n $tmp_policy ]] && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install ${need[*]} failed (rc=$rc)"
}

# --- 2. configuration --------------------------------------------------------------------
USERS=("alice@example.com:alice-secret" "bob@example.com:bob-secret")
for u in ${EASGATE_EXTRA_USERS:-}; do USERS+=("$u"); done
for u in "${USERS[@]}"; do
  [[ $u =~ ^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+:[^:[:space:]]+$ ]] ||
    die "bad user entry '$u' (want address@domain:password, no ':' or spaces in the password)"
done
DOMAINS=$(for u in "${USERS[@]}"; do a=${u%%:*}; echo "${a#*@}"; done | sort -u | tr '\n' ' ')
DOMAINS=${DOMAINS% }

# shellcheck source=configs.sh
source "$HERE/configs.sh"

# --- 3. start the services (each with the lock fd 9 closed, or the daemons would hold it) ---
check_port_free() {
  local name=$1 port=$2
  if port_busy "$port"; then
    die "$name: port $BIND:$port is already in use by a process that is not this fixture's (see: ss -ltnp 'sport = :$port'). Choose another with the EASGATE_*_PORT variables."
  fi
}

start_dovecot() {
  stop_dovecot
  check_port_free "dovecot imap" "$IMAP_PORT"
  check_port_free "dovecot lmtp" "$LMTP_PORT"
  /usr/sbin/dovecot -c "$DOVECOT_CONF" >>"$LOG_DIR/dovecot.log" 2>&1 9>&- ||
    fail "dovecot" "$LOG_DIR/dovecot.log" "dovecot -c $DOVECOT_CONF exited non-zero"
  # Switch off Dovecot's auth penalty: after a wrong password, every later login from the
  # same IP (all tests come from 127.0.0.1) would wait 2..15 s, good ones included.
  # auth_failure_delay, login_trusted_networks and "nodelay" do not stop it in 2.3.19;
  # an auth process that finds no anvil-auth-penalty socket runs without penalties. The
  # master has created its listeners by now and the auth process starts only with the
  # first login, so removing the socket here wins every time.
  rm -f "$BACKING_DIR/dovecot/run/anvil-auth-penalty"
}

start_postfix() {
  stop_postfix
  check_port_free "postfix submission" "$SMTP_PORT"
  mkdir -p "$BACKING_DIR/postfix/queue" "$BACKING_DIR/postfix/data"
  chown postfix "$BACKING_DIR/postfix/data"
  # Creates missing queue directories with the right owners, then starts master.
  if ! MAIL_CONFIG=$POSTFIX_CONF_DIR /usr/sbin/postfix -c "$POSTFIX_CONF_DIR" start >>"$LOG_DIR/postfix.log" 2>&1 9>&-; then
    fail "postfix" "$LOG_DIR/postfix.log" "postfix -c $POSTFIX_CONF_DIR start failed"
  fi
}

start_radicale() {
  stop_radicale
  check_port_free "radicale" "$DAV_PORT"
  # setsid: own session, so it survives the caller's process group being torn down.
  setsid "$PY" -m radicale --config "$RADICALE_CONF" >>"$LOG_DIR/radicale.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RADICALE_PID"
}

fail() {
  local name=$1 logfile=$2 msg=$3
  {
    echo "[easgate-backing] ERROR: $name: $msg"
    echo "----- last lines of $logfile -----"
    tail -n 25 "$logfile" 2>/dev/null || echo "(no log)"
    echo "-----"
  } >&2
  exit 1
}

# wait_for NAME PROBE LOGFILE PIDFN
wait_for() {
  local name=$1 probe=$2 logfile=$3 pidfn=$4 deadline
  deadline=$(($(date +%s) + WAIT_TIMEOUT))
  until $probe; do
    if ! $pidfn >/dev/null; then
      # Give a daemonising process a moment to write its pid file.
      sleep 0.3
      $pidfn >/dev/null || fail "$name" "$logfile" "process is not running"
    fi
    (($(date +%s) < deadline)) || fail "$name" "$logfile" "did not answer on $BIND within ${WAIT_TIMEOUT}s"
    sleep 0.1
  done
}

ensure_dav_collections() {
  local u addr pass root=$BACKING_DIR/radicale/collections/collection-root base
  for u in "${USERS[@]}"; do
    addr=${u%%:*} pass=${u#*:}
    base="http://$BIND:$DAV_PORT/$addr"
    if [[ -f $root/$addr/calendar/.Radicale.props && -f $root/$addr/tasks/.Radicale.props &&
          -f $root/$addr/contacts/.Radicale.props ]]; then
      continue
    fi
    # Any authenticated request creates the principal collection /<user>/.
    dav "$addr" "$pass" PROPFIND "$base/" '' -H 'Depth: 0' >/dev/null
    [[ -f $root/$addr/calendar/.Radicale.props ]] || dav "$addr" "$pass" MKCALENDAR "$base/calendar/" \
      '<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:I="http://apple.com/ns/ical/">
 <D:set><D:prop>
  <D:displayname>Calendar</D:displayname>
  <I:calendar-color>#3a87adff</I:calendar-color>
  <C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
 </D:prop></D:set>
</C:mkcalendar>' >/dev/null
    [[ -f $root/$addr/tasks/.Radicale.props ]] || dav "$addr" "$pass" MKCALENDAR "$base/tasks/" \
      '<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:set><D:prop>
  <D:displayname>Tasks</D:displayname>
  <C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
 </D:prop></D:set>
</C:mkcalendar>' >/dev/null
    [[ -f $root/$addr/contacts/.Radicale.props ]] || dav "$addr" "$pass" MKCOL "$base/contacts/" \
      '<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">
 <D:set><D:prop>
  <D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>
  <D:displayname>Contacts</D:displayname>
 </D:prop></D:set>
</D:mkcol>' >/dev/null
  done
}

# dav USER PASS METHOD URL BODY [curl args...]; fails on HTTP >= 400 other than "exists".
dav() {
  local user=$1 pass=$2 method=$3 url=$4 body=$5 code
  shift 5
  code=$(curl -s -m 10 -o "$LOG_DIR/dav-last.out" -w '%{http_code}' -u "$user:$pass" -X "$method" \
    -H 'Content-Type: application/xml; charset=utf-8' --data-binary "$body" "$@" "$url") || code=000
  case $code in
    2??) return 0 ;;
    405 | 409) [[ $method == MK* ]] && return 0 ;; # already exists (raced with another run)
  esac
  fail "radicale" "$LOG_DIR/radicale.log" "$method $url answered HTTP $code: $(head -c 300 "$LOG_DIR/dav-last.out" 2>/dev/null)"
}

write_env() {
  local extra=${EASGATE_EXTRA_USERS:-}
  write_if_changed "$BACKING_DIR/env.sh" _UNUSED <<EOF
# Generated by easgate test-fixtures/backing/start.sh: source it to reach the backing services.
export EASGATE_BACKING_DIR='$BACKING_DIR'
export EASGATE_BACKING_HOST='$BIND'
export EASGATE_IMAP_PORT=$IMAP_PORT
export EASGATE_SMTP_PORT=$SMTP_PORT
export EASGATE_LMTP_PORT=$LMTP_PORT
export EASGATE_DAV_PORT=$DAV_PORT
export EASGATE_DAV_URL='http://$BIND:$DAV_PORT/'
export EASGATE_EXTRA_USERS='$extra'
EOF
}

# --- main ---------------------------------------------------------------------------------
ensure_packages
take_lock
render_configs

started=()
if ((CHANGED_DOVECOT)) || ! dovecot_pid >/dev/null || ! probe_imap || ! probe_lmtp; then
  start_dovecot
  started+=(dovecot)
  # Postfix's EHLO only offers AUTH once Dovecot's auth socket answers.
  wait_for "dovecot (imap $IMAP_PORT)" probe_imap "$LOG_DIR/dovecot.log" dovecot_pid
fi
if ((CHANGED_POSTFIX)) || ! postfix_pid >/dev/null || ! probe_smtp; then
  start_postfix &
  pf_job=$!
  started+=(postfix)
elif ((CHANGED_USERS)); then
  # New/removed users: the running Postfix re-reads its texthash table on reload.
  MAIL_CONFIG=$POSTFIX_CONF_DIR /usr/sbin/postfix -c "$POSTFIX_CONF_DIR" reload >>"$LOG_DIR/postfix.log" 2>&1 9>&- ||
    fail "postfix" "$LOG_DIR/postfix.log" "postfix reload failed"
  started+=("postfix(reloaded)")
fi
if ((CHANGED_RADICALE)) || ! radicale_pid >/dev/null || ! probe_dav; then
  start_radicale
  started+=(radicale)
fi
[[ -n ${pf_job:-} ]] && { wait "$pf_job" || exit 1; }

wait_for "dovecot (imap $IMAP_PORT)" probe_imap "$LOG_DIR/dovecot.log" dovecot_pid
wait_for "dovecot (lmtp $LMTP_PORT)" probe_lmtp "$LOG_DIR/dovecot.log" dovecot_pid
wait_for "postfix (submission $SMTP_PORT)" probe_smtp "$LOG_DIR/postfix.log" postfix_pid
wait_for "radicale (http $DAV_PORT)" probe_dav "$LOG_DIR/radicale.log" radicale_pid
ensure_dav_collections
write_env

T1=$(date +%s.%N)
elapsed=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }')
if ((${#started[@]})); then what="started: ${started[*]}"; else what="already running, verified"; fi
user_list=$(for u in "${USERS[@]}"; do printf '%s/%s ' "${u%%:*}" "${u#*:}"; done)
cat <<EOF
easgate backing services up ($what; ${elapsed}s)
  IMAP        $BIND:$IMAP_PORT   (dovecot, plaintext login)
  Submission  $BIND:$SMTP_PORT   (postfix, AUTH PLAIN/LOGIN, no TLS)
  LMTP        $BIND:$LMTP_PORT   (dovecot)
  CalDAV/CardDAV http://$BIND:$DAV_PORT/<user>/{calendar,tasks,contacts}/  (radicale)
  users       ${user_list% }  (login/password, same in all services)
  data        $BACKING_DIR   (source $BACKING_DIR/env.sh)
EOF
