// tests/native/test_stats.cpp: per-layer statistics and the theory line
// (core/include/initscope/stats.hpp).
//
// measure_layers is checked against moments recomputed here from the same forward/backward
// buffers (population moments over every (row, unit) element, in double). Both sides sum the
// same float values in double, so they agree to ~n 1e-16 relative: 1e-9 is loose by orders of
// magnitude yet catches a sample-vs-population denominator (1/(n-1), 1e-3 at n = 40) or a
// moment taken over the wrong buffer.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "helpers.hpp"
#include "initscope/activation.hpp"
#include "initscope/mlp.hpp"
#include "initscope/rng.hpp"
#include "initscope/run.hpp"
#include "initscope/stats.hpp"

using namespace initscope;

namespace {

struct Net {
  Mlp net;
  std::vector<float> x;
  std::vector<int> y;
  Net(Activation act, std::size_t rows, uint64_t seed) : net(3, {5, 4}, 3, act, 0.1f) {
    Rng rng(seed, stream::kSample);
    for (Layer& l : net.layers) {
      for (float& w : l.W) w = static_cast<float>(0.9 * rng.normal());
      for (float& b : l.b) b = static_cast<float>(0.3 * rng.normal());
    }
    x.resize(rows * 3);
    for (float& v : x) v = static_cast<float>(1.5 * rng.normal());
    for (std::size_t r = 0; r < rows; ++r) y.push_back(static_cast<int>(rng.below(3)));
  }
};

double pop_var(const float* p, std::size_t n) { return testing::moments(p, n).m2; }
double pop_mean(const float* p, std::size_t n) { return testing::moments(p, n).mean; }

// The fraction of the O units (columns of the row-major [rows][O] buffer) that are <= 0 on
// every row: the dead-unit count measure_layers must agree with, taken independently.
double dead_fraction_of(const std::vector<float>& v, std::size_t rows, std::size_t O) {
  std::size_t dead = 0;
  for (std::size_t o = 0; o < O; ++o) {
    bool alive = false;
    for (std::size_t r = 0; r < rows; ++r) alive = alive || v[r * O + o] > 0.f;
    dead += !alive;
  }
  return static_cast<double>(dead) / O;
}

}  // namespace

TEST_CASE("histogram_spec: fixed edges per activation", "[stats]") {
  auto check = [](Activation a, double lo, double hi) {
    const HistogramSpec s = histogram_spec(a, 17);
    INFO(to_string(a));
    CHECK(s.lo == lo);
    CHECK(s.hi == hi);
    CHECK(s.bins == 17);
  };
  check(Activation::tanh, -1, 1);
  check(Activation::sigmoid, 0, 1);
  check(Activation::relu, 0, 3);
  check(Activation::leaky_relu, -3, 3);
  check(Activation::linear, -3, 3);
  check(Activation::selu, -3, 3);
  check(Activation::gelu, -3, 3);
}

