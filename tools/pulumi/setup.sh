#!/usr/bin/env bash
# `npm run pulumi:setup`: makes a Pulumi CLI available to `npm run pulumi`.
# Uses a `pulumi` already on the PATH; otherwise builds one from the Go module proxy into
# .tools/pulumi/bin once, and reuses it while it matches the version pinned in go.mod.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/../../.tools/pulumi/bin"
bin="$(cd "$here/../../.tools/pulumi/bin" && pwd)"
existing="$(command -v pulumi 2>/dev/null || true)"
if [ -n "$existing" ] && [ "$(cd "$(dirname "$existing")" && pwd)" != "$bin" ]; then
  echo "pulumi: using $existing ($("$existing" version))"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "pulumi: no pulumi on PATH and no Go toolchain to build one" >&2; exit 1; }
want="$(cd "$here" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version)" = "$want" ] \
  && [ -x "$bin/pulumi-language-nodejs" ] && [ ! "$here/cmd/pulumi-language-nodejs/main.go" -nt "$bin/pulumi-language-nodejs" ]; then
  install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  echo "pulumi: using $bin/pulumi ($want, built earlier)"
  exit 0
fi
start=$(date +%s)
"$here/build.sh"
echo "pulumi: setup took $(( $(date +%s) - start ))s"
