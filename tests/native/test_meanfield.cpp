// Tests of core/include/initscope/meanfield.hpp: the mean-field maps against closed forms, the
// critical line of tanh against the published value, finite networks against the theory, the
// gradient recursion and the Jacobian spectrum (run.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "initscope/activation.hpp"
#include "initscope/init.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/mlp.hpp"
#include "initscope/rng.hpp"
#include "initscope/run.hpp"
#include "initscope/stats.hpp"

using namespace initscope;

namespace {

constexpr double kPi = 3.14159265358979323846;

// reference: Cho & Saul 2009, the arc-cosine kernel of degree 1:
// E[relu(u_a) relu(u_b)] = sqrt(qa qb) / (2 pi) (sin t + (pi - t) cos t), t = arccos c.
double relu_pair(double qa, double qb, double c) {
  const double t = std::acos(c);
  return std::sqrt(qa * qb) / (2 * kPi) * (std::sin(t) + (kPi - t) * c);
}
// leaky(x) = a x + (1 - a) relu(x); E[u_a relu(u_b)] = sqrt(qa qb) c / 2 by symmetry.
double leaky_pair(double a, double qa, double qb, double c) {
  return a * std::sqrt(qa * qb) * c + (1 - a) * (1 - a) * relu_pair(qa, qb, c);
}

double rel(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

}  // namespace

TEST_CASE("meanfield: relu, leaky_relu and linear maps equal their closed forms within 1e-9",
          "[meanfield]") {
  for (double wv : {0.5, 2.0, 3.0})
    for (double bv : {0.0, 0.05, 0.3})
      for (double q : {0.01, 1.0, 7.5}) {
        INFO("weightVar " << wv << " biasVar " << bv << " q " << q);
        const MeanFieldParams relu{Activation::relu, 0.0, wv, bv};
        CHECK(rel(q_map(relu, q), wv * q / 2 + bv) <= 1e-9);
        CHECK(rel(chi_1(relu, q), wv / 2) <= 1e-9);  // chi_1 = sigma_w^2 / 2 for every q
        const MeanFieldParams leaky{Activation::leaky_relu, 0.2, wv, bv};
        CHECK(rel(q_map(leaky, q), wv * (1 + 0.04) / 2 * q + bv) <= 1e-9);
        CHECK(rel(chi_1(leaky, q), wv * (1 + 0.04) / 2) <= 1e-9);
        const MeanFieldParams linear{Activation::linear, 0.0, wv, bv};
        CHECK(rel(q_map(linear, q), wv * q + bv) <= 1e-9);
        CHECK(rel(chi_1(linear, q), wv) <= 1e-9);
        for (double c : {-0.9, -0.3, 0.0, 0.4, 0.95, 0.9999}) {
          INFO("c " << c);
          const double qb = 0.6 * q;
          CHECK(rel(cov_map(relu, q, qb, c), wv * relu_pair(q, qb, c) + bv) <= 1e-9);
          CHECK(rel(cov_map(leaky, q, qb, c), wv * leaky_pair(0.2, q, qb, c) + bv) <= 1e-9);
          if (wv * c * std::sqrt(q * qb) + bv != 0)
            CHECK(rel(cov_map(linear, q, qb, c), wv * c * std::sqrt(q * qb) + bv) <= 1e-9);
          CHECK(rel(c_map(relu, q, c), (wv * relu_pair(q, q, c) + bv) / (wv * q / 2 + bv)) <= 1e-9);
        }
      }
}

TEST_CASE("meanfield: smooth activations' integrals agree with an independent Simpson rule",
          "[meanfield]") {
  // post_second_moment (activation.cpp) is composite Simpson on [-10, 10] with h = 0.01: its
  // error is about 20 h^4 max|f''''| / 180 ~ 1e-9, so agreement within 1e-8 relative bounds the
  // Gauss-Legendre rule's error by the same.
  for (Activation act : {Activation::tanh, Activation::sigmoid, Activation::gelu, Activation::selu})
    for (double q : {0.1, 0.57, 1.0, 2.2, 10.0}) {
      INFO(to_string(act) << " q " << q);
      CHECK(rel(gauss_phi_sq(act, 0.01, q), post_second_moment(act, 0.01, q)) <= 1e-8);
    }
}

TEST_CASE("meanfield: tanh's critical weightVar at biasVar 0.05 is the published 1.76",
          "[meanfield]") {
  // reference: Schoenholz et al. 2017, Fig. 1 / Pennington et al. 2017: sigma_w^2 ~ 1.76 at
  // sigma_b^2 = 0.05. We compute 1.7609546396067 (bisection to 1e-14; chi_1 = 1 there to 1e-8).
  const double wc = critical_weight_var(Activation::tanh, 0.0, 0.05);
  CHECK(std::fabs(wc - 1.76) <= 0.005);  // the published value has two decimals
  CHECK(std::fabs(wc - 1.7609546396067) <= 1e-9);
  MeanFieldParams p{Activation::tanh, 0.0, wc, 0.05};
  CHECK(std::fabs(chi_1(p, q_star(p)) - 1.0) <= 1e-8);
  // Without bias the critical point is sigma_w^2 = 1 (q* = 0, chi_1 = sigma_w^2 tanh'(0)^2). It
  // is ill-conditioned: above 1, q* ~ (sigma_w^2 - 1)/2 and chi_1 - 1 is only second order in
  // sigma_w^2 - 1, so double precision locates it to about sqrt(1e-16) = 1e-8.
  CHECK(std::fabs(critical_weight_var(Activation::tanh, 0.0, 0.0) - 1.0) <= 1e-8);
  // relu: chi_1 = sigma_w^2 / 2, so 2 for any bias; leaky: 2 / (1 + a^2).
  CHECK(std::fabs(critical_weight_var(Activation::relu, 0.0, 0.1) - 2.0) <= 1e-9);
  CHECK(std::fabs(critical_weight_var(Activation::leaky_relu, 0.2, 0.0) - 2.0 / 1.04) <= 1e-9);

  SECTION("xi_c grows without bound at the critical point") {
    MeanFieldQuery m;
    m.params = {Activation::tanh, 0.0, wc, 0.05};
    CHECK(mean_field(m).phase == Phase::critical);
    CHECK(std::isinf(mean_field(m).xi_c));
    double previous = 0;
    for (double d : {1e-1, 1e-2, 1e-3, 1e-4}) {
      for (double side : {-1.0, 1.0}) {
        m.params.weight_var = wc * (1 + side * d);
        const MeanFieldResult r = mean_field(m);
        INFO("weightVar " << m.params.weight_var << " xi_c " << r.xi_c);
        CHECK(r.phase == (side < 0 ? Phase::ordered : Phase::chaotic));
        CHECK(r.xi_c > previous);
      }
      m.params.weight_var = wc * (1 - d);
      previous = mean_field(m).xi_c;
    }
    CHECK(previous > 1000);
  }
  SECTION("ordered: correlations go to 1; chaotic: to c* < 1") {
    MeanFieldQuery m;
    m.depth = 200;
    m.params = {Activation::tanh, 0.0, 1.0, 0.05};
    MeanFieldResult r = mean_field(m);
    CHECK(r.c_star == 1.0);
    CHECK(r.c.back() > 1 - 1e-9);
    m.params.weight_var = 4.0;
    r = mean_field(m);
    CHECK(r.c_star < 0.5);
    CHECK(std::fabs(r.c.back() - r.c_star) <= 1e-6);
    CHECK(std::fabs(r.q.back() - r.q_star) <= 1e-9 * r.q_star);
  }
}

TEST_CASE("meanfield: bad input names the field", "[meanfield]") {
  MeanFieldQuery m;
  auto fails = [&](const char* field) {
    try {
      mean_field(m);
    } catch (const ConfigError& e) {
      return e.field() == field;
    }
    return false;
  };
  m.params.weight_var = 0;
  CHECK(fails("weightVar"));
  m.params.weight_var = 1e9;
  CHECK(fails("weightVar"));
  m.params.weight_var = std::nan("");
  CHECK(fails("weightVar"));
  m.params.weight_var = 1;
  m.params.bias_var = -1;
  CHECK(fails("biasVar"));
  m.params.bias_var = 0;
  m.depth = 0;
  CHECK(fails("depth"));
  m.depth = 5;
  m.c0 = 2;
  CHECK(fails("c0"));
  m.c0 = 0.5;
  m.q0 = -1;
  CHECK(fails("q0"));
  CHECK_THROWS_WITH(critical_weight_var(Activation::tanh, 0, std::nan("")),
                    "invalid biasVar = NaN: expected a number in [0, 100]");
  Config c;
  c.weight_var = -2;
  CHECK_THROWS_WITH(validate(c), "invalid weightVar = -2: expected a number in (0, 100]");
}

namespace {
// A finite network of the mean-field kind, built without Run (whose parameter cap a 1024-wide,
// 20-deep net exceeds): mean_field weights and biases on the layers' own streams.
Mlp mean_field_net(int width, int depth, double wv, double bv, uint32_t seed, int input_dim) {
  Config c;
  c.init = Init::mean_field;
  c.weight_var = wv;
  c.bias_var = bv;
  Mlp net(input_dim, std::vector<int>(depth, width), 2, Activation::tanh, 0.0f);
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    Layer& layer = net.layers[l];
    Rng wr(seed, stream::kLayerWeights + l), br(seed, stream::kLayerBiases + l);
    layer.W = init_weights(Init::mean_field, layer.fan_out(), layer.fan_in(), c, wr);
    layer.b = init_bias(Init::mean_field, layer.fan_out(), layer.fan_in(), c, br);
  }
  return net;
}
}  // namespace

