#!/usr/bin/env bash
# Installs what is missing, then builds and serves the playground at http://127.0.0.1:8080.
# Another port: scripts/serve.sh --port 8093 (any other trunk serve option passes through too).
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --port=*) port="${args[$i]#--port=}" ;;
    --port | -p) port="${args[$((i + 1))]:-}" ;;
  esac
done
# Said before a build of a minute or two, not after it as trunk's backtrace.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "serve: port $port on 127.0.0.1 is already in use; choose another: scripts/serve.sh --port 8093" >&2
  exit 1
fi

scripts/setup.sh serve
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
exec trunk serve --release "$@"
