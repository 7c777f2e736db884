#!/usr/bin/env bash
# WebAssembly build of the core (Emscripten 3.1.6 from Debian): build/wasm/initscope.{mjs,wasm}.
# JOBS=1 on a shared machine; the default suits CI's two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/prepare-data.mjs   # build/data/fashion-mnist.bin, which build-web.mjs copies to dist/data
export NODE_PATH=/usr/share/nodejs   # TOOLCHAIN trap 1: emcc's acorn lives there
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"${JOBS:-2}"
ls -l build/wasm/initscope.mjs build/wasm/initscope.wasm | awk '{ print "built " $NF " (" $5 " bytes)" }'