TEST_CASE("meanfield: a 1024-wide tanh net meets the theory's q and c at layers 1..20",
          "[meanfield][finite]") {
  // Tolerance: given layer l-1, layer l's n = 1024 pre-activations are iid Gaussian, so its
  // empirical variance has relative SE sqrt(2/n) = 4.4% and a pair's cosine an SE of about
  // (1 - c^2)/sqrt(n) + 1/n. Errors passed on from earlier layers are damped by the maps' slopes
  // (< 1 near the fixed points here, and at most ~1.3 over the first layers), so we allow 5 SE
  // of one layer, times sqrt(2) for what earlier layers pass on, per seed; three seeds must all
  // pass. Inputs: 8 rows of N(0, 1) in 64 dimensions, as 4 pairs.
  const int n = 1024, depth = 20, dim = 64, rows = 8;
  const double bv = 0.05;
  const double wc = critical_weight_var(Activation::tanh, 0.0, bv);
  for (double wv : {1.0, wc, 4.0})
    for (uint32_t seed : {1u, 2u, 3u}) {
      Mlp net = mean_field_net(n, depth, wv, bv, seed, dim);
      Rng xr(seed, stream::kDataset);
      std::vector<float> x(rows * dim);
      for (float& v : x) v = static_cast<float>(xr.normal());
      Workspace ws;
      ws.reserve(net, rows);
      net.forward(x.data(), rows, ws);
      std::vector<double> theory_c(depth + 1, 0.0), measured_c(depth + 1, 0.0);
      const std::vector<double> sw(depth + 1, wv), sb(depth + 1, bv);
      for (int k = 0; k < rows / 2; ++k) {
        const float* a = x.data() + 2 * k * dim;
        const float* b = a + dim;
        double qa = 0, qb = 0;
        for (int i = 0; i < dim; ++i) qa += a[i] * a[i], qb += b[i] * b[i];
        const auto c = correlation_profile(Activation::tanh, 0.0, sw, sb, qa / dim, qb / dim,
                                           cosine(a, b, dim), Quadrature::kPrecise);
        for (int l = 0; l < depth; ++l) {  // the hidden layers (the output has 2 units)
          theory_c[l] += c[l] / (rows / 2);
          measured_c[l] +=
              cosine(ws.pre[l].data() + 2 * k * n, ws.pre[l].data() + (2 * k + 1) * n, n) /
              (rows / 2);
        }
      }
      // q: the mean over rows of each row's second moment; theory: the length map from each
      // row's own input length, averaged.
      for (int l = 0; l < depth; ++l) {
        double measured_q = 0, theory_q = 0;
        for (int r = 0; r < rows; ++r) {
          double m2 = 0, q0 = 0;
          for (int i = 0; i < n; ++i) m2 += ws.pre[l][r * n + i] * ws.pre[l][r * n + i];
          for (int i = 0; i < dim; ++i) q0 += x[r * dim + i] * x[r * dim + i];
          double q = wv * q0 / dim + bv;
          const MeanFieldParams p{Activation::tanh, 0.0, wv, bv};
          for (int j = 1; j <= l; ++j) q = q_map(p, q);
          measured_q += m2 / n / rows;
          theory_q += q / rows;
        }
        const double c = theory_c[l];
        INFO("weightVar " << wv << " seed " << seed << " layer " << l + 1 << " q " << measured_q
                          << " vs " << theory_q << ", c " << measured_c[l] << " vs " << c);
        CHECK(std::fabs(measured_q - theory_q) <=
              5 * std::sqrt(2.0) * std::sqrt(2.0 / n) * theory_q);
        CHECK(std::fabs(measured_c[l] - c) <=
              5 * std::sqrt(2.0) * ((1 - c * c) / std::sqrt(n) + 1.0 / n));
      }
    }
}

