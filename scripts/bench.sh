#!/usr/bin/env bash
# Measures every speed, size and memory budget and prints them as one table, with the machine
# they were measured on. Exit status 1 if any budget is missed. Takes about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT
cargo build --locked --profile native --bin bpbench
trunk build --release --dist target/bench-dist
target/native/bpbench >>"$rows"
node tests/e2e/bench.mjs target/bench-dist >>"$rows"

echo
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) × $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB, $(rustc --version | cut -d' ' -f1-2), $(/usr/bin/chromium --version 2>/dev/null | tr -s ' ' | cut -d' ' -f1-2)"
echo
{ printf 'budget\tcase\tmeasured\tlimit\tverdict\n'; cat "$rows"; } | column -t -s $'\t'

# The wasm's bytes by crate: the same build, optimised the same way, with its function names kept.
named="$(mktemp -d)"
wasm-bindgen --target web --out-dir "$named" target/wasm32-unknown-unknown/release/backpressure-playground.wasm
read -r -a opt_params <<<"$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
wasm-opt -Oz "${opt_params[@]}" --debuginfo "$named/backpressure-playground_bg.wasm" -o "$named/named.wasm"
echo
echo "The wasm by crate (code charged to the type or module it belongs to; gzip of each group alone):"
{ printf 'group\tfunctions\traw bytes\tgzip bytes\n'; node scripts/size-report.mjs "$named/named.wasm"; } | column -t -s $'\t'
rm -rf "$named"
! grep -q $'\tMISSED$' "$rows"
