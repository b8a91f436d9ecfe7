#!/usr/bin/env bash
# `npm run down`: destroys the local stack (the servers keep running).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo/tools/pulumi/env.sh"
cd "$repo"
exec node packages/stack-driver/src/commands/down.ts "$@"
