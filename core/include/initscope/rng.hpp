// initscope/rng.hpp: a portable random number generator.
//
// Why our own: libstdc++ (native) and libc++ (wasm) implement std::normal_distribution and
// std::uniform_real_distribution differently, so the same seed would give different weights in
// the CLI and in the browser. PCG32 plus our own transforms gives the same bits everywhere.
// reference: M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
// Algorithms for Random Number Generation" (2014), pcg32_random_r / pcg32_srandom_r.
#pragma once
#include <cmath>
#include <cstdint>

#include "initscope/pmath.hpp"

namespace initscope {

// splitmix64 finaliser: spreads a (seed, stream) pair over the whole 64-bit space.
// reference: Steele, Lea, Flood, "Fast splittable pseudorandom number generators" (2014).
inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Well-known stream ids. A run's streams depend only on (seed, id), so adding a run, a layer or
// another initializer never changes the numbers of the others.
namespace stream {
constexpr uint64_t kDataset = 1;
constexpr uint64_t kBatches = 2;
constexpr uint64_t kLsuv = 3;
constexpr uint64_t kSample = 4;            // `initscope sample` and engine.sampleInit
constexpr uint64_t kLayerWeights = 1000;   // + layer index
constexpr uint64_t kLayerBiases = 100000;  // + layer index
}  // namespace stream

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream_id) {
    const uint64_t init_state = splitmix64(seed);
    const uint64_t init_seq = splitmix64(stream_id ^ 0xDA3E39CB94B95BDBull);
    state_ = 0;
    inc_ = (init_seq << 1u) | 1u;
    next_u32();
    state_ += init_state;
    next_u32();
  }

  uint32_t next_u32() {
    const uint64_t old = state_;
    state_ = old * 6364136223846793005ull + inc_;
    const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    const uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
  }

  // Uniform double in [0, 1) with 53 random bits (exact: no rounding, identical everywhere).
  double uniform() {
    const uint64_t a = next_u32() >> 5;  // 27 bits
    const uint64_t b = next_u32() >> 6;  // 26 bits
    return static_cast<double>((a << 26) | b) * (1.0 / 9007199254740992.0);
  }

  // Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n), unbiased (rejection). n >= 1.
  uint32_t below(uint32_t n) {
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;
    for (;;) {
      const uint32_t r = next_u32();
      if (r >= threshold) return r % n;
    }
  }

  // Standard normal by Marsaglia's polar method. Only sqrt (correctly rounded everywhere) and
  // pm::log (our own, the same bits in glibc and musl builds) are used; the acceptance test uses
  // exact uniforms, so native and wasm consume the stream identically.
  // reference: Marsaglia & Bray, "A convenient method for generating normal variables" (1964).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * pm::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  double normal(double mean, double std) { return mean + std * normal(); }

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 1;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace initscope
