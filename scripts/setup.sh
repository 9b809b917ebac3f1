#!/usr/bin/env bash
# Installs every Debian 12 package that tuki's build, tests, benchmarks and demo need.
# Idempotent and non-interactive: runs `apt-get update` once, installs only what is missing.
# Package services (kannel, postfix) are not started by the install: tests start their own.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates gettext-base
  libboost-dev libboost-thread-dev libcurl4-openssl-dev libsqlite3-dev sqlite3
  nlohmann-json3-dev libyaml-cpp-dev catch2 libphonenumber-dev libhowardhinnant-date-dev tzdata libutf8proc-dev
  libssl-dev libcli11-dev
  kannel kannel-extras postfix wrk graphviz procps python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Keep package installs from starting system services (kannel, postfix): exit 101 = "not allowed".
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
trap '[ $created_policy -eq 1 ] && $sudo rm -f "$policy"' EXIT
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
