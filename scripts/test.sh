#!/usr/bin/env bash
# Sets up a Debian 12 machine (apt packages), builds, and runs every test: the unit tests and
# the end-to-end tests against a real Kannel (with its fake SMS centre) and a real SMTP server
# (smtp-sink), which the test scripts start on loopback and stop again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
build_dir=${BUILD_DIR:-build}
cd "$build_dir"
ctest --output-on-failure --timeout 900 -j "$(nproc 2>/dev/null || echo 2)" "$@"
