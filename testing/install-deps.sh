#!/usr/bin/env bash
# Installs what lfmaint's build and test stack need on Debian 12: system packages and a Python venv
# holding the real ClickHouse engine (chdb) and moto. Safe to run again: it only adds what is missing.
set -euo pipefail

APT_PACKAGES=(libpq-dev libcurl4-openssl-dev pkg-config postgresql redis-server clickhouse-server
  prometheus prometheus-pushgateway python3-venv)
source "$(dirname "$0")/common.sh"
VENV="$LFMAINT_VENV"
PIP_PACKAGES=(chdb==4.4.0 chdb-core==26.9.0)
PIP_WITH_DEPS=("moto[server]==5.2.1")

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "install-deps: apt installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  # Debian's packaged servers start themselves on their default ports; the stack runs its own on
  # other ports, so stop the packaged services from starting (no systemd here either way).
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

stamp="$VENV/.lfmaint-deps"
want="${PIP_PACKAGES[*]} ${PIP_WITH_DEPS[*]}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-deps: creating venv $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps "${PIP_PACKAGES[@]}"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PIP_WITH_DEPS[@]}"
  echo "$want" > "$stamp"
fi
echo "install-deps: ok (venv $VENV)"
