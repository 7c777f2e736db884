#!/usr/bin/env bash
# npm run build: the deployable static site in dist/ (wasm engine + page + vendored chart lib).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh wasm
bash scripts/build-wasm.sh
node scripts/build-web.mjs
