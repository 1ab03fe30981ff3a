#!/usr/bin/env bash
# Installs whatever the playground and its tests need, skipping what is already there.
# Only package registries are used (crates.io, Debian, npm); nothing else is downloaded.
# Usage: scripts/setup.sh [serve|test]   ("serve" skips the browser test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

PURPOSE="${1:-test}"
WASM_BINDGEN_VERSION="0.2.130"   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
TRUNK_VERSION="0.21.14"          # 0.22 needs a newer rustc than this machine's
BINARYEN_VERSION="132.0.0"       # Debian's binaryen 108 rejects today's Rust wasm
TOOLS_DIR="$PWD/.tools"          # npm-installed tools live here, out of git

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes)"
  cargo install --force wasm-bindgen-cli@"$WASM_BINDGEN_VERSION"
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes)"
  cargo install --locked --force trunk@"$TRUNK_VERSION"
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into .tools/"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

if [ "$PURPOSE" = test ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing chromium and chromium-driver from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ ! -d "$TOOLS_DIR/node_modules/playwright-core" ] || [ ! -d "$TOOLS_DIR/node_modules/axe-core" ]; then
    say "installing playwright-core (driving Debian's chromium) into .tools/"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent playwright-core@1 axe-core@4
  fi
fi
say "toolchain ready"
