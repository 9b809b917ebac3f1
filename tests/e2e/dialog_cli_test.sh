#!/usr/bin/env bash
# The operator tools as operators run them: `tuki sim` (plain and --json, with global keywords and
# crisis detection as in the service), `tuki dialogs check` (exit codes and located errors),
# `tuki dialogs graph` (DOT and SVG through Graphviz) and `tuki checkin send` with an unknown
# dialog. Usage: dialog_cli_test.sh TUKI_BIN
set -euo pipefail
tuki=$(realpath "$1")
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "PASS: $*"; }

# 1. A Finnish student struggles, then asks for contact, then opts out with LOPETA.
out=$(printf '2\nkyl\nLOPETA\n' | "$tuki" sim --dialog dialogs/weekly_checkin.yaml --lang fi --json --first-name Aino)
python3 - "$out" <<'PY' || fail "sim --json transcript"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
assert len(lines) == 4, lines
assert lines[0]["node"] == "q1" and "Aino" in lines[0]["sent"][0], lines[0]
assert lines[1]["category"] == "struggling" and lines[1]["node"] == "q2", lines[1]
assert lines[2]["category"] == "yes" and lines[2]["node"] == "q3", lines[2]
assert lines[3]["keyword"] == "stop" and lines[3]["done"] is True and lines[3]["node"] is None, lines[3]
for key in ("node", "category", "sent", "flags", "scores", "tickets", "done"):
    assert all(key in l for l in lines), key
PY
pass "sim --json: q1 -> struggling -> yes -> LOPETA opts out"

# 2. Crisis detection in the simulator opens an urgent crisis ticket and answers with help.
out=$(printf 'en halua elää enää\n' | "$tuki" sim --dialog dialogs/weekly_checkin.yaml --lang fi --json)
python3 - "$out" <<'PY' || fail "sim crisis"
import json, sys
last = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()][-1]
assert last["crisis"] is True, last
assert {"category": "crisis", "urgency": "urgent"} in last["tickets"], last
assert any("112" in t for t in last["sent"]), last
PY
pass "sim: a crisis message opens an urgent crisis ticket and sends the helpline"

# 3. Exam stress is not a crisis; /timeout sends the reminder.
out=$(printf '/timeout\ntää koe tappaa mut\n' | "$tuki" sim --dialog dialogs/weekly_checkin.yaml --lang fi --json)
python3 - "$out" <<'PY' || fail "sim near-miss and timeout"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
assert len(lines[1]["sent"]) == 1 and lines[1]["node"] == "q1", lines[1]
assert lines[2]["crisis"] is False, lines[2]
assert all(t["category"] != "crisis" for t in lines[2]["tickets"]), lines[2]
PY
pass "sim: /timeout reminds; exam stress is not a crisis"

# 3a. After the reminder no timeout is left: the next /timeout is the session's expiry (its one
#     expiry timer, stored at the first wait).
out=$(printf '/timeout\n/timeout\n' | "$tuki" sim --dialog weekly_checkin --lang fi --json)
python3 - "$out" <<'PY' || fail "sim: the second /timeout is the expiry"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
assert len(lines) == 3, lines
assert lines[1]["node"] == "q1" and len(lines[1]["sent"]) == 1, lines[1]
assert lines[2]["ended"] == "no_reply" and lines[2]["done"] is True, lines[2]
assert lines[2]["time"] - lines[0]["time"] == 72 * 3600 * 1000, lines[2]
PY
pass "sim: the second /timeout lets the session expire (no_reply at 72 h)"

# 3b. sim takes a dialog id as checkin send does, refuses a language the dialog does not speak,
#     and names the staff role as the built-in routing would (the service names the routed one).
out=$(printf '2\nkyl\n2\n' | "$tuki" sim --dialog weekly_checkin --lang fi)
case "$out" in *"Kiitos. Koulun kuraattori ottaa sinuun pian yhteyttä."*) ;;
  *) fail "sim by id did not name the social worker: $out" ;; esac
case "$out" in *"{staff_role}"*) fail "sim left {staff_role} unfilled: $out" ;; esac
set +e
out=$("$tuki" sim --dialog weekly_checkin --lang de </dev/null 2>&1)
code=$?
set -e
[ "$code" = 2 ] || fail "sim --lang de exited $code: $out"
case "$out" in *"--lang de is not one of the dialog's languages (en, fi, sv, et, lv, lt)"*) ;;
  *) fail "sim --lang de: $out" ;; esac
