#!/usr/bin/env bash
# promtool (Prometheus's rule checker and rule unit-test runner) from Debian's "prometheus" package.
# Idempotent: nothing to do when promtool is on PATH. The package ships a Prometheus server unit;
# installing must not leave a server running, so service starts are refused during the install
# (policy-rc.d, the Debian way) and a unit that started anyway (systemd) is stopped and disabled.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  echo "promtool present ($(promtool --version 2>&1 | head -1))"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "promtool is missing and installing it needs root: sudo apt-get install -y --no-install-recommends prometheus" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "promtool is missing and there is no apt-get: install Prometheus's promtool (2.42 or newer) by hand" >&2
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
"${sudo[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
command -v promtool >/dev/null 2>&1 || { echo "apt-get installed prometheus but promtool is not on PATH" >&2; exit 1; }
echo "promtool installed ($(promtool --version 2>&1 | head -1))"
