// Residual blocks, norms in the network, Fixup and ReZero (spec/residual.md): every trained
// tensor's gradient against central differences, and the theory of the stream at init.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "initscope/mlp.hpp"
#include "initscope/rng.hpp"
#include "initscope/run.hpp"

using namespace initscope;

namespace {

// A small net of every shape: 3 -> stem 5 -> 3 blocks -> 3 outputs (residual) or 3 -> 5, 5, 5 -> 3
// (plain), 6 rows. Every parameter gets a random O(1) value, also those that start at 0 or 1 in
// a real run (gates, Fixup's scalars, norm gains), so every gradient is non-zero and a missing
// or wrong term shows.
struct Net {
  Mlp net;
  std::vector<float> x;
  std::vector<int> labels = {0, 2, 1, 2, 0, 1};
  Net(const NetShape& shape, Activation act, uint64_t seed)
      : net(3, {5, 5, 5}, 3, act, 0.1f, shape) {
    Rng rng(seed, stream::kSample);
    for (Layer& layer : net.layers) {
      for (float& w : layer.W) w = static_cast<float>(0.6 * rng.normal());
      for (float& v : layer.b) v = static_cast<float>(0.3 * rng.normal());
    }
    for (auto& n : net.norms) {
      for (float& g : n.gamma) g = static_cast<float>(1 + 0.3 * rng.normal());
      if (n.kind != NormKind::rms)
        for (float& b : n.beta) b = static_cast<float>(0.3 * rng.normal());
    }
    for (Block& b : net.blocks) {
      b.gate = static_cast<float>(0.8 + 0.3 * rng.normal());
      b.scale = static_cast<float>(1 + 0.3 * rng.normal());
      for (float& v : b.bias) v = static_cast<float>(0.3 * rng.normal());
    }
    x.resize(labels.size() * 3);
    for (float& v : x) v = static_cast<float>(rng.normal());
  }
};

double loss_of(const Mlp& net, const Net& p, Workspace& ws) {
  const float* z = net.forward(p.x.data(), p.labels.size(), ws, ForwardMode::probe);
  return loss_and_grad(Loss::cross_entropy, z, p.labels.data(), p.labels.size(), 3, nullptr,
                       nullptr);
}

std::string describe(const NetShape& s) {
  std::string d = s.architecture == Architecture::residual ? "residual" : "plain";
  d += " m=" + std::to_string(s.block_layers);
  d += std::string(" norm=") + to_string(s.norm) + "/" + to_string(s.norm_position);
  if (s.rezero) d += " rezero";
  if (s.fixup) d += " fixup";
  return d;
}

void check_gradients(const NetShape& shape, Activation act) {
  Net p(shape, act, 7);
  Workspace ws;
  ws.reserve(p.net, p.labels.size());
  const float* z = p.net.forward(p.x.data(), p.labels.size(), ws, ForwardMode::probe);
  loss_and_grad(Loss::cross_entropy, z, p.labels.data(), p.labels.size(), 3, ws.grad.back().data(),
                nullptr);
  p.net.backward(p.x.data(), p.labels.size(), ws);
  std::vector<std::vector<double>> analytic;
  for (const ParamRef& r : p.net.params()) analytic.emplace_back(r.grad, r.grad + r.size);

  // Central differences through the float forward: the error analysis of test_mlp.cpp's check
  // (a): rounding ~1e-6 / h plus truncation h^2/6 |L'''|. A norm over 5 units is strongly
  // curved: at h = 2^-7 RMSNorm on the stem's bias showed a truncation error of 2.2e-3
  // (measured, shrinking 4x per halving of h), so h = 2^-8: truncation ~6e-4, rounding ~3e-4,
  // within atol 1e-3 + rtol 1e-2. A wrong or missing term is off by >= 10% of gradients that
  // are O(0.01-1) here.
  const double h = 1.0 / 256;
  Workspace fws;
  fws.reserve(p.net, p.labels.size());
  std::size_t t = 0;
  for (const ParamRef& r : p.net.params()) {
    std::vector<double> fd;
    for (std::size_t i = 0; i < r.size; ++i) {
      float& v = r.value[i];
      const float orig = v, up = static_cast<float>(orig + h), down = static_cast<float>(orig - h);
      v = up;
      const double lu = loss_of(p.net, p, fws);
      v = down;
      const double ld = loss_of(p.net, p, fws);
      v = orig;
      fd.push_back((lu - ld) / (static_cast<double>(up) - static_cast<double>(down)));
    }
    INFO(describe(shape) << " / " << to_string(act) << " / parameter tensor " << t);
    CHECK_TENSOR("grad", analytic[t].data(), fd.data(), fd.size(), 1e-3, 1e-2);
    double biggest = 0;
    for (double g : analytic[t]) biggest = std::max(biggest, std::fabs(g));
    // A Linear's bias whose shift reaches the loss only through a BatchNorm (the same shift in
    // every row, which the norm removes) has a zero gradient: the comparison above covers it.
    // Every other gradient is not identically zero, so the comparison can fail.
    const std::size_t linear_tensors = 2 * p.net.num_layers();
    const bool hidden_bias = t + 1 < linear_tensors && t % 2 == 1;
    if (!(shape.norm == NormChoice::batch && hidden_bias)) CHECK(biggest > 1e-3);
    ++t;
  }
}

}  // namespace

