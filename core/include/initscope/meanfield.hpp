// initscope/meanfield.hpp: mean-field signal propagation at initialization, for an infinitely
// wide network with W ~ N(0, sigma_w^2 / fan_in) and b ~ N(0, sigma_b^2).
//
// reference: Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli 2016, "Exponential expressivity in
//   deep neural networks through transient chaos" (the length map q and correlation map c);
// reference: Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, "Deep information propagation"
//   (chi_1, the ordered and chaotic phases, the depth scales xi_q and xi_c, eqs. 3-9);
// reference: Pennington, Schoenholz & Ganguli 2017, "Resurrecting the sigmoid in deep learning
//   through dynamical isometry" (the mean squared singular value of the input-output Jacobian).
//
// Every expectation is over z ~ N(0, 1) (two independent ones for the correlation map) and is
// computed by composite Gauss-Legendre quadrature on [-10, 10] standard deviations, with panels
// graded geometrically away from the point where the integrand turns or kinks (x = 0 for relu,
// leaky_relu and selu; in two dimensions the inner variable's own turning point), so
// piecewise-smooth activations are integrated as accurately as smooth ones. Measured: below
// 1e-12 relative against the closed forms (relu, leaky_relu, linear), below 1e-8 against an
// independent Simpson rule for tanh, sigmoid, gelu and selu (tests/native/test_meanfield.cpp).
#pragma once
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace initscope {

// The three numbers a mean-field network is defined by, plus the activation.
struct MeanFieldParams {
  Activation activation = Activation::tanh;
  double leaky_slope = 0.01;
  double weight_var = 1.0;  // sigma_w^2
  double bias_var = 0.0;    // sigma_b^2
};

// How finely the Gaussian integrals are resolved. kPrecise (12 points a panel) is what the public
// functions use; kFast (6 points, 4x cheaper in two dimensions, about 1e-6 relative) is for the
// per-pair statistics of a finite network, whose own sampling error is orders of magnitude larger.
enum class Quadrature { kPrecise, kFast };

// E[phi(sqrt(q) z)^2], E[phi'(sqrt(q) z)^2].
double gauss_phi_sq(Activation act, double slope, double q, Quadrature rule = Quadrature::kPrecise);
double gauss_dphi_sq(Activation act, double slope, double q,
                     Quadrature rule = Quadrature::kPrecise);
// E[f(u_a) g(u_b)] with (u_a, u_b) jointly Gaussian, variances qa, qb and correlation c:
// u_a = sqrt(qa) z1, u_b = sqrt(qb) (c z1 + sqrt(1 - c^2) z2). `derivative` takes phi' for
// both f and g (the chi_c integral) instead of phi.
double gauss_pair(Activation act, double slope, double qa, double qb, double c, bool derivative,
                  Quadrature rule = Quadrature::kPrecise);

// The length map q^l = sigma_w^2 E[phi(sqrt(q^{l-1}) z)^2] + sigma_b^2.
double q_map(const MeanFieldParams& p, double q, Quadrature rule = Quadrature::kPrecise);
// The covariance map for two inputs whose pre-activations have variances qa, qb and
// correlation c: sigma_w^2 E[phi(u_a) phi(u_b)] + sigma_b^2. The correlation at the next layer
// is this over sqrt(q_map(qa) q_map(qb)).
double cov_map(const MeanFieldParams& p, double qa, double qb, double c,
               Quadrature rule = Quadrature::kPrecise);
// The correlation map c^l = cov_map(q, q, c) / q_map(q), for two inputs of equal length q.
double c_map(const MeanFieldParams& p, double q, double c, Quadrature rule = Quadrature::kPrecise);
// chi_1 = sigma_w^2 E[phi'(sqrt(q) z)^2], the slope of the correlation map at c = 1 (at q*).
double chi_1(const MeanFieldParams& p, double q, Quadrature rule = Quadrature::kPrecise);

// The stable fixed point q* of the length map; +infinity when the length grows without bound
// (e.g. relu with sigma_w^2 > 2). With sigma_b^2 = 0 and phi(0) = 0 it is 0 in the ordered phase.
double q_star(const MeanFieldParams& p, Quadrature rule = Quadrature::kPrecise);

enum class Phase { ordered, critical, chaotic };
const char* to_string(Phase);

struct MeanFieldResult {
  std::vector<double> q;  // [depth + 1]: q[0] = q0 (the input), q[l] layer l's pre-activations
  std::vector<double> c;  // [depth + 1]: correlation of two inputs, c[0] = c0
  double q_star = 0;      // +infinity when the length diverges
  double c_star = 1;      // 1 in the ordered phase
  double chi_1 = 0;       // at q* (for a diverging length: its limit, e.g. sigma_w^2 / 2 for relu)
  double chi_c = 0;       // sigma_w^2 E[phi'(u_a) phi'(u_b)] at (q*, c*); = chi_1 when c* = 1
  double xi_q = 0;        // -1 / ln(slope of the length map at q*); NaN when q* is infinite
  double xi_c = 0;        // -1 / ln(chi_c); +infinity at criticality
  Phase phase = Phase::ordered;  // by chi_1: < 1 ordered, > 1 chaotic, |chi_1 - 1| <= 1e-8 critical
};

// The input: q0 = |x|^2 / n_0 (second moment of the input), c0 = cos(x_a, x_b). Layer 1 sees the
// input linearly (q^1 = sigma_w^2 q0 + sigma_b^2); every later layer applies phi first.
struct MeanFieldQuery {
  MeanFieldParams params;
  int depth = 20;
  double q0 = 1.0;
  double c0 = 0.5;
};
constexpr int kMaxTheoryDepth = 1000;
// Throws ConfigError naming the field (activation's slope, weightVar, biasVar, depth, q0, c0).
void validate(const MeanFieldQuery& query);
MeanFieldResult mean_field(const MeanFieldQuery& query);

// Fills r's q_star, c_star, chi_1, chi_c, xi_q, xi_c and phase (not q, c) for p.
void fixed_points(const MeanFieldParams& p, Quadrature rule, MeanFieldResult& r);

// chi_1 and xi_c over the (sigma_w^2, sigma_b^2) plane, for shading a phase diagram: cell (i, j)
// is centred at weightVar = wMax (i + 0.5) / nx, biasVar = bMax (j + 0.5) / ny; row-major by j.
// Uses Quadrature::kFast (about 1e-6 relative), which a picture needs and a number does not.
struct PhaseGridQuery {
  Activation activation = Activation::tanh;
  double leaky_slope = 0.01;
  double w_max = 4.0, b_max = 0.5;
  int nx = 40, ny = 26;
};
struct PhaseGrid {
  std::vector<double> chi_1, xi_c;  // [ny][nx]
};
constexpr int kMaxPhaseCells = 200;  // per axis
PhaseGrid phase_grid(const PhaseGridQuery& query);

// sigma_w^2 at which chi_1(q*) = 1 for the given activation and sigma_b^2, to about 1e-12
// relative; NaN when no sigma_w^2 in (0, 100] is critical. Throws ConfigError for a bad biasVar
// or leakySlope. reference: Schoenholz et al. 2017, Fig. 1 (tanh: ~1.76 at sigma_b^2 = 0.05).
double critical_weight_var(Activation act, double leaky_slope, double bias_var);

// The same maps for a finite network whose layers have their own effective sigma_w^2 and
// sigma_b^2: weight_var[l] = fan_in_l Var[w_l], bias_var[l] = Var[b_l]. Layer 0 sees the input
// linearly. Returns the correlation of the two inputs' pre-activations at every layer
// (clamped to [-1, 1]; 1 when both have zero length). qa0, qb0: the inputs' second moments.
std::vector<double> correlation_profile(Activation act, double slope,
                                        const std::vector<double>& weight_var,
                                        const std::vector<double>& bias_var, double qa0, double qb0,
                                        double c0, Quadrature rule);

}  // namespace initscope
