#!/usr/bin/env bash
# The operator tools as operators run them: `tuki sim` (plain and --json, with global keywords and
# crisis detection as in the service), `tuki dialogs check` (exit codes and located errors) and
# `tuki dialogs graph` (DOT and SVG through Graphviz). Usage: dialog_cli_test.sh TUKI_BIN
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

# 4. dialogs check: shipped dialogs pass; a broken one fails with its located error.
"$tuki" dialogs check dialogs/*.yaml >/dev/null 2>&1 || fail "shipped dialogs do not check"
pass "dialogs check: shipped dialogs are valid"
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
echo "PASS: dialog_cli"