namespace {
Config gaussian_config(Init init, Activation act, int width, int depth, uint32_t seed) {
  Config c;
  c.dataset = DatasetKind::gaussian_nd;
  c.samples = 512;
  c.test_fraction = 0.0;
  c.seed = seed;
  c.hidden.assign(depth, width);
  c.activation = act;
  c.init = init;
  c.probe_size = 256;
  return c;
}
}  // namespace

TEST_CASE("meanfield: measured gradient variance follows theoryGradVar at initialization",
          "[meanfield][finite]") {
  // The backward recursion multiplies by n_{l+1} Var[w] E[phi'^2] per layer; each layer's finite
  // sum over n = 512 units has relative SE sqrt(2/n), and k layers back from the output these add
  // up to sqrt(2k/n) (independent layers). Averaged over 3 seeds in log space, 5 SE of that mean
  // is the tolerance. A missing factor of 2 per ReLU layer would be off by 2^k.
  const int n = 512, depth = 8;
  struct Case {
    Init init;
    Activation act;
    double wv, bv;
  };
  const double wc = critical_weight_var(Activation::tanh, 0.0, 0.05);
  for (const Case& k : {Case{Init::he_normal, Activation::relu, 0, 0},
                        Case{Init::lecun_normal, Activation::relu, 0, 0},
                        Case{Init::mean_field, Activation::tanh, wc, 0.05}}) {
    std::vector<double> log_ratio(depth + 1, 0.0);
    const int seeds = 3;
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
      Config c = gaussian_config(k.init, k.act, n, depth, seed);
      if (k.init == Init::mean_field) c.weight_var = k.wv, c.bias_var = k.bv;
      Run run(c);
      const auto stats = run.layer_stats();
      for (int l = 0; l <= depth; ++l)
        log_ratio[l] += std::log(stats[l].grad_var / stats[l].theory_grad_var) / seeds;
    }
    for (int l = 0; l < depth; ++l) {
      const int back = depth - l;
      INFO(to_string(k.init) << " " << to_string(k.act) << " layer " << l << " log ratio "
                             << log_ratio[l]);
      CHECK(std::fabs(log_ratio[l]) <= 5 * std::sqrt(2.0 * back / n) / std::sqrt(seeds));
    }
  }
}

