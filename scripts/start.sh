#!/usr/bin/env bash
# npm start: set up, build native + wasm + web, and serve dist/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
bash scripts/build-native.sh
bash scripts/build-wasm.sh
node scripts/build-web.mjs
port="${PORT:-8080}"
echo
echo "initscope is running at http://localhost:${port}/  (Ctrl+C to stop)"
exec npx --no-install sirv dist --port "$port" --host 127.0.0.1 --quiet
