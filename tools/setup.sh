#!/usr/bin/env bash
# Everything the test suite needs on this machine, installed when missing and started when stopped.
# Idempotent and quick on a machine that has it all; on a fresh one it installs:
#   npm dependencies (with Node 24 itself), PostgreSQL and Redis (Debian) and Kafka (Maven Central) via the
#   servers command, Jaeger (the local trace store) and the Pulumi CLI (both built from the Go module
#   proxy), actionlint and zizmor,
#   schemathesis (PyPI, hash-pinned) and Prometheus, promtool and Alertmanager (Debian's prometheus, prometheus-alertmanager).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
step() { printf '==> %s\n' "$*"; }

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (brings Node 24 as a dependency)"
  npm ci --no-audit --no-fund
fi
export PATH="$repo/node_modules/.bin:$PATH"

step "trace store: Jaeger v2, built from the Go module proxy (once; several minutes on 2 cores)"
MSA_JAEGER_BIN="${MSA_TOOLS_DIR:-$repo/.tools}/jaeger/bin" bash tools/jaeger/setup.sh

step "Redis (Debian's redis-server, for services whose catalog store is redis); no server left running"
bash tools/redis/install-redis.sh

step "local servers: PostgreSQL, Kafka, Redis and the trace store"
node packages/local-servers/src/cli.ts start

step "Pulumi CLI"
bash tools/pulumi/setup.sh

step "workflow linters: actionlint, zizmor"
bash pipelines/scripts/install-workflow-linters.sh

step "API fuzzer: schemathesis (pinned by hash)"
bash tools/schemathesis/setup.sh

step "Prometheus, promtool and Alertmanager: Debian's prometheus and prometheus-alertmanager packages, no server left running"
bash tools/prometheus/install-servers.sh
