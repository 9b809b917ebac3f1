# shellcheck shell=bash
# Real peers for tuki's end-to-end tests: Kannel (bearerbox + smsbox), the fake SMS centre
# (fakesmsc, long-running, logging every MT it receives) and smtp-sink, all on 127.0.0.1 with
# ports picked free per run. Source this file, then:
#
#   peers_trap              # installs an EXIT/INT/TERM trap that calls peers_stop (and any
#                           # function named by PEERS_ON_EXIT first, e.g. to stop tuki)
#   peers_start "$DIR"      # renders $DIR/kannel.conf, starts everything, waits until ready
#   ...                     # use the exported variables (see peers_start)
#   peers_stop              # idempotent; stops only the processes peers_start started
#
# Every wait is bounded. Logs stay in $DIR: bearerbox.log, smsbox.log, smsbox-access.log,
# bearerbox-access.log, smsc-fake.log, fakesmsc-mt.log, smtp-sink.log, *.console.
# peers_logs_tail prints the tail of each of them (tests call it on failure).

PEERS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_FAKESMSC_BIN=${PEERS_FAKESMSC_BIN:-/usr/lib/kannel/test/fakesmsc}
PEERS_READY_TIMEOUT=${PEERS_READY_TIMEOUT:-20}
# The variables the template may use; envsubst replaces these and nothing else.
PEERS_TEMPLATE_VARS='${KANNEL_ADMIN_PORT} ${KANNEL_ADMIN_PASSWORD} ${KANNEL_SMSBOX_PORT}
${KANNEL_SENDSMS_PORT} ${KANNEL_SENDSMS_USER} ${KANNEL_SENDSMS_PASSWORD} ${FAKESMSC_PORT}
${FAKESMSC_MO_PORT} ${KANNEL_LOG_DIR} ${KANNEL_LOG_LEVEL} ${KANNEL_HTTP_RETRIES}
${KANNEL_HTTP_QUEUE_DELAY} ${KANNEL_MO_REPLY_MAX_MESSAGES} ${BOT_MO_URL}'

# "name pid" pairs of what peers_spawn started and has not stopped yet, in start order, and of
# everything it ever started (for peers_none_left).
PEERS_PIDS=()
PEERS_STARTED=()

peers_log() { printf 'peers: %s\n' "$*" >&2; }

# Prints N distinct free TCP ports on 127.0.0.1 (all sockets are held open until every port is
# chosen, so the N ports differ; another process may still grab one before we bind it).
peers_free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# peers_spawn NAME LOGFILE CMD...: starts CMD in its own session (so its process group can be
# signalled as a whole) with stdin from /dev/null and stdout+stderr to LOGFILE. Tests may use
# it for their own helpers (e.g. a recording HTTP server): peers_stop stops them too, first.
peers_spawn() {
  local name=$1 log=$2
  shift 2
  setsid "$@" </dev/null >"$log" 2>&1 &
  local pid=$!
  PEERS_PIDS+=("$name $pid")
  PEERS_STARTED+=("$name $pid")
  peers_register "$name" "$pid"
  peers_log "started $name (pid $pid): $*"
}

# Records PID (with its start time, against PID reuse) in $PEERS_DIR/pids for the watchdog.
peers_register() {
  [[ -n ${PEERS_DIR:-} ]] || return 0
  printf '%s %s %s\n' "$1" "$2" "$(ps -o lstart= -p "$2" | tr -d ' ')" >>"$PEERS_DIR/pids"
}

# A guard in its own session: if the test shell dies without running its trap (SIGKILL, e.g.
# a CTest timeout), it stops every process listed in $PEERS_DIR/pids that is still the same
# process (same start time). peers_stop stops the guard itself.
peers__start_watchdog() {
  setsid bash -c '
    parent=$1 pids=$2
    while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    for sig in TERM KILL; do
      while read -r name pid start; do
        [[ $(ps -o lstart= -p "$pid" 2>/dev/null | tr -d " ") == "$start" ]] || continue
        kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null
      done <"$pids"
      sleep 3
    done' peers-watchdog "$$" "$PEERS_DIR/pids" </dev/null >/dev/null 2>&1 &
  PEERS_PIDS+=("watchdog $!")
  PEERS_STARTED+=("watchdog $!")
}

peers_alive() {
  local pid=$1 state
  state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ -n $state && $state != Z* ]]
}

# Signals the process group of PID if PID leads one (setsid made it so), else PID alone.
peers_signal() {
  local sig=$1 pid=$2 pgid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
  if [[ $pgid == "$pid" ]]; then
    kill "-$sig" -- "-$pid" 2>/dev/null
  else
    kill "-$sig" "$pid" 2>/dev/null
  fi
}

# peers_stop_one NAME PID: SIGTERM, wait up to 8 s, then SIGKILL.
peers_stop_one() {
  local name=$1 pid=$2 i
  peers_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
  peers_signal TERM "$pid"
  for ((i = 0; i < 80; i++)); do
    peers_alive "$pid" || break
    sleep 0.1
  done
  if peers_alive "$pid"; then
    peers_log "$name (pid $pid) ignored SIGTERM for 8 s; SIGKILL"
    peers_signal KILL "$pid"
    sleep 0.2
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# Stops everything peers_start started, newest first (fakesmsc and smsbox before bearerbox).
peers_stop() {
  local i name pid
  for ((i = ${#PEERS_PIDS[@]} - 1; i >= 0; i--)); do
    read -r name pid <<<"${PEERS_PIDS[i]}"
    peers_stop_one "$name" "$pid"
  done
  PEERS_PIDS=()
}

# Exit status 0 when none of the processes peers_start started is still alive.
peers_none_left() {
  local entry name pid rc=0
  for entry in "${PEERS_STARTED[@]}"; do
    read -r name pid <<<"$entry"
    if peers_alive "$pid"; then
      peers_log "still running: $name (pid $pid)"
      rc=1
    fi
  done
  return $rc
}

# Installs a trap so that the peers (and whatever PEERS_ON_EXIT names) stop however the test
# ends. The test's exit status is kept.
peers_trap() {
  trap 'peers__on_exit' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

peers__on_exit() {
  local rc=$?
  if [[ -n ${PEERS_ON_EXIT:-} ]]; then "$PEERS_ON_EXIT" || true; fi
  peers_stop
  exit $rc
}

# Prints the last N (default 20) lines of each peer log.
peers_logs_tail() {
  local n=${1:-20} f
  for f in bearerbox.log smsbox.log smsbox-access.log bearerbox-access.log smsc-fake.log \
    fakesmsc-mt.log smtp-sink.log bearerbox.console smsbox.console; do
    [[ -s $PEERS_DIR/$f ]] || continue
    printf -- '----- tail -n %s %s\n' "$n" "$PEERS_DIR/$f"
    tail -n "$n" "$PEERS_DIR/$f"
  done
}

# Admin status as text (the password is required even for status.txt).
peers_status() {
  curl -sS --max-time 2 "$KANNEL_ADMIN_URL/status.txt?password=$KANNEL_ADMIN_PASSWORD"
}

# peers_wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds.
peers_wait_for() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      peers_log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

peers__kannel_ready() {
  local s
  s=$(peers_status) || return 1
  # smsbox connected: a "Box connections:" section with an smsbox line; SMSC fake-mt online.
  grep -q 'smsbox:' <<<"$s" && grep -Eq 'fake\[fake-mt\][^(]*\(online' <<<"$s"
}

# Number of MO requests that smsbox handed to the bot with a 200/202 answer (optionally only
# those from SENDER), from smsbox-access.log.
peers_mo_accepted_count() {
  local sender=${1:-[^ ]*}
  grep -cE "SMS HTTP-request sender:${sender//+/\\+} .* reply: 20[02] " \
    "$PEERS_DIR/smsbox-access.log" 2>/dev/null || true
}

peers__port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

peers_check_alive() {
  local entry name pid
  for entry in "${PEERS_PIDS[@]}"; do
    read -r name pid <<<"$entry"
    if ! peers_alive "$pid"; then
      peers_log "$name (pid $pid) exited early"
      return 1
    fi
  done
}

# peers_start DIR: starts bearerbox, smsbox, the MT fakesmsc and smtp-sink; returns non-zero
# (after printing log tails) if they are not ready within PEERS_READY_TIMEOUT seconds. Exports:
#   PEERS_DIR, KANNEL_SENDSMS_URL, KANNEL_USERNAME, KANNEL_PASSWORD, KANNEL_ADMIN_URL,
#   KANNEL_ADMIN_PASSWORD, FAKESMSC_PORT, FAKESMSC_MO_PORT, FAKESMSC_MT_LOG, SMTP_URL,
#   SMTP_SINK_DIR, SMTP_SINK_PID, TUKI_HTTP_PORT (free for tuki; Kannel forwards MO to
#   http://127.0.0.1:$TUKI_HTTP_PORT/v1/gateways/kannel/inbound).
peers_start() {
  local dir=$1
  mkdir -p "$dir"
  PEERS_DIR=$(cd "$dir" && pwd)
  mkdir -p "$PEERS_DIR/mail"
  read -r KANNEL_ADMIN_PORT KANNEL_SMSBOX_PORT KANNEL_SENDSMS_PORT FAKESMSC_PORT \
    FAKESMSC_MO_PORT SMTP_PORT TUKI_HTTP_PORT < <(peers_free_ports 7)
  [[ -n $TUKI_HTTP_PORT ]] || { peers_log "could not pick free ports"; return 1; }

  export PEERS_DIR KANNEL_ADMIN_PORT KANNEL_SMSBOX_PORT KANNEL_SENDSMS_PORT FAKESMSC_PORT \
    FAKESMSC_MO_PORT SMTP_PORT TUKI_HTTP_PORT
  export KANNEL_ADMIN_PASSWORD="admin-$RANDOM$RANDOM"
  export KANNEL_SENDSMS_USER=tuki KANNEL_SENDSMS_PASSWORD="pw-$RANDOM$RANDOM"
  export KANNEL_USERNAME=$KANNEL_SENDSMS_USER KANNEL_PASSWORD=$KANNEL_SENDSMS_PASSWORD
  export KANNEL_LOG_DIR=$PEERS_DIR KANNEL_LOG_LEVEL=${KANNEL_LOG_LEVEL:-0}
  export KANNEL_HTTP_RETRIES=3 KANNEL_HTTP_QUEUE_DELAY=1 KANNEL_MO_REPLY_MAX_MESSAGES=0
  export BOT_MO_URL="http://127.0.0.1:$TUKI_HTTP_PORT/v1/gateways/kannel/inbound"
  export KANNEL_SENDSMS_URL="http://127.0.0.1:$KANNEL_SENDSMS_PORT/cgi-bin/sendsms"
  export KANNEL_ADMIN_URL="http://127.0.0.1:$KANNEL_ADMIN_PORT"
  export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" SMTP_SINK_DIR=$PEERS_DIR/mail
  export FAKESMSC_MT_LOG=$PEERS_DIR/fakesmsc-mt.log

  envsubst "$PEERS_TEMPLATE_VARS" <"$PEERS_LIB_DIR/kannel.conf.template" >"$PEERS_DIR/kannel.conf"
  if grep -q '\${' <(grep -v '^ *#' "$PEERS_DIR/kannel.conf"); then
    peers_log "unrendered variable in $PEERS_DIR/kannel.conf"
    return 1
  fi

  : >"$PEERS_DIR/pids"
  peers__start_watchdog
  # Console output is kept at warnings (-v 2); the log files carry the debug detail.
  peers_spawn bearerbox "$PEERS_DIR/bearerbox.console" bearerbox -v 2 "$PEERS_DIR/kannel.conf"
  peers_wait_for 10 "bearerbox smsbox port" peers__port_listening "$KANNEL_SMSBOX_PORT" ||
    { peers_logs_tail; return 1; }
  peers_spawn smsbox "$PEERS_DIR/smsbox.console" smsbox -v 2 "$PEERS_DIR/kannel.conf"
  peers_wait_for 10 "fake SMSC port" peers__port_listening "$FAKESMSC_PORT" ||
    { peers_logs_tail; return 1; }
  # Command-line mode with -m 0 sends nothing and logs every MT until signalled (interactive
  # mode would exit at EOF on stdin and has line-length and buffering quirks).
  peers_spawn fakesmsc-mt "$FAKESMSC_MT_LOG" \
    "$PEERS_FAKESMSC_BIN" -H 127.0.0.1 -r "$FAKESMSC_PORT" -i 0 -v 0 -m 0 "0 0 text unused"
  local user_opt=()
  [[ $(id -u) -eq 0 ]] && user_opt=(-u root)
  peers_spawn smtp-sink "$PEERS_DIR/smtp-sink.log" \
    smtp-sink "${user_opt[@]}" -4 -h smtp-sink.test -d "$SMTP_SINK_DIR/mail-%Y%m%dT%H%M%S." \
    "127.0.0.1:$SMTP_PORT" 128
  # mail.py treats a mail file that smtp-sink still holds open as incomplete.
  export SMTP_SINK_PID=${PEERS_PIDS[-1]#* }

  if ! peers_wait_for "$PEERS_READY_TIMEOUT" "smsbox connected and SMSC fake-mt online" \
    peers__kannel_ready || ! peers_wait_for 10 "smtp-sink" peers__port_listening "$SMTP_PORT" ||
    ! peers_check_alive; then
    peers_status >&2 || true
    peers_logs_tail
    return 1
  fi
  peers_log "ready in $PEERS_DIR (sendsms $KANNEL_SENDSMS_PORT, admin $KANNEL_ADMIN_PORT," \
    "fakesmsc $FAKESMSC_PORT/$FAKESMSC_MO_PORT, smtp $SMTP_PORT, tuki $TUKI_HTTP_PORT)"
}
