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
[[ -n $TUKI_BIN && -x $TUKI_BIN ]] ||
  e2e_fail "tuki binary not found or not executable: [${1:-}] (pass the path of the built tuki)"
[[ -f $CONFIG ]] || e2e_fail "missing $CONFIG in $(pwd)"

peers_start "$E2E_DIR/peers" || e2e_fail "peers did not start"
e2e_pass "peers started (bearerbox, smsbox, fakesmsc, smtp-sink)"

export KANNEL_SENDER=$SENDER
export TUKI_DB=$E2E_DIR/tuki.db TUKI_MAIL_DIR=$E2E_DIR/mail-out
export TUKI_PUBLIC_URL=http://127.0.0.1:$TUKI_HTTP_PORT
TUKI_LOG=$E2E_DIR/tuki.log
E2E_EXTRA_LOGS+=("$TUKI_LOG")
mkdir -p "$TUKI_MAIL_DIR"

# tuki CLI commands (imports, check-in): output to their own log, bounded in time.
tuki_cli() { # NAME ARGS...
  local name=$1 log=$E2E_DIR/tuki-$1.log rc
  shift
  E2E_EXTRA_LOGS+=("$log")
  timeout 30 "$TUKI_BIN" "$@" --config "$CONFIG" >"$log" 2>&1
  rc=$?
  if [[ $rc -ne 0 ]]; then
    e2e_fail "\`tuki $*\` exited with status $rc (124 = timed out after 30 s); see $log"
  fi
}

# --- tuki serve ---
TUKI_PID=
stop_tuki() { # leaves TUKI_EXIT (the exit status) behind; SIGKILL after 10 s
  [[ -n $TUKI_PID ]] || return 0
  local i
  kill -TERM "$TUKI_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    peers_alive "$TUKI_PID" || break
    sleep 0.1
  done
  TUKI_STOPPED_IN_TIME=1
  if peers_alive "$TUKI_PID"; then
    TUKI_STOPPED_IN_TIME=0
    kill -KILL "$TUKI_PID" 2>/dev/null
  fi
  wait "$TUKI_PID"
  TUKI_EXIT=$?
  TUKI_PID=
}
E2E_ON_EXIT=stop_tuki

# Started without setsid so that $! is tuki itself and its exit status can be checked.
"$TUKI_BIN" serve --config "$CONFIG" </dev/null >"$TUKI_LOG" 2>&1 &
TUKI_PID=$!
tuki_healthy() {
  peers_alive "$TUKI_PID" || return 2
  curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$TUKI_HTTP_PORT/healthz" 2>/dev/null
}
deadline=$((SECONDS + 20))
until tuki_healthy; do
  peers_alive "$TUKI_PID" || e2e_fail "tuki serve exited during start-up (see $TUKI_LOG)"
  ((SECONDS < deadline)) ||
    e2e_fail "tuki serve: GET http://127.0.0.1:$TUKI_HTTP_PORT/healthz not 200 within 20 s"
  sleep 0.2
done
e2e_pass "tuki serve is healthy on port $TUKI_HTTP_PORT"

# --- rosters ---
# One staff member per role; the wellbeing roles (social_worker, nurse, psychologist) get the
# wellbeing referral.
cat >"$E2E_DIR/staff.csv" <<'EOF'
email,name,roles,campuses,groups,phone
teacher@varia.test,Tiina Opettaja,teacher,Tikkurila,AUT21,+358500000001
erityisopettaja@varia.test,Eero Erityisopettaja,special_needs_teacher,Tikkurila,AUT21,+358500000002
opo@varia.test,Outi Opinto-ohjaaja,study_counsellor,Tikkurila,AUT21,+358500000003
kuraattori@varia.test,Kaisa Kuraattori,social_worker,Tikkurila,AUT21,+358500000004
terveydenhoitaja@varia.test,Terhi Terveydenhoitaja,nurse,Tikkurila,AUT21,+358500000005
psykologi@varia.test,Paavo Psykologi,psychologist;study_counsellor,Tikkurila,AUT21,+358500000006
EOF
WELLBEING_STAFF=$(python3 - "$E2E_DIR/staff.csv" <<'EOF'
import csv, sys
wellbeing = {"social_worker", "nurse", "psychologist"}
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8"))
print(" ".join(r["email"] for r in rows if wellbeing & set(r["roles"].split(";"))))
EOF
)
tuki_cli staff-import staff import "$E2E_DIR/staff.csv"
e2e_pass "tuki staff import (6 staff members, every role)"