TEST_CASE("measure_layers: moments are population moments of the probe's buffers", "[stats]") {
  for (Activation act : {Activation::relu, Activation::tanh, Activation::gelu}) {
    for (Loss loss : {Loss::cross_entropy, Loss::mse}) {
      DYNAMIC_SECTION(to_string(act) << " / " << to_string(loss)) {
        const std::size_t rows = 8;
        Net a(act, rows, 3);
        Mlp copy = a.net;  // the reference pass runs on an identical copy
        const HistogramSpec spec = histogram_spec(act, 10);
        Workspace ws;
        const auto stats = measure_layers(a.net, loss, a.x.data(), a.y.data(), rows, spec, ws);
        REQUIRE(stats.size() == 3);

        Workspace ref;
        ref.reserve(copy, rows);
        const float* logits = copy.forward(a.x.data(), rows, ref);
        loss_and_grad(loss, logits, a.y.data(), rows, 3, ref.grad.back().data(), nullptr);
        copy.backward(a.x.data(), rows, ref);

        for (std::size_t l = 0; l < 3; ++l) {
          INFO("layer " << l);
          const std::size_t n = rows * copy.layers[l].fan_out();
          const LayerStats& s = stats[l];
          CHECK(s.pre_mean == Approx(pop_mean(ref.pre[l].data(), n)).epsilon(1e-9).margin(1e-15));
          CHECK(s.pre_var == Approx(pop_var(ref.pre[l].data(), n)).epsilon(1e-9));
          CHECK(s.post_mean == Approx(pop_mean(ref.post[l].data(), n)).epsilon(1e-9).margin(1e-15));
          CHECK(s.post_var == Approx(pop_var(ref.post[l].data(), n)).epsilon(1e-9));
          CHECK(s.grad_var == Approx(pop_var(ref.grad[l].data(), n)).epsilon(1e-9));
          const Layer& L = copy.layers[l];
          CHECK(s.weight_grad_var == Approx(pop_var(L.dW.data(), L.dW.size())).epsilon(1e-9));
          CHECK(s.weight_var == Approx(pop_var(L.W.data(), L.W.size())).epsilon(1e-9));
          // The output layer's "post" is the logits: identical to its pre-activation.
          if (l == 2) CHECK(s.post_var == s.pre_var);
          // dW/db were overwritten with the probe batch's gradients.
          CHECK(testing::same_bits(a.net.layers[l].dW, copy.layers[l].dW));

          // Histogram: every post-activation in [lo, hi] lands in exactly one bin (hi in the
          // last); values outside are counted in below / above, never in an end bin.
          REQUIRE(s.histogram.size() == static_cast<std::size_t>(spec.bins));
          std::vector<uint32_t> expect(spec.bins, 0);
          uint32_t below = 0, above = 0;
          const double w = (spec.hi - spec.lo) / spec.bins;
          for (std::size_t i = 0; i < n; ++i) {
            const double v = ref.post[l][i];
            if (v < spec.lo) {
              ++below;
              continue;
            }
            if (v > spec.hi) {
              ++above;
              continue;
            }
            const int bin =
                std::min(spec.bins - 1, static_cast<int>(std::floor((v - spec.lo) / w)));
            ++expect[bin];
          }
          CHECK(s.histogram == expect);
          CHECK(s.below == below);
          CHECK(s.above == above);
          uint64_t total = s.below + s.above;
          for (uint32_t c : s.histogram) total += c;
          CHECK(total == n);
        }
      }
    }
  }
}

TEST_CASE("measure_layers: with a norm, dead units are counted after it", "[stats]") {
  // Linear -> Norm -> ReLU (spec/residual.md, a plain net with a norm): a unit is dead when the
  // ReLU's input, the norm's output, is <= 0 on every probe row. Batch norm recentres each unit
  // over the batch, so unit 1 with bias -1000 (W x + b < 0 on every row) still fires; unit 3
  // with zero weights and bias is constant, normalised to 0 on every row: dead.
  const std::size_t rows = 16;
  NetShape shape;
  shape.norm = NormChoice::batch;
  Mlp net(3, {5, 4}, 3, Activation::relu, 0.1f, shape);
  Net a(Activation::relu, rows, 4);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    net.layers[l].W = a.net.layers[l].W;
    net.layers[l].b = a.net.layers[l].b;
  }
  net.layers[0].b(1) = -1000.f;
  for (std::size_t i = 0; i < 3; ++i) net.layers[0].W(3, i) = 0.f;
  net.layers[0].b(3) = 0.f;
  Workspace ws;
  const auto stats = measure_layers(net, Loss::cross_entropy, a.x.data(), a.y.data(), rows,
                                    histogram_spec(Activation::relu, 10), ws);
  auto dead_after_norm = [&](std::size_t l) {
    return dead_fraction_of(ws.post[l], rows, net.layers[l].fan_out());
  };
  bool unit1_pre_negative = true;
  for (std::size_t r = 0; r < rows; ++r) unit1_pre_negative &= ws.pre[0][r * 5 + 1] <= 0.f;
  REQUIRE(unit1_pre_negative);  // before the norm it would count as dead
  bool unit1_fires = false;
  for (std::size_t r = 0; r < rows; ++r) unit1_fires |= ws.post[0][r * 5 + 1] > 0.f;
  CHECK(unit1_fires);
  CHECK(stats[0].dead_fraction == dead_after_norm(0));
  CHECK(stats[1].dead_fraction == dead_after_norm(1));
  CHECK(stats[0].dead_fraction < 2.0 / 5);  // unit 1 is not counted, unit 3 may be
  CHECK(stats[2].dead_fraction == 0);       // the output layer has no activation
}

