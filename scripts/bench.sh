#!/usr/bin/env bash
# npm run bench: builds the native core and the wasm engine, then runs bench/run-bench.mjs, which
# times our wasm engine, TensorFlow.js (wasm and cpu backends) and our native build on the same
# configurations in one run and prints steps/s and ratios (bench/README.md). Not part of npm test.
# Extra arguments go to run-bench.mjs, e.g. `npm run bench -- --only S,gemm --windows 9`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
echo "== native build"; bash scripts/build-native.sh
echo "== wasm build"; bash scripts/build-wasm.sh
echo "== wasm GEMM bench module"; bash bench/build-gemm-wasm.sh
echo "== bench"
node bench/run-bench.mjs --native build/native/bin/initscope_bench "$@"