TEST_CASE("jacobian_spectrum: mean squared singular value matches the theory's product",
          "[meanfield][jacobian]") {
  // tr(J^T J)/n is a product of 9 per-layer factors n Var[w] E[phi'^2] measured on 256 units
  // each (relative SE sqrt(2/256) = 8.8% per layer, 26% over 9 layers), averaged over 4 inputs
  // and 3 seeds: 5 SE of that mean in log space.
  const int n = 256, depth = 10, seeds = 3;
  const double wc = critical_weight_var(Activation::tanh, 0.0, 0.05);
  for (double wv : {1.0, wc, 3.0}) {
    double log_ratio = 0;
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
      Config c = gaussian_config(Init::mean_field, Activation::tanh, n, depth, seed);
      c.weight_var = wv;
      c.bias_var = 0.05;
      Run run(c);
      const JacobianSpectrum s = run.jacobian_spectrum();
      REQUIRE(s.singular_values.size() == kJacobianInputs);
      REQUIRE(s.singular_values[0].size() == static_cast<std::size_t>(n));
      log_ratio += std::log(s.mean_squared / s.theory_mean_squared) / seeds;
    }
    INFO("weightVar " << wv << " log(measured / theory) " << log_ratio);
    CHECK(std::fabs(log_ratio) <= 5 * std::sqrt(2.0 * (depth - 1) / n) / std::sqrt(4.0 * seeds));
  }
}

TEST_CASE("jacobian_spectrum: at criticality orthogonal weights give a narrower spectrum",
          "[meanfield][jacobian]") {
  // reference: Pennington, Schoenholz & Ganguli 2017, Fig. 1/3: tanh at the critical point,
  // depth 50: orthogonal weights (gain sqrt(sigma_w^2)) concentrate the singular values, Gaussian
  // ones spread them. Spread = the standard deviation of ln(s) over the spectrum; every seed's
  // orthogonal spread must be below every seed's Gaussian spread.
  const int n = 128, depth = 50;
  const double wc = critical_weight_var(Activation::tanh, 0.0, 0.05);
  auto spread = [&](Init init, uint32_t seed) {
    Config c = gaussian_config(init, Activation::tanh, n, depth, seed);
    c.bias_var = 0.05;
    if (init == Init::mean_field) {
      c.weight_var = wc;
    } else {
      c.gain_mode = GainMode::Value;
      c.gain = std::sqrt(wc);
    }
    Run run(c);
    const JacobianSpectrum s = run.jacobian_spectrum();
    double m = 0, m2 = 0, count = 0;
    for (const auto& values : s.singular_values)
      for (double v : values) {
        const double lv = std::log(v);
        m += lv, m2 += lv * lv, ++count;
      }
    m /= count;
    return std::sqrt(m2 / count - m * m);
  };
  double worst_orthogonal = 0, best_gaussian = 1e300;
  for (uint32_t seed : {1u, 2u, 3u}) {
    worst_orthogonal = std::max(worst_orthogonal, spread(Init::orthogonal, seed));
    best_gaussian = std::min(best_gaussian, spread(Init::mean_field, seed));
  }
  INFO("std of ln s: orthogonal at most " << worst_orthogonal << ", Gaussian at least "
                                          << best_gaussian);
  CHECK(worst_orthogonal < best_gaussian);
}

