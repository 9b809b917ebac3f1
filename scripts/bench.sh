#!/usr/bin/env bash
# Runs tuki's benchmarks, each next to a baseline measured in the same run, on loopback only,
# bounded in time, and prints one table (also written to bench/results/latest.md):
#   figure | value | baseline | ratio | target | pass/short
# Environment: BENCH_SECONDS (wrk duration, default 10), BENCH_STUDENTS (P1, default 100000),
# BENCH_IMPORT (P3 import size, default 1000000), BENCH_ONLY (e.g. "p1 p4").
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
only=${BENCH_ONLY:-p1 p2 p3 p4}
work=$(mktemp -d /tmp/tuki-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); echo "bench: $1: $2 (baseline $3, ratio $4, target $5: $6)" >&2; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
verdict() { python3 -c "import sys; print('pass' if float(sys.argv[1]) $2 float(sys.argv[2]) else 'short')" "$1" "$3"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; return 1; }
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_p99() { awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$1"; }
rss_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

drain() {  # DB: wait (at most 5 min) until no outbound SMS is queued or sending
  for _ in $(seq 1 1500); do
    left=$(sqlite3 "$1" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status IN ('queued','sending')" 2>/dev/null || echo 1)
    [ "$left" = 0 ] && return 0
    sleep 0.2
  done
  echo "bench: outbox of $1 did not drain" >&2
  return 1
}

make_students() {  # N FILE: E.164 Finnish mobile numbers +3584NNNNNNNN
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n")
    langs = ["fi", "sv", "en", "et", "lv", "lt"]
    for i in range(n):
        f.write(f"s{i},+3584{i:08d},Opiskelija{i % 1000},{langs[i % 6]},G{i % 200},Tikkurila,2026-08-10,t{i % 300}@varia.test,Europe/Helsinki\n")
PY
}

tuki_config() {  # PORT DB GATEWAY_URL FILE
  cat > "$4" <<YAML
log_level: warn
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
    username: bench
    password: bench
    dlr_mask: 0
institutions:
  - id: varia
    gateway: kannel
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
  BENCH_RATE=$half wrk -t1 -c64 -d"${secs}s" --latency -s bench/lua/kannel_mo.lua "http://127.0.0.1:$port" -- "$students" "" "$half" > "$work/tuki-half.txt"
  p99=$(wrk_p99 "$work/tuki-half.txt")
  achieved=$(wrk_rps "$work/tuki-half.txt")
  answered=$((answered + $(awk '/requests in/ {print $1}' "$work/tuki-half.txt")))
  row "P1 latency p99 at half rate ($achieved req/s)" "${p99} ms" "-" "-" "<= 5 ms" "$(verdict "$p99" '<=' 5)"
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
  wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$gw_port/cgi-bin/sendsms?username=bench&password=bench&from=tuki&to=%2B358400000001&text=Hei" > "$work/gw.txt"
  gw=$(wrk_rps "$work/gw.txt")
  n=${BENCH_CAMPAIGN:-50000}
  make_students "$n" "$work/p2.csv"
  port=$(free_port)
  tuki_config "$port" "$work/p2.db" "http://127.0.0.1:$gw_port/cgi-bin/sendsms" "$work/p2.yaml"
  "$bin/tuki" students import "$work/p2.csv" --config "$work/p2.yaml" >/dev/null
  "$bin/tuki" checkin send --dialog weekly_checkin --to all --config "$work/p2.yaml" >/dev/null
  t0=$(date +%s.%N)
  "$bin/tuki" serve --config "$work/p2.yaml" 2>"$work/p2.log" & tuki_pid=$!; pids+=($tuki_pid)
  drain "$work/p2.db"
  t1=$(date +%s.%N)
  kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
  sent=$(sqlite3 "$work/p2.db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND status='sent'")
  transitions=$(sqlite3 "$work/p2.db" "SELECT COUNT(*) FROM message_status")
  sms_rate=$(python3 -c "print(round($sent/($t1-$t0)))")
  row "P2 campaign SMS/s to a zero-cost gateway ($sent sent, $transitions transitions stored)" "$sms_rate" "$gw req/s (wrk keep-alive)" "$(ratio "$sms_rate" "$gw")" ">= 0.50" "$(verdict "$(ratio "$sms_rate" "$gw")" '>=' 0.5)"
fi

# ---------------------------------------------------------------- P3: import and memory
if [[ " $only " == *" p3 "* ]]; then
  make_students "$import_n" "$work/big.csv"
  cut -d, -f2 "$work/big.csv" | tail -n +2 > "$work/phones.txt"
  read -r valid psecs prate < <("$bin/bench/bench_phone_parse" "$work/phones.txt" FI)
  port=$(free_port)
  tuki_config "$port" "$work/p3.db" "http://127.0.0.1:9/cgi-bin/sendsms" "$work/p3.yaml"
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/import-rss.txt" "$bin/tuki" students import "$work/big.csv" --config "$work/p3.yaml" >/dev/null
  t1=$(date +%s.%N)
  irate=$(python3 -c "print(round($import_n/($t1-$t0)))")
  row "P3 import students/s ($import_n rows, peak RSS $(awk '{printf "%.0f MB", $1/1024}' "$work/import-rss.txt"))" "$irate" "$(printf %.0f "$prate") numbers/s libphonenumber" "$(ratio "$irate" "$prate")" ">= 1.00" "$(verdict "$irate" '>=' "$prate")"
  t0=$(date +%s.%N)
  "$bin/tuki" checkin send --dialog weekly_checkin --to G1 --config "$work/p3.yaml" >/dev/null || true
  "$bin/tuki" serve --config "$work/p3.yaml" 2>"$work/p3.log" & tuki_pid=$!; pids+=($tuki_pid)
  wait_http "http://127.0.0.1:$port/healthz"
  curl -fsS "http://127.0.0.1:$port/metrics" >/dev/null
  rss=$(rss_mb "$tuki_pid")
  kill "$tuki_pid"; wait "$tuki_pid" 2>/dev/null || true
  row "P3 tuki serve peak RSS with $import_n students" "$rss MB" "-" "-" "< 100 MB" "$(verdict "$rss" '<' 100)"
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
