// bench/gemm_timing.hpp: GFLOP/s of the three GEMM kernels on square n x n x n products, and the
// attainable 4-lane (SIMD128) multiply + add throughput of the machine. Shared by the native bench
// (bench_native.cpp) and the wasm GEMM bench (gemm_wasm.cpp), so both sides time the same code in
// the same way.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "initscope/gemm.hpp"

namespace initscope::bench {

// kind: 0 = nt (forward), 1 = tn (weight gradient), 2 = nn (input gradient).
// Repeats the product until min_seconds have passed (at least 3 times) after one warm-up call,
// and returns the best GFLOP/s over batches of repetitions (2 n^3 flops per product).
inline double gemm_gflops(int kind, std::size_t n, double min_seconds) {
  std::vector<float> A(n * n), B(n * n), C(n * n);
  uint32_t s = 12345u;
  auto next = [&s] {
    s = s * 1664525u + 1013904223u;
    return float(int32_t(s >> 8) - (1 << 23)) / float(1 << 23);
  };
  for (auto& x : A) x = next();
  for (auto& x : B) x = next();
  auto run = [&] {
    if (kind == 0)
      gemm_nt(n, n, n, A.data(), B.data(), C.data());
    else if (kind == 1)
      gemm_tn(n, n, n, A.data(), B.data(), C.data());
    else
      gemm_nn(n, n, n, A.data(), B.data(), C.data());
  };
  run();
  using clock = std::chrono::steady_clock;
  const double flops = 2.0 * double(n) * double(n) * double(n);
  // Batches of about 20 ms each; keep the best batch (least disturbed by the other processes).
  std::size_t reps = 1;
  for (;;) {
    auto t0 = clock::now();
    for (std::size_t r = 0; r < reps; ++r) run();
    double dt = std::chrono::duration<double>(clock::now() - t0).count();
    if (dt > 0.02) break;
    reps *= 2;
  }
  double best = 0.0, total = 0.0;
  int batches = 0;
  while (total < min_seconds || batches < 3) {
    auto t0 = clock::now();
    for (std::size_t r = 0; r < reps; ++r) run();
    double dt = std::chrono::duration<double>(clock::now() - t0).count();
    total += dt;
    ++batches;
    double g = flops * double(reps) / dt * 1e-9;
    if (g > best) best = g;
  }
  return best;
}

// Peak of 4-lane float arithmetic without FMA (wasm SIMD128 has none in this Emscripten, and the
// core builds with -ffp-contract=off): a GEMM needs one multiply and one add per 4 multiply-adds,
// so its ceiling is the throughput of an even mix of 4-lane multiplies and adds. Measured with
// 6 independent multiply chains and 6 independent add chains (enough to hide the latencies, few
// enough to stay in 16 registers, which is what V8 gives wasm on x64); every vector op counts
// 4 flops. Operands come through volatiles so nothing is folded at compile time.
typedef float bench_v4 __attribute__((vector_size(16)));
inline volatile float g_peak_one = 1.0f, g_peak_tiny = 1e-30f, g_peak_sink = 0.0f;

// One timed chunk. A separate, repeatedly called function: V8 runs a wasm function's first calls
// in its baseline compiler (Liftoff) and swaps in optimised code only for later calls.
__attribute__((noinline)) inline void simd128_peak_chunk(long iters) {
  const float one = g_peak_one, tiny = g_peak_tiny;
  const bench_v4 y = bench_v4{} + one, d = bench_v4{} + tiny;
  bench_v4 m0 = y * 1.5f, m1 = y * 2.5f, m2 = y * 3.5f, m3 = y * 4.5f, m4 = y * 5.5f, m5 = y * 6.5f;
  bench_v4 a0 = y * 1.5f, a1 = y * 2.5f, a2 = y * 3.5f, a3 = y * 4.5f, a4 = y * 5.5f, a5 = y * 6.5f;
  for (long i = 0; i < iters; ++i) {
    m0 = m0 * y;
    m1 = m1 * y;
    m2 = m2 * y;
    m3 = m3 * y;
    m4 = m4 * y;
    m5 = m5 * y;
    a0 = a0 + d;
    a1 = a1 + d;
    a2 = a2 + d;
    a3 = a3 + d;
    a4 = a4 + d;
    a5 = a5 + d;
  }
  const bench_v4 s = m0 + m1 + m2 + m3 + m4 + m5 + a0 + a1 + a2 + a3 + a4 + a5;
  g_peak_sink = s[0];  // keeps the chains alive
}

// Best GFLOP/s over chunks of 24 M vector ops (a few ms each) for at least min_seconds.
inline double simd128_peak_gflops(double min_seconds) {
  using clock = std::chrono::steady_clock;
  const long iters = 2000000;
  double best = 0.0, total = 0.0;
  int chunks = 0;
  while (total < min_seconds || chunks < 10) {
    auto t0 = clock::now();
    simd128_peak_chunk(iters);
    const double dt = std::chrono::duration<double>(clock::now() - t0).count();
    total += dt;
    ++chunks;
    best = std::max(best, 12.0 * 4.0 * double(iters) / dt * 1e-9);
  }
  return best;
}

}  // namespace initscope::bench
