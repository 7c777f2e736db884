// Tests of core/include/initscope/gemm.hpp: every fast kernel against the naive double-precision
// reference on odd shapes, with an error bound derived per element (no magic epsilon), and against
// the numerical contract of gemm.cpp (each element summed over k in order, bit for bit).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "initscope/gemm.hpp"

namespace {

using initscope::gemm_nn;
using initscope::gemm_nt;
using initscope::gemm_tn;

enum class Kind { nt, tn, nn };
const char* name(Kind k) {
  return k == Kind::nt ? "gemm_nt" : k == Kind::tn ? "gemm_tn" : "gemm_nn";
}

// Element accessors of the logical A[i][k] and B[k][j] for each storage layout (see gemm.hpp).
float a_at(Kind kind, const std::vector<float>& A, std::size_t M, std::size_t K, std::size_t i,
           std::size_t k) {
  return kind == Kind::tn ? A[k * M + i] : A[i * K + k];
}
float b_at(Kind kind, const std::vector<float>& B, std::size_t N, std::size_t K, std::size_t k,
           std::size_t j) {
  return kind == Kind::nt ? B[j * K + k] : B[k * N + j];
}

void fast(Kind kind, std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
          float* C, bool accumulate) {
  switch (kind) {
    case Kind::nt:
      gemm_nt(M, N, K, A, B, C, accumulate);
      break;
    case Kind::tn:
      gemm_tn(M, N, K, A, B, C, accumulate);
      break;
    case Kind::nn:
      gemm_nn(M, N, K, A, B, C, accumulate);
      break;
  }
}

void reference(Kind kind, std::size_t M, std::size_t N, std::size_t K, const float* A,
               const float* B, float* C) {
  switch (kind) {
    case Kind::nt:
      initscope::reference::gemm_nt(M, N, K, A, B, C);
      break;
    case Kind::tn:
      initscope::reference::gemm_tn(M, N, K, A, B, C);
      break;
    case Kind::nn:
      initscope::reference::gemm_nn(M, N, K, A, B, C);
      break;
  }
}

std::vector<float> random_floats(std::size_t n, std::mt19937& gen) {
  // Mixed signs so that sums cancel: the bound below is relative to sum |a||b|, not to |sum|.
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(gen);
  return v;
}

struct Case {
  std::size_t M, N, K;
};

// Guard elements after C: a kernel must never write past M*N.
constexpr std::size_t kGuard = 37;
constexpr float kGuardValue = -12345.0f;

struct Check {
  double max_abs_error = 0.0;  // max |fast - expected| over the elements
  double max_ratio = 0.0;      // max |fast - expected| / bound: must stay <= 1
  std::string where;           // first element over its bound, if any
};

// Compares gemm_<kind> with the reference. Error analysis (Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., eq. 3.5): a float32 dot product of n terms, summed in any
// order, satisfies |fl(s) - s| <= gamma_n * sum |x_i||y_i|, gamma_n = n u / (1 - n u),
// u = 2^-24. Here n = K products (+1 for C's old value when accumulating). The reference is exact
// up to its double sum (gamma_K in 2^-53, counted too) and its final rounding to float (u |R|).
Check compare(Kind kind, const Case& c, bool accumulate, std::mt19937& gen) {
  const std::size_t M = c.M, N = c.N, K = c.K;
  const auto A = random_floats(M * K, gen);
  const auto B = random_floats(K * N, gen);
  const auto C0 = random_floats(M * N, gen);

  std::vector<float> C(M * N + kGuard, kGuardValue);
  if (accumulate)
    std::copy(C0.begin(), C0.end(), C.begin());
  else
    std::fill(C.begin(), C.begin() + M * N, std::numeric_limits<float>::quiet_NaN());
  fast(kind, M, N, K, A.data(), B.data(), C.data(), accumulate);

  std::vector<float> R(M * N);
  reference(kind, M, N, K, A.data(), B.data(), R.data());

  const double u = std::ldexp(1.0, -24), ud = std::ldexp(1.0, -53);
  const double n = double(K + (accumulate ? 1 : 0));
  const double gamma = n * u / (1.0 - n * u);
  const double gamma_ref = double(K) * ud / (1.0 - double(K) * ud);

  Check out;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double abs_sum = 0.0;  // sum |a||b|
      for (std::size_t k = 0; k < K; ++k)
        abs_sum += std::fabs(double(a_at(kind, A, M, K, i, k)) * double(b_at(kind, B, N, K, k, j)));
      const double c0 = accumulate ? double(C0[i * N + j]) : 0.0;
      const double expected = c0 + double(R[i * N + j]);
      const double bound = gamma * (std::fabs(c0) + abs_sum) + gamma_ref * abs_sum +
                           u * std::fabs(double(R[i * N + j]));
      const double err = std::fabs(double(C[i * N + j]) - expected);
      out.max_abs_error = std::max(out.max_abs_error, err);
      // Written so that NaN (a kernel that did not write an element) fails too.
      const double ratio = bound > 0.0 ? err / bound : (err == 0.0 ? 0.0 : INFINITY);
      if (!(ratio <= out.max_ratio)) {
        out.max_ratio = std::isnan(ratio) ? INFINITY : ratio;
        if (!(ratio <= 1.0) && out.where.empty()) {
          std::ostringstream s;
          s << "C[" << i << "][" << j << "] = " << C[i * N + j] << ", expected " << expected
            << ", bound " << bound;
          out.where = s.str();
        }
      }
    }
  for (std::size_t g = 0; g < kGuard; ++g)
    if (C[M * N + g] != kGuardValue) out.where = "wrote past the end of C";
  return out;
}

