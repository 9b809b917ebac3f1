#!/usr/bin/env bash
# Issue 5 end to end through real parts: tuki serve + Kannel (fake SMS centre) + smtp-sink.
# Usage: ticket_ack_test.sh TUKI_BIN
# A student answers the weekly check-in over Kannel ("2", "1", "2": wellbeing); the routed staff
# member's email (captured by smtp-sink) holds signed action links and none of the student's
# words; a tampered link is refused; following the acknowledge link with curl (as a mail link
# scanner does) only shows a confirmation page; POSTing its form acknowledges, and the student
# receives the "seen" SMS through Kannel, once, even when the form is sent twice.
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

# A GET (a mail scanner, a link preview) acts on nothing: a confirmation page whose one form
# POSTs the same signed link. Fetched twice, as scanners do.
for fetch in 1 2; do
  code=$(curl -sS --max-time 5 -o "$E2E_DIR/confirm.html" -w '%{http_code}' "$ack_link")
  [[ $code == 200 ]] || e2e_fail "GET $fetch of the acknowledge link answered HTTP $code, expected 200: $(cat "$E2E_DIR/confirm.html")"
done
# The staff CSV gives no language: staff read Finnish, and the page speaks the email's language.
grep -q '<html lang="fi">' "$E2E_DIR/confirm.html" || e2e_fail "the confirmation page is not marked Finnish: $(cat "$E2E_DIR/confirm.html")"
grep -q '<button type="submit">Kuittaa</button>' "$E2E_DIR/confirm.html" || e2e_fail "the confirmation page has no Kuittaa button: $(cat "$E2E_DIR/confirm.html")"
! grep -q "kuitattu" "$E2E_DIR/confirm.html" || e2e_fail "a GET of the acknowledge link acknowledged: $(cat "$E2E_DIR/confirm.html")"
form_action=$(python3 -c '
import html, re, sys
forms = re.findall(r"<form method=\"post\" action=\"([^\"]*)\">", open(sys.argv[1]).read())
print(html.unescape(forms[0]) if len(forms) == 1 else "")' "$E2E_DIR/confirm.html")
[[ $TUKI_PUBLIC_URL$form_action == "$ack_link" ]] || e2e_fail "the confirmation form POSTs [$form_action], not the signed link [$ack_link]"
e2e_pass "GET of the acknowledge link shows a confirmation page whose one form POSTs the same link"

code=$(curl -sS --max-time 5 -o "$E2E_DIR/ack.html" -w '%{http_code}' --data '' "$TUKI_PUBLIC_URL$form_action")
[[ $code == 200 ]] || e2e_fail "POSTing the confirmation form answered HTTP $code, expected 200: $(cat "$E2E_DIR/ack.html")"
# "on kuitattu" (just now), not "oli jo kuitattu" (already): the GETs before did not act.
grep -q "on kuitattu" "$E2E_DIR/ack.html" || e2e_fail "the acknowledge page does not say it was acknowledged now, in Finnish: $(cat "$E2E_DIR/ack.html")"
grep -q '<html lang="fi">' "$E2E_DIR/ack.html" || e2e_fail "the acknowledge page is not marked Finnish: $(cat "$E2E_DIR/ack.html")"
e2e_pass "POSTing the confirmation acknowledges (200): $(grep -o '<p>[^<]*' "$E2E_DIR/ack.html" | head -1)"

# The "seen" SMS (replies.ticket_seen, Finnish, {staff_role} filled with the routed role).
expect_mt 5 "the student gets the \"seen\" SMS through Kannel" "luettu" "yhteyttä"
[[ $LAST_MT != *"{staff_role}"* ]] || e2e_fail "the seen SMS still has the {staff_role} placeholder"
found_role=0
for role in kuraattori terveydenhoitaja psykologi; do
  [[ ${LAST_MT,,} == *"$role"* ]] && found_role=1
done
((found_role)) || e2e_fail "the seen SMS [$LAST_MT] names no wellbeing role (kuraattori/terveydenhoitaja/psykologi)"
e2e_pass "the seen SMS names the routed role"

# Acknowledge is idempotent: a second POST answers 200 and sends nothing more.
code=$(curl -sS --max-time 5 -o "$E2E_DIR/ack2.html" -w '%{http_code}' --data '' "$ack_link")
[[ $code == 200 ]] || e2e_fail "a second POST of the acknowledge link answered HTTP $code, expected 200"
grep -q "oli jo kuitattu" "$E2E_DIR/ack2.html" || e2e_fail "a second acknowledge does not say it already was: $(cat "$E2E_DIR/ack2.html")"
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
