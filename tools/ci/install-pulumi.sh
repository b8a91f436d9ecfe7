#!/usr/bin/env bash
# Installs the official Pulumi CLI at the version pinned in tools/pulumi/go.mod (the one the local build uses), checked
# against the release's published SHA-256 list, then the provider plugins the lockfile's @pulumi/* packages need.
# On a runner it puts the CLI on GITHUB_PATH and names it in MSA_PULUMI_BIN, so the pipeline runs it directly instead
# of the local wrapper (tools/pulumi/pulumi.sh: repository-local PULUMI_HOME, no plugin downloads, local passphrase).
#   MSA_PULUMI_DOWNLOAD_BASE  where releases are fetched from (default https://get.pulumi.com/releases/sdk)
#   MSA_PULUMI_INSTALL_DIR    where the CLI goes (default $RUNNER_TOOL_CACHE/pulumi-<version>, else ~/.pulumi-cli/<version>)
#   MSA_PULUMI_PLUGIN_SERVER  fetch every plugin from this server instead of each package's own (a mirror, or a test's stand-in)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\)$#\1#p' "$repo/tools/pulumi/go.mod")"
[ -n "$version" ] || { echo "install-pulumi: no github.com/pulumi/pulumi/pkg/v3 version in tools/pulumi/go.mod" >&2; exit 1; }
base="${MSA_PULUMI_DOWNLOAD_BASE:-https://get.pulumi.com/releases/sdk}"
dir="${MSA_PULUMI_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-$HOME/.pulumi-cli}/pulumi-$version}"
tarball="pulumi-v${version}-linux-x64.tar.gz"
# The CLI's home (plugins) follows $HOME, named so the CLI and every later step agree whoever the OS says the user is.
export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

curl -fsSL --retry 3 -o "$work/$tarball" "$base/$tarball"
curl -fsSL --retry 3 -o "$work/checksums.txt" "$base/pulumi-${version}-checksums.txt"
grep -E "^[0-9a-f]{64}  ${tarball}\$" "$work/checksums.txt" > "$work/expected" \
  || { echo "install-pulumi: ${tarball} is not in the release's checksum list" >&2; exit 1; }
(cd "$work" && sha256sum --check --strict "$work/expected") \
  || { echo "install-pulumi: ${tarball} does not match its published SHA-256" >&2; exit 1; }
mkdir -p "$dir"
tar -xzf "$work/$tarball" -C "$dir" --strip-components=1
"$dir/pulumi" version | grep -qx "v${version}" || { echo "install-pulumi: $dir/pulumi is not v${version}" >&2; exit 1; }

while read -r name plugin_version server; do
  [ -n "$name" ] || continue
  server="${MSA_PULUMI_PLUGIN_SERVER:-$server}"
  "$dir/pulumi" plugin install resource "$name" "$plugin_version" ${server:+--server "$server"}
done < <(node "$repo/pipelines/src/cli.ts" pulumi-plugins)

if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir" >> "$GITHUB_PATH"; fi
if [ -n "${GITHUB_ENV:-}" ]; then printf 'MSA_PULUMI_BIN=%s\nPULUMI_HOME=%s\n' "$dir/pulumi" "$PULUMI_HOME" >> "$GITHUB_ENV"; fi
echo "install-pulumi: pulumi v${version} in $dir with $("$dir/pulumi" plugin ls | grep -c resource || true) provider plugins"
