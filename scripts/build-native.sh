#!/usr/bin/env bash
# Native build: core library, CLI (build/native/bin/initscope) and Catch2 tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2
