#!/usr/bin/env bash
# The walking skeleton through real parts: tuki serve + Kannel (fake SMS centre) + smtp-sink.
# Usage: walking_skeleton_test.sh TUKI_BIN
# A student gets the weekly check-in by SMS, answers "2" (struggling), "1" (yes, wants help),
# "2" (wellbeing); a wellbeing staff member gets an email with a link and without the student's
# words, the student gets a confirmation, delivery reports arrive, and tuki's log holds neither
# the phone number nor the replies. Prints PASS/FAIL per step; exit code 0 only on success.
set -uo pipefail
TUKI_BIN=${1:-}
[[ $TUKI_BIN == /* || -z $TUKI_BIN ]] || TUKI_BIN=$(pwd)/$TUKI_BIN
cd "$(dirname "$0")/../.." || exit 1
LIB=tests/e2e/lib
source "$LIB/peers.sh"
source "$LIB/check.sh"

CONFIG=config/examples/kannel.yaml
STUDENT=+358401234567
STUDENT_DIGITS=401234567
SENDER=tuki
PROBE_TEXT="Salainen viesti xyzzy-4711 en jaksa"

e2e_init walking_skeleton
source "$LIB/referral_flow.sh"
links=$(python3 -c 'import json,re,sys; print("\n".join(re.findall(r"https?://\S+", json.loads(sys.argv[1])["text"])))' "$mail_json")
[[ -n $links ]] || e2e_fail "the referral email has no link; text: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["text"])' "$mail_json")"
e2e_pass "the referral email has a link: $(head -n1 <<<"$links")"

expect_mt 4 "confirmation SMS to the student"

# --- delivery reports ---
delivered_count() {
  curl -fsS --max-time 2 "http://127.0.0.1:$TUKI_HTTP_PORT/metrics" | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"tuki_messages_total\{([^}]*)\}\s+([0-9.eE+]+)", line)
    if m:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(1)))
        if labels.get("direction") == "out" and labels.get("status") == "delivered":
            print(int(float(m.group(2)))); sys.exit(0)
print(0)'
}
delivered_at_least() { (($(delivered_count) >= $1)); }
if ! peers_wait_for 20 "4 delivered MT in /metrics" delivered_at_least 4; then
  curl -sS --max-time 2 "http://127.0.0.1:$TUKI_HTTP_PORT/metrics" | grep -i message >&2
  e2e_fail "/metrics: tuki_messages_total{direction=\"out\",status=\"delivered\"} below 4 after 20 s"
fi
e2e_pass "/metrics counts $(delivered_count) delivered MT (delivery reports from Kannel)"

# --- privacy of tuki's own log ---
# A free-text reply after the dialog: tuki must accept it without logging its words.
accepted=$(peers_mo_accepted_count "$STUDENT")
reply "$PROBE_TEXT"
probe_accepted() { (($(peers_mo_accepted_count "$STUDENT") > accepted)); }
peers_wait_for 10 "tuki to accept the free-text MO" probe_accepted ||
  e2e_fail "tuki did not answer 200/202 to the free-text MO (see smsbox-access.log)"
sleep 1 # the reply is accepted before it is processed; give the worker a moment to log
e2e_pass "tuki accepted a free-text reply"

stop_tuki
((TUKI_STOPPED_IN_TIME)) || e2e_fail "tuki serve did not exit within 10 s of SIGTERM"
[[ $TUKI_EXIT -eq 0 ]] || e2e_fail "tuki serve exited with status $TUKI_EXIT after SIGTERM"
e2e_pass "tuki serve exited 0 within 10 s of SIGTERM"

[[ -s $TUKI_LOG ]] || e2e_fail "tuki serve wrote no log output to $TUKI_LOG"
if grep -n "$STUDENT_DIGITS" "$TUKI_LOG" | head -5; then
  e2e_fail "tuki's log contains the student's phone number digits $STUDENT_DIGITS"
fi
if grep -n -e "xyzzy" -e "Salainen" -e "jaksa" "$TUKI_LOG" | head -5; then
  e2e_fail "tuki's log contains the student's free-text reply"
fi
if grep -nE "text=[^&[:space:]]" "$TUKI_LOG" | head -5; then
  e2e_fail "tuki's log contains an inbound query string with the reply text"
fi
e2e_pass "tuki's log has no phone number digits and no reply text ($(wc -l <"$TUKI_LOG") lines)"

peers_stop
peers_none_left || e2e_fail "processes left running after peers_stop"
e2e_done
