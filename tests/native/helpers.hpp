// tests/native/helpers.hpp: shared helpers for the native Catch2 suite.
//
// What is here: sample moments in double, the standard errors that spec/initializers.md derives
// for them, and an llm.c-style tensor comparison that reports the worst element instead of a bare
// "false". Nothing here knows about the implementation under test beyond the public headers.
#pragma once
#include <algorithm>
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "initscope/activation.hpp"
#include "initscope/tensor.hpp"

namespace testing {

using initscope::Activation;

const std::vector<Activation> kAllActivations = {
    Activation::relu,   Activation::leaky_relu, Activation::tanh, Activation::sigmoid,
    Activation::linear, Activation::selu,       Activation::gelu};

// Closed-form activation in double, written out independently of the library (reference:
// PyTorch's nn.functional docs; gelu is the exact erf form).
inline double act_ref(Activation act, double a, double x) {
  using initscope::kSeluAlpha;
  using initscope::kSeluScale;
  switch (act) {
    case Activation::relu:
      return x > 0 ? x : 0.0;
    case Activation::leaky_relu:
      return x > 0 ? x : a * x;
    case Activation::tanh:
      return std::tanh(x);
    case Activation::sigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case Activation::linear:
      return x;
    case Activation::selu:
      return kSeluScale * (x > 0 ? x : kSeluAlpha * std::expm1(x));
    case Activation::gelu:
      return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
  }
  return NAN;
}

// ---------------------------------------------------------------------------------------------
// Sample moments, accumulated in double (two passes: the mean first, so the central moments do
// not lose digits to cancellation).
struct Moments {
  std::size_t n = 0;
  double mean = 0;
  double var = 0;  // unbiased sample variance (n - 1 denominator)
  double m2 = 0;   // central moments with the n denominator
  double m4 = 0;
  double kurtosis = 0;  // m4 / m2^2 (not excess: a normal gives 3)
  double min = 0, max = 0, max_abs = 0;
};

template <class T>
Moments moments(const T* x, std::size_t n) {
  Moments m;
  m.n = n;
  if (n == 0) return m;
  double s = 0;
  m.min = m.max = static_cast<double>(x[0]);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    s += v;
    m.min = std::min(m.min, v);
    m.max = std::max(m.max, v);
    m.max_abs = std::max(m.max_abs, std::fabs(v));
  }
  m.mean = s / static_cast<double>(n);
  double s2 = 0, s4 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - m.mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  m.m2 = s2 / static_cast<double>(n);
  m.m4 = s4 / static_cast<double>(n);
  m.var = n > 1 ? s2 / static_cast<double>(n - 1) : 0.0;
  m.kurtosis = m.m2 > 0 ? m.m4 / (m.m2 * m.m2) : 0.0;
  return m;
}
inline Moments moments(const initscope::Matrix& a) { return moments(a.data(), a.size()); }
inline Moments moments(const initscope::Vector& a) { return moments(a.data(), a.size()); }
inline Moments moments(const std::vector<double>& a) { return moments(a.data(), a.size()); }
inline Moments moments(const std::vector<float>& a) { return moments(a.data(), a.size()); }

// Standard error of the unbiased sample variance of n draws from a distribution with variance s2
// and kurtosis k (spec/initializers.md):  Var(sample var) = s2^2 (k/n - (n-3)/(n(n-1))).
// normal k = 3 gives s2 sqrt(2/(n-1)); uniform k = 9/5 about s2 sqrt(0.8/n).
inline double var_se(double s2, double kurtosis, std::size_t n) {
  const double nn = static_cast<double>(n);
  return s2 * std::sqrt(kurtosis / nn - (nn - 3.0) / (nn * (nn - 1.0)));
}

// Standard error of the sample mean of n draws with variance s2.
inline double mean_se(double s2, std::size_t n) { return std::sqrt(s2 / static_cast<double>(n)); }

// Standard error of the sample kurtosis K = m4 / m2^2 of n draws from a symmetric distribution
// with central moments mu2, mu4, mu6, mu8 (delta method on (m2, m4); the odd moments vanish, so
// estimating the mean adds nothing at order 1/n). For a normal (1, 3, 15, 105) it gives the
// textbook sqrt(24/n).
inline double kurtosis_se(double mu2, double mu4, double mu6, double mu8, std::size_t n) {
  const double v = (mu8 - mu4 * mu4) / std::pow(mu2, 4) -
                   4.0 * mu4 * (mu6 - mu2 * mu4) / std::pow(mu2, 5) +
                   4.0 * mu4 * mu4 * (mu4 - mu2 * mu2) / std::pow(mu2, 6);
  return std::sqrt(v / static_cast<double>(n));
}