TEST_CASE("measure_layers: dead fraction counts ReLU units that never fire on the probe",
          "[stats]") {
  const std::size_t rows = 16;
  Net a(Activation::relu, rows, 4);
  // Unit 1 of layer 0: bias -1000 (dead). Unit 3: zero weights and bias, pre = 0 on every row,
  // which counts as dead (pre <= 0 everywhere). The other units are whatever the draw makes
  // them; the count is compared with one taken from the pre-activations below.
  a.net.layers[0].b(1) = -1000.f;
  for (std::size_t i = 0; i < 3; ++i) a.net.layers[0].W(3, i) = 0.f;
  a.net.layers[0].b(3) = 0.f;
  Workspace ws;
  auto stats = measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows,
                              histogram_spec(Activation::relu, 10), ws);
  // Count from the pre-activations themselves.
  auto dead_in = [&](std::size_t l) {
    return dead_fraction_of(ws.pre[l], rows, a.net.layers[l].fan_out());
  };
  CHECK(stats[0].dead_fraction >= 2.0 / 5);
  CHECK(stats[0].dead_fraction == dead_in(0));
  CHECK(stats[1].dead_fraction == dead_in(1));
  SECTION("tanh has no dead units by this definition") {
    Net t(Activation::tanh, rows, 4);
    t.net.layers[0].b(1) = -1000.f;
    auto s = measure_layers(t.net, Loss::cross_entropy, t.x.data(), t.y.data(), rows,
                            histogram_spec(Activation::tanh, 10), ws);
    CHECK(s[0].dead_fraction == 0.0);
  }
}

TEST_CASE("measure_layers: symmetric flags layers whose units are interchangeable", "[stats]") {
  const std::size_t rows = 8;
  Net a(Activation::tanh, rows, 5);
  Workspace ws;
  const auto spec = histogram_spec(Activation::tanh, 10);
  SECTION("random weights: no layer is symmetric") {
    for (const auto& s :
         measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows, spec, ws))
      CHECK_FALSE(s.symmetric);
  }
  SECTION("constant weights and biases: every layer is symmetric") {
    for (Layer& l : a.net.layers) {
      for (float& w : l.W) w = 0.25f;
      for (float& b : l.b) b = -0.5f;
    }
    for (const auto& s :
         measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows, spec, ws))
      CHECK(s.symmetric);
  }
  SECTION("identical weights but one different bias breaks the symmetry of that layer only") {
    for (Layer& l : a.net.layers) {
      for (float& w : l.W) w = 0.25f;
      for (float& b : l.b) b = 0.f;
    }
    a.net.layers[1].b(2) = 0.125f;
    const auto s =
        measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows, spec, ws);
    CHECK(s[0].symmetric);
    CHECK_FALSE(s[1].symmetric);
    CHECK(s[2].symmetric);
  }
}

TEST_CASE("theory_pre_variance: He et al. 2015 eq. 9 recursion", "[stats]") {
  // Var[y_1] = n_0 Var[w_1] E[x^2] + Var[b_1]; Var[y_l] = n_{l-1} Var[w_l] E[f(y_{l-1})^2] +
  // Var[b_l]
  const std::vector<double> wv = {0.3, 0.2, 0.7}, bv = {0.01, 0.0, 0.05};
  const double q = 1.7;
  SECTION("relu: E[f(y)^2] = Var[y]/2") {
    Mlp net(3, {5, 4}, 3, Activation::relu, 0.01f);
    const auto t = theory_pre_variance(net, wv, bv, q);
    REQUIRE(t.size() == 3);
    const double v1 = 3 * 0.3 * q + 0.01;
    const double v2 = 5 * 0.2 * (v1 / 2) + 0.0;
    const double v3 = 4 * 0.7 * (v2 / 2) + 0.05;
    CHECK(t[0] == Approx(v1).epsilon(1e-14));
    CHECK(t[1] == Approx(v2).epsilon(1e-14));
    CHECK(t[2] == Approx(v3).epsilon(1e-14));
  }
  SECTION("leaky_relu uses the network's slope: (1 + a^2)/2") {
    Mlp net(3, {5, 4}, 3, Activation::leaky_relu, 0.5f);
    const auto t = theory_pre_variance(net, wv, bv, q);
    const double c = (1 + 0.25) / 2;
    const double v1 = 3 * 0.3 * q + 0.01;
    const double v2 = 5 * 0.2 * c * v1;
    CHECK(t[1] == Approx(v2).epsilon(1e-14));
    CHECK(t[2] == Approx(4 * 0.7 * c * v2 + 0.05).epsilon(1e-14));
  }
  SECTION("tanh uses the Gaussian second moment post_second_moment") {
    Mlp net(3, {5, 4}, 3, Activation::tanh, 0.01f);
    const auto t = theory_pre_variance(net, wv, bv, q);
    const double v1 = 3 * 0.3 * q + 0.01;
    const double v2 = 5 * 0.2 * post_second_moment(Activation::tanh, 0.01, v1);
    CHECK(t[1] == Approx(v2).epsilon(1e-14));
    CHECK(t[2] ==
          Approx(4 * 0.7 * post_second_moment(Activation::tanh, 0.01, v2) + 0.05).epsilon(1e-14));
  }
}

