#!/usr/bin/env bash
# npm test: installs what is missing, builds native + wasm + web, and runs every test suite:
# Catch2 (ctest), Node tests of the wasm engine and CLI, Chromium tests of the page.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
echo "== format (clang-format)"; bash scripts/check-format.sh
echo "== native build"; bash scripts/build-native.sh
echo "== native tests (Catch2 via ctest)"
ctest --test-dir build/native --output-on-failure -j2
echo "== native tests under ASan + UBSan (build/asan)"; bash scripts/sanitize.sh
echo "== fuzzing (libFuzzer, ${FUZZ_SECONDS:-20} s per target)"; bash scripts/fuzz.sh
echo "== wasm build"; bash scripts/build-wasm.sh
echo "== web build"; node scripts/build-web.mjs
# --test-force-exit: a test that fails half-way may leave a server listening, which kept its
# file's process (and CI) waiting forever; --test-timeout: no single test may hang either (the
# longest takes ~25 s).
NODE_TEST=(node --test --test-concurrency=1 --test-force-exit --test-timeout=300000)
echo "== node tests (wasm engine, CLI, native parity)"
"${NODE_TEST[@]}" tests/node/
echo "== browser tests (Chromium)"
"${NODE_TEST[@]}" tests/browser/
