# Sourced by the wrapper and the setup script: the hermetic environment for every Pulumi run.
# - tools and state stay inside the repository (.tools/ and .local/ are git-ignored);
# - no update checks and no plugin downloads (nothing in the local stack needs one);
# - secrets use the passphrase provider; the local default is documented in infra/README.md and
#   is meant for this machine only: set PULUMI_CONFIG_PASSPHRASE (or _FILE) to override it.
pulumi_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export MSA_REPO_ROOT="$pulumi_repo"
export PULUMI_HOME="${PULUMI_HOME:-$pulumi_repo/.tools/pulumi/home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SELF_MANAGED_STATE_NO_LEGACY_WARNING=true
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$pulumi_repo/.local/pulumi-state}"
# @pulumi/pulumi loads node:sqlite, which Node 24 flags as experimental on every run.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning"
if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-local-dev-only}"
fi
# The project's Node 24 first (the system's Node is too old), then the project-built CLI.
export PATH="$pulumi_repo/.tools/pulumi/bin:$pulumi_repo/node_modules/.bin:$PATH"
mkdir -p "$PULUMI_HOME" "$pulumi_repo/.local/pulumi-state"
# The local state holds every resource's outputs, database passwords among them: private to its owner.
chmod 700 "$pulumi_repo/.local/pulumi-state"