std::vector<Case> odd_shapes() {
  const std::size_t sizes[] = {1, 3, 17, 63, 65, 257};
  std::vector<Case> cases;
  for (auto M : sizes)
    for (auto N : sizes)
      for (auto K : sizes) cases.push_back({M, N, K});
  // Exact multiples of typical vector and block widths, and MLP-like shapes.
  for (std::size_t s : {4, 8, 16, 64, 128, 256}) cases.push_back({s, s, s});
  cases.push_back({64, 2, 64});    // output layer forward, batch 64
  cases.push_back({128, 256, 2});  // first layer, 2-D input
  cases.push_back({2, 64, 64});    // output layer weight gradient
  return cases;
}

}  // namespace

TEST_CASE("gemm: every kernel matches the double reference within the float32 error bound",
          "[gemm]") {
  std::mt19937 gen(20240601u);
  for (Kind kind : {Kind::nt, Kind::tn, Kind::nn}) {
    for (bool accumulate : {false, true}) {
      SECTION(std::string(name(kind)) + (accumulate ? ", accumulate" : ", overwrite")) {
        double worst = 0.0, worst_abs = 0.0;
        for (const Case& c : odd_shapes()) {
          const Check r = compare(kind, c, accumulate, gen);
          INFO(name(kind) << " M=" << c.M << " N=" << c.N << " K=" << c.K
                          << " accumulate=" << accumulate << ": " << r.where << " (max |error| "
                          << r.max_abs_error << ", max error/bound " << r.max_ratio << ")");
          REQUIRE(r.where.empty());
          REQUIRE(r.max_ratio <= 1.0);
          worst = std::max(worst, r.max_ratio);
          worst_abs = std::max(worst_abs, r.max_abs_error);
        }
        // The bound is a worst case; typical errors sit far below it.
        INFO("worst error/bound " << worst << ", worst |error| " << worst_abs);
        CHECK(worst < 1.0);
      }
    }
  }
}

