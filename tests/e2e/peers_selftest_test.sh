#!/usr/bin/env bash
# Self-test of the end-to-end harness (tests/e2e/lib): starts the real peers (Kannel with the
# fake SMS centre, smtp-sink), checks that MT, MO and mail go through them with exact Unicode
# text, and that everything started is stopped again. Ignores its argument (the tuki binary).
# Must finish within 60 s. Exit code 0 only on success.
set -uo pipefail
LIB=$(cd "$(dirname "$0")/lib" && pwd)
source "$LIB/peers.sh"
source "$LIB/check.sh"

e2e_init peers_selftest
peers_start "$E2E_DIR/peers" || e2e_fail "peers did not start"
e2e_pass "peers started (bearerbox, smsbox, fakesmsc, smtp-sink)"

# --- MT: sendsms -> bearerbox -> fake SMSC -> fakesmsc log -> mt.py ---
sendsms() { # TO TEXT [extra curl args]: prints "HTTP-code body"
  local to=$1 text=$2
  shift 2
  curl -sS --max-time 5 -G -w ' %{http_code}' "$KANNEL_SENDSMS_URL" \
    --data-urlencode "username=$KANNEL_USERNAME" --data-urlencode "password=$KANNEL_PASSWORD" \
    --data-urlencode "from=tuki" --data-urlencode "to=$to" --data-urlencode "text=$text" \
    --data-urlencode "charset=UTF-8" "$@"
}
fi_text='Hyvää päivää! Äö, miten menee?'
lt_text='Ąčęėįšųūž – labas, kaip sekasi? āčēģīķļņ'
e2e_expect_eq "sendsms accepts Finnish text (coding 0)" "0: Accepted for delivery 202" \
  "$(sendsms +358401111111 "$fi_text")"
e2e_expect_eq "sendsms accepts Baltic text (coding 2)" "0: Accepted for delivery 202" \
  "$(sendsms +37060000001 "$lt_text" --data-urlencode coding=2)"
got=$("$LIB/mt.py" --to +358401111111 --wait 1 --timeout 10 --last) ||
  e2e_fail "no MT to +358401111111 in $FAKESMSC_MT_LOG"
e2e_expect_eq "mt.py decodes the Finnish MT exactly" "$fi_text" "$got"
got=$("$LIB/mt.py" --to +37060000001 --wait 1 --timeout 10 --last) ||
  e2e_fail "no MT to +37060000001 in $FAKESMSC_MT_LOG"
e2e_expect_eq "mt.py decodes the Baltic (UCS-2) MT exactly" "$lt_text" "$got"
long_text=$(printf 'Rivi %d: ąčę ja äö. ' $(seq 1 12))
sendsms +37060000002 "$long_text" --data-urlencode coding=2 >/dev/null
got=$("$LIB/mt.py" --to +37060000002 --wait 1 --timeout 10 --json --last) ||
  e2e_fail "no long MT to +37060000002"
parts=$(python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print(m["parts"])' "$got")
got=$("$LIB/mt.py" --to +37060000002 --last)
e2e_expect_eq "mt.py reassembles a $parts-part UCS-2 MT" "$long_text" "$got"
[[ $parts -ge 2 ]] || e2e_fail "the long MT was expected in several parts, got $parts"

# --- MO: mo.py -> fake-mo SMSC -> bearerbox -> smsbox -> HTTP GET to TUKI_HTTP_PORT ---
mo_log=$E2E_DIR/mo-requests.jsonl
E2E_EXTRA_LOGS+=("$E2E_DIR/http_recorder.log" "$PEERS_DIR/fakesmsc-mo.log")
peers_spawn http_recorder "$E2E_DIR/http_recorder.log" "$LIB/http_recorder.py" \
  "$TUKI_HTTP_PORT" "$mo_log"
peers_wait_for 10 "recorder on port $TUKI_HTTP_PORT" peers__port_listening "$TUKI_HTTP_PORT" ||
  e2e_fail "the recording HTTP server did not start"
mo_texts=("Hyvää yötä" "ąčęėįšųūž")
for text in "${mo_texts[@]}"; do
  "$LIB/mo.py" +358401234567 tuki "$text" || e2e_fail "mo.py could not inject [$text]"
done
e2e_pass "mo.py injected ${#mo_texts[@]} replies"
check_mo() { # TEXT: the recorder got exactly one GET with this text, from the student, with an id
  python3 - "$mo_log" "$1" <<'EOF'
import json, sys
path, text = sys.argv[1], sys.argv[2]
try:
    reqs = [json.loads(line) for line in open(path, encoding="utf-8")]
except FileNotFoundError:
    reqs = []
hits = [r for r in reqs if r["query"].get("text") == text]
ok = (len(hits) == 1 and hits[0]["path"] == "/v1/gateways/kannel/inbound"
      and hits[0]["query"].get("from") == "+358401234567" and hits[0]["query"].get("id"))
if not ok:
    print(f"requests so far: {reqs}", file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
for text in "${mo_texts[@]}"; do
  if peers_wait_for 10 "MO [$text] at the recorder" check_mo "$text"; then
    e2e_pass "the bot endpoint got MO [$text] exactly, with from and id"
  else
    check_mo "$text"
    e2e_fail "the bot endpoint did not get MO [$text]"
  fi
done
e2e_expect_eq "smsbox-access.log counts both MO as accepted by the bot" 2 \
  "$(peers_mo_accepted_count +358401234567)"

# --- mail: curl -> smtp-sink -> mail.py ---
cat >"$E2E_DIR/mail.eml" <<'EOF'
From: tuki <bot@example.test>
To: teacher@example.test
Subject: =?UTF-8?B?T3Bpc2tlbGlqYSB0YXJ2aXRzZWUgdHVrZWE6IMOkw7Y=?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Hei! Katso tiketti: https://tuki.example.test/t/abc123?x=1 =C3=A4=C3=B6.
EOF
curl -sS --max-time 10 "$SMTP_URL" --mail-from bot@example.test \
  --mail-rcpt teacher@example.test -T "$E2E_DIR/mail.eml" ||
  e2e_fail "curl could not send the mail to $SMTP_URL"
"$LIB/mail.py" --to teacher@example.test --wait 1 --timeout 10 >/dev/null ||
  e2e_fail "mail.py does not see the mail in $SMTP_SINK_DIR"
mail_json=$("$LIB/mail.py" --to teacher@example.test --json)
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0][sys.argv[2]])' "$mail_json" "$1"; }
e2e_expect_eq "mail.py: recipients" "['teacher@example.test']" "$(field recipients)"
e2e_expect_eq "mail.py: RFC 2047 subject" "Opiskelija tarvitsee tukea: äö" "$(field subject)"
e2e_expect_eq "mail.py: quoted-printable text" \
  "Hei! Katso tiketti: https://tuki.example.test/t/abc123?x=1 äö." "$(field text)"
e2e_expect_eq "mail.py --links" "https://tuki.example.test/t/abc123?x=1" \
  "$("$LIB/mail.py" --to teacher@example.test --links)"
e2e_expect_eq "mail.py --to filters" "0" "$("$LIB/mail.py" --to nobody@example.test --count)"

# --- stop: nothing started here may be left running ---
peers_stop
peers_none_left || e2e_fail "processes left running after peers_stop"
left=$(pgrep -af -- "$PEERS_DIR|-r ($FAKESMSC_PORT|$FAKESMSC_MO_PORT) " || true)
[[ -z $left ]] || e2e_fail "processes left running: $left"
e2e_pass "peers_stop left no bearerbox, smsbox, fakesmsc, smtp-sink or recorder running"
e2e_done
