#!/usr/bin/env bash
# Issue 5 end to end through real parts: tuki serve + Kannel (fake SMS centre) + smtp-sink.
# Usage: ticket_ack_test.sh TUKI_BIN
# A student answers the weekly check-in over Kannel ("2", "1", "2": wellbeing); the routed staff
# member's email (captured by smtp-sink) holds signed action links and none of the student's
# words; a tampered link is refused; following the acknowledge link with curl answers 200 and the
# student receives the "seen" SMS through Kannel, once, even when the link is followed twice.
# Prints PASS/FAIL per step; exit code 0 only on success.
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

e2e_init ticket_ack
source "$LIB/referral_flow.sh"
expect_mt 4 "confirmation SMS to the student"

ack_link=$(python3 -c '
import json, re, sys
links = re.findall(r"https?://\S+", json.loads(sys.argv[1])["text"])
print(next((l for l in links if "/acknowledge?" in l), ""))' "$mail_json")
[[ -n $ack_link ]] || e2e_fail "the referral email has no acknowledge link; text: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["text"])' "$mail_json")"
[[ $ack_link == "$TUKI_PUBLIC_URL/t/"* ]] || e2e_fail "the acknowledge link [$ack_link] does not start with $TUKI_PUBLIC_URL/t/"
e2e_pass "the referral email has a signed acknowledge link: $ack_link"

# Tampering: another ticket id in the same signed link.
tampered=$(sed -E 's#/t/[0-9]+/#/t/999999/#' <<<"$ack_link")
code=$(curl -sS --max-time 5 -o "$E2E_DIR/tampered.html" -w '%{http_code}' "$tampered")
[[ $code == 400 ]] || e2e_fail "a tampered link answered HTTP $code, expected 400"
e2e_pass "a tampered link is refused with 400"

code=$(curl -sS --max-time 5 -o "$E2E_DIR/ack.html" -w '%{http_code}' "$ack_link")
[[ $code == 200 ]] || e2e_fail "following the acknowledge link answered HTTP $code, expected 200: $(cat "$E2E_DIR/ack.html")"
# The staff CSV gives no language: staff read Finnish, and the page speaks the email's language.
grep -q "on kuitattu" "$E2E_DIR/ack.html" || e2e_fail "the acknowledge page does not say so in Finnish: $(cat "$E2E_DIR/ack.html")"
grep -q '<html lang="fi">' "$E2E_DIR/ack.html" || e2e_fail "the acknowledge page is not marked Finnish: $(cat "$E2E_DIR/ack.html")"
e2e_pass "following the acknowledge link with curl answers 200: $(grep -o '<p>[^<]*' "$E2E_DIR/ack.html" | head -1)"

# The "seen" SMS (replies.ticket_seen, Finnish, {staff_role} filled with the routed role).
expect_mt 5 "the student gets the \"seen\" SMS through Kannel" "luettu" "yhteyttä"
[[ $LAST_MT != *"{staff_role}"* ]] || e2e_fail "the seen SMS still has the {staff_role} placeholder"
found_role=0
for role in kuraattori terveydenhoitaja psykologi; do
  [[ ${LAST_MT,,} == *"$role"* ]] && found_role=1
done
((found_role)) || e2e_fail "the seen SMS [$LAST_MT] names no wellbeing role (kuraattori/terveydenhoitaja/psykologi)"
e2e_pass "the seen SMS names the routed role"

# Acknowledge is idempotent: a second click answers 200 and sends nothing more.
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$ack_link")
[[ $code == 200 ]] || e2e_fail "a second click on the acknowledge link answered HTTP $code, expected 200"
sleep 2
count=$("$LIB/mt.py" --to "$STUDENT" --count)
[[ $count -eq 5 ]] || e2e_fail "after a second acknowledge the student has $count MT, expected 5"
e2e_pass "a second acknowledge sends no second SMS (5 MT in all)"

stop_tuki
((TUKI_STOPPED_IN_TIME)) || e2e_fail "tuki serve did not exit within 10 s of SIGTERM"
[[ $TUKI_EXIT -eq 0 ]] || e2e_fail "tuki serve exited with status $TUKI_EXIT after SIGTERM"
e2e_pass "tuki serve exited 0 within 10 s of SIGTERM"
if grep -n "$STUDENT_DIGITS" "$TUKI_LOG" | head -5; then
  e2e_fail "tuki's log contains the student's phone number digits $STUDENT_DIGITS"
fi
e2e_pass "tuki's log has no phone number digits"

peers_stop
peers_none_left || e2e_fail "processes left running after peers_stop"
e2e_done
