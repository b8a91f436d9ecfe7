#!/usr/bin/env bash
# Installs schemathesis into <repo>/.tools/schemathesis (a venv) from requirements.txt, every package
# pinned by hash (pip --require-hashes). Idempotent: quick when the installed set matches the file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.tools/schemathesis"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "installing schemathesis needs python3 (pip from PyPI)" >&2; exit 1; }
echo "installing schemathesis into $venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$here/requirements.txt"
"$venv/bin/schemathesis" --version
echo "$want" > "$stamp"
