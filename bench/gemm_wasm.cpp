// bench/gemm_wasm.cpp: a bench-only wasm module around core/src/gemm.cpp, so that the kernels can
// be timed in wasm without touching the project's Embind module. Built by bench/build-gemm-wasm.sh
// into build/bench-wasm/; called from bench/run-bench.mjs.
#include "gemm_timing.hpp"

extern "C" {
// kind: 0 = nt, 1 = tn, 2 = nn. Returns the best GFLOP/s over at least min_seconds.
double bench_gemm_gflops(int kind, int n, double min_seconds) {
  return initscope::bench::gemm_gflops(kind, static_cast<std::size_t>(n), min_seconds);
}
// Attainable 4-lane multiply + add throughput in this engine (see gemm_timing.hpp).
double bench_simd128_peak_gflops(double min_seconds) {
  return initscope::bench::simd128_peak_gflops(min_seconds);
}
}