// Even central moments E[x^k], k = 0, 2, 4, 6, 8, of a standard normal truncated to [-c, c].
// Integration by parts gives m_k = (k-1) m_{k-2} - 2 c^{k-1} phi(c) / Z, Z = P(|x| <= c).
struct TruncMoments {
  double m2, m4, m6, m8;
};
inline TruncMoments truncated_normal_moments(double c) {
  const double kPi = 3.14159265358979323846;
  const double phi = std::exp(-0.5 * c * c) / std::sqrt(2.0 * kPi);
  const double Z = std::erf(c / std::sqrt(2.0));
  double m[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int k = 2; k <= 8; k += 2) m[k] = (k - 1) * m[k - 2] - 2.0 * std::pow(c, k - 1) * phi / Z;
  return {m[2], m[4], m[6], m[8]};
}

// ---------------------------------------------------------------------------------------------
// llm.c check_tensor: compares element-wise with |a - b| <= atol + rtol |b| and reports how many
// elements failed, the worst one and its index, so a failure says where and by how much.
struct TensorDiff {
  std::size_t n = 0, bad = 0, worst_index = 0;
  double max_abs_diff = 0;
  double worst_excess = -1;  // max over elements of |a - b| / (atol + rtol |b|)
  double worst_a = 0, worst_b = 0;
  std::string describe(const std::string& label) const {
    std::ostringstream os;
    os.precision(9);
    os << label << ": " << bad << " of " << n << " elements out of tolerance; max |diff| "
       << max_abs_diff << "; worst at [" << worst_index << "] got " << worst_a << " expected "
       << worst_b << " (" << worst_excess << " x tolerance)";
    return os.str();
  }
};

template <class A, class B>
TensorDiff compare(const A* a, const B* b, std::size_t n, double atol, double rtol) {
  TensorDiff d;
  d.n = n;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]);
    const double diff = std::fabs(x - y);
    const double tol = atol + rtol * std::fabs(y);
    const double excess = tol > 0 ? diff / tol : (diff > 0 ? INFINITY : 0.0);
    const bool ok = x == y || (std::isfinite(x) && std::isfinite(y) && diff <= tol);
    if (!ok) ++d.bad;
    d.max_abs_diff = std::max(d.max_abs_diff, std::isnan(diff) ? INFINITY : diff);
    // Failing elements have excess > 1 and passing ones <= 1, so the largest excess is the
    // worst failure if there is one (non-finite mismatches count as infinitely far).
    const double e = x == y ? 0.0 : (std::isfinite(x) && std::isfinite(y) ? excess : INFINITY);
    if (e > d.worst_excess) {
      d.worst_excess = e;
      d.worst_index = i;
      d.worst_a = x;
      d.worst_b = y;
    }
  }
  return d;
}

#define CHECK_TENSOR(label, a, b, n, atol, rtol)                                       \
  do {                                                                                 \
    const auto check_tensor_diff_ = ::testing::compare((a), (b), (n), (atol), (rtol)); \
    INFO(check_tensor_diff_.describe(label));                                          \
    CHECK(check_tensor_diff_.bad == 0u);                                               \
  } while (0)

// Bit-for-bit equality of two float buffers (NaN payloads included), reporting the first
// mismatch. Same seed must give the same bits, not merely close values.
inline bool same_bits(const float* a, const float* b, std::size_t n, std::size_t* first = nullptr) {
  for (std::size_t i = 0; i < n; ++i) {
    uint32_t ua, ub;
    std::memcpy(&ua, a + i, 4);
    std::memcpy(&ub, b + i, 4);
    if (ua != ub) {
      if (first) *first = i;
      return false;
    }
  }
  return true;
}
inline bool same_bits(const initscope::Matrix& a, const initscope::Matrix& b) {
  return a.shape() == b.shape() && same_bits(a.data(), b.data(), a.size());
}
inline bool same_bits(const initscope::Vector& a, const initscope::Vector& b) {
  return a.shape() == b.shape() && same_bits(a.data(), b.data(), a.size());
}

// One float ulp at |x| (the spacing of floats near x), for tolerances stated in ulps.
inline double float_ulp(double x) {
  const float f = static_cast<float>(std::fabs(x));
  return static_cast<double>(std::nextafter(f, INFINITY)) - static_cast<double>(f);
}

}  // namespace testing
