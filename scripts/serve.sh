#!/usr/bin/env bash
# Installs what is missing, then builds and serves the playground at http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh serve
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
exec trunk serve --release "$@"
