# shellcheck shell=bash
# Small assertion helpers for the end-to-end test scripts (source after peers.sh).
#   e2e_init NAME      creates the run directory E2E_DIR (kept on failure or with
#                      TUKI_E2E_KEEP=1, else removed), installs the peers trap
#   e2e_pass MESSAGE   prints "PASS: MESSAGE"
#   e2e_fail MESSAGE   prints "FAIL: MESSAGE", the log tails (peers and E2E_EXTRA_LOGS), exits 1
#   e2e_expect_eq WHAT EXPECTED ACTUAL
#   e2e_expect_contains WHAT NEEDLE HAYSTACK

E2E_EXTRA_LOGS=()
E2E_FAILED=1

e2e_init() {
  E2E_NAME=$1
  E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tuki-e2e-$E2E_NAME.XXXXXX")
  E2E_START=$SECONDS
  PEERS_ON_EXIT=e2e__on_exit
  peers_trap
  echo "$E2E_NAME: run directory $E2E_DIR"
}

e2e__on_exit() {
  if [[ -n ${E2E_ON_EXIT:-} ]]; then "$E2E_ON_EXIT" || true; fi
  if [[ $E2E_FAILED -eq 0 && ${TUKI_E2E_KEEP:-0} != 1 ]]; then
    # Stop the peers before removing their logs.
    peers_stop
    rm -rf "$E2E_DIR"
  else
    echo "$E2E_NAME: logs kept in $E2E_DIR"
  fi
}

e2e_pass() { printf 'PASS: %s [%ss]\n' "$*" "$((SECONDS - E2E_START))"; }

e2e_fail() {
  printf 'FAIL: %s\n' "$*"
  local f
  for f in "${E2E_EXTRA_LOGS[@]}"; do
    [[ -s $f ]] || continue
    printf -- '----- tail -n 30 %s\n' "$f"
    tail -n 30 "$f"
  done
  [[ -n ${PEERS_DIR:-} ]] && peers_logs_tail 15
  printf 'FAIL: %s (after %ss)\n' "$*" "$((SECONDS - E2E_START))"
  exit 1
}

# Marks the run successful (so the trap removes E2E_DIR) and prints the summary line.
e2e_done() {
  E2E_FAILED=0
  printf 'PASS: %s (all steps, %ss)\n' "$E2E_NAME" "$((SECONDS - E2E_START))"
}

e2e_expect_eq() {
  local what=$1 expected=$2 actual=$3
  if [[ $expected == "$actual" ]]; then
    e2e_pass "$what"
  else
    e2e_fail "$what: expected [$expected], got [$actual]"
  fi
}

e2e_expect_contains() {
  local what=$1 needle=$2 haystack=$3
  if [[ $haystack == *"$needle"* ]]; then
    e2e_pass "$what"
  else
    e2e_fail "$what: expected to contain [$needle], got [$haystack]"
  fi
}
