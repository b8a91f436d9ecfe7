#!/usr/bin/env bash
# Installs the lockfile's dependencies on a runner without running their install scripts (a job may hold cloud
# credentials), then runs the scripts of the packages tools/ci/install-scripts.json allows, and no other.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
npm ci --ignore-scripts --no-audit --no-fund
mapfile -t allowed < <(node -e 'console.log(Object.keys(require(process.argv[1]).allow).join("\n"))' "$repo/tools/ci/install-scripts.json" | sed '/^$/d')
if [ "${#allowed[@]}" -gt 0 ]; then
  npm rebuild --foreground-scripts "${allowed[@]}"
fi