pass "sim: a dialog by id, its languages only, the staff role named"

# 4. dialogs check: shipped dialogs pass; a broken one fails with its located error.
got=$("$tuki" dialogs check dialogs/*.yaml 2>&1) || fail "shipped dialogs do not check: $got"
case "$got" in *"0 error(s), 0 warning(s)"*) ;; *) fail "shipped dialogs have warnings: $got" ;; esac
pass "dialogs check: shipped dialogs are valid, translated into every language, and routed"
for expected in tests/data/dialogs/broken/*.expected; do
  yaml=${expected%.expected}.yaml
  [ -f "$yaml" ] || continue
  set +e
  got=$("$tuki" dialogs check "$yaml" 2>&1)
  code=$?
  set -e
  [ "$code" = 1 ] || fail "dialogs check $yaml exited $code, expected 1"
  first=$(grep -m1 'error' "$expected" || head -1 "$expected")
  case "$got" in *"$first"*) ;; *) fail "dialogs check $yaml: missing '$first' in: $got" ;; esac
done
pass "dialogs check: every broken fixture exits 1 with its located error"

# 5. dialogs graph: DOT, and SVG through Graphviz.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$tuki" dialogs graph dialogs/weekly_checkin.yaml --format dot > "$tmp/g.dot" || fail "graph dot"
grep -q '^digraph' "$tmp/g.dot" || fail "graph dot output"
"$tuki" dialogs graph dialogs/weekly_checkin.yaml --format svg -o "$tmp/g.svg" || fail "graph svg"
grep -q '<svg' "$tmp/g.svg" || fail "graph svg output"
pass "dialogs graph: dot and svg"

# 5b. dialogs check loads the files it is given together, as the service loads dialogs/: one
#     dialog id in two files is an error naming both.
mkdir -p "$tmp/check"
cp dialogs/weekly_checkin.yaml "$tmp/check/a.yaml"
cp dialogs/weekly_checkin.yaml "$tmp/check/b.yaml"
set +e
got=$("$tuki" dialogs check "$tmp/check/a.yaml" "$tmp/check/b.yaml" --lang-dir dialogs/lang 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "dialogs check with one id in two files exited $code: $got"
case "$got" in
  *"$tmp/check/b.yaml:4:5: error: dialog id 'weekly_checkin' is already used by $tmp/check/a.yaml:4:5"*) ;;
  *) fail "dialogs check did not name both files of a repeated id: $got" ;;
esac
pass "dialogs check: a dialog id in two files fails, naming both"

# 5b'. A misspelt ticket category would go to the fallback role: a warning at its category,
#      against the built-in routing, and against the configured one with --config.
sed '86s/{ticket: {category: studies}}/{ticket: {category: studdies}}/' dialogs/weekly_checkin.yaml \
  >"$tmp/check/category.yaml"
got=$("$tuki" dialogs check "$tmp/check/category.yaml" --lang-dir dialogs/lang 2>&1) ||
  fail "a warning made dialogs check fail: $got"
expected="category.yaml:84:7: warning: node q1: tickets of category 'studdies' match no routing rule and go to the fallback role (did you mean 'studies'?)"
case "$got" in *"$expected"*) ;; *) fail "dialogs check did not warn of 'studdies': $got" ;; esac
got=$("$tuki" dialogs check "$tmp/check/category.yaml" --lang-dir dialogs/lang --config config/tuki.yaml 2>&1) ||
  fail "dialogs check --config failed: $got"
case "$got" in *"$expected"*) ;; *) fail "dialogs check --config did not warn of 'studdies': $got" ;; esac
# A routing file that routes the category: no warning, so --config's routing is the one checked.
mkdir -p "$tmp/routing"
python3 - "$tmp/routing/varia.yaml" <<'PY'
import sys
text = open("config/routing/default.yaml").read()
text = text.replace("rules:\n", "rules:\n  - category: studdies\n    roles: [teacher]\n", 1)
open(sys.argv[1], "w").write(text)
PY
printf 'routing_dir: %s\n' "$tmp/routing" | cat - config/tuki.yaml >"$tmp/routed.yaml"
got=$("$tuki" dialogs check "$tmp/check/category.yaml" --lang-dir dialogs/lang --config "$tmp/routed.yaml" 2>&1) ||
  fail "dialogs check --config with a studdies rule failed: $got"
case "$got" in *"studdies"*) fail "dialogs check --config ignored the configured routing: $got" ;; esac
# Only a rule for one campus takes it: the other campuses' tickets go to the fallback role.
python3 - "$tmp/routing/varia.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
text = text.replace("  - category: studdies\n", "  - category: studdies\n    campus: Tikkurila\n", 1)
open(sys.argv[1], "w").write(text)
PY
got=$("$tuki" dialogs check "$tmp/check/category.yaml" --lang-dir dialogs/lang --config "$tmp/routed.yaml" 2>&1) ||
  fail "dialogs check --config with a campus rule failed: $got"
expected="category.yaml:84:7: warning: node q1: tickets of category 'studdies' match routing rules only under their conditions ($tmp/routing/varia.yaml:"
case "$got" in *"$expected"*"); the others go to the fallback role"*) ;; *) fail "dialogs check did not warn of a campus-only rule: $got" ;; esac
pass "dialogs check: a ticket category no routing rule takes is a warning at its line"

# 5c. A misspelt placeholder would reach students as written: an error at its text.
mkdir -p "$tmp/check"
sed '21s/{first_name}/{frist_name}/' dialogs/weekly_checkin.yaml >"$tmp/check/typo.yaml"
set +e
got=$("$tuki" dialogs check "$tmp/check/typo.yaml" --lang-dir dialogs/lang 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "dialogs check with {frist_name} exited $code: $got"
case "$got" in
  *"typo.yaml:21:11: error: node q1: text (en): unknown placeholder {frist_name} (did you mean {first_name}?); known placeholders: {first_name}, {helpline}, {staff_role}"*) ;;
  *) fail "dialogs check did not report {frist_name}: $got" ;;
esac
pass "dialogs check: an unknown placeholder fails at its text"

# 5d. A language without crisis phrases would miss every crisis written in it: an error, and no
#     dialog that uses the lexicon is called ok.
mkdir -p "$tmp/check"
cp -r dialogs/lang "$tmp/check/lang"
python3 - "$tmp/check/lang/sv.yaml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text, n = re.subn(r"\n  phrases: \[.*?\n  \]", "\n  phrases: []", text, count=1, flags=re.S)
assert n == 1
open(sys.argv[1], "w", encoding="utf-8").write(text)
PY
set +e
got=$("$tuki" dialogs check dialogs/weekly_checkin.yaml --lang-dir "$tmp/check/lang" 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "dialogs check with no sv crisis phrases exited $code: $got"
line=$(grep -n '^  phrases: \[\]' "$tmp/check/lang/sv.yaml" | cut -d: -f1)
case "$got" in
  *"sv.yaml:$line:12: error: language 'sv' has no crisis phrases"*) ;;
  *) fail "dialogs check did not report the empty sv crisis.phrases: $got" ;;
esac
case "$got" in *": ok"*) fail "dialogs check called a dialog ok with a broken lexicon: $got" ;; esac
pass "dialogs check: a language without crisis phrases fails"

# 5e. A role the routing file adds without a name in a lexicon reaches students as a generic
#     phrase ("työntekijä"): dialogs check --config warns, naming role and language.
mkdir -p "$tmp/cfg/routing"
cat >"$tmp/cfg/routing/varia.yaml" <<'YAML'
tuki_routing: 1
fallback_role: study_counsellor
rules:
  - category: studies
    roles: [erityisopettaja_2]
YAML
cat >"$tmp/cfg/tuki.yaml" <<YAML
routing_dir: $tmp/cfg/routing
gateways: [{name: console, type: console}]
institutions:
  - id: varia
    gateway: console
    languages: [fi, en]
YAML
set +e
got=$("$tuki" dialogs check dialogs/*.yaml --config "$tmp/cfg/tuki.yaml" 2>&1)
code=$?
set -e
[ "$code" = 0 ] || fail "dialogs check --config with an unnamed role exited $code: $got"
case "$got" in
  *"$tmp/cfg/routing/varia.yaml: warning: role 'erityisopettaja_2' of institution varia has no name in dialogs/lang/fi.yaml (roles:); students read 'työntekijä'"*) ;;
  *) fail "dialogs check --config did not warn about the unnamed role in fi: $got" ;;
esac
case "$got" in *"'study_counsellor'"*) fail "dialogs check warned about a named role: $got" ;; esac
pass "dialogs check --config: a routing role without a name is a warning"

# 6. Hot reload: SIGHUP with a broken dialog keeps the old version (and says why); a valid edit
#    is picked up. Runs `tuki serve` on its defaults in a scratch copy, on a free port.
run=$(mktemp -d)
cp -r config dialogs "$run/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
(cd "$run" && exec env TUKI_HTTP_PORT="$port" "$tuki" serve >serve.log 2>&1) &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$tmp" "$run"' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || fail "serve did not start: $(cat "$run/serve.log")"
sed -i 's/^start: q1$/start: nowhere/' "$run/dialogs/weekly_checkin.yaml"
kill -HUP "$serve_pid"
for _ in $(seq 1 50); do grep -q dialogs_reload_failed "$run/serve.log" && break; sleep 0.1; done
grep -q 'dialogs_reload_failed.*weekly_checkin.yaml' "$run/serve.log" || fail "broken reload not reported: $(cat "$run/serve.log")"
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || fail "serve died on a broken reload"
sed -i 's/^start: nowhere$/start: q1/' "$run/dialogs/weekly_checkin.yaml"
kill -HUP "$serve_pid"
for _ in $(seq 1 50); do grep -q 'event=dialogs_reloaded' "$run/serve.log" && break; sleep 0.1; done
grep -q 'event=dialogs_reloaded' "$run/serve.log" || fail "valid reload not reported: $(cat "$run/serve.log")"
pass "SIGHUP reload: a broken dialog keeps the old version and is logged; a fixed one is loaded"
# Two edits in a row with no session running: the reload keeps the version it replaces (a session
# may have just started on it), and drops the one before, which no session runs on.
reloads() { grep -c 'event=dialogs_reloaded' "$run/serve.log" || true; }
for edit in 1 2; do
  before=$(reloads)
  echo "# edit $edit" >> "$run/dialogs/weekly_checkin.yaml"
  kill -HUP "$serve_pid"
  for _ in $(seq 1 50); do [ "$(reloads)" -gt "$before" ] && break; sleep 0.1; done
  last=$(grep 'event=dialogs_reloaded' "$run/serve.log" | tail -n 1)
  case "$last" in
    *earlier_versions=1*) ;;
    *) fail "reload after edit $edit kept other than one earlier version: $last" ;;
  esac
done
pass "SIGHUP reload: earlier dialog versions no session runs on are dropped"
# A misspelt lexicon key is only a warning (the list is ignored): the reload logs it.
sed -i 's/^negations:/negation:/' "$run/dialogs/lang/en.yaml"
before=$(reloads)
kill -HUP "$serve_pid"
for _ in $(seq 1 50); do [ "$(reloads)" -gt "$before" ] && break; sleep 0.1; done
grep -q "level=warn event=dialog_warning file=.*en.yaml line=.*unknown key 'negation'" "$run/serve.log" ||
  fail "reload did not log the lexicon warning: $(cat "$run/serve.log")"
kill -TERM "$serve_pid"; wait "$serve_pid" || fail "serve did not exit cleanly"
pass "SIGHUP reload: a dialog or lexicon warning is logged"

# 7. checkin send names an unknown dialog as campaign send does (exit 2) and stores nothing.
chk="$tmp/checkin"
mkdir -p "$chk"
cp -r config dialogs "$chk/"
printf 'student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n%s\n' \
  's1,0401234567,Aino,fi,AUT21,Tikkurila,2026-08-10,,' >"$chk/students.csv"
(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" students import students.csv >/dev/null) ||
  fail "students import for checkin send"
set +e
got=$(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" checkin send --dialog nosuch --to s1 2>&1)
code=$?
set -e
[ "$code" = 2 ] || fail "checkin send --dialog nosuch exited $code, expected 2: $got"
case "$got" in *"no dialog named 'nosuch'"*) ;; *) fail "checkin send --dialog nosuch said: $got" ;; esac
sessions() {
  python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM sessions").fetchone()[0])' \
    "$chk/tuki.db"
}
[ "$(sessions)" = 0 ] || fail "checkin send --dialog nosuch stored a session"
got=$(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" checkin send --dialog weekly_checkin --to s1 2>&1) ||
  fail "checkin send --dialog weekly_checkin: $got"
case "$got" in *"started weekly_checkin for 1 students"*) ;; *) fail "checkin send said: $got" ;; esac
[ "$(sessions)" = 1 ] || fail "checkin send --dialog weekly_checkin stored no session"
last_checkin=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT last_checkin_at IS NOT NULL FROM students").fetchone()[0])' \
  "$chk/tuki.db")
# The scheduler's gap between check-ins counts it (min_days_between_checkins).
[ "$last_checkin" = 1 ] || fail "checkin send did not record the student's last check-in"
pass "checkin send: an unknown dialog exits 2 and stores nothing; a known one starts and counts"

# 8. checkin send inside the institution's quiet hours says so, with the command that waits for
# the next allowed moment; outside them it says nothing of the kind.
quiet_schedule() {  # $1: window "HH:MM HH:MM"; writes $chk/quiet.yaml
  set -- $1
  printf 'tuki_schedule: 1\ninstitution: varia\ntime_zone: Europe/Helsinki\nquiet_hours:\n  send_from: "%s"\n  send_until: "%s"\n' \
    "$1" "$2" >"$chk/quiet.yaml"
}
sed "s|^    schedule_file: .*|    schedule_file: $chk/quiet.yaml|" "$chk/config/tuki.yaml" >"$chk/quiet-config.yaml"
grep -q "schedule_file: $chk/quiet.yaml" "$chk/quiet-config.yaml" || fail "config/tuki.yaml names no schedule_file to replace"
outside=$(TZ=Europe/Helsinki python3 -c 'import time
h = time.localtime().tm_hour
print(f"{h+2:02}:00 {h+3:02}:00" if h <= 21 else "01:00 02:00")')
printf 's2,0401234568,Eino,fi,AUT21,Tikkurila,2026-08-10,,\n' >>"$chk/students.csv"
(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" students import students.csv >/dev/null) ||
  fail "students import for the quiet-hours check"
quiet_schedule "$outside"
got=$(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" checkin send --config quiet-config.yaml \
  --dialog weekly_checkin --to s2 2>&1) || fail "checkin send in quiet hours: $got"
case "$got" in
  *"inside varia's quiet hours or a holiday; the check-in starts now anyway"*"tuki campaign send --dialog weekly_checkin --to s2 --now"*) ;;
  *) fail "checkin send in quiet hours ($outside allowed) did not warn: $got" ;;
esac
case "$got" in *"started weekly_checkin for 1 students"*) ;; *) fail "checkin send in quiet hours: $got" ;; esac
python3 -c 'import sqlite3, sys
sys.exit(sqlite3.connect(sys.argv[1]).execute("DELETE FROM sessions").rowcount != 2)' "$chk/tuki.db" ||
  fail "expected the two sessions started"
quiet_schedule "00:00 24:00"
got=$(cd "$chk" && TUKI_DB="$chk/tuki.db" "$tuki" checkin send --config quiet-config.yaml \
  --dialog weekly_checkin --to s2 2>&1) || fail "checkin send outside quiet hours: $got"
case "$got" in *"quiet hours"*) fail "checkin send warned with every hour allowed: $got" ;; esac
pass "checkin send: inside quiet hours it warns and names the command that waits"

# 9. sim answers a message no session waits for as the service does (student_message beside it).
got=$(printf '5\nmoi\n' | "$tuki" sim --dialog dialogs/weekly_checkin.yaml --lang fi --json | tail -1)
case "$got" in
  *'"node":"offer"'*"Kiitos viestistäsi!"*) ;;
  *) fail "sim did not offer contact after the check-in ended: $got" ;;
esac
got=$(printf '/timeout\n/timeout\nmua kiusataan\n' | "$tuki" sim --dialog weekly_checkin --lang fi --json | tail -1)
case "$got" in
  *'"tickets":[{"category":"wellbeing"'*) ;;
  *) fail "sim did not read a reply after expiry as a message: $got" ;;
esac
pass "sim: a message after the check-in starts student_message"
echo "PASS: dialog_cli"