TEST_CASE("residual: every parameter's gradient matches central differences", "[residual]") {
  for (Activation act : {Activation::tanh, Activation::gelu})
    for (int m : {1, 2})
      for (NormChoice norm :
           {NormChoice::none, NormChoice::layer, NormChoice::rms, NormChoice::batch})
        for (NormPosition pos : {NormPosition::pre, NormPosition::post}) {
          if (norm == NormChoice::none && pos == NormPosition::post) continue;
          NetShape s;
          s.architecture = Architecture::residual;
          s.block_layers = m;
          s.alpha = 0.7f;
          s.norm = norm;
          s.norm_position = pos;
          s.rezero = norm != NormChoice::batch;  // gates with and without norms
          check_gradients(s, act);
        }
  for (int m : {1, 2}) {
    NetShape s;
    s.architecture = Architecture::residual;
    s.block_layers = m;
    s.fixup = true;
    check_gradients(s, Activation::tanh);
  }
}

TEST_CASE("residual: a plain net with a norm after every hidden Linear has exact gradients",
          "[residual]") {
  for (NormChoice norm : {NormChoice::layer, NormChoice::rms, NormChoice::batch}) {
    NetShape s;
    s.norm = norm;
    check_gradients(s, Activation::tanh);
  }
}

TEST_CASE("residual: the parameter list is every tensor once, plain nets unchanged", "[residual]") {
  Mlp plain(3, {5, 4}, 2, Activation::relu, 0.f);
  const auto refs = plain.params();
  REQUIRE(refs.size() == 6);  // W0 b0 W1 b1 W2 b2, the order the optimizer state always had
  CHECK(refs[2].value == plain.layers[1].W.data());
  NetShape s;
  s.architecture = Architecture::residual;
  s.block_layers = 2;
  s.norm = NormChoice::layer;
  s.rezero = true;
  Mlp res(3, {8, 8, 8, 8}, 2, Activation::relu, 0.f, s);
  CHECK(res.layers.size() == 1 + 4 * 2 + 1);
  CHECK(res.norms.size() == 5);  // one per block and the final one before the readout
  int64_t total = 0;
  for (const ParamRef& r : res.params()) total += static_cast<int64_t>(r.size);
  CHECK(total == res.parameter_count());
  Config c;
  c.dataset = DatasetKind::gaussian_nd;
  c.input_dim = 3;
  c.classes = 2;
  c.hidden = {8, 8, 8, 8};
  c.architecture = Architecture::residual;
  c.block_layers = 2;
  c.norm = NormChoice::layer;
  c.residual_gate = ResidualGate::rezero;
  CHECK(parameter_count(c) == res.parameter_count());
}

namespace {
Config stream_config(int blocks, ResidualScale scale, uint32_t seed) {
  Config c;
  c.dataset = DatasetKind::gaussian_nd;
  c.samples = 512;
  c.test_fraction = 0.5;
  c.input_dim = 64;
  c.hidden = std::vector<int>(blocks, 128);
  c.architecture = Architecture::residual;
  c.residual_scale = scale;
  c.init = Init::he_normal;
  c.probe_size = 128;
  c.seed = seed;
  return c;
}
double mean_square(const LayerStats& s) { return s.pre_var + s.pre_mean * s.pre_mean; }
}  // namespace

