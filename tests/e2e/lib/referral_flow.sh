# The referral flow shared by the end-to-end tests (sourced after e2e_init): starts the peers
# and tuki serve, imports staff and one student, sends the weekly check-in, answers "2", "1",
# "2" through Kannel, and checks the referral email (recipient, privacy, link) in smtp-sink.
# Expects TUKI_BIN, CONFIG, STUDENT, STUDENT_DIGITS, SENDER, LIB; leaves mail_json, links and
# the run state (peers, tuki) for the test to continue from.
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
e2e_expect_contains "tuki staff import (6 staff members, every role)" \
  "imported 6 staff members into varia (6 new, 0 updated, 0 unchanged)" \
  "$(cat "$E2E_DIR/tuki-staff-import.log")"
# The same file again changes nothing, and says so.
tuki_cli staff-reimport staff import "$E2E_DIR/staff.csv"
e2e_expect_contains "tuki staff import of the same file" \
  "imported 6 staff members into varia (0 new, 0 updated, 6 unchanged)" \
  "$(cat "$E2E_DIR/tuki-staff-reimport.log")"

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
