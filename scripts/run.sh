#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds, and runs tuki on its embedded defaults: SQLite at
# var/tuki.db, HTTP on 127.0.0.1:${TUKI_HTTP_PORT:-8080}, the console gateway (SMS are logged,
# not sent) and mail written to var/mail/. Stop with Ctrl-C. config/tuki.yaml reads these from
# the environment: TUKI_HTTP_PORT, TUKI_HTTP_LISTEN, TUKI_DB, TUKI_MAIL_DIR, TUKI_LOG_LEVEL,
# TUKI_PUBLIC_URL and TUKI_SECRET; TUKI_CONFIG names another configuration file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh tuki  # the service only: the tests and benchmarks are scripts/test.sh's
mkdir -p var
exec "${BUILD_DIR:-build}/tuki" serve --config "${TUKI_CONFIG:-config/tuki.yaml}"
