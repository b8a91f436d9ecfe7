#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the Pulumi CLI with the project's hermetic environment (env.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if ! command -v pulumi >/dev/null 2>&1; then
  echo "pulumi: no Pulumi CLI yet; run \`npm run pulumi:setup\` first" >&2
  exit 127
fi
cd "$MSA_REPO_ROOT"
exec pulumi "$@"