TEST_CASE("histograms: at step 0 every hidden layer fills many bins, none outside its edges",
          "[stats]") {
  // The failure this guards against: fixed [0, 3] bins for ReLU put every value of an N(0, 1)
  // network (variance x32 per layer) in the last bin, and a vanishing one in the first.
  struct Case {
    Activation act;
    Init init;
    double std;
  };
  for (const Case& k :
       {Case{Activation::tanh, Init::xavier_normal, 0},
        Case{Activation::sigmoid, Init::xavier_normal, 0},
        Case{Activation::relu, Init::he_normal, 0}, Case{Activation::relu, Init::normal, 1.0},
        Case{Activation::relu, Init::small_normal, 0}}) {
    Config c;
    c.dataset = DatasetKind::gaussian_nd;
    c.input_dim = 64;
    c.hidden = std::vector<int>(8, 64);
    c.activation = k.act;
    c.init = k.init;
    if (k.std > 0) c.init_std = k.std;
    Run run(c);
    const auto stats = run.layer_stats();
    for (std::size_t l = 0; l + 1 < stats.size(); ++l) {
      INFO(to_string(k.act) << " " << to_string(k.init) << " layer " << l + 1);
      int used = 0;
      for (uint32_t n : stats[l].histogram) used += n > 0;
      // tanh/sigmoid keep their fixed ranges: a Xavier layer's values still span many bins.
      CHECK(used >= 8);
      CHECK(stats[l].below == 0u);
      CHECK(stats[l].above == 0u);
    }
  }
}

// fuzz_train found it: a layer whose step-0 outputs are all one huge value (here 1e20, where
// v - 0.5 == v) got an empty histogram range, and every bin index became NaN cast to int
// (undefined behaviour, reported by UBSan). The range must stay non-empty, and binning must
// survive an empty range given by hand.
TEST_CASE("histograms: one huge value at step 0 still gets a range, and an empty range is safe",
          "[stats]") {
  const std::size_t rows = 16;
  Net a(Activation::linear, rows, 5);
  for (float& w : a.net.layers[0].W) w = 0.f;
  for (float& b : a.net.layers[0].b) b = 1e20f;
  Workspace ws;
  measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows,
                 histogram_spec(Activation::linear, 10), ws);
  const HistogramSpec spec = histogram_spec_from_data(a.net, ws, rows, 10);
  CHECK(spec.layer_lo[0] < 1e20f);
  CHECK(spec.layer_hi[0] > 1e20f);
  auto s = measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows, spec, ws);
  std::size_t in = 0;
  for (uint32_t c : s[0].histogram) in += c;
  CHECK(in == rows * 5);  // every value inside the range, none lost
  HistogramSpec empty = spec;
  empty.layer_lo[0] = empty.layer_hi[0] = static_cast<double>(1e20f);
  s = measure_layers(a.net, Loss::cross_entropy, a.x.data(), a.y.data(), rows, empty, ws);
  CHECK(s[0].histogram.back() == rows * 5);  // v == hi: the last bin
}
