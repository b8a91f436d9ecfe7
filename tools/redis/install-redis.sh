#!/usr/bin/env bash
# redis-server from Debian's "redis-server" package: the store of services whose catalog entry says
# `store: {engine: redis}`; the servers command (packages/local-servers) runs it on its own port.
# Idempotent: nothing to do when redis-server is on PATH. The package ships a server unit;
# installing must not leave a server running, so service starts are refused during the install
# (policy-rc.d, the Debian way) and a unit that started anyway (systemd) is stopped and disabled.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present ($(redis-server --version | head -1))"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "redis-server is missing and installing it needs root: sudo apt-get install -y --no-install-recommends redis-server" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing and there is no apt-get: install Redis 7 (redis-server on PATH) by hand" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  own_policy=true
fi
cleanup() { if $own_policy; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  "${sudo[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
command -v redis-server >/dev/null 2>&1 || { echo "apt-get installed redis-server but it is not on PATH" >&2; exit 1; }
echo "redis-server installed ($(redis-server --version | head -1))"
