# Sourced by scripts/demo, scripts/test and .ci/run: makes the pinned pnpm
# available and installs the workspace. Needs only Node (>= 20.19) and npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NPM_CONFIG_UPDATE_NOTIFIER=false

pnpm_version="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  # The pinned pnpm lives in a cache folder, not globally, so the machine is not changed.
  pnpm_home="${XDG_CACHE_HOME:-$HOME/.cache}/glkeys/pnpm-$pnpm_version"
  if [ ! -x "$pnpm_home/node_modules/.bin/pnpm" ]; then
    echo "glkeys: installing pnpm $pnpm_version into $pnpm_home" >&2
    npm install --prefix "$pnpm_home" --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >&2
  fi
  export PATH="$pnpm_home/node_modules/.bin:$PATH"
fi

if [ -z "${GLKEYS_SKIP_INSTALL:-}" ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi
