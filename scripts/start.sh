#!/usr/bin/env bash
# npm start: set up, build native + wasm + web, and serve dist/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
bash scripts/build-native.sh
bash scripts/build-wasm.sh
node scripts/build-web.mjs
echo
# scripts/serve.mjs: dist/ with a Content-Security-Policy header (and CORS, so a page on another
# local origin can load js/embed.js); it takes the first free port from $PORT (default 8080) and
# prints the URL it serves.
exec node scripts/serve.mjs dist --port "${PORT:-8080}" --host 127.0.0.1
