#!/usr/bin/env bash
# Native build: core library, CLI (build/native/bin/initscope) and Catch2 tests.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/prepare-data.mjs   # build/data/fashion-mnist.bin, for the CLI and the tests
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"${JOBS:-2}"
