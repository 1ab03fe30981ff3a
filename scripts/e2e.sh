#!/usr/bin/env bash
# Builds the app twice (at / and at a sub-path) and runs the browser end-to-end test against both.
# Needs `scripts/setup.sh test` first. E2E_SKIP_BUILD=1 reuses the existing builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  trunk build --release --dist target/e2e-dist
  trunk build --release --dist target/e2e-subpath --public-url /any/sub/path/
fi
exec node tests/e2e/run.mjs target/e2e-dist target/e2e-subpath
