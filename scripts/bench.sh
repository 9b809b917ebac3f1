#!/usr/bin/env bash
# Runs tuki's benchmarks, each next to a baseline measured in the same run, on loopback only,
# bounded in time, and prints one table (also written to bench/results/latest.md):
#   figure | value | baseline | ratio | target | pass/short
# Environment: BENCH_SECONDS (wrk duration, default 10), BENCH_STUDENTS (P1, default 100000),
# BENCH_IMPORT (P3 import size, default 1000000), BENCH_KANNEL_STUDENTS (P2 through Kannel,
# default 20000), BENCH_CAMPAIGN_P3 (P3 campaign size, default 100000), BENCH_ACTIVE (P3 active
# sessions, default 100000), BENCH_RATE_SECONDS (rate-limit window, default 60),
# BENCH_ONLY (e.g. "p1 p4"; sections: p1 p2 p2k p3 rate p4), BENCH_ROUNDS (P2, P2k and the P3 import:
# rounds of baseline then tuki, alternating; the round with the median ratio is reported;
# default 3), BENCH_P2_ROUNDS (the same for P2, default 5: its single rounds spread from 0.36 to
# 0.54 on one day), BENCH_KANNEL_ROUNDS (the same for P2k, default 5: single rounds through Kannel
# range from 0.67 to 1.15 within minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh
export BUILD_DIR=${BENCH_BUILD_DIR:-build-bench}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache} CCACHE_BASEDIR=$root
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTUKI_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" >/dev/null
bin=$root/$BUILD_DIR
secs=${BENCH_SECONDS:-10}
students=${BENCH_STUDENTS:-100000}
import_n=${BENCH_IMPORT:-1000000}
only=${BENCH_ONLY:-p1 p2 p2k p3 rate p4}
rounds=${BENCH_ROUNDS:-3}
work=$(mktemp -d /tmp/tuki-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if declare -F peers_stop >/dev/null; then peers_stop 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); echo "bench: $1: $2 (baseline $3, ratio $4, target $5: $6)" >&2; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
# RATIOS...: the index (from 0) of the median ratio: the round to report.
median_round() { python3 -c "import sys; r=[float(x) for x in sys.argv[1:]]; print(sorted(range(len(r)), key=lambda i: r[i])[(len(r)-1)//2])" "$@"; }
verdict() { python3 -c "import sys; print('pass' if float(sys.argv[1]) $2 float(sys.argv[2]) else 'short')" "$1" "$3"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; return 1; }
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_p99() { awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$1"; }
rss_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

inbound_latency_share() {  # METRICS_BEFORE METRICS_AFTER: "N% within 5 ms, p99 <= X ms" of the
  # Kannel replies between the two scrapes, from tuki's request-duration histogram
  python3 - "$1" "$2" <<'PY'
import re, sys
def buckets(path):
    out = {}
    for line in open(path):
        m = re.match(r'tuki_http_request_duration_seconds_bucket\{route="gateway_inbound",le="([^"]+)"\} (\d+)', line)
        if m: out[m.group(1)] = int(m.group(2))
    return out
before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
delta = {le: after[le] - before.get(le, 0) for le in after}
total = delta.get("+Inf", 0)
if not total:
    print("no requests seen"); sys.exit()
p99 = next(le for le in sorted(delta, key=lambda b: float("inf") if b == "+Inf" else float(b))
           if delta[le] >= 0.99 * total)
p99 = "+Inf" if p99 == "+Inf" else f"{float(p99) * 1000:g}"
print(f"{100.0 * delta['0.005'] / total:.1f}% within 5 ms, p99 <= {p99} ms")
PY
}

copy_db() {  # SRC DST: a database with its WAL, if one is left
  rm -f "$2" "$2-wal" "$2-shm"
  for f in "" -wal; do [ -f "$1$f" ] && cp "$1$f" "$2$f"; done
  return 0
}

drain() {  # DB: wait (at most 5 min) until no outbound SMS is queued or sending
  for _ in $(seq 1 1500); do
    left=$(sqlite3 "$1" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status IN ('queued','sending')" 2>/dev/null || echo 1)
    [ "$left" = 0 ] && return 0
    sleep 0.2
  done
  echo "bench: outbox of $1 did not drain" >&2
  return 1
}

sending_ms() {  # DB: milliseconds from the first claim (sending) to the last accepted SMS (sent):
  # the sending itself, without process start-up and the drain poll's 0.2 s steps (the baseline,
  # wrk, is a steady rate too)
  sqlite3 "$1" "SELECT MAX(CASE WHEN status = 'sent' THEN at END) - MIN(CASE WHEN status = 'sending' THEN at END) FROM message_status"
}

make_students() {  # N FILE [LANGUAGE]: E.164 Finnish mobile numbers +3584NNNNNNNN; six
  # languages in turn, or all in LANGUAGE
  python3 - "$1" "$2" "${3:-}" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n")
    langs = [sys.argv[3]] if sys.argv[3] else ["fi", "sv", "en", "et", "lv", "lt"]
    for i in range(n):
        f.write(f"s{i},+3584{i:08d},Opiskelija{i % 1000},{langs[i % len(langs)]},G{i % 200},Tikkurila,2026-08-10,t{i % 300}@varia.test,Europe/Helsinki\n")
PY
}

# PORT DB GATEWAY_URL FILE. Optional: CFG_USER, CFG_PASS (sendsms user, default bench),
# CFG_DLR_MASK (default 0), CFG_PUBLIC_URL (where Kannel sends DLRs), CFG_RATE_LIMIT (segments/s).
tuki_config() {
  cat > "$4" <<YAML
log_level: warn
${CFG_PUBLIC_URL:+public_url: $CFG_PUBLIC_URL}
dialogs_dir: $root/dialogs
http:
  port: $1
store:
  path: $2
mail:
  type: file
  dir: $work/mail
gateways:
  - name: kannel
    type: kannel
    sendsms_url: $3
    username: ${CFG_USER:-bench}
    password: ${CFG_PASS:-bench}
    dlr_mask: ${CFG_DLR_MASK:-0}
${CFG_RATE_LIMIT:+    rate_limit: $CFG_RATE_LIMIT}
institutions:
  - id: varia
    gateway: kannel
${CFG_SCHEDULE:+    schedule_file: $CFG_SCHEDULE}
YAML
}

# ---------------------------------------------------------------- P4: dialog steps per second
if [[ " $only " == *" p4 "* ]] && [ -x "$bin/bench/bench_dialog_steps" ]; then
  out=$("$bin/bench/bench_dialog_steps")
  echo "$out" >&2
  steps=$(echo "$out" | awk '/^on_reply \(weekly_checkin q1\):/ {print $(NF-1)}')
  fold=$(echo "$out" | awk '/^baseline utf8proc casefold:/ {print $(NF-1)}')
  bytes=$(echo "$out" | awk '/^session JSON size/ {print $(NF-1)}')
  row "P4 dialog steps/s (weekly_checkin, 6 languages, 1 core)" "$steps" "$fold folds/s" "$(ratio "$steps" "$fold")" ">= 1,000,000 steps/s" "$(verdict "$steps" '>=' 1000000)"
  row "P4 bytes per active session (JSON)" "$bytes" "-" "-" "report" "-"
fi

# ---------------------------------------------------------------- P1: inbound replies
if [[ " $only " == *" p1 "* ]]; then
  gw_port=$(free_port)
  "$bin/bench/bench_bare_server" "$gw_port" --kannel >/dev/null & pids+=($!)
  bare_port=$(free_port)
  "$bin/bench/bench_bare_server" "$bare_port" >/dev/null & pids+=($!)
  wait_http "http://127.0.0.1:$bare_port/"
  wrk -t1 -c64 -d"${secs}s" --latency -s bench/lua/kannel_mo.lua "http://127.0.0.1:$bare_port" -- "$students" > "$work/bare.txt"
  bare=$(wrk_rps "$work/bare.txt")
  make_students "$students" "$work/students.csv"
  port=$(free_port)
  tuki_config "$port" "$work/p1.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p1.yaml"
  "$bin/tuki" students import "$work/students.csv" --config "$work/p1.yaml" >&2
  "$bin/tuki" checkin send --dialog weekly_checkin --to all --config "$work/p1.yaml" >&2
  # The store thread's share alone: the same replies on one thread, without HTTP or wrk.
  copy_db "$work/p1.db" "$work/p1-store.db"
  store_out=$("$bin/bench/bench_inbound_store" "$work/p1.yaml" "$work/p1-store.db" 50000 "$students")
  echo "$store_out" >&2
  rm -f "$work"/p1-store.db*
  row "P1 store CPU per reply (one thread, no HTTP: bench_inbound_store)" "$(echo "$store_out" | awk '{print $3}') µs" "-" "-" "report" "-"
  "$bin/tuki" serve --config "$work/p1.yaml" 2>"$work/p1.log" & tuki_pid=$!; pids+=($tuki_pid)
  wait_http "http://127.0.0.1:$port/healthz"
  # The check-ins' opening SMS go out first (to the zero-cost gateway): measure replies alone.
  drain "$work/p1.db"
  wrk -t1 -c64 -d"${secs}s" --latency -s bench/lua/kannel_mo.lua "http://127.0.0.1:$port" -- "$students" > "$work/tuki.txt"
  cat "$work/tuki.txt" >&2
  rps=$(wrk_rps "$work/tuki.txt")
  answered=$(awk '/requests in/ {print $1}' "$work/tuki.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/tuki.txt"); non2xx=${non2xx:-0}
  row "P1 inbound replies/s (wrk 64 conns, Kannel MO, $students students)" "$rps" "$bare bare Beast" "$(ratio "$rps" "$bare")" ">= 0.50" "$(verdict "$(ratio "$rps" "$bare")" '>=' 0.5)"
  # Latency at half the rate: wrk paces each connection with delay() (see kannel_mo.lua).
  half=$(python3 -c "print(int(float('$rps')/2))")
  curl -fsS "http://127.0.0.1:$port/metrics" > "$work/metrics-before.txt"
  BENCH_RATE=$half wrk -t1 -c64 -d"${secs}s" --latency -s bench/lua/kannel_mo.lua "http://127.0.0.1:$port" -- "$students" "" "$half" > "$work/tuki-half.txt"
  curl -fsS "http://127.0.0.1:$port/metrics" > "$work/metrics-after.txt"
  p99=$(wrk_p99 "$work/tuki-half.txt")
  # The same run as tuki saw it (tuki_http_request_duration_seconds: from the request read to
  # the response written), without wrk's and the kernel's share.
  inside=$(inbound_latency_share "$work/metrics-before.txt" "$work/metrics-after.txt")
  achieved=$(wrk_rps "$work/tuki-half.txt")
  answered=$((answered + $(awk '/requests in/ {print $1}' "$work/tuki-half.txt")))
  # The floor of any reply's latency: one fdatasync of a batch's WAL frames on the same disk
  # (a reply is answered only after its batch is synced), measured right after the load.
  fsync_out=$("$bin/bench/bench_fsync_latency" "$work/fsync.test" 65536 2000)
  echo "$fsync_out" >&2
  fsync_p50=$(echo "$fsync_out" | awk '{print $4}')
  fsync_p99=$(echo "$fsync_out" | awk '{print $8}')
  row "P1 latency p99 at half rate ($achieved req/s; inside tuki: $inside)" "${p99} ms" "fdatasync p99 ${fsync_p99} ms (p50 ${fsync_p50} ms), same disk" "$(ratio "$p99" "$fsync_p99")" "<= 5 ms" "$(verdict "$p99" '<=' 5)"
  # Durability: kill -9 right after the load, restart, count what was stored.
  kill -9 "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
  stored=$(sqlite3 "$work/p1.db" "SELECT COUNT(*) FROM messages WHERE direction='in'")
  row "P1 stored inbound after kill -9 vs 200 answers" "$stored" "$answered answered ($non2xx non-2xx)" "$(ratio "$stored" "$answered")" ">= 1.00" "$(verdict "$stored" '>=' "$answered")"
fi

# ---------------------------------------------------------------- P2: outbound campaign
if [[ " $only " == *" p2 "* ]]; then
  gw_port=$(free_port)
  "$bin/bench/bench_bare_server" "$gw_port" --kannel > "$work/gw-count.txt" & gw_pid=$!; pids+=($gw_pid)
  wait_http "http://127.0.0.1:$gw_port/"
  n=${BENCH_CAMPAIGN:-50000}
  make_students "$n" "$work/p2.csv"
  port=$(free_port)
  export CFG_PUBLIC_URL="http://127.0.0.1:$port"
  tuki_config "$port" "$work/p2-queued.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p2.yaml"
  "$bin/tuki" students import "$work/p2.csv" --config "$work/p2.yaml" >/dev/null
  "$bin/tuki" checkin send --dialog weekly_checkin --to all --config "$work/p2.yaml" >/dev/null
  tuki_config "$port" "$work/p2.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p2.yaml"
  unset CFG_PUBLIC_URL
  # The baseline's request is the one tuki's Kannel driver sends for the campaign's first
  # message: the same parameters, text and dlr-url, so the gateway parses requests of the same
  # size in both runs (as P2 through Kannel). Until 2026-12-06 wrk sent text=Hei without
  # dlr-url, a request a quarter the size of tuki's (about 100 bytes against 380).
  gw_target=$(sqlite3 -separator $'\t' "$work/p2-queued.db" "SELECT s.phone, m.id, m.body FROM messages m JOIN students s ON s.id = m.student_id WHERE m.direction = 'out' ORDER BY m.id LIMIT 1" |
    python3 -c 'import sys, urllib.parse as u
q = lambda s: u.quote(s, safe="-._~")
phone, msg_id, body = sys.stdin.read().rstrip("\n").split("\t", 2)
print("/cgi-bin/sendsms?username=bench&password=bench&from=tuki&to=" + q(phone) + "&text=" + q(body)
      + "&charset=UTF-8&dlr-mask=0&dlr-url=" + q(sys.argv[1] + "/v1/gateways/kannel/dlr?msgid=") + msg_id
      + q("&status=%d&answer=%A&ts=%T"))' "http://127.0.0.1:$port")
  # For comparison with runs before that date, once: the gateway's rate for the short request.
  wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$gw_port/cgi-bin/sendsms?username=bench&password=bench&from=tuki&to=%2B358400000001&text=Hei" > "$work/gw-short.txt"
  gw_short=$(wrk_rps "$work/gw-short.txt")
  # Rounds of the gateway under wrk then tuki's campaign (the same queued campaign each time),
  # alternating.
  gws=(); smss=(); p2ratios=()
  p2rounds=${BENCH_P2_ROUNDS:-${BENCH_ROUNDS:-5}}
  for _ in $(seq "$p2rounds"); do
    wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$gw_port$gw_target" > "$work/gw.txt"
    gws+=("$(wrk_rps "$work/gw.txt")")
    copy_db "$work/p2-queued.db" "$work/p2.db"
    t0=$(date +%s.%N)
    "$bin/tuki" serve --config "$work/p2.yaml" 2>"$work/p2.log" & tuki_pid=$!; pids+=($tuki_pid)
    drain "$work/p2.db"
    t1=$(date +%s.%N)
    kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
    sent=$(sqlite3 "$work/p2.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status='sent'")
    transitions=$(sqlite3 "$work/p2.db" "SELECT COUNT(*) FROM message_status")
    ms=$(sending_ms "$work/p2.db")
    echo "bench: P2 sent $sent in $ms ms of sending, $(python3 -c "print(round($t1-$t0, 2))") s from start-up to drained" >&2
    smss+=("$(python3 -c "print(round($sent * 1000 / $ms))")")
    p2ratios+=("$(ratio "${smss[-1]}" "${gws[-1]}")")
  done
  m=$(median_round "${p2ratios[@]}")
  row "P2 campaign SMS/s to a zero-cost gateway ($sent sent, $transitions transitions stored; median of $p2rounds alternating rounds, ratios ${p2ratios[*]}; the baseline sends tuki's own ${#gw_target}-byte request, the short request of earlier runs got $gw_short req/s)" "${smss[$m]}" "${gws[$m]} req/s (wrk keep-alive)" "${p2ratios[$m]}" ">= 0.50" "$(verdict "${p2ratios[$m]}" '>=' 0.5)"
fi

# ---------------------------------------------------------------- P2k: outbound through Kannel
# Real Kannel (bearerbox + smsbox + fakesmsc, tests/e2e/lib/peers.sh) with its template's
# settings: no `throughput` on the SMSC (unlimited), DLRs in memory. Both runs ask for the same
# delivery reports (dlr-mask 31: the fake SMSC reports 8 then 1, so two callbacks per SMS) and
# send the same one-segment Finnish text, over the same number of kept-alive connections.
if [[ " $only " == *" p2k "* ]]; then
  source tests/e2e/lib/peers.sh
  KANNEL_LOG_LEVEL=${BENCH_KANNEL_LOG_LEVEL:-2} peers_start "$work/kannel" 2>"$work/peers.log" ||
    { cat "$work/peers.log" >&2; exit 1; }
  kn=${BENCH_KANNEL_STUDENTS:-20000}
  kconns=${BENCH_KANNEL_CONNS:-32}  # = tuki's connections per gateway (http_client, outbox.in_flight)
  make_students "$kn" "$work/p2k.csv" fi
  port=$TUKI_HTTP_PORT
  CFG_USER=$KANNEL_USERNAME CFG_PASS=$KANNEL_PASSWORD CFG_DLR_MASK=31 \
    CFG_PUBLIC_URL="http://127.0.0.1:$port" \
    tuki_config "$port" "$work/p2k.db" "$KANNEL_SENDSMS_URL" "$work/p2k.yaml"
  "$bin/tuki" students import "$work/p2k.csv" --config "$work/p2k.yaml" >/dev/null
  "$bin/tuki" checkin send --dialog weekly_checkin --to all --config "$work/p2k.yaml" >/dev/null
  text=$(sqlite3 "$work/p2k.db" "SELECT body FROM messages WHERE direction='out' LIMIT 1")
  # Baseline: wrk's sendsms requests; the DLR callbacks go to a bare server answering 200.
  dlr_port=$(free_port)
  "$bin/bench/bench_bare_server" "$dlr_port" --per-second "$work/dlr-sink.txt" >/dev/null & pids+=($!)
  wait_http "http://127.0.0.1:$dlr_port/"
  kannel_ticks() {  # "name ticks" of the bearerbox and smsbox peers_start started
    for e in "${PEERS_PIDS[@]}"; do
      set -- $e
      case $1 in bearerbox|smsbox) echo "$1 $(awk '{print $14+$15}' /proc/"$2"/stat)" ;; esac
    done
  }
  kannel_us_per_sms() {  # TICKS_BEFORE SMS: Kannel's CPU (bearerbox + smsbox) since then, per SMS
    kannel_ticks | awk -v b="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" \
      'BEGIN {split(b, a, " ")} {t += $2 - a[NR]} END {printf "%.0f", t * 1e6 / hz / n}'
  }
  copy_db "$work/p2k.db" "$work/p2k-queued.db"
  # Rounds of the baseline then tuki, alternating (as P2): Kannel takes most of both cores, so
  # one round's ratio follows how the machine shares them at that moment.
  trates=(); krates=(); kratios=(); kdetails=()
  krounds=${BENCH_KANNEL_ROUNDS:-${BENCH_ROUNDS:-5}}
  for _ in $(seq "$krounds"); do
    sink_lines=$(wc -l < "$work/dlr-sink.txt")
    kannel_before=$(kannel_ticks | awk '{printf "%d ", $2}')
    wrk -t1 -c"$kconns" -d"${secs}s" -s bench/lua/kannel_sendsms.lua "$KANNEL_SENDSMS_URL" -- \
      "$KANNEL_USERNAME" "$KANNEL_PASSWORD" "http://127.0.0.1:$dlr_port/v1/gateways/kannel/dlr" 31 \
      "$text" > "$work/kannel-wrk.txt"
    cat "$work/kannel-wrk.txt" >&2
    krates+=("$(awk '/requests in/ {n=$1; d=$4; sub(/s,?$/, "", d)} /Non-2xx/ {bad=$5}
      END {printf "%.0f", (n-bad)/d}' "$work/kannel-wrk.txt")")
    # Let Kannel finish the baseline's deliveries and reports: two quiet seconds at the DLR sink.
    for _ in $(seq 1 60); do
      [ "$(tail -n 2 "$work/dlr-sink.txt" | awk '{s+=$2} END {print s+0}')" = 0 ] && break
      sleep 1
    done
    k_dlrs=$(tail -n +"$((sink_lines + 1))" "$work/dlr-sink.txt" | awk '{s+=$2} END {print s+0}')
    k_sent=$(awk '/requests in/ {print $1}' "$work/kannel-wrk.txt")
    k_us=$(kannel_us_per_sms "$kannel_before" "$k_sent")
    copy_db "$work/p2k-queued.db" "$work/p2k.db"
    kannel_before=$(kannel_ticks | awk '{printf "%d ", $2}')
    t0=$(date +%s.%N)
    "$bin/tuki" serve --config "$work/p2k.yaml" 2>"$work/p2k.log" & tuki_pid=$!; pids+=($tuki_pid)
    drain "$work/p2k.db"
    t1=$(date +%s.%N)
    # Until every delivery report has reached tuki (or 30 s), so that Kannel's CPU below covers
    # all of its work for these SMS, as the baseline's does.
    for _ in $(seq 1 30); do
      sleep 1
      [ "$(sqlite3 "$work/p2k.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status IN ('sent','accepted')")" = 0 ] && break
    done
    # Where the CPU went while tuki sent (clock ticks, utime + stime; Kannel's since tuki started).
    for t in /proc/"$tuki_pid"/task/*; do echo "$(cat "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done |
      awk '$2 > 0 {printf "%s%s %d", sep, $1, $2; sep=", "} END {print ""}' | sed 's/^/bench: P2k tuki CPU ticks: /' >&2
    echo "bench: P2k Kannel CPU ticks: $(kannel_ticks | awk -v b="$kannel_before" 'BEGIN {split(b, a, " ")} {printf "%s %d ", $1, $2 - a[NR]}')" >&2
    kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
    accepted=$(sqlite3 "$work/p2k.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status NOT IN ('queued','sending','failed','expired')")
    delivered=$(sqlite3 "$work/p2k.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status='delivered'")
    ms=$(sending_ms "$work/p2k.db")
    echo "bench: P2k accepted $accepted in $ms ms of sending, $(python3 -c "print(round($t1-$t0, 2))") s from start-up to drained" >&2
    trates+=("$(python3 -c "print(round($accepted * 1000 / $ms))")")
    kratios+=("$(ratio "${trates[-1]}" "${krates[-1]}")")
    t_us=$(kannel_us_per_sms "$kannel_before" "$accepted")
    kdetails+=("$accepted accepted, $delivered delivered reports; baseline $k_dlrs DLR callbacks; Kannel's CPU per SMS $t_us µs with tuki, $k_us µs in the baseline")
  done
  m=$(median_round "${kratios[@]}")
  row "P2 through Kannel: SMS accepted/s ($kn students, ${kdetails[$m]}, $kconns conns, dlr-mask 31; median of $krounds alternating rounds, ratios ${kratios[*]})" "${trates[$m]}" "${krates[$m]}/s Kannel sendsms, wrk keep-alive" "${kratios[$m]}" ">= 0.90" "$(verdict "${kratios[$m]}" '>=' 0.9)"
  # In a conditional context: peers.sh is written for scripts without `set -e` (its `wait`
  # returns the stopped process's status).
  peers_stop 2>>"$work/peers.log" || true
fi

# ---------------------------------------------------------------- P3: import and memory
if [[ " $only " == *" p3 "* ]]; then
  make_students "$import_n" "$work/big.csv"
  cut -d, -f2 "$work/big.csv" | tail -n +2 > "$work/phones.txt"
  port=$(free_port)
  gw_port=$(free_port)
  tuki_config "$port" "$work/p3.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p3.yaml"
  # Rounds of the baseline then the import, alternating: both use the two cores fully, so one
  # round's ratio follows how the machine shares them at that moment.
  irates=(); prates=(); iratios=()
  for _ in $(seq "$rounds"); do
    read -r valid psecs prate < <("$bin/bench/bench_phone_parse" "$work/phones.txt" FI)
    rm -f "$work"/p3.db "$work"/p3.db-wal "$work"/p3.db-shm
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/import-rss.txt" "$bin/tuki" students import "$work/big.csv" --config "$work/p3.yaml" >/dev/null
    t1=$(date +%s.%N)
    irates+=("$(python3 -c "print(round($import_n/($t1-$t0)))")"); prates+=("$(printf %.0f "$prate")")
    iratios+=("$(ratio "${irates[-1]}" "${prates[-1]}")")
  done
  m=$(median_round "${iratios[@]}")
  row "P3 import students/s ($import_n rows, peak RSS $(awk '{printf "%.0f MB", $1/1024}' "$work/import-rss.txt"); median of $rounds alternating rounds, ratios ${iratios[*]})" "${irates[$m]}" "${prates[$m]} numbers/s libphonenumber" "${iratios[$m]}" ">= 1.00" "$(verdict "${iratios[$m]}" '>=' 1.0)"
  # Selection over every student: `campaign plan` selects, applies the caps, staggers and
  # plans (stores nothing); its "planned in N ms" excludes process start-up and config loading.
  /usr/bin/time -f "%M" -o "$work/select-rss.txt" "$bin/tuki" campaign plan --dialog weekly_checkin \
    --to all --config "$work/p3.yaml" >"$work/select.out" 2>"$work/select.err"
  sel_ms=$(awk '/planned in/ {print $3}' "$work/select.err")
  sel_rss=$(awk '{printf "%.0f", $1/1024}' "$work/select-rss.txt")
  row "P3 campaign selection + planning over $import_n students (dry run, peak RSS $sel_rss MB)" "$sel_ms ms" "-" "-" "report" "-"
  # A 100,000-student campaign selected (caps, quiet hours, staggering) and stored, against
  # SQLite alone storing as many planned-send rows in one transaction (same settings).
  cn=${BENCH_CAMPAIGN_P3:-100000}
  make_students "$cn" "$work/p3c.csv"
  tuki_config "$(free_port)" "$work/p3c.db" "http://127.0.0.1:9/cgi-bin/sendsms" "$work/p3c.yaml"
  "$bin/tuki" students import "$work/p3c.csv" --config "$work/p3c.yaml" >/dev/null
  base_ms=$("$bin/bench/bench_sqlite_rows" "$work/rows.db" "$cn" | awk '{print $(NF-1)}')
  "$bin/tuki" campaign send --dialog weekly_checkin --to all --config "$work/p3c.yaml" \
    >"$work/campaign.out" 2>"$work/campaign.err"
  cat "$work/campaign.out" "$work/campaign.err" >&2
  camp_ms=$(awk '/planned and stored in/ {print $5}' "$work/campaign.err")
  planned=$(sqlite3 "$work/p3c.db" "SELECT COUNT(*) FROM planned_sends")
  row "P3 campaign of $cn students selected, planned and stored ($planned planned sends)" "$camp_ms ms" "$base_ms ms SQLite alone, $cn rows" "$(ratio "$camp_ms" "$base_ms")" "< 500 ms" "$(verdict "$camp_ms" '<' 500)"
  # Memory with BENCH_ACTIVE active dialog sessions: check-ins started group by group (each
  # group holds import_n/200 students), their opening SMS sent to the zero-cost gateway, then
  # the peak RSS of `tuki serve` over start-up and the whole send.
  want=${BENCH_ACTIVE:-100000}
  groups=$(( (want * 200 + import_n - 1) / import_n )); [ "$groups" -gt 200 ] && groups=200
  for g in $(seq 0 $((groups - 1))); do
    "$bin/tuki" checkin send --dialog weekly_checkin --to "G$g" --config "$work/p3.yaml" >/dev/null
  done
  active=$(sqlite3 "$work/p3.db" "SELECT COUNT(*) FROM sessions")
  "$bin/bench/bench_bare_server" "$gw_port" --kannel >/dev/null & pids+=($!)
  wait_http "http://127.0.0.1:$gw_port/"
  "$bin/tuki" serve --config "$work/p3.yaml" 2>"$work/p3.log" & tuki_pid=$!; pids+=($tuki_pid)
  wait_http "http://127.0.0.1:$port/healthz"
  drain "$work/p3.db"
  curl -fsS "http://127.0.0.1:$port/metrics" >/dev/null
  rss=$(rss_mb "$tuki_pid")
  kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
  sent=$(sqlite3 "$work/p3.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status='sent'")
  row "P3 tuki serve peak RSS with $import_n students, $active active sessions ($sent opening SMS sent)" "$rss MB" "-" "-" "< 100 MB" "$(verdict "$rss" '<' 100)"
  # The same service when a weekly rule for every student fires at start-up: the scheduler plans
  # all of them inside `tuki serve` (it walks the students instead of holding them; holding them
  # took 789 MB). Peak RSS once the campaign is stored. The rule's occurrence at 08:00 is always
  # within the scheduler's 24-hour lookback. need_rate 0 turns staggering off, so everyone goes
  # on the first campaign day and the rule plans them all now; with staggering it would plan
  # only the days before its next occurrence (docs/scheduling.md).
  cat > "$work/p3-rule.yaml" <<YAML
tuki_schedule: 1
institution: varia
time_zone: Europe/Helsinki
quiet_hours: {send_from: "08:00", send_until: "20:00", weekdays: [mon, tue, wed, thu, fri, sat, sun]}
fairness: {need_rate: 0}
recurring:
  - {id: everyone, dialog: weekly_checkin, students: all, every_weeks: 1,
     weekdays: [mon, tue, wed, thu, fri, sat, sun], at: "08:00", from: 2026-01-05, until: 2036-12-31}
YAML
  CFG_SCHEDULE="$work/p3-rule.yaml" tuki_config "$port" "$work/p3.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p3-rule-serve.yaml"
  t0=$(date +%s.%N)
  "$bin/tuki" serve --config "$work/p3-rule-serve.yaml" 2>"$work/p3-rule.log" & tuki_pid=$!; pids+=($tuki_pid)
  for _ in $(seq 1200); do
    [ "$(sqlite3 "$work/p3.db" "SELECT COUNT(*) FROM campaigns WHERE rule_id = 'everyone'" 2>/dev/null)" = 1 ] && break
    kill -0 "$tuki_pid" 2>/dev/null || break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  rss=$(rss_mb "$tuki_pid")
  kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
  planned=$(sqlite3 "$work/p3.db" "SELECT planned FROM campaigns WHERE rule_id = 'everyone'")
  row "P3 tuki serve peak RSS when a weekly rule for all $import_n students fires (${planned:-0} planned in $(python3 -c "print(round($t1-$t0, 1))") s from start-up)" "$rss MB" "-" "-" "< 100 MB" "$(verdict "$rss" '<' 100)"
fi

# ---------------------------------------------------------------- Rate limit held
# The gateway's rate_limit (segments/s) at 100 and 1,000, held over a minute: two tuki
# instances, each with its own zero-cost gateway, run side by side (together they use a few
# percent of a core, so neither disturbs the other, and the section takes one minute, not two).
# Each gateway counts the requests it answers in each second; every opening SMS is one GSM-7
# segment (Finnish text, checked below), so requests/s = segments/s. The first two seconds with
# traffic are left out (the bucket starts full: one second's worth of burst), then
# BENCH_RATE_SECONDS whole seconds are averaged; the queue holds more than that, so the pump is
# never idle in the window.
if [[ " $only " == *" rate "* ]]; then
  rsecs=${BENCH_RATE_SECONDS:-60}
  limits=(100 1000)
  declare -A rate_gw rate_tuki rate_port
  for limit in "${limits[@]}"; do
    rn=$((limit * (rsecs + 6)))
    make_students "$rn" "$work/rate$limit.csv" fi
    gw_port=$(free_port)
    CFG_RATE_LIMIT=$limit tuki_config "$(free_port)" "$work/rate$limit.db" \
      "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/rate$limit.yaml"
    "$bin/tuki" students import "$work/rate$limit.csv" --config "$work/rate$limit.yaml" >/dev/null
    "$bin/tuki" checkin send --dialog weekly_checkin --to all --config "$work/rate$limit.yaml" >/dev/null
    multi=$(sqlite3 "$work/rate$limit.db" "SELECT body FROM messages WHERE direction='out'" | python3 -c '
import sys
gsm = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&\x27()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
print(sum(1 for line in sys.stdin if len(line.rstrip("\n")) > 160 or not set(line.rstrip("\n")) <= gsm))')
    [ "$multi" = 0 ] || { echo "bench: $multi rate-run SMS are not one GSM-7 segment" >&2; exit 1; }
    rate_port[$limit]=$gw_port
  done
  # The gateways start after both imports, each checked with one request (wait_http), which its
  # per-second file counts: the window below starts at the first second with more than that.
  for limit in "${limits[@]}"; do
    "$bin/bench/bench_bare_server" "${rate_port[$limit]}" --kannel --per-second "$work/rate$limit.txt" >/dev/null &
    rate_gw[$limit]=$!; pids+=($!)
    wait_http "http://127.0.0.1:${rate_port[$limit]}/"
  done
  for limit in "${limits[@]}"; do
    "$bin/tuki" serve --config "$work/rate$limit.yaml" 2>"$work/rate$limit.log" &
    rate_tuki[$limit]=$!; pids+=($!)
  done
  # Until both windows are complete: traffic started, 2 seconds skipped, rsecs measured.
  for _ in $(seq 1 $((rsecs + 30))); do
    complete=0
    for limit in "${limits[@]}"; do
      [ "$(awk '$2 > 1 {n++} END {print n+0}' "$work/rate$limit.txt")" -ge $((rsecs + 3)) ] && complete=$((complete + 1))
    done
    [ "$complete" = "${#limits[@]}" ] && break
    sleep 1
  done
  for limit in "${limits[@]}"; do
    kill "${rate_tuki[$limit]}"; wait "${rate_tuki[$limit]}" 2>/dev/null || true
    kill "${rate_gw[$limit]}"; wait "${rate_gw[$limit]}" 2>/dev/null || true
    read -r achieved lo hi < <(python3 - "$work/rate$limit.txt" "$rsecs" <<'PY'
import sys
counts = [int(l.split()[1]) for l in open(sys.argv[1]) if l.strip()]
first = next(i for i, c in enumerate(counts) if c > 1)  # not wait_http's single request
window = counts[first + 2:first + 2 + int(sys.argv[2])]
print(sum(window) / len(window), min(window), max(window))
PY
)
    r=$(python3 -c "print(f'{$achieved / $limit:.3f}')")
    row "Rate limit $limit segments/s held over ${rsecs} s (zero-cost gateway; per second $lo..$hi)" "$(printf %.1f "$achieved")/s" "$limit/s configured" "$r" "1.00 ± 0.02" "$(python3 -c "print('pass' if abs($achieved / $limit - 1) <= 0.02 else 'short')")"
  done
fi

mkdir -p bench/results
{
  echo "# tuki benchmark results"
  echo
  echo "Run $(date -u +%FT%TZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo
  echo "| figure | value | baseline | ratio | target | result |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > bench/results/latest.md
cat bench/results/latest.md
