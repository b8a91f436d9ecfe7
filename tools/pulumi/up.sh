#!/usr/bin/env bash
# `npm run up`: from a fresh clone to a healthy local environment, installing what is missing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (brings Node 24 as a dependency)"
  npm ci --no-audit --no-fund
fi
echo "==> Pulumi CLI"
bash tools/pulumi/setup.sh
echo "==> local servers (PostgreSQL, Kafka)"
npm run -s servers -- start
echo "==> pulumi up"
source tools/pulumi/env.sh
exec node packages/stack-driver/src/commands/up.ts "$@"