TEST_CASE("residual: the stream's mean square grows as (1 + alpha^2 c)^B at init", "[residual]") {
  // spec/residual.md: E q_{l+1} = (1 + alpha^2 c) E q_l, exact in expectation; He with one layer
  // per branch has c = 1. Over 12 seeds the mean ratio q_B / q_0 must be within 3 standard
  // errors of (1 + alpha^2)^B (a false alarm 0.3% of the time if the theory holds).
  struct Case {
    int blocks;
    ResidualScale scale;
    double expected;
  };
  for (const Case& k : {Case{10, ResidualScale::one, 1024.0},
                        Case{50, ResidualScale::inv_sqrt_depth, std::pow(1.0 + 1.0 / 50, 50)}}) {
    std::vector<double> ratios;
    for (uint32_t seed = 1; seed <= 12; ++seed) {
      Run run(stream_config(k.blocks, k.scale, seed));
      const auto stats = run.layer_stats();
      REQUIRE(stats.size() == static_cast<std::size_t>(k.blocks) + 2);
      ratios.push_back(mean_square(stats[k.blocks]) / mean_square(stats[0]));
      // The theory line the page draws is the same recursion on the measured input.
      CHECK(stats[k.blocks].theory_var / stats[0].theory_var == Approx(k.expected).epsilon(1e-9));
    }
    double mean = 0, var = 0;
    for (double r : ratios) mean += r / ratios.size();
    for (double r : ratios) var += (r - mean) * (r - mean) / (ratios.size() - 1);
    const double se = std::sqrt(var / ratios.size());
    INFO(k.blocks << " blocks: mean ratio " << mean << " +- " << se << ", theory " << k.expected);
    CHECK(std::fabs(mean - k.expected) < 3 * se + 1e-12);
    CHECK(se < 0.1 * k.expected);  // the seeds resolve the claim: 3 SE is a tight band
  }
}

TEST_CASE("residual: ReZero and Fixup leave the stream unchanged at init, exactly", "[residual]") {
  for (int which = 0; which < 3; ++which) {
    Config c = stream_config(20, ResidualScale::one, 3);
    if (which == 0) c.residual_gate = ResidualGate::rezero;
    if (which == 1) c.init = Init::fixup;
    if (which == 2) c.init = Init::fixup, c.block_layers = 2;
    Run run(c);
    const auto stats = run.layer_stats();
    INFO("case " << which);
    for (std::size_t b = 1; b <= 20; ++b) {
      CHECK(stats[b].pre_var == stats[0].pre_var);  // the same floats: the branch adds exact 0s
      CHECK(stats[b].post_var == 0.0);              // the branch's contribution
      CHECK(stats[b].theory_var == stats[0].theory_var);
    }
    // ... and the network still learns: the gates / zero layers get gradients.
    const double before = run.evaluate().train_loss;
    c.learning_rate = 0.05;
    Run trained(c);
    trained.step(50);
    CHECK(trained.evaluate().train_loss < before);
  }
}

TEST_CASE("residual: post-norm keeps q = 1, pre-norm grows it linearly", "[residual]") {
  Config c = stream_config(16, ResidualScale::one, 5);
  c.norm = NormChoice::layer;
  c.norm_position = NormPosition::post;
  {
    Run run(c);
    const auto stats = run.layer_stats();
    // LayerNorm's output has mean 0 and variance var / (var + eps) per row, so 1 - ~1e-5.
    for (std::size_t b = 1; b <= 16; ++b) CHECK(mean_square(stats[b]) == Approx(1.0).epsilon(1e-4));
  }
  c.norm_position = NormPosition::pre;
  Run run(c);
  const auto stats = run.layer_stats();
  // q_B = q_0 + alpha^2 c B (c = 1): the theory line is exactly that.
  CHECK(stats[16].theory_var == Approx(stats[0].theory_var + 16).epsilon(1e-12));
}

TEST_CASE("residual: batch norm's running statistics change only in training steps", "[residual]") {
  Config c;
  c.hidden = {16, 16};
  c.norm = NormChoice::batch;
  c.batch_size = 32;
  Run run(c);
  const auto before = run.net().norms[0].running_mean;
  run.layer_stats();
  run.evaluate();
  CHECK(run.net().norms[0].running_mean == before);  // probe and evaluation leave them alone
  run.step(1);
  CHECK(run.net().norms[0].running_mean != before);
  for (float v : run.net().norms[0].running_var) CHECK(v > 0.f);
}