// The contract in gemm.cpp: each element is c = c0; for k in order: c += a*b, in float32. Blocking
// and vectorisation must not change a single bit, which is what makes native == wasm.
TEST_CASE("gemm: results are bit-identical to the in-order float32 sum over k", "[gemm]") {
  std::mt19937 gen(7u);
  for (Kind kind : {Kind::nt, Kind::tn, Kind::nn}) {
    for (bool accumulate : {false, true}) {
      for (const Case& c : odd_shapes()) {
        if (c.M * c.N * c.K > 300000) continue;  // the big ones are covered above
        const auto A = random_floats(c.M * c.K, gen);
        const auto B = random_floats(c.K * c.N, gen);
        const auto C0 = random_floats(c.M * c.N, gen);
        std::vector<float> C = C0;
        fast(kind, c.M, c.N, c.K, A.data(), B.data(), C.data(), accumulate);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < c.M; ++i)
          for (std::size_t j = 0; j < c.N; ++j) {
            volatile float s = accumulate ? C0[i * c.N + j] : 0.0f;  // volatile: no contraction
            for (std::size_t k = 0; k < c.K; ++k) {
              volatile float p = a_at(kind, A, c.M, c.K, i, k) * b_at(kind, B, c.N, c.K, k, j);
              s = s + p;
            }
            if (std::memcmp(const_cast<float*>(&s), &C[i * c.N + j], sizeof(float)) != 0)
              ++mismatches;
          }
        INFO(name(kind) << " M=" << c.M << " N=" << c.N << " K=" << c.K
                        << " accumulate=" << accumulate);
        REQUIRE(mismatches == 0);
      }
    }
  }
}

TEST_CASE("gemm: degenerate shapes", "[gemm]") {
  const std::vector<float> A(64, 1.0f), B(64, 1.0f);
  for (Kind kind : {Kind::nt, Kind::tn, Kind::nn}) {
    SECTION(std::string(name(kind)) + ": K = 0 gives zeros, or leaves C alone when accumulating") {
      std::vector<float> C(12, 5.0f);
      fast(kind, 3, 4, 0, A.data(), B.data(), C.data(), true);
      for (float v : C) REQUIRE(v == 5.0f);
      fast(kind, 3, 4, 0, A.data(), B.data(), C.data(), false);
      for (float v : C) REQUIRE(v == 0.0f);
    }
    SECTION(std::string(name(kind)) + ": M = 0 or N = 0 touches nothing") {
      std::vector<float> C(4, 5.0f);
      fast(kind, 0, 4, 3, A.data(), B.data(), C.data(), false);
      fast(kind, 4, 0, 3, A.data(), B.data(), C.data(), false);
      for (float v : C) REQUIRE(v == 5.0f);
    }
  }
}

