#!/usr/bin/env bash
# Builds Jaeger v2 (the local trace store) from the Go module proxy into <repo>/.tools/jaeger/bin,
# at the version pinned in this folder's go.mod. Go's module and build caches make a rebuild a relink.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${MSA_JAEGER_BIN:-$repo/.tools/jaeger/bin}"
mkdir -p "$out"
cd "$here"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0
version="$(go list -m -f '{{.Version}}' github.com/jaegertracing/jaeger)"
echo "building jaeger ${version} into ${out}"
go build -trimpath -ldflags "-s -w" -o "$out/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
mv "$out/jaeger.tmp" "$out/jaeger"
echo "$version" > "$out/jaeger.version"
echo "built: $out/jaeger ($version)"
