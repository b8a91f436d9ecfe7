#!/usr/bin/env bash
# Lints .github/workflows with actionlint and zizmor (offline), installing them first when missing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$repo/pipelines/scripts/install-workflow-linters.sh"
cd "$repo"
.tools/bin/actionlint
.tools/zizmor/bin/zizmor --offline --no-progress .github/workflows