// Divergence detection relies on NaN and Inf reaching the loss: a kernel must not skip zeros
// (0 * Inf = NaN) nor otherwise drop a non-finite input.
TEST_CASE("gemm: non-finite inputs propagate to the rows and columns they touch", "[gemm]") {
  const std::size_t M = 9, N = 19, K = 13;
  for (Kind kind : {Kind::nt, Kind::tn, Kind::nn}) {
    SECTION(name(kind)) {
      std::vector<float> A(M * K, 0.0f), B(K * N, 0.0f), C(M * N, 0.0f);
      // A[2][5] = Inf; all B zero: row 2 of C must be NaN (Inf * 0), every other element 0.
      (kind == Kind::tn ? A[5 * M + 2] : A[2 * K + 5]) = std::numeric_limits<float>::infinity();
      fast(kind, M, N, K, A.data(), B.data(), C.data(), false);
      for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < N; ++j) {
          INFO("C[" << i << "][" << j << "] = " << C[i * N + j]);
          if (i == 2)
            REQUIRE(std::isnan(C[i * N + j]));
          else
            REQUIRE(C[i * N + j] == 0.0f);
        }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The exact path's kernels (gemm.hpp): the AVX2 kernel vectorises across 8 output columns with
// the same per-element order (vmulps, then vaddps; no FMA), so it must give the portable SSE2 /
// SIMD128 kernel's bits exactly: that is what keeps native == wasm with the faster kernel.
namespace {

// Restores the process-wide GEMM settings when a test ends, even by a failed REQUIRE.
struct GemmSettings {
  initscope::ExactKernel kernel = initscope::exact_kernel();
  initscope::GemmMode mode = initscope::gemm_mode();
  ~GemmSettings() {
    initscope::set_exact_kernel(kernel);
    initscope::set_gemm_mode(mode);
  }
};

std::vector<Case> ragged_shapes() {
  std::vector<Case> cases = odd_shapes();
  // Every remainder of the 6 x 16 and 4 x 8 tiles, K across the KC = 256 block boundary and N
  // across the NC = 1024 block.
  for (std::size_t M = 1; M <= 13; ++M)
    for (std::size_t N : {1, 7, 8, 9, 15, 16, 17, 31, 33})
      for (std::size_t K : {1, 5, 255, 256, 257}) cases.push_back({M, N, K});
  cases.push_back({7, 1031, 9});
  cases.push_back({130, 70, 513});
  cases.push_back({64, 1024, 300});
  return cases;
}

}  // namespace

TEST_CASE("gemm: every exact kernel this CPU runs gives the portable kernel's bits", "[gemm]") {
  using initscope::ExactKernel;
  GemmSettings restore;
  initscope::set_gemm_mode(initscope::GemmMode::exact);
  std::vector<ExactKernel> others;
  if (initscope::exact_kernel_supported(ExactKernel::avx2)) others.push_back(ExactKernel::avx2);
  if (others.empty()) WARN("no AVX2 on this CPU: only the portable kernel is tested");
  std::mt19937 gen(99u);
  for (ExactKernel other : others)
    for (Kind kind : {Kind::nt, Kind::tn, Kind::nn})
      for (bool accumulate : {false, true})
        for (const Case& c : ragged_shapes()) {
          const auto A = random_floats(c.M * c.K, gen);
          const auto B = random_floats(c.K * c.N, gen);
          std::vector<float> C0 = random_floats(c.M * c.N, gen);
          C0.resize(c.M * c.N + kGuard, kGuardValue);
          std::vector<float> P = C0, V = C0;
          initscope::set_exact_kernel(ExactKernel::portable);
          fast(kind, c.M, c.N, c.K, A.data(), B.data(), P.data(), accumulate);
          initscope::set_exact_kernel(other);
          fast(kind, c.M, c.N, c.K, A.data(), B.data(), V.data(), accumulate);
          INFO(name(kind) << " kernel " << initscope::to_string(other) << " M=" << c.M
                          << " N=" << c.N << " K=" << c.K << " accumulate=" << accumulate);
          // memcmp: bit for bit (also NaN payloads and the sign of zero), guard elements included.
          REQUIRE(std::memcmp(P.data(), V.data(), P.size() * sizeof(float)) == 0);
        }
}

TEST_CASE("gemm: the exact kernels propagate NaN and Inf alike", "[gemm]") {
  using initscope::ExactKernel;
  GemmSettings restore;
  initscope::set_gemm_mode(initscope::GemmMode::exact);
  if (!initscope::exact_kernel_supported(ExactKernel::avx2)) return;
  const std::size_t M = 13, N = 37, K = 29;
  std::mt19937 gen(5u);
  for (Kind kind : {Kind::nt, Kind::tn, Kind::nn}) {
    auto A = random_floats(M * K, gen), B = random_floats(K * N, gen);
    A[3] = std::numeric_limits<float>::infinity();
    B[7] = std::numeric_limits<float>::quiet_NaN();
    A[M * K - 1] = -std::numeric_limits<float>::infinity();
    std::vector<float> P(M * N), V(M * N);
    initscope::set_exact_kernel(ExactKernel::portable);
    fast(kind, M, N, K, A.data(), B.data(), P.data(), false);
    initscope::set_exact_kernel(ExactKernel::avx2);
    fast(kind, M, N, K, A.data(), B.data(), V.data(), false);
    INFO(name(kind));
    REQUIRE(std::memcmp(P.data(), V.data(), P.size() * sizeof(float)) == 0);
  }
}
