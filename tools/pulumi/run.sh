#!/usr/bin/env bash
# Runs a TypeScript command with the hermetic Pulumi environment (env.sh): `run.sh <file.ts> [args]`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MSA_REPO_ROOT"
exec node "$@"
