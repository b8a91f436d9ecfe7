#!/usr/bin/env bash
# Lints .github/workflows with actionlint and zizmor (offline), installing them first when missing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$repo/pipelines/scripts/install-workflow-linters.sh"
cd "$repo"
.tools/bin/actionlint
# Pedantic: every audit zizmor has, on every workflow (each ignore in a workflow says why).
.tools/zizmor/bin/zizmor --offline --no-progress --persona pedantic .github/workflows