TEST_CASE("residual: invalid combinations name the field", "[residual]") {
  Config c;
  c.init = Init::fixup;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("invalid init = \"fixup\""));
  c.architecture = Architecture::residual;
  c.norm = NormChoice::layer;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("invalid norm = \"layer\""));
  c = Config{};
  c.hidden = {8, 16};
  c.architecture = Architecture::residual;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("equal widths"));
  c = Config{};
  c.residual_gate = ResidualGate::rezero;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("invalid residualGate"));
  c = Config{};
  c.norm = NormChoice::batch;
  c.batch_size = 1;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("invalid norm = \"batch\""));
}

TEST_CASE("residual: a stream that overflows float at init is flagged at its block", "[residual]") {
  // alpha = 1, He x gain 30, one layer per branch: |stream| grows ~30x per block, so float32
  // overflows a few dozen blocks in. The block is found by an independent forward pass in
  // double on the same weights and probe rows; a seed is used only where the answer cannot
  // depend on float rounding: at the block before, even sum |terms| (every partial sum of the
  // float GEMM and the residual add) stays below FLT_MAX / 2, and at the block itself some
  // element is past 2 FLT_MAX.
  constexpr double kFltMax = 3.4028234663852886e38;
  bool tested = false;
  for (uint32_t seed = 1; seed <= 8 && !tested; ++seed) {
    Config c = stream_config(60, ResidualScale::one, seed);
    c.hidden = std::vector<int>(60, 32);
    c.probe_size = 32;
    c.gain_mode = GainMode::Value;
    c.gain = 30;
    Run run(c);
    const Mlp& net = run.net();
    const std::size_t n = 32, d = 64, rows = 32;
    const float* x = run.dataset().x_train.data();
    // The stem, then each block: the first probe point with an element past float's range.
    std::vector<double> s(rows * n);
    double bound = 0, biggest = 0;
    const Layer& stem = net.layers[0];
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t o = 0; o < n; ++o) {
        double v = stem.b[o], a = std::fabs(stem.b[o]);
        for (std::size_t i = 0; i < d; ++i) {
          v += static_cast<double>(stem.W[o * d + i]) * x[r * d + i];
          a += std::fabs(static_cast<double>(stem.W[o * d + i]) * x[r * d + i]);
        }
        s[r * n + o] = v;
        bound = std::max(bound, a), biggest = std::max(biggest, std::fabs(v));
      }
    std::size_t expected = 0;
    bool clear = biggest > 2 * kFltMax;  // the stem itself (not with these weights)
    double prev_bound = 0;
    for (std::size_t b = 0; b < net.blocks.size() && !(biggest > kFltMax); ++b) {
      prev_bound = bound;
      const Layer& w = net.layers[net.blocks[b].first];
      std::vector<double> next(rows * n);
      bound = biggest = 0;
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < n; ++o) {
          double f = w.b[o], a = std::fabs(w.b[o]);
          for (std::size_t i = 0; i < n; ++i) {
            const double u = std::max(0.0, s[r * n + i]);  // relu
            f += static_cast<double>(w.W[o * n + i]) * u;
            a += std::fabs(static_cast<double>(w.W[o * n + i]) * u);
          }
          next[r * n + o] = s[r * n + o] + f;
          bound = std::max(bound, a + std::fabs(s[r * n + o]));
          biggest = std::max(biggest, std::fabs(next[r * n + o]));
        }
      s = next;
      expected = b + 1;
      clear = biggest > 2 * kFltMax && prev_bound < kFltMax / 2;
    }
    INFO("seed " << seed << ": expected block " << expected << ", clear " << clear);
    if (!clear || expected == 0) continue;
    const auto stats = run.layer_stats();
    REQUIRE(run.diverged_at().has_value());
    CHECK(*run.diverged_at() == 0);
    REQUIRE(run.overflow().has_value());
    CHECK(run.overflow()->point == expected);
    CHECK_FALSE(run.overflow()->backward);
    CHECK(run.overflow()->step == 0);
    for (std::size_t p = 0; p < expected; ++p) CHECK(std::isfinite(stats[p].pre_var));
    CHECK_FALSE(std::isfinite(stats[expected].pre_var + stats[expected].pre_mean));
    tested = true;
  }
  CHECK(tested);  // some seed gave a block that float rounding cannot move
  // A healthy run has no overflow.
  Run ok(stream_config(10, ResidualScale::one, 1));
  ok.layer_stats();
  CHECK_FALSE(ok.overflow().has_value());
  CHECK_FALSE(ok.diverged_at().has_value());
}
