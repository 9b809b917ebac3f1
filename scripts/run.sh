#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds, and runs tuki on its embedded defaults: SQLite at
# var/tuki.db, HTTP on 127.0.0.1:${TUKI_HTTP_PORT:-8080}, the console gateway (SMS are logged,
# not sent) and mail written to var/mail/. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p var
exec build/tuki serve --config "${TUKI_CONFIG:-config/tuki.yaml}"
