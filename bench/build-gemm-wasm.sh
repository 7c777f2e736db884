#!/usr/bin/env bash
# A bench-only wasm module around core/src/gemm.cpp (bench/gemm_wasm.cpp), so the kernels can be
# timed in wasm without a bench entry point in the project's Embind module. Same flags as the core's
# wasm build (CMakeLists.txt, wasm/CMakeLists.txt): -O3 -msimd128 -ffp-contract=off -fexceptions.
# Output: build/bench-wasm/gemm.{mjs,wasm} (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # TOOLCHAIN trap 1
mkdir -p build/bench-wasm
em++ -std=c++17 -O3 -msimd128 -ffp-contract=off -fexceptions -Icore/include \
  bench/gemm_wasm.cpp core/src/gemm.cpp -o build/bench-wasm/gemm.mjs \
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 -sFILESYSTEM=0 \
  -sEXPORTED_FUNCTIONS=_bench_gemm_gflops,_bench_simd128_peak_gflops
