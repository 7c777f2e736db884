// initscope/pmath.hpp: the transcendental functions the trainer uses (exp, expm1, log, tanh,
// erf, sin, cos, integer powers), written with +, -, *, /, sqrt and exact bit operations only,
// so that the native build (glibc) and the WebAssembly build (musl) compute the same bits.
//
// Why: glibc and musl implement tanhf, expm1, log, sin, ... differently (and glibc picks an FMA
// variant at run time on CPUs that have it), so their results differ in the last ulp now and
// then; training amplifies one ulp into a different loss. With these functions, and
// -ffp-contract=off in both builds, a run is bitwise the same in the CLI and in the browser.
//
// Accuracy (measured against glibc in tests/native/test_pmath.cpp): exp, log, sin, cos within
// 1 ulp of glibc; expm1 within 2 ulp, tanh within 4 ulp; erf within 2e-15 absolute. Enough for
// float32 training and for the mean-field theory's 1e-8 quadrature; not a replacement for a
// correctly rounded libm. Domain: sin and cos reduce by pi/2 in three parts, exact for |x| < 2^19
// pi/2 (the datasets use |x| < 20); beyond that they return NaN rather than a wrong number.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace initscope::pm {

namespace detail {
// 2^k as a double, for k in [-1022, 1023] (exact: only the exponent bits are set).
inline double pow2i(int k) {
  const std::uint64_t bits = static_cast<std::uint64_t>(k + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
// x * 2^k for any k, by at most three exact power-of-two factors (one rounding at the end, as
// scalbn does, when the result is subnormal).
inline double scale2(double x, int k) {
  if (k > 1023) {
    x *= pow2i(1023);
    k -= 1023;
    if (k > 1023) k = 1023;
  } else if (k < -1022) {
    x *= pow2i(-1022 + 53);  // keep 53 bits of headroom so only the last step rounds
    k += 1022 - 53;
    if (k < -1022) {
      x *= pow2i(-1022);
      k += 1022;
      if (k < -1022) k = -1022;
    }
  }
  return x * pow2i(k);
}
// Round to nearest integer (ties away from zero) for |x| < 2^31: floor is exact everywhere.
inline int round_int(double x) {
  return static_cast<int>(x < 0 ? -std::floor(0.5 - x) : std::floor(x + 0.5));
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2, upper 32 bits (k * kLn2Hi exact)
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
constexpr double kInvLn2 = 1.44269504088896338700e+00;
}  // namespace detail

// e^x. reference: fdlibm e_exp.c (Sun Microsystems, 1993): x = k ln2 + r, |r| <= ln2/2, and a
// Remez rational form of e^r; error < 1 ulp.
inline double exp(double x) {
  if (!(x == x)) return x;  // NaN
  if (x > 709.782712893383973096) return std::numeric_limits<double>::infinity();
  if (x < -745.13321910194110842) return 0.0;
  const int k = detail::round_int(x * detail::kInvLn2);
  const double hi = x - k * detail::kLn2Hi;
  const double lo = k * detail::kLn2Lo;
  const double r = hi - lo;
  const double t = r * r;
  const double c =
      r - t * (1.66666666666666019037e-01 +
               t * (-2.77777777770155933842e-03 +
                    t * (6.61375632143793436117e-05 +
                         t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  return k == 0 ? y : detail::scale2(y, k);
}

// e^x - 1 without the cancellation near 0: a Taylor series for |x| < 0.5 (terms to x^18/18!,
// whose remainder is below 1e-19 of the result), e^x - 1 beyond (cancellation at most 1.6x).
inline double expm1(double x) {
  if (!(x == x)) return x;
  if (std::fabs(x) < 0.5) {
    double s = 1.0 / 6402373705728000.0;  // 1/18!
    static constexpr double kInvFact[] = {1.0 / 355687428096000.0,
                                          1.0 / 20922789888000.0,
                                          1.0 / 1307674368000.0,
                                          1.0 / 87178291200.0,
                                          1.0 / 6227020800.0,
                                          1.0 / 479001600.0,
                                          1.0 / 39916800.0,
                                          1.0 / 3628800.0,
                                          1.0 / 362880.0,
                                          1.0 / 40320.0,
                                          1.0 / 5040.0,
                                          1.0 / 720.0,
                                          1.0 / 120.0,
                                          1.0 / 24.0,
                                          1.0 / 6.0,
                                          1.0 / 2.0,
                                          1.0};  // 1/17! .. 1/1!
    for (double f : kInvFact) s = s * x + f;
    return s * x;
  }
  if (x < -40.0) return -1.0;
  return exp(x) - 1.0;
}

// ln x. x = 2^e m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m - 1)/(m + 1),
// |s| < 0.1716, by its odd series to s^23 (remainder < 1e-19).
inline double log(double x) {
  if (!(x > 0))
    return x == 0 ? -std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // exact; m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double f = m - 1.0;  // exact (Sterbenz)
  const double s = f / (2.0 + f);
  const double z = s * s;
  double p = 1.0 / 23.0;
  static constexpr double kOdd[] = {1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0,
                                    1.0 / 11.0, 1.0 / 9.0,  1.0 / 7.0,  1.0 / 5.0,  1.0 / 3.0};
  for (double c : kOdd) p = p * z + c;
  // ln m = 2s + 2s z p, and 2s = f - s f = f - (f^2/2 - s f^2/2), so ln m = f - (f^2/2 -
  // s (f^2/2 + 2 z p)): the large term f is added last (fdlibm e_log.c's arrangement).
  const double hfsq = 0.5 * f * f;
  const double r = s * (hfsq + 2.0 * z * p);
  const double lnm = f - (hfsq - r);
  return e * detail::kLn2Hi + (lnm + e * detail::kLn2Lo);
}

// tanh x = expm1(2x) / (expm1(2x) + 2), odd; 1 beyond |x| = 22 (tanh 22 = 1 - 1.6e-19).
inline double tanh(double x) {
  const double a = std::fabs(x);
  if (!(a == a)) return x;
  if (a > 22.0) return std::copysign(1.0, x);
  if (a < 1e-9) return x;  // tanh x = x (1 - x^2/3): x^2/3 < 1e-18
  const double u = expm1(2.0 * a);
  return std::copysign(u / (u + 2.0), x);
}

// tanh for float32 activations (the trainer's hot loop), computed in double to a relative error
// below 2e-12 and then rounded: the float is the correctly rounded tanh except when the exact
// value lies within 2e-12 of a rounding boundary (about 1 input in 30,000), and it costs one
// short polynomial and one division. |x| < 0.125: the odd Taylor series to x^9 (remainder
// 0.0089 x^11 < 1e-12 x); beyond, 1 - 2 / (e^(2|x|) + 1) with e^r by Taylor to r^11 on
// |r| <= ln2/2 (remainder < 2e-14; the subtraction loses at most 3 bits at |x| = 0.125).
inline float tanh_float(float xf) {
  const double x = xf;
  const double a = std::fabs(x);
  if (!(a == a)) return xf;
  if (a > 9.1) return std::copysign(1.0f, xf);  // 1 - tanh(9.1) < 2.6e-8 < half a float ulp of 1
  if (a < 1e-9) return xf;                      // tanh x = x (1 - x^2/3), keeps -0
  if (a < 0.125) {
    const double z = x * x;
    return static_cast<float>(
        x + x * z * (-1.0 / 3 + z * (2.0 / 15 + z * (-17.0 / 315 + z * (62.0 / 2835)))));
  }
  const double y = 2.0 * a;
  const int k = detail::round_int(y * detail::kInvLn2);
  const double r = (y - k * detail::kLn2Hi) - k * detail::kLn2Lo;
  double p = 1.0 / 39916800.0;  // 1/11!
  static constexpr double kInvFact[] = {
      1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
      1.0 / 24.0,      1.0 / 6.0,      1.0 / 2.0,     1.0,          1.0};
  for (double c : kInvFact) p = p * r + c;
  const double e = p * detail::pow2i(k);  // k in [0, 27]
  return static_cast<float>(std::copysign(1.0 - 2.0 / (e + 1.0), x));
}

// erf x. |x| < 2.5: Maclaurin series of e^(-x^2) erf-scaled form, all terms positive:
// erf x = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)) (A&S 7.1.6). Beyond: 1 -
// erfc x by its continued fraction (A&S 7.1.14), 60 levels, evaluated from the bottom up. erf
// is 1 in double beyond |x| = 6.
inline double erf(double x) {
  const double a = std::fabs(x);
  if (!(a == a)) return x;
  if (a >= 6.0) return std::copysign(1.0, x);
  constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
  double r;
  if (a < 2.5) {
    const double z = a * a;
    double term = a, sum = a;
    for (int n = 1; n < 80; ++n) {
      term *= 2.0 * z / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = kTwoOverSqrtPi * exp(-z) * sum;
  } else {
    // erfc a = e^(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
    double f = a;
    for (int k = 60; k >= 1; --k) f = a + (0.5 * k) / f;
    r = 1.0 - 0.5 * kTwoOverSqrtPi * exp(-a * a) / f;
  }
  return std::copysign(r, x);
}

namespace detail {
// sin and cos of |r| <= pi/4 by their Taylor series (to r^19/19! and r^18/18!; remainders below
// 1e-19 of the result).
inline double sin_kernel(double r) {
  const double z = r * r;
  double p = -1.0 / 121645100408832000.0;  // -1/19!
  static constexpr double kC[] = {
      1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0,
      1.0 / 362880.0,          -1.0 / 5040.0,          1.0 / 120.0,        -1.0 / 6.0};
  for (double c : kC) p = p * z + c;
  return r + r * z * p;
}
inline double cos_kernel(double r) {
  const double z = r * r;
  double p = -1.0 / 6402373705728000.0;  // -1/18!
  static constexpr double kC[] = {
      1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0, -1.0 / 3628800.0,
      1.0 / 40320.0,          -1.0 / 720.0,         1.0 / 24.0};
  for (double c : kC) p = p * z + c;
  const double hz = 0.5 * z;
  return (1.0 - hz) + ((1.0 - (1.0 - hz)) - hz + z * z * p);
}
// x = n pi/2 + r with |r| <= ~pi/4; pi/2 in three parts of 33 bits (fdlibm's pio2_1..3), so
// n * part is exact for |n| < 2^19. Returns n mod 4.
inline int reduce_pio2(double x, double& r) {
  const int n = round_int(x * 6.36619772367581382433e-01);  // 2/pi
  r = ((x - n * 1.57079632673412561417e+00) - n * 6.07710050630396597660e-11) -
      n * 2.02226624871116645580e-21;
  return n & 3;
}
constexpr double kTrigLimit = 823549.6;  // 2^19 pi/2
// sin(q pi/2 + r) for a quadrant q in 0..3; cos x = sin(x + pi/2) is the next quadrant.
inline double sin_quadrant(int q, double r) {
  switch (q & 3) {
    case 0:
      return sin_kernel(r);
    case 1:
      return cos_kernel(r);
    case 2:
      return -sin_kernel(r);
    default:
      return -cos_kernel(r);
  }
}
}  // namespace detail

inline double sin(double x) {
  if (!(std::fabs(x) < detail::kTrigLimit)) return std::numeric_limits<double>::quiet_NaN();
  double r;
  const int q = detail::reduce_pio2(x, r);
  return detail::sin_quadrant(q, r);
}

inline double cos(double x) {
  if (!(std::fabs(x) < detail::kTrigLimit)) return std::numeric_limits<double>::quiet_NaN();
  double r;
  const int q = detail::reduce_pio2(x, r);
  return detail::sin_quadrant(q + 1, r);
}

// b^n for an integer n >= 0 by repeated squaring (Adam's bias corrections beta^t); relative
// error below n ulp.
inline double powi(double b, long long n) {
  double r = 1.0;
  while (n > 0) {
    if (n & 1) r *= b;
    b *= b;
    n >>= 1;
  }
  return r;
}

}  // namespace initscope::pm
