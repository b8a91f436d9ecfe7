#!/usr/bin/env bash
# Installs the workflow linters into <repo>/.tools when missing (idempotent, fast when present):
#   actionlint from the Go module proxy (go install; go checks the module against sum.golang.org),
#   zizmor from PyPI (a wheel with its binary) in a venv, pinned by hash (zizmor-requirements.txt, pip --require-hashes).
set -euo pipefail
ACTIONLINT_VERSION=v1.7.12
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZIZMOR_VERSION="$(sed -n 's/^zizmor==\([^ ]*\).*/\1/p' "$here/zizmor-requirements.txt")"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$repo/.tools"
mkdir -p "$tools/bin"

if ! "$tools/bin/actionlint" -version 2>/dev/null | grep -qx "${ACTIONLINT_VERSION}"; then
  command -v go >/dev/null || { echo "installing actionlint needs Go (go install from the Go module proxy)" >&2; exit 1; }
  echo "installing actionlint ${ACTIONLINT_VERSION} into $tools/bin"
  # GOSUMDB/GONOSUMDB/GOFLAGS=-insecure would skip that check: the install insists on the default.
  GOBIN="$tools/bin" GOFLAGS=-mod=mod GOSUMDB=sum.golang.org GONOSUMDB= GONOSUMCHECK= GOINSECURE= GOPRIVATE= go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi

if ! "$tools/zizmor/bin/zizmor" --version 2>/dev/null | grep -q " ${ZIZMOR_VERSION}$"; then
  command -v python3 >/dev/null || { echo "installing zizmor needs python3 (pip from PyPI)" >&2; exit 1; }
  echo "installing zizmor ${ZIZMOR_VERSION} into $tools/zizmor"
  python3 -m venv "$tools/zizmor"
  "$tools/zizmor/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$here/zizmor-requirements.txt"
fi
