#!/usr/bin/env bash
# npm run bench: builds the native core and the wasm engine, then runs bench/run-bench.mjs, which
# times our wasm engine, TensorFlow.js (wasm and cpu backends) and our native build on the same
# configurations in one run and prints steps/s and ratios (bench/README.md); then the page in
# headless Chromium: its run pool against one worker (pool-bench.mjs), long tasks at the size
# limit (longtask-bench.mjs) and a 200-cell sweep against the native CLI (sweep-bench.mjs), and
# the mup_transfer preset's whole sweep, page and native (sweep-bench.mjs --preset), and the
# Width tab's default coordinate check, page and native (coordcheck-bench.mjs).
# bench/native-speed.mjs: issue 21's wide networks natively (exact, fast) vs PyTorch 1-thread.
# BENCH_PAGE=0 skips the page. Not part of npm test.
# Extra arguments go to run-bench.mjs, e.g. `npm run bench -- --only S,gemm --windows 9`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
echo "== native build"; bash scripts/build-native.sh
echo "== wasm build"; bash scripts/build-wasm.sh
echo "== wasm GEMM bench module"; bash bench/build-gemm-wasm.sh
echo "== bench"
node bench/run-bench.mjs --native build/native/bin/initscope_bench "$@"
# Issue 21: the wide networks natively, exact (before / after) and fast, against PyTorch 1-thread
# and numpy sgemm when Debian's python3-torch / python3-numpy are installed (skipped otherwise).
echo "== native speed: exact and fast GEMM paths vs PyTorch"; node bench/native-speed.mjs
# Issue 19: residual blocks and norm layers per step against the plain MLP, wasm and native.
echo "== depth: residual and norm layers vs the plain MLP"; node bench/depth-bench.mjs
if [ "${BENCH_PAGE:-1}" != 0 ]; then
  echo "== web build"; node scripts/build-web.mjs
  echo "== the page's run pool vs one worker"; node bench/pool-bench.mjs
  echo "== the page at the size limit"; node bench/longtask-bench.mjs
  echo "== sweep: page pool vs native"; node bench/sweep-bench.mjs
  # issue 18 item 4: the mup_transfer preset as a reader starts it (252 runs), page and native
  echo "== sweep preset mup_transfer: page pool vs native"; node bench/sweep-bench.mjs --preset mup_transfer --rounds 1
  # issue 18: the Width tab's default coordinate check, page (2 workers) and native (--jobs 2)
  echo "== coordinate check: page pool vs native"; node bench/coordcheck-bench.mjs
fi
