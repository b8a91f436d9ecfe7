#!/usr/bin/env bash
# Makes the local trace store (Jaeger v2) available: builds it once from the Go module proxy into
# .tools/jaeger/bin and reuses it while it matches the version pinned in go.mod.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${MSA_JAEGER_BIN:-$here/../../.tools/jaeger/bin}"
command -v go >/dev/null 2>&1 || { echo "jaeger: no Go toolchain to build the trace store" >&2; exit 1; }
want="$(cd "$here" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' github.com/jaegertracing/jaeger)"
if [ -x "$bin/jaeger" ] && [ "$(cat "$bin/jaeger.version" 2>/dev/null)" = "$want" ]; then
  echo "jaeger: using $bin/jaeger ($want, built earlier)"
  exit 0
fi
start=$(date +%s)
"$here/build.sh"
echo "jaeger: setup took $(( $(date +%s) - start ))s"
