#!/usr/bin/env bash
# Builds tuki (Release with debug info) into build/, leaving the binary at build/tuki.
# Arguments: the targets to build (default: all, tests and benchmarks included; scripts/run.sh
# builds only `tuki`). Environment: BUILD_DIR (default build), TUKI_SANITIZE=1 for an ASan/UBSan build,
# CI=true adds -Werror. Uses Ninja and ccache (installed by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$PWD
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTUKI_WERROR="$werror" \
  -DTUKI_SANITIZE="${TUKI_SANITIZE:-0}" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
echo "built $build_dir/tuki"
