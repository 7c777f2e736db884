// meanfield.cpp: the mean-field length and correlation maps, their fixed points and depth scales
// (meanfield.hpp for the references and definitions).
#include "initscope/meanfield.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "initscope/activation.hpp"

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
      double z = std::cos(kPi * (i + 0.75) / (n + 0.5)), dp = 0;
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

// Panel boundaries on [0, kZMax]: geometrically graded towards 0 (widths 2^-12 .. 1/2), where
// phi(sqrt(q) z) turns fastest for a large q and where kinked activations kink, then equal panels
// of 1/2 up to kZMax. kFast: 6 equal panels. Each panel gets an `order`-point Gauss-Legendre rule.
struct RuleSize {
  std::vector<double> edges;  // on [0, 1] of the half-interval (scaled by its length)
  int order;
};
const RuleSize& rule_size(Quadrature q) {
  static const RuleSize precise = [] {
    RuleSize s{{0.0}, 12};
    for (int k = 12; k >= 1; --k) s.edges.push_back(std::ldexp(1.0, -k) / kZMax);
    for (double e = 1.0; e <= kZMax + 1e-9; e += 0.5) s.edges.push_back(e / kZMax);
    return s;
  }();
  static const RuleSize fast = [] {
    RuleSize s{{}, 8};
    for (int k = 0; k <= 6; ++k) s.edges.push_back(k / 6.0);
    return s;
  }();
  return q == Quadrature::kPrecise ? precise : fast;
}

const Legendre& legendre(int order) {
  static const Legendre l8(8), l12(12);
  return order == 8 ? l8 : l12;
}

// Appends nodes and Gaussian-weighted weights for the interval from `at` (where the panels are
// finest) to `to` (either side of it), with the rule's panels scaled to that length.
void add_interval(double at, double to, const RuleSize& s, std::vector<double>& z,
                  std::vector<double>& w) {
  const double len = to - at;
  if (len == 0) return;
  const Legendre& g = legendre(s.order);
  for (std::size_t p = 0; p + 1 < s.edges.size(); ++p) {
    const double a = at + len * s.edges[p], b = at + len * s.edges[p + 1];
    const double mid = 0.5 * (a + b), half = 0.5 * std::fabs(b - a);
    for (int i = 0; i < s.order; ++i) {
      const double t = mid + half * g.x[i];
      z.push_back(t);
      w.push_back(half * g.w[i] * std::exp(-0.5 * t * t) / std::sqrt(2 * kPi));
    }
  }
}

// The one-dimensional rule over z, split at z = 0 (where every kinked activation kinks, for
// any scale sqrt(q)).
struct Rule1 {
  std::vector<double> z, w;
  explicit Rule1(const RuleSize& s) {
    add_interval(0.0, -kZMax, s, z, w);
    add_interval(0.0, kZMax, s, z, w);
  }
};
const Rule1& rule1(Quadrature q) {
  static const Rule1 precise(rule_size(Quadrature::kPrecise)), fast(rule_size(Quadrature::kFast));
  return q == Quadrature::kPrecise ? precise : fast;
}

double phi(Activation a, double s, double x) { return activate_scalar(a, s, x); }
double dphi(Activation a, double s, double x) { return derivative_scalar(a, s, x); }

template <typename F>
double expect1(Quadrature q, F f) {
  const Rule1& r = rule1(q);
  double sum = 0;
  for (std::size_t i = 0; i < r.z.size(); ++i) sum += r.w[i] * f(r.z[i]);
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
  const double e = expect1(Quadrature::kPrecise, [&](double z) {
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
  return expect1(rule, [&](double z) {
    const double f = phi(act, slope, s * z);
    return f * f;
  });
}

double gauss_dphi_sq(Activation act, double slope, double q, Quadrature rule) {
  const double s = scale_of(q);
  return expect1(rule, [&](double z) {
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
  const Rule1& outer = rule1(rule);
  const RuleSize& size = rule_size(rule);
  std::vector<double> z2, w2;
  z2.reserve(outer.z.size());
  w2.reserve(outer.z.size());
  double sum = 0;
  for (std::size_t i = 0; i < outer.z.size(); ++i) {
    const double z1 = outer.z[i];
    const double fa = f(sa * z1);
    if (fa == 0) continue;
    double inner;
    if (sc == 0) {
      inner = f(sb * c * z1);
    } else {
      // u_b = sb (c z1 + sc z2) kinks where c z1 + sc z2 = 0: split the inner rule there.
      const double kink = std::clamp(-c * z1 / sc, -kZMax, kZMax);
      z2.clear();
      w2.clear();
      add_interval(kink, -kZMax, size, z2, w2);
      add_interval(kink, kZMax, size, z2, w2);
      inner = 0;
      for (std::size_t k = 0; k < z2.size(); ++k) inner += w2[k] * f(sb * (c * z1 + sc * z2[k]));
    }
    sum += outer.w[i] * fa * inner;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Maps

double q_map(const MeanFieldParams& p, double q) {
  return p.weight_var * gauss_phi_sq(p.activation, p.leaky_slope, q) + p.bias_var;
}

double cov_map(const MeanFieldParams& p, double qa, double qb, double c, Quadrature rule) {
  return p.weight_var * gauss_pair(p.activation, p.leaky_slope, qa, qb, c, false, rule) +
         p.bias_var;
}

double c_map(const MeanFieldParams& p, double q, double c) {
  const double next = q_map(p, q);
  if (next <= 0) return 1.0;  // both inputs collapse to the zero vector: identical
  return std::clamp(cov_map(p, q, q, c) / next, -1.0, 1.0);
}

double chi_1(const MeanFieldParams& p, double q) {
  return p.weight_var * gauss_dphi_sq(p.activation, p.leaky_slope, std::isinf(q) ? kHugeQ : q);
}

double q_star(const MeanFieldParams& p) {
  // h(q) = q_map(q) - q: h(0) = sigma_w^2 phi(0)^2 + sigma_b^2 >= 0. The stable fixed point is
  // the first place h turns from positive to non-positive; scan q over a geometric grid, then
  // bisect. If h(0) = 0 and h < 0 just above 0, q* = 0 (ordered, no bias).
  auto h = [&](double q) { return q_map(p, q) - q; };
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

  r.q_star = q_star(p);
  r.chi_1 = chi_1(p, r.q_star);
  const bool critical = std::fabs(r.chi_1 - 1.0) <= 1e-8;
  r.phase = critical ? Phase::critical : r.chi_1 < 1 ? Phase::ordered : Phase::chaotic;
  r.xi_q = std::isinf(r.q_star) ? kNaN : -1.0 / std::log(q_map_slope(p, r.q_star));

  // c*: 1 unless the correlation map pushes c = 1 away (chi_1 > 1 at a finite q*); then the
  // root of c_map(c) - c in [0, 1) (c_map(0) >= 0, and c_map(c) < c just below 1).
  r.c_star = 1.0;
  r.chi_c = r.chi_1;
  if (r.phase == Phase::chaotic && std::isfinite(r.q_star) && r.q_star > 0) {
    const double q = r.q_star;
    auto g = [&](double c) { return c_map(p, q, c) - c; };
    double lo = 0.0, hi = 1.0 - 1e-9;
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
      r.chi_c = p.weight_var *
                gauss_pair(p.activation, p.leaky_slope, q, q, r.c_star, true, Quadrature::kPrecise);
    }
  }
  r.xi_c = critical ? kInf : -1.0 / std::log(r.chi_c);
  if (!std::isfinite(r.xi_c) || r.xi_c < 0) r.xi_c = kInf;  // chi_c = 1 to rounding
  return r;
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
