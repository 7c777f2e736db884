// tests/native/test_parametrization.cpp: sp, ntk and mup
// (core/include/initscope/parametrization.hpp, spec/parametrizations.md). The spec's invariants are
// the tests: sp is the plain network, mup at baseWidth is sp bit for bit, ntk computes sp's
// function at init; and every multiplier, rescaled draw and learning-rate scale is the spec's table
// (the mup package's form). The finite-difference check of backward with multipliers is in
// test_mlp.cpp.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <vector>

#include "helpers.hpp"
#include "initscope/parametrization.hpp"
#include "initscope/run.hpp"

using namespace initscope;

namespace {

Config base_config(std::vector<int> hidden, Optimizer opt) {
  Config c;
  c.dataset = DatasetKind::gaussian_nd;
  c.input_dim = 16;
  c.samples = 400;
  c.hidden = std::move(hidden);
  c.optimizer = opt;
  c.learning_rate = opt == Optimizer::adam ? 1e-3 : 0.05;
  c.batch_size = 32;
  c.seed = 7;
  return c;
}

bool same_net_bits(const Mlp& a, const Mlp& b) {
  for (std::size_t l = 0; l < a.num_layers(); ++l)
    if (!testing::same_bits(a.layers[l].W, b.layers[l].W) ||
        !testing::same_bits(a.layers[l].b, b.layers[l].b))
      return false;
  return true;
}

// Bitwise equality of two doubles (NaN == NaN).
bool same(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

}  // namespace

TEST_CASE("parametrization: sp leaves every layer plain", "[parametrization]") {
  for (Optimizer opt : {Optimizer::sgd, Optimizer::adam}) {
    Run run(base_config({32, 48}, opt));
    for (const Layer& layer : run.net().layers) {
      CHECK(layer.multiplier == 1.f);
      CHECK(layer.lr_scale_w == 1.f);
      CHECK(layer.lr_scale_b == 1.f);
    }
    CHECK(run.net().layers.front().role == LayerRole::input);
    CHECK(run.net().layers[1].role == LayerRole::hidden);
    CHECK(run.net().layers.back().role == LayerRole::readout);
  }
}

TEST_CASE("parametrization: mup at baseWidth gives sp's records bit for bit", "[parametrization]") {
  for (Optimizer opt : {Optimizer::sgd, Optimizer::momentum, Optimizer::adam}) {
    for (int width : {64, 24}) {
      DYNAMIC_SECTION(to_string(opt) << ", width " << width) {
        Config sp = base_config({width, width, width}, opt);
        sp.base_width = width;
        Config mup = sp;
        mup.parametrization = Parametrization::mup;
        Run a(sp), b(mup);
        REQUIRE(same_net_bits(a.net(), b.net()));
        for (int chunk = 0; chunk < 4; ++chunk) {
          a.step(10);
          b.step(10);
          const Evaluation ea = a.evaluate(), eb = b.evaluate();
          CHECK(same(ea.train_loss, eb.train_loss));
          CHECK(same(ea.test_loss, eb.test_loss));
          CHECK(same(ea.train_accuracy, eb.train_accuracy));
          const auto sa = a.layer_stats(), sb = b.layer_stats();
          for (std::size_t l = 0; l < sa.size(); ++l) {
            CHECK(same(sa[l].pre_var, sb[l].pre_var));
            CHECK(same(sa[l].grad_var, sb[l].grad_var));
            CHECK(same(sa[l].weight_var, sb[l].weight_var));
          }
        }
        CHECK(same_net_bits(a.net(), b.net()));
        // A different width is not sp: the test could tell them apart.
        Config wider = mup;
        wider.base_width = width / 2;
        Run a2(sp), c(wider);
        a2.step(10);
        c.step(10);
        CHECK_FALSE(same_net_bits(a2.net(), c.net()));
      }
    }
  }
}

TEST_CASE("parametrization: ntk computes sp's function at init, within float rounding",
          "[parametrization]") {
  Config sp = base_config({256, 64, 128}, Optimizer::sgd);
  Config ntk = sp;
  ntk.parametrization = Parametrization::ntk;
  Run a(sp), b(ntk);
  const Mlp& na = a.net();
  const Mlp& nb = b.net();
  for (std::size_t l = 0; l < na.num_layers(); ++l) {
    const double f = static_cast<double>(na.layers[l].fan_in());
    CHECK(nb.layers[l].multiplier == static_cast<float>(1.0 / std::sqrt(f)));
    CHECK(nb.layers[l].lr_scale_w == 1.f);
  }
  Workspace wa, wb;
  const std::size_t rows = 64;
  wa.reserve(na, rows);
  wb.reserve(nb, rows);
  const float* x = a.dataset().x_train.data();
  na.forward(x, rows, wa);
  nb.forward(x, rows, wb);
  // Each effective weight float(1/sqrt(f)) x float(sqrt(f) w) is w within 3 float roundings
  // (3 x 2^-24 relative), and the multiply after the sum adds one more; the sums of up to 256
  // terms round differently, by at most ~256 x 2^-24 of sum |w x| in the worst case and
  // ~sqrt(256) x 2^-24 typically. Through 4 layers of relu (1-Lipschitz) the logits then agree
  // within ~1e-5 of their scale; 1e-4 leaves room, and a wrong multiplier (off by sqrt(f) >= 8)
  // is off by a factor, not 1e-4.
  for (std::size_t l = 0; l < na.num_layers(); ++l) {
    const auto& za = wa.pre[l];
    const auto& zb = wb.pre[l];
    double scale = 0, worst = 0;
    for (std::size_t i = 0; i < rows * na.layers[l].fan_out(); ++i) {
      scale = std::max(scale, std::fabs(static_cast<double>(za[i])));
      worst = std::max(worst, std::fabs(static_cast<double>(za[i]) - zb[i]));
    }
    INFO("layer " << l << ": worst " << worst << " of scale " << scale);
    CHECK(scale > 0.1);
    CHECK(worst <= 1e-4 * scale);
  }
  // The reported weight variance is of the effective weights: the same as sp's.
  const auto sa = a.layer_stats(), sb = b.layer_stats();
  for (std::size_t l = 0; l < sa.size(); ++l) {
    CHECK(sb[l].weight_var == Approx(sa[l].weight_var).epsilon(1e-5));
    // The multiplier is float(1/sqrt(f)): (m sqrt(f))^2 is 1 within 2 x 2^-24 per layer, so after
    // 4 layers the theory lines agree within ~5e-7.
    CHECK(b.theory_var()[l] == Approx(a.theory_var()[l]).epsilon(1e-6));
  }
}

TEST_CASE("parametrization: mup's multipliers, rescaled draws and lr scales are the spec's table",
          "[parametrization]") {
  // d = 16 -> 128 -> 256 -> k = 2 with n0 = 64: r_1 = 2, r_2 = 4.
  for (Optimizer opt : {Optimizer::sgd, Optimizer::momentum, Optimizer::adam}) {
    DYNAMIC_SECTION(to_string(opt)) {
      Config sp = base_config({128, 256}, opt);
      sp.bias_var = 0.1;  // orthogonal draws N(0, biasVar) biases, so their rescaling shows
      sp.init = Init::orthogonal;
      Config mup = sp;
      mup.parametrization = Parametrization::mup;
      mup.output_multiplier = 3.0;
      Run a(sp), b(mup);
      const auto& la = a.net().layers;
      const auto& lb = b.net().layers;
      const bool adam = opt == Optimizer::adam;
      struct Row {
        double w_scale, b_scale, m, lr_w, lr_b;
      };
      const Row rows[3] = {
          {1, 1, 1, adam ? 1.0 : 2.0, adam ? 1.0 : 2.0},               // input: lr r_1, bias lr r_1
          {1, std::sqrt(2.0), 1, adam ? 0.5 : 2.0, adam ? 1.0 : 4.0},  // hidden: r_2 / r_1
          {2, 2, 3.0 / 4, adam ? 1.0 : 4.0, 1},  // readout: sqrt(r_L) draw, m = om / r_L
      };
      for (std::size_t l = 0; l < 3; ++l) {
        INFO("layer " << l);
        const Row& r = rows[l];
        CHECK(lb[l].multiplier == static_cast<float>(r.m));
        CHECK(lb[l].lr_scale_w == static_cast<float>(r.lr_w));
        CHECK(lb[l].lr_scale_b == static_cast<float>(r.lr_b));
        const float ws = static_cast<float>(r.w_scale), bs = static_cast<float>(r.b_scale);
        bool w_ok = true, b_ok = true;
        for (std::size_t i = 0; i < la[l].W.size(); ++i)
          w_ok =
              w_ok && lb[l].W.data()[i] == (ws == 1.f ? la[l].W.data()[i] : la[l].W.data()[i] * ws);
        for (std::size_t i = 0; i < la[l].b.size(); ++i)
          b_ok =
              b_ok && lb[l].b.data()[i] == (bs == 1.f ? la[l].b.data()[i] : la[l].b.data()[i] * bs);
        CHECK(w_ok);
        CHECK(b_ok);
      }
    }
  }
}

TEST_CASE("parametrization: one update moves each tensor by lr x its scale x its gradient",
          "[parametrization]") {
  // Plain SGD, full batch: the stored change is exactly -float(lr s) g elementwise.
  Config c = base_config({128, 256}, Optimizer::sgd);
  c.parametrization = Parametrization::mup;
  c.batch_size = 0;
  Run run(c);
  const std::vector<Layer> before = run.net().layers;
  run.step(1);
  const auto& after = run.net().layers;
  for (std::size_t l = 0; l < after.size(); ++l) {
    INFO("layer " << l);
    const float lr = static_cast<float>(c.learning_rate * after[l].lr_scale_w);
    bool ok = true;
    for (std::size_t i = 0; i < after[l].W.size(); ++i)
      ok = ok && after[l].W.data()[i] == before[l].W.data()[i] - lr * after[l].dW.data()[i];
    CHECK(ok);
  }
}

TEST_CASE(
    "parametrization: readoutZeroInit starts the readout at +0, inputMultiplier keeps the "
    "function",
    "[parametrization]") {
  Config c = base_config({64, 128}, Optimizer::sgd);
  c.parametrization = Parametrization::mup;
  c.readout_zero_init = true;
  Run run(c);
  for (float w : run.net().layers.back().W) CHECK(!std::signbit(w));
  for (float w : run.net().layers.back().W) CHECK(w == 0.f);
  for (float v : run.net().layers.back().b) CHECK(v == 0.f);
  run.step(20);
  CHECK_FALSE(run.diverged_at());
  double moved = 0;
  for (float w : run.net().layers.back().W) moved += std::fabs(w);
  CHECK(moved > 0);  // a zero readout still learns (its gradient is the last hidden layer's)

  Config plain = base_config({64, 128}, Optimizer::sgd);
  Config im = plain;
  im.input_multiplier = 1.0 / 256;  // mup's examples/MLP value
  Run a(plain), b(im);
  CHECK(b.net().layers.front().multiplier == 1.f / 16);
  const auto sa = a.layer_stats(), sb = b.layer_stats();
  // Stored W / 16 then x 1/16 (powers of two): the effective weights are exactly sp's.
  for (std::size_t l = 0; l < sa.size(); ++l) CHECK(same(sa[l].pre_var, sb[l].pre_var));
  // ... and SGD moves the input layer's effective weights im times as far: the stored step is
  // lr g_stored = lr m g_eff, so the effective step is m^2 lr g_eff = im lr g_eff.
  Config fa = plain, fb = im;
  fa.batch_size = fb.batch_size = 0;
  Run ra(fa), rb(fb);
  ra.step(1);
  rb.step(1);
  // Same function and batch, so the same backward signal: the stored gradient is m times sp's
  // (exactly: m = 1/16 is a power of two), and the update rule (tested above) then moves the
  // effective weights m x (lr m g) = im lr g. (Differencing the weights themselves would lose
  // the 1/256-smaller step in their float rounding.)
  const float m = rb.net().layers.front().multiplier;
  const Matrix& ga = ra.net().layers.front().dW;
  const Matrix& gb = rb.net().layers.front().dW;
  bool scaled = true;
  double total = 0;
  for (std::size_t i = 0; i < ga.size(); ++i) {
    scaled = scaled && gb.data()[i] == m * ga.data()[i];
    total += std::fabs(ga.data()[i]);
  }
  CHECK(scaled);
  CHECK(total > 0);
}

TEST_CASE("parametrization: the new fields are validated with the registry's messages",
          "[parametrization]") {
  Config c;
  c.base_width = 0;
  CHECK_THROWS_WITH(validate(c), "invalid baseWidth = 0: expected an integer in 1..2048");
  c = Config{};
  c.output_multiplier = 0;
  CHECK_THROWS_WITH(validate(c), "invalid outputMultiplier = 0: expected a number in (0, 1000000]");
  CHECK_THROWS_WITH(parse_parametrization("muP"),
                    "invalid parametrization = \"muP\": expected one of sp, ntk, mup");
}
