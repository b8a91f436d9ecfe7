#!/usr/bin/env bash
# Prometheus's server (with promtool) and Alertmanager from Debian's "prometheus" and
# "prometheus-alertmanager" packages, for `npm run servers` and the rule tests. Idempotent: nothing
# to do when both binaries are on PATH. The packages ship server units; installing must not leave
# one running, so service starts are refused during the install (policy-rc.d, the Debian way) and a
# unit that started anyway (systemd) is stopped and disabled: our servers run under .local/ instead.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
if [ ${#missing[@]} -eq 0 ]; then
  echo "prometheus and alertmanager present ($(prometheus --version 2>&1 | head -1))"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "missing ${missing[*]}; installing needs root: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing ${missing[*]} and there is no apt-get: install Prometheus (2.42 or newer) and Alertmanager by hand" >&2
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
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if command -v systemctl >/dev/null 2>&1; then
  for unit in prometheus prometheus-alertmanager; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then "${sudo[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true; fi
  done
fi
for bin in prometheus promtool prometheus-alertmanager; do
  command -v "$bin" >/dev/null 2>&1 || { echo "apt-get installed ${missing[*]} but $bin is not on PATH" >&2; exit 1; }
done
echo "prometheus and alertmanager installed ($(prometheus --version 2>&1 | head -1))"
