// meanfield.cpp: the mean-field length and correlation maps, their fixed points and depth scales
// (meanfield.hpp for the references and definitions).
#include "initscope/meanfield.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "initscope/activation.hpp"
#include "initscope/pmath.hpp"

namespace initscope {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;
// The integrals run over [-kZMax, kZMax] standard deviations: the Gaussian mass beyond 10 is
// below 2e-23, and every activation grows at most linearly, so the tail is negligible.
constexpr double kZMax = 10.0;

// ---------------------------------------------------------------------------------------------
// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre polynomial; reference:
// Press et al., Numerical Recipes, gauleg).
struct Legendre {
  std::vector<double> x, w;
  explicit Legendre(int n) : x(n), w(n) {
    for (int i = 0; i < n; ++i) {
      double z = pm::cos(kPi * (i + 0.75) / (n + 0.5)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1, p1 = 0;
        for (int j = 1; j <= n; ++j) {
          const double p2 = p1;
          p1 = p0;
          p0 = ((2.0 * j - 1) * z * p1 - (j - 1.0) * p2) / j;
        }
        dp = n * (z * p0 - p1) / (z * z - 1);
        const double dz = p0 / dp;
        z -= dz;
        if (std::fabs(dz) < 1e-16) break;
      }
      x[i] = z;
      w[i] = 2.0 / ((1 - z * z) * dp * dp);
    }
  }
};

// The composite rule. From the point where the integrand turns fastest (z = 0 for phi(s z), the
// kink of the inner integral in two dimensions) panels grow geometrically from `first` (half the
// width over which phi(s z) turns, 1/s) until they are 1 wide, then stay 1 wide out to kZMax; each
// gets an `order`-point Gauss-Legendre rule. A panel [a, 2a] never contains the turning point,
// so a function analytic off the real axis near it (tanh, sigmoid, gelu) converges fast, and a
// kink at a panel edge costs nothing. Measured against closed forms and an independent Simpson
// rule: below 1e-10 relative for kPrecise (12 points), about 1e-6 for kFast (6 points).
int order_of(Quadrature q) { return q == Quadrature::kPrecise ? 12 : 6; }
// kFast stops at 6 standard deviations (the mass beyond is 2e-9) with panels up to 2 wide.
double zmax_of(Quadrature q) { return q == Quadrature::kPrecise ? kZMax : 6.0; }
double widest_of(Quadrature q) { return q == Quadrature::kPrecise ? 1.0 : 2.0; }

const Legendre& legendre(int order) {
  static const Legendre l6(6), l12(12);
  return order == 6 ? l6 : l12;
}

constexpr double kInvSqrt2Pi = 0.39894228040143267794;

// Appends nodes and Gaussian-weighted weights on the interval from `at` to `to` (either side).
void add_interval(double at, double to, double first, Quadrature q, std::vector<double>& z,
                  std::vector<double>& w) {
  const double len = std::fabs(to - at), dir = to > at ? 1.0 : -1.0;
  if (len == 0) return;
  const int order = order_of(q);
  const double widest = widest_of(q);
  const Legendre& g = legendre(order);
  double lo = 0, width = std::min(first, widest);
  while (lo < len) {
    const double hi = std::min(len, lo + width);
    const double mid = at + dir * 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    for (int i = 0; i < order; ++i) {
      const double x = mid + half * g.x[i];
      z.push_back(x);
      w.push_back(half * g.w[i] * pm::exp(-0.5 * x * x) * kInvSqrt2Pi);
    }
    lo = hi;
    width = std::min(2 * width, widest);
  }
}

// Nodes and weights over z in [-kZMax, kZMax] for a function that turns at z = at over a width of
// about 1 / scale.
void gauss_rule(double at, double scale, Quadrature q, std::vector<double>& z,
                std::vector<double>& w) {
  z.clear();
  w.clear();
  // Panels no finer than 1e-8 (scale 5e7): that resolves any turn a double-precision pre-activation
  // can show, and keeps a rule under ~1,000 nodes (a perfectly aligned pair has sc = 0).
  const double first = 0.5 / std::clamp(scale, 1e-300, 5e7);
  const double zmax = zmax_of(q);
  add_interval(std::clamp(at, -zmax, zmax), -zmax, first, q, z, w);
  add_interval(std::clamp(at, -zmax, zmax), zmax, first, q, z, w);
}

// The rules' scratch vectors live as long as the thread and are sized once for the largest rule
// (2 sides x (27 graded + 10 unit panels) x 12 points < 1,024), so they never grow later: a
// heap that creeps up between runs would look like a leak (tests/node/lifetime.test.mjs).
void reserve_rule(std::vector<double>& z, std::vector<double>& w) {
  constexpr std::size_t kMaxNodes = 1024;
  if (z.capacity() < kMaxNodes) z.reserve(kMaxNodes);
  if (w.capacity() < kMaxNodes) w.reserve(kMaxNodes);
}

double phi(Activation a, double s, double x) { return activate_scalar(a, s, x); }
double dphi(Activation a, double s, double x) { return derivative_scalar(a, s, x); }

// E[f(z)] for f turning at z = 0 over about 1 / scale.
template <typename F>
double expect1(Quadrature q, double scale, F f) {
  thread_local std::vector<double> z, w;
  reserve_rule(z, w);
  gauss_rule(0.0, scale, q, z, w);
  double sum = 0;
  for (std::size_t i = 0; i < z.size(); ++i) sum += w[i] * f(z[i]);
  return sum;
}

// Slope of the length map at q: d/dq sigma_w^2 E[phi(sqrt(q) z)^2] = sigma_w^2 E[phi phi' z] /
// sqrt(q) (Stein's lemma turns this into chi_1 + sigma_w^2 E[phi phi''], Schoenholz eq. 6).
double q_map_slope(const MeanFieldParams& p, double q) {
  if (q <= 0) {
    const double d = dphi(p.activation, p.leaky_slope, 0.0);
    return p.weight_var * d * d;  // the limit for phi(0) = 0; only used when q* = 0
  }
  const double s = std::sqrt(q);
  const double e = expect1(Quadrature::kPrecise, s, [&](double z) {
    return phi(p.activation, p.leaky_slope, s * z) * dphi(p.activation, p.leaky_slope, s * z) * z;
  });
  return p.weight_var * e / s;
}

// chi_1 where the length diverges: its large-q limit (exact for the homogeneous activations).
constexpr double kHugeQ = 1e12;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Gaussian integrals

// sqrt(q), kept above 0 so that q = 0 gives the one-sided limits at a kink (selu: phi' is
// lambda for z > 0 and lambda alpha for z < 0 however small q is), not phi'(0) everywhere.
double scale_of(double q) { return std::sqrt(std::max(q, 1e-300)); }

double gauss_phi_sq(Activation act, double slope, double q, Quadrature rule) {
  const double s = scale_of(q);
  return expect1(rule, s, [&](double z) {
    const double f = phi(act, slope, s * z);
    return f * f;
  });
}

double gauss_dphi_sq(Activation act, double slope, double q, Quadrature rule) {
  const double s = scale_of(q);
  return expect1(rule, s, [&](double z) {
    const double f = dphi(act, slope, s * z);
    return f * f;
  });
}

double gauss_pair(Activation act, double slope, double qa, double qb, double c, bool derivative,
                  Quadrature rule) {
  c = std::clamp(c, -1.0, 1.0);
  const double sa = scale_of(qa), sb = scale_of(qb);
  const double sc = std::sqrt(std::max(0.0, 1.0 - c * c));
  auto f = [&](double x) { return derivative ? dphi(act, slope, x) : phi(act, slope, x); };
  thread_local std::vector<double> z1s, w1s, z2, w2;
  reserve_rule(z1s, w1s);
  reserve_rule(z2, w2);
  // The outer integrand f(sa z1) E_z2[f(u_b)] turns at z1 = 0 over 1/sa (f) and over about
  // sqrt(1 - c^2)/|c| (the inner expectation, which sharpens as the inputs align).
  gauss_rule(0.0, sc > 0 ? std::max(sa, std::fabs(c) / sc) : std::max(sa, sb), rule, z1s, w1s);
  double sum = 0;
  for (std::size_t i = 0; i < z1s.size(); ++i) {
    const double z1 = z1s[i];
    const double fa = f(sa * z1);
    if (fa == 0) continue;
    double inner;
    if (sc == 0) {
      inner = f(sb * c * z1);
    } else {
      // u_b = sb (c z1 + sc z2) turns (or kinks) where c z1 + sc z2 = 0, over about 1/(sb sc).
      gauss_rule(std::clamp(-c * z1 / sc, -kZMax, kZMax), sb * sc, rule, z2, w2);
      inner = 0;
      for (std::size_t k = 0; k < z2.size(); ++k) inner += w2[k] * f(sb * (c * z1 + sc * z2[k]));
    }
    sum += w1s[i] * fa * inner;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Maps

double q_map(const MeanFieldParams& p, double q, Quadrature rule) {
  return p.weight_var * gauss_phi_sq(p.activation, p.leaky_slope, q, rule) + p.bias_var;
}

double cov_map(const MeanFieldParams& p, double qa, double qb, double c, Quadrature rule) {
  return p.weight_var * gauss_pair(p.activation, p.leaky_slope, qa, qb, c, false, rule) +
         p.bias_var;
}

double c_map(const MeanFieldParams& p, double q, double c, Quadrature rule) {
  const double next = q_map(p, q, rule);
  if (next <= 0) return 1.0;  // both inputs collapse to the zero vector: identical
  return std::clamp(cov_map(p, q, q, c, rule) / next, -1.0, 1.0);
}

double chi_1(const MeanFieldParams& p, double q, Quadrature rule) {
  return p.weight_var *
         gauss_dphi_sq(p.activation, p.leaky_slope, std::isinf(q) ? kHugeQ : q, rule);
}

double q_star(const MeanFieldParams& p, Quadrature rule) {
  // h(q) = q_map(q) - q: h(0) = sigma_w^2 phi(0)^2 + sigma_b^2 >= 0. The stable fixed point is
  // the first place h turns from positive to non-positive; scan q over a geometric grid, then
  // bisect. If h(0) = 0 and h < 0 just above 0, q* = 0 (ordered, no bias).
  auto h = [&](double q) { return q_map(p, q, rule) - q; };
  const double h0 = h(0.0);
  double prev = 0.0;
  bool prev_positive = h0 > 0;
  for (double q = 1e-12; q <= kHugeQ; q *= 2) {
    const double v = h(q);
    if (v <= 0) {
      if (!prev_positive) return 0.0;  // h(0) = 0 and decreasing: q* = 0
      double lo = prev, hi = q;
      for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
        const double mid = 0.5 * (lo + hi);
        (h(mid) > 0 ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi);
    }
    prev = q;
    prev_positive = true;
  }
  return kInf;
}

const char* to_string(Phase p) {
  switch (p) {
    case Phase::ordered:
      return "ordered";
    case Phase::critical:
      return "critical";
    case Phase::chaotic:
      return "chaotic";
  }
  return "?";
}

void validate(const MeanFieldQuery& m) {
  const MeanFieldParams& p = m.params;
  auto num = [](double v) { return format_number(v); };
  if (!(p.leaky_slope >= 0 && p.leaky_slope <= 1))
    throw ConfigError("leakySlope", num(p.leaky_slope), "a number in [0, 1]");
  if (!(p.weight_var > 0 && p.weight_var <= limits::kMaxWeightVar))
    throw ConfigError("weightVar", num(p.weight_var),
                      "a number in (0, " + num(limits::kMaxWeightVar) + "]");
  if (!(p.bias_var >= 0 && p.bias_var <= limits::kMaxWeightVar))
    throw ConfigError("biasVar", num(p.bias_var),
                      "a number in [0, " + num(limits::kMaxWeightVar) + "]");
  if (m.depth < 1 || m.depth > kMaxTheoryDepth)
    throw ConfigError("depth", std::to_string(m.depth), int_range(1, kMaxTheoryDepth));
  if (!(m.q0 > 0 && m.q0 <= 1e6)) throw ConfigError("q0", num(m.q0), "a number in (0, 1e6]");
  if (!(m.c0 >= -1 && m.c0 <= 1)) throw ConfigError("c0", num(m.c0), "a number in [-1, 1]");
}

MeanFieldResult mean_field(const MeanFieldQuery& m) {
  validate(m);
  const MeanFieldParams& p = m.params;
  MeanFieldResult r;
  r.q.resize(m.depth + 1);
  r.c.resize(m.depth + 1);
  r.q[0] = m.q0;
  r.c[0] = m.c0;
  // Layer 1 sees the input linearly.
  r.q[1] = p.weight_var * m.q0 + p.bias_var;
  r.c[1] = (p.weight_var * m.q0 * m.c0 + p.bias_var) / r.q[1];
  for (int l = 2; l <= m.depth; ++l) {
    r.q[l] = q_map(p, r.q[l - 1]);
    r.c[l] = std::isfinite(r.q[l]) ? c_map(p, r.q[l - 1], r.c[l - 1]) : r.c[l - 1];
  }

  fixed_points(p, Quadrature::kPrecise, r);
  return r;
}

void fixed_points(const MeanFieldParams& p, Quadrature rule, MeanFieldResult& r) {
  r.q_star = q_star(p, rule);
  r.chi_1 = chi_1(p, r.q_star, rule);
  const bool critical = std::fabs(r.chi_1 - 1.0) <= 1e-8;
  r.phase = critical ? Phase::critical : r.chi_1 < 1 ? Phase::ordered : Phase::chaotic;
  r.xi_q = std::isinf(r.q_star) ? kNaN : -1.0 / pm::log(q_map_slope(p, r.q_star));

  // c*: 1 unless the correlation map pushes c = 1 away (chi_1 > 1 at a finite q*); then the
  // root of c_map(c) - c in [0, 1) (c_map(0) >= 0, and c_map(c) < c just below 1).
  r.c_star = 1.0;
  r.chi_c = r.chi_1;
  if (r.phase == Phase::chaotic && std::isfinite(r.q_star) && r.q_star > 0) {
    const double q = r.q_star;
    auto g = [&](double c) { return c_map(p, q, c, rule) - c; };
    // The bracket's top must lie where c_map(c) < c beats the rule's error (1e-6 for kFast).
    double lo = 0.0, hi = 1.0 - (rule == Quadrature::kPrecise ? 1e-9 : 1e-4);
    double glo = g(lo), ghi = g(hi);
    if (ghi < 0) {
      // Illinois false position: a bracketing method that converges superlinearly, so c* costs
      // about ten two-dimensional integrals instead of sixty.
      int side = 0;
      for (int it = 0; it < 100 && hi - lo > 1e-14; ++it) {
        const double x = (lo * ghi - hi * glo) / (ghi - glo);
        const double gx = g(x);
        if (gx == 0) {
          lo = hi = x;
          break;
        }
        if (gx > 0) {
          lo = x, glo = gx;
          if (side == 1) ghi *= 0.5;
          side = 1;
        } else {
          hi = x, ghi = gx;
          if (side == -1) glo *= 0.5;
          side = -1;
        }
      }
      r.c_star = 0.5 * (lo + hi);
      r.chi_c = p.weight_var * gauss_pair(p.activation, p.leaky_slope, q, q, r.c_star, true, rule);
    }
  }
  r.xi_c = critical ? kInf : -1.0 / pm::log(r.chi_c);
  if (!std::isfinite(r.xi_c) || r.xi_c < 0) r.xi_c = kInf;  // chi_c = 1 to rounding
}

PhaseGrid phase_grid(const PhaseGridQuery& g) {
  auto num = [](double v) { return format_number(v); };
  if (!(g.leaky_slope >= 0 && g.leaky_slope <= 1))
    throw ConfigError("leakySlope", num(g.leaky_slope), "a number in [0, 1]");
  const std::string cap = num(limits::kMaxWeightVar);
  if (!(g.w_max > 0 && g.w_max <= limits::kMaxWeightVar))
    throw ConfigError("wMax", num(g.w_max), "a number in (0, " + cap + "]");
  if (!(g.b_max > 0 && g.b_max <= limits::kMaxWeightVar))
    throw ConfigError("bMax", num(g.b_max), "a number in (0, " + cap + "]");
  if (g.nx < 2 || g.nx > kMaxPhaseCells)
    throw ConfigError("nx", std::to_string(g.nx), int_range(2, kMaxPhaseCells));
  if (g.ny < 2 || g.ny > kMaxPhaseCells)
    throw ConfigError("ny", std::to_string(g.ny), int_range(2, kMaxPhaseCells));
  PhaseGrid out;
  out.chi_1.resize(static_cast<std::size_t>(g.nx) * g.ny);
  out.xi_c.resize(out.chi_1.size());
  MeanFieldResult r;
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const MeanFieldParams p{g.activation, g.leaky_slope, g.w_max * (i + 0.5) / g.nx,
                              g.b_max * (j + 0.5) / g.ny};
      fixed_points(p, Quadrature::kFast, r);
      out.chi_1[static_cast<std::size_t>(j) * g.nx + i] = r.chi_1;
      out.xi_c[static_cast<std::size_t>(j) * g.nx + i] = r.xi_c;
    }
  return out;
}

double critical_weight_var(Activation act, double slope, double bias_var) {
  if (!(slope >= 0 && slope <= 1))
    throw ConfigError("leakySlope", format_number(slope), "a number in [0, 1]");
  if (!(bias_var >= 0 && bias_var <= limits::kMaxWeightVar))
    throw ConfigError("biasVar", format_number(bias_var),
                      "a number in [0, " + format_number(limits::kMaxWeightVar) + "]");
  MeanFieldParams p{act, slope, 1.0, bias_var};
  auto g = [&](double wv) {
    p.weight_var = wv;
    return chi_1(p, q_star(p)) - 1.0;
  };
  // chi_1 grows with sigma_w^2 along q*: scan up to the cap, then bisect the first crossing.
  double prev = 1e-3;
  double g_prev = g(prev);
  if (g_prev >= 0) return kNaN;
  for (double wv = prev * 1.25; wv <= limits::kMaxWeightVar * 1.25; wv *= 1.25) {
    const double x = std::min(wv, limits::kMaxWeightVar);
    const double v = g(x);
    if (v >= 0) {
      double lo = prev, hi = x;
      for (int it = 0; it < 200 && hi - lo > 1e-14 * hi; ++it) {
        const double mid = 0.5 * (lo + hi);
        (g(mid) < 0 ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi);
    }
    if (x == limits::kMaxWeightVar) break;
    prev = x;
  }
  return kNaN;
}

std::vector<double> correlation_profile(Activation act, double slope,
                                        const std::vector<double>& weight_var,
                                        const std::vector<double>& bias_var, double qa, double qb,
                                        double c, Quadrature rule) {
  std::vector<double> out(weight_var.size());
  for (std::size_t l = 0; l < weight_var.size(); ++l) {
    double cov, na, nb;
    if (l == 0) {  // the input enters linearly
      cov = weight_var[0] * std::sqrt(qa * qb) * c + bias_var[0];
      na = weight_var[0] * qa + bias_var[0];
      nb = weight_var[0] * qb + bias_var[0];
    } else {
      const MeanFieldParams p{act, slope, weight_var[l], bias_var[l]};
      cov = cov_map(p, qa, qb, c, rule);
      na = weight_var[l] * gauss_phi_sq(act, slope, qa, rule) + bias_var[l];
      nb = weight_var[l] * gauss_phi_sq(act, slope, qb, rule) + bias_var[l];
    }
    c = na > 0 && nb > 0 ? std::clamp(cov / std::sqrt(na * nb), -1.0, 1.0) : 1.0;
    qa = na;
    qb = nb;
    out[l] = c;
  }
  return out;
}

}  // namespace initscope
