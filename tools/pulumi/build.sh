#!/usr/bin/env bash
# Builds the Pulumi CLI (from Pulumi's Go modules on the Go module proxy) and this project's
# Node.js language host into <repo>/.tools/pulumi/bin, and puts the dynamic-provider launcher
# beside them. Go's module and build caches make a second build a quick relink.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# MSA_PULUMI_BIN lets the setup benchmark build elsewhere without touching the CLI in use.
out="${MSA_PULUMI_BIN:-$repo/.tools/pulumi/bin}"
mkdir -p "$out"
cd "$here"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0
version="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}"
echo "building pulumi ${version} and pulumi-language-nodejs into ${out}"
go build -trimpath -ldflags "$ldflags" -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -trimpath -ldflags "$ldflags" -o "$out/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$out/pulumi-resource-pulumi-nodejs"
echo "built: $("$out/pulumi" version)"
