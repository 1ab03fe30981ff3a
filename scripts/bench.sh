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
! grep -q $'\tMISSED$' "$rows"
