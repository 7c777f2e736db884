// tests/native/test_run.cpp: runs, experiments and datasets (core/include/initscope/run.hpp,
// dataset.hpp): the things a person sees on the page, checked against theory.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "initscope/config.hpp"
#include "initscope/dataset.hpp"
#include "initscope/init.hpp"
#include "initscope/rng.hpp"
#include "initscope/run.hpp"

using namespace initscope;

namespace {

bool all_finite(const Mlp& net) {
  for (const Layer& l : net.layers) {
    for (float w : l.W)
      if (!std::isfinite(w)) return false;
    for (float b : l.b)
      if (!std::isfinite(b)) return false;
  }
  return true;
}

bool same_params(const Mlp& a, const Mlp& b) {
  if (a.num_layers() != b.num_layers()) return false;
  for (std::size_t l = 0; l < a.num_layers(); ++l)
    if (!testing::same_bits(a.layers[l].W, b.layers[l].W) ||
        !testing::same_bits(a.layers[l].b, b.layers[l].b))
      return false;
  return true;
}

// Shannon entropy (nats) of the label frequencies: the lowest cross-entropy any constant
// prediction can reach on these labels.
double label_entropy(const std::vector<int>& y, int classes) {
  std::vector<double> count(classes, 0.0);
  for (int v : y) count[v] += 1;
  double h = 0;
  for (double c : count)
    if (c > 0) h -= c / y.size() * std::log(c / y.size());
  return h;
}

Config depth_config(Init init) {
  Config c;
  c.dataset = DatasetKind::gaussian_nd;
  c.input_dim = 256;
  c.samples = 2048;
  c.test_fraction = 0.5;  // 1024 training rows = the whole probe batch
  c.hidden = std::vector<int>(30, 256);
  c.activation = Activation::relu;
  c.init = init;
  c.probe_size = 1024;
  c.seed = 42;
  return c;
}

// Tolerance for ln(measured / theory) of the pre-activation variance at layer l (1-based) of a
// width-n ReLU net at initialization, as 5 standard deviations:
//  - layer 1: the only randomness left is the weights (the theory uses the probe's own input
//    second moment). With input covariance S over B rows, Var(V_1)/E[V_1]^2 = 2 tr(S^2) /
//    (n tr(S)^2) ~ (2/n^2)(1 + d/B) for isotropic d-dim inputs: 2.5/n^2 at d = n = 256,
//    B = 1024 (relative SD 0.6%).
//  - each further layer: finite width. For one input, the squared norm of a ReLU layer's output
//    relative to its expectation has variance 5/n (2/n from the chi-square of the weighted sum,
//    3/n from which half of the units fire; Hanin & Rolnick 2018, "How to start training", for
//    He-initialised nets Var[log |z_l|^2] ~ 5 sum 1/n_j). Averaging over a batch can only reduce
//    it, but deep ReLU layers correlate their inputs (the correlation map tends to 1), so the
//    batch gives little relief at depth: use the single-input value.
//  => SD(ln ratio at layer l) = sqrt(2.5/n^2 + 5 (l - 1)/n). At l = 30, n = 256 that is 0.75
//  (so 5 SD is a factor e^3.8 either way); it was measured at ~0.6 over 10 seeds, while a wrong
//  gain (variance off by 2 per layer) is off by e^20 at layer 30, and a 15% per-layer error in
//  the forward pass or the theory by e^4.1.
double log_ratio_tolerance(std::size_t layer, double n) {
  const double l = static_cast<double>(layer);
  return 5 * std::sqrt(2.5 / (n * n) + 5 * (l - 1) / n);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Signal propagation at initialization

TEST_CASE("he_normal: 30 ReLU layers of width 256 keep the theory's flat variance", "[run]") {
  Run run(depth_config(Init::he_normal));
  const auto stats = run.layer_stats();
  const auto& theory = run.theory_var();
  REQUIRE(stats.size() == 31);
  REQUIRE(theory.size() == 31);
  // (No SECTIONs here: Catch would rebuild the 30-layer run for each one.)
  {
    // The theory line: Var[y_1] = n Var[w] E[x^2] = 2 E[x^2] on the probe, then flat. He:
    // n Var[w] = 2 and ReLU halves the second moment, so every hidden layer predicts the same
    // variance; the output layer (2 units, fan_in 256) too.
    double m2 = 0;
    const auto& x = run.dataset().x_train;
    for (std::size_t i = 0; i < 1024 * 256; ++i)
      m2 += static_cast<double>(x.data()[i]) * x.data()[i];
    m2 /= 1024 * 256;
    CHECK(theory[0] == Approx(2 * m2).epsilon(1e-12));
    for (std::size_t l = 1; l < 31; ++l) CHECK(theory[l] == Approx(theory[0]).epsilon(1e-12));
  }
  {
    // Measured pre-activation variance within the derived tolerance at every layer.
    for (std::size_t l = 0; l < 30; ++l) {
      const double r = std::log(stats[l].pre_var / theory[l]);
      INFO("layer " << l + 1 << ": measured " << stats[l].pre_var << ", theory " << theory[l]
                    << ", ln ratio " << r << ", tolerance " << log_ratio_tolerance(l + 1, 256));
      CHECK(std::fabs(r) <= log_ratio_tolerance(l + 1, 256));
    }
  }
}

TEST_CASE("lecun_normal: 30 ReLU layers halve the variance per layer (2^-29 from 1 to 30)",
          "[run]") {
  // He et al. 2015, Fig. 2's "Xavier" (n Var[w] = 1): each ReLU layer halves the variance, so
  // layer 30 / layer 1 = 2^-29 in expectation (std ratio 4.3e-5; the spec measured 4.6e-5).
  Run run(depth_config(Init::lecun_normal));
  const auto stats = run.layer_stats();
  const auto& theory = run.theory_var();
  const double expected = std::ldexp(1.0, -29);
  CHECK(theory[29] / theory[0] == Approx(expected).epsilon(1e-12));
  // ln(V30/V1) carries the finite-width fluctuation of layers 2..30 (layer 1's own is common to
  // both and cancels): SD sqrt(5 * 29 / 256) = 0.75, tolerance 5 SD = 3.76 in ln, i.e. the ratio
  // within a factor 43 of 2^-29, against He's ratio 1 = 2^29 away.
  const double ratio = stats[29].pre_var / stats[0].pre_var;
  const double tol = 5 * std::sqrt(5.0 * 29 / 256);
  INFO("measured ratio " << ratio << " (std ratio " << std::sqrt(ratio) << "), theory "
                         << expected);
  CHECK(std::fabs(std::log(ratio / expected)) <= tol);
  {
    // And every layer follows the theory line within the same tolerance as He.
    for (std::size_t l = 0; l < 30; ++l) {
      INFO("layer " << l + 1);
      CHECK(std::fabs(std::log(stats[l].pre_var / theory[l])) <= log_ratio_tolerance(l + 1, 256));
    }
  }
}

TEST_CASE("lsuv: at initialization every layer's variance on the probe is 1 within LSUV's tol",
          "[run]") {
  // Run applies lsuv_rescale on the probe batch itself (tol 0.1), so the probe statistics must
  // show it; the theory line then uses the rescaled weights' mean square.
  Config c;
  c.init = Init::lsuv;
  c.activation = Activation::tanh;
  c.hidden = {32, 32, 32, 32};
  c.probe_size = 256;
  Run run(c);
  const auto stats = run.layer_stats();
  for (std::size_t l = 0; l < stats.size(); ++l) {
    INFO("layer " << l << " pre_var " << stats[l].pre_var);
    CHECK(std::fabs(stats[l].pre_var - 1.0) < 0.1);
    CHECK(std::isfinite(run.theory_var()[l]));
  }
}

// ---------------------------------------------------------------------------------------------
// Zero init

TEST_CASE("zeros: hidden gradients are exactly 0, only the output bias learns", "[run]") {
  Config c;  // spiral, 2 classes, relu, hidden {64, 64, 64}
  c.init = Init::zeros;
  SECTION("at initialization: every weight gradient is 0 and every layer is symmetric") {
    Run run(c);
    const auto stats = run.layer_stats();
    for (std::size_t l = 0; l < run.net().num_layers(); ++l) {
      INFO("layer " << l);
      const Layer& layer = run.net().layers[l];
      CHECK(testing::moments(layer.dW).max_abs == 0.0);
      if (l + 1 < run.net().num_layers()) CHECK(testing::moments(layer.db).max_abs == 0.0);
      CHECK(stats[l].symmetric);
      CHECK(stats[l].weight_grad_var == 0.0);
    }
    // All logits are 0: every row's loss is ln 2 whatever its label; the mean over 500 rows,
    // summed in double, is ln 2 to ~500 x 1.1e-16 relative at worst.
    CHECK(run.evaluate().train_loss == Approx(std::log(2.0)).epsilon(1e-13));
  }
  SECTION("minibatch adam: after training every parameter but the output bias is untouched") {
    c.optimizer = Optimizer::adam;
    c.learning_rate = 0.01;
    Run run(c);
    const Mlp initial = run.net();
    run.step(200);
    REQUIRE_FALSE(run.diverged_at());
    const Mlp& net = run.net();
    for (std::size_t l = 0; l < net.num_layers(); ++l) {
      INFO("layer " << l);
      CHECK(testing::same_bits(net.layers[l].W, initial.layers[l].W));
      if (l + 1 < net.num_layers()) CHECK(testing::same_bits(net.layers[l].b, initial.layers[l].b));
    }
    CHECK_FALSE(testing::same_bits(net.layers.back().b, initial.layers.back().b));
    const auto stats = run.layer_stats();
    for (std::size_t l = 0; l + 1 < stats.size(); ++l) CHECK(stats[l].symmetric);
  }
  SECTION("full-batch sgd: the loss goes to the label entropy of the training split") {
    // With W = 0 the logits equal the output bias b for every row, so the loss is the
    // cross-entropy of one constant prediction; its minimum is the entropy H of the training
    // labels (ln 2 only if the split is exactly balanced, so H is computed from the split).
    // Full-batch gradient descent on d = b1 - b0 contracts the error by (1 - lr/2) per step
    // (the curvature of the mean loss in d is p(1-p) <= 1/4, doubled because both logits move);
    // with lr 0.5 and 300 steps: 0.75^300 ~ 1e-37, i.e. converged to float precision, where the
    // loss (summed in double) is H to ~1e-15. 1e-9 leaves room for the float bias rounding
    // (excess ~ (1e-7)^2). A network that learned anything in its hidden layers would go below H.
    c.optimizer = Optimizer::sgd;
    c.learning_rate = 0.5;
    c.batch_size = 0;
    Run run(c);
    const double H = label_entropy(run.dataset().y_train, 2);
    CHECK(run.evaluate().train_loss >= H);
    run.step(300);
    const Evaluation e = run.evaluate();
    INFO("train loss " << e.train_loss << ", label entropy " << H << ", ln 2 " << std::log(2.0));
    CHECK(e.train_loss == Approx(H).margin(1e-9));
    CHECK(e.train_loss <= std::log(2.0) + 1e-12);
    // The constant prediction picks the majority class.
    double ones = 0;
    for (int y : run.dataset().y_train) ones += y;
    const double majority = std::max(ones, run.dataset().y_train.size() - ones);
    CHECK(e.train_accuracy == Approx(majority / run.dataset().y_train.size()).epsilon(1e-15));
  }
}

// ---------------------------------------------------------------------------------------------
// Training and divergence

TEST_CASE("he_normal on spiral with adam reaches 90% train accuracy within 1000 steps", "[run]") {
  // Measured on seeds 1-8 (hidden {64, 64, 64}, relu, adam lr 0.01, batch 32, 1000 samples,
  // noise 0.05): 90% is first reached at step 200-300 and training ends near 98%. 1000 steps is
  // >3x headroom over the slowest seed; 90% is far above the 50% a broken backward or update
  // would leave (chance on two balanced classes). Checked every 50 steps, stopping when reached.
  for (uint32_t seed : {1u, 2u, 3u}) {
    DYNAMIC_SECTION("seed " << seed) {
      Config c;
      c.dataset = DatasetKind::spiral;
      c.hidden = {64, 64, 64};
      c.activation = Activation::relu;
      c.init = Init::he_normal;
      c.optimizer = Optimizer::adam;
      c.learning_rate = 0.01;
      c.batch_size = 32;
      c.seed = seed;
      Run run(c);
      const double start = run.evaluate().train_accuracy;
      double acc = start;
      while (run.steps_done() < 1000 && acc < 0.9) {
        const StepResult s = run.step(50);
        REQUIRE(std::isfinite(s.loss));
        acc = run.evaluate().train_accuracy;
      }
      INFO("start accuracy " << start << ", reached " << acc << " at step " << run.steps_done());
      CHECK(acc >= 0.9);
      CHECK_FALSE(run.diverged_at());
    }
  }
}

TEST_CASE("divergence: a run that blows up is marked and stops, the others continue", "[run]") {
  // MSE with plain SGD at lr 10: the loss is (locally) quadratic in the output layer with
  // curvature ~ 2 |h|^2 / (B C) >> 2 / lr = 0.2 for He-scaled hidden activations (64 units of
  // second moment ~1), so each step multiplies the error by |1 - lr * curvature| >> 1 and the
  // parameters overflow float within a few steps (measured: 4-5 on seeds 1-3). The twin at
  // lr 0.01 is stable. Only the learning rate differs, so the Experiment accepts them.
  Config bad;
  bad.loss = Loss::mse;
  bad.optimizer = Optimizer::sgd;
  bad.learning_rate = 10.0;
  Config good = bad;
  good.learning_rate = 0.01;
  Experiment ex({bad, good});
  REQUIRE(ex.runs().size() == 2);
  ex.step(100);
  Run& b = ex.runs()[0];
  Run& g = ex.runs()[1];
  const Evaluation eb = b.evaluate();
  REQUIRE(eb.diverged_at.has_value());
  const int64_t k = *eb.diverged_at;
  INFO("diverged at step " << k);
  CHECK(k >= 1);
  CHECK(k <= 100);
  CHECK(b.steps_done() == k);  // the update that diverged is the last one done
  CHECK(b.diverged_at() == eb.diverged_at);
  CHECK((!all_finite(b.net()) || !std::isfinite(eb.train_loss)));
  CHECK(g.steps_done() == 100);

  ex.step(50);
  CHECK(b.steps_done() == k);
  CHECK(*b.evaluate().diverged_at == k);
  const StepResult again = b.step(10);  // stepping a diverged run directly does nothing either
  CHECK(again.step == k);
  CHECK(b.steps_done() == k);

  CHECK(g.steps_done() == 150);
  CHECK_FALSE(g.diverged_at());
  CHECK(all_finite(g.net()));
  const Evaluation eg = g.evaluate();
  CHECK(std::isfinite(eg.train_loss));
  CHECK(std::isfinite(eg.test_loss));
  CHECK_FALSE(eg.diverged_at);
  // The diverged run's statistics are still readable (nothing crashes).
  CHECK_NOTHROW(b.layer_stats());
}

// ---------------------------------------------------------------------------------------------
// Reproducibility and the run contract

TEST_CASE("run: same config gives identical bits, and each layer has its own stream", "[run]") {
  Config c;
  c.init = Init::pytorch_default;  // random weights and biases
  Run a(c), b(c);
  CHECK(same_params(a.net(), b.net()));
  SECTION("layer l is init_weights/init_bias on streams kLayerWeights + l, kLayerBiases + l") {
    for (std::size_t l = 0; l < a.net().num_layers(); ++l) {
      const Layer& layer = a.net().layers[l];
      Rng wr(c.seed, stream::kLayerWeights + l), br(c.seed, stream::kLayerBiases + l);
      CHECK(testing::same_bits(layer.W,
                               init_weights(c.init, layer.fan_out(), layer.fan_in(), c, wr)));
      CHECK(testing::same_bits(layer.b, init_bias(c.init, layer.fan_out(), layer.fan_in(), c, br)));
    }
  }
  SECTION("training: the same losses and weights, bit for bit") {
    const StepResult sa = a.step(25), sb = b.step(25);
    CHECK(sa.step == 25);
    CHECK(sa.loss == sb.loss);
    CHECK(same_params(a.net(), b.net()));
    const Evaluation ea = a.evaluate(), eb = b.evaluate();
    CHECK(ea.train_loss == eb.train_loss);
    CHECK(ea.test_accuracy == eb.test_accuracy);
  }
  SECTION("a deeper network keeps the first layers' initial weights") {
    Config deeper = c;
    deeper.hidden = {64, 64, 64, 64};
    Run d(deeper);
    for (std::size_t l = 0; l < 3; ++l)
      CHECK(testing::same_bits(d.net().layers[l].W, a.net().layers[l].W));
  }
  SECTION("another seed gives other weights and other data") {
    Config other = c;
    other.seed = c.seed + 1;
    Run o(other);
    CHECK_FALSE(testing::same_bits(o.net().layers[0].W, a.net().layers[0].W));
    CHECK_FALSE(testing::same_bits(o.dataset().x_train, a.dataset().x_train));
  }
}

TEST_CASE("experiment: adding a run never changes the others", "[run]") {
  Config he;
  he.init = Init::he_normal;
  Config xavier = he;
  xavier.init = Init::xavier_normal;
  Experiment one({he});
  Experiment two = Experiment::compare_inits(he, {Init::xavier_normal, Init::he_normal});
  REQUIRE(two.runs().size() == 2);
  CHECK(two.runs()[0].config().init == Init::xavier_normal);
  CHECK(two.runs()[1].config().init == Init::he_normal);
  CHECK(same_params(one.runs()[0].net(), two.runs()[1].net()));
  one.step(30);
  two.step(30);
  CHECK(same_params(one.runs()[0].net(), two.runs()[1].net()));
  CHECK(one.runs()[0].evaluate().train_loss == two.runs()[1].evaluate().train_loss);
}

TEST_CASE("experiment: configs that differ in a data field are rejected (field runs)", "[run]") {
  const Config base;  // spiral
  Config nd;          // a base where inputDim and classes are free
  nd.dataset = DatasetKind::gaussian_nd;
  nd.input_dim = 8;
  nd.classes = 2;
  struct Variant {
    std::string name;
    Config a, b;
  };
  std::vector<Variant> variants;
  auto add = [&](const std::string& name, const Config& from, auto change) {
    Config c = from;
    change(c);
    variants.push_back({name, from, c});
  };
  add("dataset", base, [](Config& c) { c.dataset = DatasetKind::moons; });
  add("samples", base, [](Config& c) { c.samples = 500; });
  add("noise", base, [](Config& c) { c.noise = 0.2; });
  add("testFraction", base, [](Config& c) { c.test_fraction = 0.3; });
  add("seed", base, [](Config& c) { c.seed = 7; });
  add("inputDim", nd, [](Config& c) { c.input_dim = 9; });
  add("classes", nd, [](Config& c) { c.classes = 3; });
  for (const Variant& v : variants) {
    INFO("differs in " << v.name);
    try {
      Experiment ex({v.a, v.b});
      FAIL("Experiment accepted configs that differ in " << v.name);
    } catch (const ConfigError& e) {
      CHECK(e.field() == "runs");
      CHECK(std::string(e.what()).rfind("invalid runs = ", 0) == 0);
    }
  }
  SECTION("what is compared may differ: init, learning rate, optimizer, activation, hidden") {
    Config other = base;
    other.init = Init::orthogonal;
    other.learning_rate = 0.1;
    other.optimizer = Optimizer::momentum;
    other.activation = Activation::tanh;
    other.hidden = {16};
    CHECK_NOTHROW(Experiment({base, other}));
  }
  SECTION("an invalid run config is reported by its own field") {
    Config other = base;
    other.learning_rate = -1;
    try {
      Experiment ex({base, other});
      FAIL("invalid learning rate accepted");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "learningRate");
    }
  }
}

TEST_CASE("run: evaluate, layer_stats and predict_grid report the documented shapes", "[run]") {
  Config c;
  c.hidden = {16, 8};
  c.hist_bins = 12;
  Run run(c);
  SECTION("evaluate at step 0") {
    const Evaluation e = run.evaluate();
    CHECK(e.step == 0);
    CHECK(std::isfinite(e.train_loss));
    CHECK(std::isfinite(e.test_loss));
    CHECK(e.train_accuracy >= 0.0);
    CHECK(e.train_accuracy <= 1.0);
    CHECK_FALSE(e.diverged_at);
    CHECK(std::isnan(run.step(0).loss));  // no update done yet
  }
  SECTION("an empty test split gives NaN test loss and accuracy") {
    Config all = c;
    all.test_fraction = 0.0;
    Run r(all);
    const Evaluation e = r.evaluate();
    CHECK(std::isfinite(e.train_loss));
    CHECK(std::isnan(e.test_loss));
    CHECK(std::isnan(e.test_accuracy));
  }
  SECTION("layer_stats: one entry per weight layer, histograms with hist_bins bins") {
    const auto stats = run.layer_stats();
    REQUIRE(stats.size() == 3);
    CHECK(run.theory_var().size() == 3);
    for (std::size_t l = 0; l < 3; ++l) {
      CHECK(stats[l].histogram.size() == 12u);
      CHECK(stats[l].theory_var == run.theory_var()[l]);
      uint64_t total = 0;
      for (uint32_t v : stats[l].histogram) total += v;
      CHECK(total == 256u * run.net().layers[l].fan_out());  // probe_size 256 rows
    }
  }
  SECTION("predict_grid: softmax of the network at cell centres, top row first") {
    const int res = 6;
    const auto grid = run.predict_grid(res);
    REQUIRE(grid.size() == static_cast<std::size_t>(res * res * 2));
    const auto& b = run.dataset().bounds;
    const double hx = (b[1] - b[0]) / res, hy = (b[3] - b[2]) / res;
    Workspace ws;
    ws.reserve(run.net(), 1);
    for (int j = 0; j < res; ++j) {
      for (int i = 0; i < res; ++i) {
        const float p[2] = {static_cast<float>(b[0] + (i + 0.5) * hx),
                            static_cast<float>(b[3] - (j + 0.5) * hy)};
        const float* z = run.net().forward(p, 1, ws);
        const double m = std::max(z[0], z[1]);
        const double e0 = std::exp(z[0] - m), e1 = std::exp(z[1] - m);
        const float* q = &grid[(j * res + i) * 2];
        INFO("cell row " << j << " column " << i);
        // float probabilities from the same logits: 2 float roundings, 1e-6 absolute.
        CHECK(q[0] == Approx(e0 / (e0 + e1)).margin(1e-6));
        CHECK(q[1] == Approx(e1 / (e0 + e1)).margin(1e-6));
      }
    }
  }
  SECTION("predict_grid needs 2-D data and a sane resolution") {
    CHECK_THROWS_AS(run.predict_grid(1), ConfigError);
    CHECK_THROWS_AS(run.predict_grid(257), ConfigError);
    Config nd;
    nd.dataset = DatasetKind::gaussian_nd;
    nd.input_dim = 5;
    Run r(nd);
    CHECK_THROWS_AS(r.predict_grid(8), ConfigError);
  }
  SECTION("an invalid config throws ConfigError from the constructor") {
    Config badc = c;
    badc.hidden = {};
    CHECK_THROWS_AS(Run(badc), ConfigError);
  }
}

// ---------------------------------------------------------------------------------------------
// Datasets

namespace {
struct DatasetCase {
  DatasetKind kind;
  int input_dim, classes;  // config values (0 = default)
  int expect_dim, expect_classes;
};
const std::vector<DatasetCase> kDatasets = {
    {DatasetKind::spiral, 0, 3, 2, 3},      {DatasetKind::circles, 0, 0, 2, 2},
    {DatasetKind::xor_, 0, 0, 2, 2},        {DatasetKind::gaussians, 0, 4, 2, 4},
    {DatasetKind::moons, 0, 0, 2, 2},       {DatasetKind::gaussian_nd, 10, 3, 10, 3},
    {DatasetKind::gaussian_nd, 0, 0, 64, 2}};
}  // namespace

TEST_CASE("datasets: seeded, shaped as configured, labels in range, every class present",
          "[run][dataset]") {
  for (const DatasetCase& dc : kDatasets) {
    DYNAMIC_SECTION(to_string(dc.kind)
                    << " dim " << dc.expect_dim << " classes " << dc.expect_classes) {
      Config c;
      c.dataset = dc.kind;
      c.input_dim = dc.input_dim;
      c.classes = dc.classes;
      c.samples = 1000;
      c.test_fraction = 0.3;
      c.noise = 0.1;
      const Dataset d = make_dataset(c);
      const Dataset again = make_dataset(c);
      const std::size_t n_train = 700, n_test = 300;
      CHECK(d.input_dim == dc.expect_dim);
      CHECK(d.classes == dc.expect_classes);
      REQUIRE(d.x_train.shape()[0] == n_train);
      REQUIRE(d.x_train.shape()[1] == static_cast<std::size_t>(dc.expect_dim));
      REQUIRE(d.x_test.shape()[0] == n_test);
      REQUIRE(d.x_test.shape()[1] == static_cast<std::size_t>(dc.expect_dim));
      REQUIRE(d.y_train.size() == n_train);
      REQUIRE(d.y_test.size() == n_test);
      CHECK(static_cast<int>(n_train) == train_count(c));

      CHECK(testing::same_bits(d.x_train, again.x_train));
      CHECK(testing::same_bits(d.x_test, again.x_test));
      CHECK(d.y_train == again.y_train);
      CHECK(d.y_test == again.y_test);

      // Every class is present in both splits (with 1000 samples and <= 4 classes each class
      // has ~10% or more of the rows, so missing one in 300 rows would be a bug, not chance).
      std::vector<int> seen_train(dc.expect_classes, 0), seen_test(dc.expect_classes, 0);
      bool in_range = true;
      for (int y : d.y_train) {
        in_range = in_range && y >= 0 && y < dc.expect_classes;
        if (in_range) ++seen_train[y];
      }
      for (int y : d.y_test) {
        in_range = in_range && y >= 0 && y < dc.expect_classes;
        if (in_range) ++seen_test[y];
      }
      REQUIRE(in_range);
      for (int k = 0; k < dc.expect_classes; ++k) {
        INFO("class " << k);
        CHECK(seen_train[k] > 0);
        CHECK(seen_test[k] > 0);
      }

      bool finite = true;
      for (float v : d.x_train) finite = finite && std::isfinite(v);
      CHECK(finite);

      if (dc.expect_dim == 2) {
        // The decision-boundary plane contains every point, train and test.
        const auto& b = d.bounds;
        CHECK(b[0] < b[1]);
        CHECK(b[2] < b[3]);
        bool inside = true;
        for (const Matrix* x : {&d.x_train, &d.x_test})
          for (std::size_t r = 0; r < x->shape()[0]; ++r)
            inside = inside && (*x)(r, 0) >= b[0] && (*x)(r, 0) <= b[1] && (*x)(r, 1) >= b[2] &&
                     (*x)(r, 1) <= b[3];
        CHECK(inside);
      }

      SECTION("another seed gives other data; non-data fields change nothing") {
        Config other = c;
        other.seed = c.seed + 1;
        CHECK_FALSE(testing::same_bits(make_dataset(other).x_train, d.x_train));
        Config net = c;
        net.init = Init::zeros;
        net.hidden = {3};
        net.learning_rate = 1.0;
        net.activation = Activation::tanh;
        const Dataset same = make_dataset(net);
        CHECK(testing::same_bits(same.x_train, d.x_train));
        CHECK(same.y_train == d.y_train);
      }
    }
  }
  SECTION("Run::dataset() is make_dataset(config)") {
    Config c;
    Run run(c);
    const Dataset d = make_dataset(c);
    CHECK(testing::same_bits(run.dataset().x_train, d.x_train));
    CHECK(run.dataset().y_test == d.y_test);
  }
}

TEST_CASE("datasets: shapes that can be checked without knowing the generator", "[run][dataset]") {
  SECTION("gaussian_nd inputs are N(0, I): mean 0 and variance 1 within 5 SE") {
    Config c;
    c.dataset = DatasetKind::gaussian_nd;
    c.input_dim = 64;
    c.samples = 4000;
    const Dataset d = make_dataset(c);
    const auto m = testing::moments(d.x_train);
    CHECK(std::fabs(m.mean) <= 5 * testing::mean_se(1.0, m.n));
    CHECK(std::fabs(m.var - 1.0) <= 5 * testing::var_se(1.0, 3.0, m.n));
  }
  SECTION("xor without noise: label = sign(x0) xor sign(x1), exactly") {
    Config c;
    c.dataset = DatasetKind::xor_;
    c.noise = 0.0;
    const Dataset d = make_dataset(c);
    for (std::size_t r = 0; r < d.y_train.size(); ++r) {
      const bool a = d.x_train(r, 0) >= 0, b = d.x_train(r, 1) >= 0;
      REQUIRE(d.y_train[r] == (a != b ? 1 : 0));
    }
  }
  SECTION("circles without noise: the inner disc (class 1) is inside the outer ring (class 0)") {
    Config c;
    c.dataset = DatasetKind::circles;
    c.noise = 0.0;
    const Dataset d = make_dataset(c);
    double max_inner = 0, min_outer = 1e9;
    for (std::size_t r = 0; r < d.y_train.size(); ++r) {
      const double rad = std::hypot(d.x_train(r, 0), d.x_train(r, 1));
      if (d.y_train[r] == 1)
        max_inner = std::max(max_inner, rad);
      else
        min_outer = std::min(min_outer, rad);
    }
    INFO("inner disc up to " << max_inner << ", outer ring from " << min_outer);
    CHECK(max_inner < min_outer);
  }
  SECTION("the 2-D toys live in about [-1, 1]^2 before noise") {
    for (DatasetKind k : {DatasetKind::spiral, DatasetKind::circles, DatasetKind::xor_,
                          DatasetKind::gaussians, DatasetKind::moons}) {
      Config c;
      c.dataset = k;
      c.noise = 0.0;
      const Dataset d = make_dataset(c);
      INFO(to_string(k));
      // "about": allow 10% beyond the unit square.
      CHECK(testing::moments(d.x_train).max_abs <= 1.1);
    }
  }
}