TEST_CASE("mean_field init: W ~ N(0, weightVar/fan_in), b ~ N(0, biasVar)", "[meanfield][init]") {
  Config c;
  c.init = Init::mean_field;
  c.weight_var = 1.76;
  c.bias_var = 0.05;
  Rng wr(7, stream::kSample), br(8, stream::kSample);
  const Matrix w = init_weights(Init::mean_field, 1024, 512, c, wr);
  double m2 = 0;
  for (float v : w) m2 += static_cast<double>(v) * v;
  const double nw = static_cast<double>(w.size()), target = 1.76 / 512;
  // spec: the SE of a normal sample's variance is s2 sqrt(2/(n-1)); 5 SE
  CHECK(std::fabs(m2 / nw - target) <= 5 * target * std::sqrt(2 / (nw - 1)));
  const Vector b = init_bias(Init::mean_field, 20000, 512, c, br);
  double b2 = 0;
  for (float v : b) b2 += static_cast<double>(v) * v;
  CHECK(std::fabs(b2 / 20000 - 0.05) <= 5 * 0.05 * std::sqrt(2 / 19999.0));
  CHECK(nominal_weight_variance(Init::mean_field, 1024, 512, c) == Approx(target));
  CHECK(nominal_bias_variance(Init::orthogonal, 512, c) == 0.05);
  // Defaults leave orthogonal's biases at exact zeros (existing runs stay bit-identical).
  Rng r2(9, stream::kSample);
  const Vector zero = init_bias(Init::orthogonal, 64, 64, Config{}, r2);
  for (float v : zero) CHECK(v == 0.0f);
}

TEST_CASE("phase_grid: chi_1 and xi_c of the picture agree with the precise theory",
          "[meanfield]") {
  // The grid uses Quadrature::kFast (about 1e-6 relative on the integrals). chi_1 is one
  // integral: 1e-5 relative. xi_c = -1/ln(chi_c) amplifies chi_c's error by xi_c / |ln chi_c|,
  // and c* in the chaotic phase is a root of a difference of such integrals: 1e-3 relative away
  // from the critical line (within 5% of it xi_c is large and the picture only needs "large").
  PhaseGridQuery q;
  q.activation = Activation::tanh;
  q.w_max = 4.0;
  q.b_max = 0.5;
  q.nx = 8;
  q.ny = 4;
  const PhaseGrid g = phase_grid(q);
  REQUIRE(g.chi_1.size() == 32);
  for (int j = 0; j < q.ny; ++j)
    for (int i = 0; i < q.nx; ++i) {
      const double wv = q.w_max * (i + 0.5) / q.nx, bv = q.b_max * (j + 0.5) / q.ny;
      MeanFieldQuery m;
      m.params = {Activation::tanh, 0.0, wv, bv};
      m.depth = 1;
      const MeanFieldResult r = mean_field(m);
      const std::size_t k = static_cast<std::size_t>(j) * q.nx + i;
      INFO("weightVar " << wv << " biasVar " << bv << " chi1 " << g.chi_1[k] << " vs " << r.chi_1
                        << " xi_c " << g.xi_c[k] << " vs " << r.xi_c);
      CHECK(rel(g.chi_1[k], r.chi_1) <= 1e-5);
      if (std::fabs(wv / critical_weight_var(Activation::tanh, 0.0, bv) - 1) > 0.05)
        CHECK(rel(g.xi_c[k], r.xi_c) <= 1e-3);
    }
  PhaseGridQuery bad = q;
  bad.nx = 1;
  CHECK_THROWS_WITH(phase_grid(bad), "invalid nx = 1: expected an integer in 2..200");
}
