#!/usr/bin/env bash
# Installs what the tests need, then runs every test: native engine and CLI tests, browser
# component tests (wasm-bindgen-test in headless Chromium), and the end-to-end page test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
# Property tests draw the same cases on every run, so a failure in CI reproduces exactly with this
# command; set PROPTEST_RNG_SEED to another number to explore new cases.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261204}"

echo "== native: engine, scenario format, bpsim CLI"
cargo test --locked

echo "== gauntlet: 30,000 random runs and a simulated day per system, optimised (profile gauntlet)"
cargo test --locked --profile gauntlet --test gauntlet_conservation --test gauntlet_soak

echo "== determinism: every preset's state hash natively (bpsim hash), for the wasm build to match"
hashes=""
for name in $(target/debug/bpsim presets | cut -d' ' -f1); do
  hashes+="$name=$(target/debug/bpsim hash --preset "$name" --at 120000),"
done
export BP_NATIVE_HASHES="${hashes%,}"

echo "== browser: components and the wasm engine's hashes in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --locked --target wasm32-unknown-unknown --test web --test web_kafka --test web_sqs --test web_determinism

echo "== end to end: release build served on loopback, opened in headless Chromium"
scripts/e2e.sh