cat >"$E2E_DIR/students.csv" <<'EOF'
student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone
s1,0401234567,Aino,fi,AUT21,Tikkurila,2026-08-10,teacher@varia.test,Europe/Helsinki
EOF
tuki_cli students-import students import "$E2E_DIR/students.csv"
e2e_pass "tuki students import (1 student)"

# --- the check-in dialog over SMS ---
# expect_mt N WHAT NEEDLE...: waits for the N-th MT to the student; it must contain every NEEDLE.
expect_mt() {
  local n=$1 what=$2 text needle
  shift 2
  text=$("$LIB/mt.py" --to "$STUDENT" --wait "$n" --timeout 20 --last) ||
    e2e_fail "$what: no MT number $n to $STUDENT within 20 s ($("$LIB/mt.py" --count) MT in all)"
  for needle in "$@"; do
    [[ $text == *"$needle"* ]] || e2e_fail "$what: expected [$needle] in MT $n, got [$text]"
  done
  e2e_pass "$what: [${text//$'\n'/ }]"
  LAST_MT=$text
}
reply() { # TEXT: the student answers
  "$LIB/mo.py" "$STUDENT" "$SENDER" "$1" || e2e_fail "mo.py could not inject the reply [$1]"
}
declare -a QUESTIONS

tuki_cli checkin-send checkin send --dialog weekly_checkin --to all
e2e_pass "tuki checkin send --dialog weekly_checkin --to all"
expect_mt 1 "check-in question 1 asks for a number 1-5" 1 5
QUESTIONS+=("$LAST_MT")
reply 2
expect_mt 2 "after \"2\" (struggling): question 2 offers 1/2" 1 2
QUESTIONS+=("$LAST_MT")
reply 1
expect_mt 3 "after \"1\" (yes): question 3 offers 2 (wellbeing)" 2
QUESTIONS+=("$LAST_MT")
reply 2

# --- the wellbeing referral by email ---
mail_check() { # prints the path of a mail to a wellbeing staff member, if any
  "$LIB/mail.py" --json | python3 -c '
import json, sys
staff = set(sys.argv[1].split())
for m in json.load(sys.stdin):
    if staff & {r.lower() for r in m["recipients"]}:
        print(m["file"]); sys.exit(0)
sys.exit(1)' "$WELLBEING_STAFF"
}
if ! peers_wait_for 20 "a mail to wellbeing staff" mail_check; then
  "$LIB/mail.py" >&2
  e2e_fail "no email to a wellbeing staff member ($WELLBEING_STAFF) in $SMTP_SINK_DIR within 20 s"
fi
mail_file=$(mail_check)
mail_json=$("$LIB/mail.py" --json | python3 -c '
import json, sys
print(json.dumps([m for m in json.load(sys.stdin) if m["file"] == sys.argv[1]][0]))' "$mail_file")
e2e_pass "referral email to a wellbeing staff member: $(python3 -c '
import json, sys; m = json.loads(sys.argv[1]); print(m["recipients"], repr(m["subject"]))' "$mail_json")"
# The email must not carry what the student wrote. The replies are single digits, so a substring
# test is meaningless; instead: no line that is just a reply, no quoted reply, no question text
# (a transcript), and not the phone number.
privacy=$(python3 - "$mail_json" "$STUDENT_DIGITS" "${QUESTIONS[@]}" <<'EOF'
import json, re, sys
mail, digits, questions = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3:]
text = (mail["subject"] or "") + "\n" + mail["text"]
problems = []
if digits in re.sub(r"[\s-]", "", text):
    problems.append("the student's phone number")
for line in text.splitlines():
    if line.strip() in {"1", "2", "5"}:
        problems.append(f"a line that is a bare reply: {line!r}")
if re.search(r"[\"'«»“”„]\s*[12]\s*[\"'«»“”„]", text):
    problems.append("a quoted reply")
for q in questions:
    if q.strip() and q.strip() in text:
        problems.append(f"a question of the dialog: {q!r}")
print("; ".join(problems))
EOF
)
[[ -z $privacy ]] || e2e_fail "the referral email contains $privacy"
e2e_pass "the referral email has none of the student's replies, questions or phone number"
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
grep -q "acknowledged" "$E2E_DIR/ack.html" || e2e_fail "the acknowledge page does not say so: $(cat "$E2E_DIR/ack.html")"
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
