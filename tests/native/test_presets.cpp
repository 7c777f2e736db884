// tests/native/test_presets.cpp: every preset proves its claim
// (core/include/initscope/presets.hpp).
//
// A student reads two sentences per preset (`what`, `watch`). Each sentence that states a number
// or a comparison has a TEST_CASE here that measures it at the preset's exact configuration, over
// 5 seeds: the preset's own (42, what the page shows) and the next four. Nothing is cherry-picked:
// a claim must hold for every seed, or the sentence is rewritten.
//
// Tolerances. A per-layer factor ("halves per layer") is the geometric mean of the layer-to-layer
// ratios r_l = v_{l+1} / v_l; given layer l, layer l+1's weights are fresh draws, so the ln r_l are
// close to independent and the standard error of their mean is sd(ln r) / sqrt(k), estimated from
// the same k ratios. The check is |mean ln r - ln target| <= 5 SE + 0.05, where the 0.05 allows
// for E[ln X] < ln E[X] (Jensen: about Var[X]/2 for a relative spread of 0.2-0.3 per layer at
// width 64, i.e. 0.02-0.05). Bounds stated in a sentence ("within a factor 4", "below 1/10") are
// checked as stated; the measured extremes over the 5 seeds are noted beside each.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/coordcheck.hpp"
#include "initscope/image_data.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/presets.hpp"
#include "initscope/run.hpp"
#include "initscope/sweep.hpp"

using namespace initscope;

namespace {

const std::vector<uint32_t> kSeeds = {42, 43, 44, 45, 46};

// What a preset's run looks like at step 0 and after `steps` updates.
struct Outcome {
  Init init;
  std::vector<LayerStats> s0, sN;
  Evaluation e0, eN;
  double label_entropy;  // of the training labels: the best loss of a constant prediction
};

double label_entropy(const std::vector<int>& y, int classes) {
  std::vector<double> count(classes, 0.0);
  for (int v : y) count[v] += 1;
  double h = 0;
  for (double c : count)
    if (c > 0) h -= c / y.size() * std::log(c / y.size());
  return h;
}

// `only`: the runs a claim is about (the others are not trained, to keep the suite quick).
std::vector<Outcome> run_preset(const std::string& id, uint32_t seed, int steps,
                                const std::vector<Init>& only = {}) {
  std::vector<Outcome> out;
  for (Config c : preset_run_configs(preset_by_id(id))) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.init) == only.end()) continue;
    c.seed = seed;
    Run run(c);
    Outcome o{c.init, run.layer_stats(), {}, run.evaluate(), {}, 0};
    o.label_entropy = label_entropy(run.dataset().y_train, run.dataset().classes);
    run.step(steps);
    o.eN = run.evaluate();
    if (!o.eN.diverged_at) o.sN = run.layer_stats();
    out.push_back(o);
  }
  return out;
}

const Outcome& by_init(const std::vector<Outcome>& runs, Init init) {
  for (const Outcome& o : runs)
    if (o.init == init) return o;
  FAIL("no run with init " << to_string(init));
  return runs.front();
}

std::vector<double> column(const std::vector<LayerStats>& s, double LayerStats::*m) {
  std::vector<double> v;
  for (const LayerStats& x : s) v.push_back(x.*m);
  return v;
}

// ln of the per-layer factor v[l+1]/v[l] for l in [from, to): mean and standard error.
struct LogRatio {
  double mean, se;
  int k;
  double factor() const { return std::exp(mean); }
};
LogRatio log_ratio(const std::vector<double>& v, std::size_t from, std::size_t to) {
  std::vector<double> r;
  for (std::size_t l = from; l < to; ++l) r.push_back(std::log(v[l + 1] / v[l]));
  double m = 0;
  for (double x : r) m += x;
  m /= r.size();
  double ss = 0;
  for (double x : r) ss += (x - m) * (x - m);
  const double sd = std::sqrt(ss / (r.size() - 1));
  return {m, sd / std::sqrt(static_cast<double>(r.size())), static_cast<int>(r.size())};
}

// The per-layer factor matches `target` within 5 standard errors (+ the Jensen allowance).
void check_factor(const LogRatio& r, double target, const std::string& what) {
  INFO(what << ": per-layer factor " << r.factor() << " over " << r.k << " layers (target "
            << target << ", SE of ln " << r.se << ")");
  CHECK(std::abs(r.mean - std::log(target)) <= 5 * r.se + 0.05);
}

// Gaussian expectation E[g(h)], h ~ N(0, q), by the trapezoid rule over +-12 sd (error far
// below the tolerances it is used with). Independent of the library's own integrals.
template <typename G>
double gauss(double q, G g) {
  const int n = 4000;
  const double s = std::sqrt(q), a = -12.0, b = 12.0, h = (b - a) / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double z = a + i * h;
    const double w = (i == 0 || i == n) ? 0.5 : 1.0;
    sum += w * g(s * z) * std::exp(-0.5 * z * z);
  }
  return sum * h / std::sqrt(2 * M_PI);
}
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
// The fixed point q* = fan_in Var[w] E[sigmoid(h)^2] of the sigmoid variance map.
double sigmoid_fixed_point(double nvar) {
  double q = 1;
  for (int i = 0; i < 200; ++i)
    q = nvar * gauss(q, [](double x) { return sigmoid(x) * sigmoid(x); });
  return q;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The list itself

TEST_CASE("presets: ids are unique, every config is valid, every preset names its source",
          "[presets]") {
  std::map<std::string, int> seen;
  for (const Preset& p : presets()) {
    INFO(p.id);
    CHECK(++seen[p.id] == 1);
    CHECK_FALSE(p.label.empty());
    CHECK_FALSE(p.chapter.empty());
    CHECK(p.source.find_first_of("0123456789") != std::string::npos);  // names a year
    CHECK_FALSE(p.what.empty());
    CHECK_FALSE(p.watch.empty());
    CHECK_NOTHROW(validate(p.config));
    REQUIRE_FALSE(p.inits.empty());
    CHECK(p.inits.size() <= 4);  // the page compares at most 4 runs
    CHECK(p.config.init == p.inits.front());
  }
  for (const char* id : {"default", "he2015", "glorot2010", "symmetry", "saxe", "lsuv", "sigmoid"})
    CHECK(seen.count(id) == 1);                    // the ids links already use
  CHECK(presets().front().chapter == "Symmetry");  // the course starts with symmetry
  CHECK_THROWS_WITH(preset_by_id("nope"),
                    Catch::StartsWith("invalid preset = \"nope\": expected one of symmetry"));
}

// ---------------------------------------------------------------------------------------------
// symmetry

TEST_CASE("symmetry: zero init's hidden gradients are exactly 0, before and after training",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("symmetry", seed, 500);
    const Outcome& z = by_init(runs, Init::zeros);
    for (std::size_t l = 0; l + 1 < z.s0.size(); ++l) {
      CHECK(z.s0[l].grad_var == 0.0);
      CHECK(z.s0[l].weight_grad_var == 0.0);
      CHECK(z.sN[l].grad_var == 0.0);
      CHECK(z.sN[l].weight_var == 0.0);  // the weights never moved
    }
  }
}

TEST_CASE("symmetry: zero init's loss starts at ln 2 and never drops below the label entropy",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("symmetry", seed, 500);
    const Outcome& z = by_init(runs, Init::zeros);
    // Exactly ln 2 up to float rounding of the logits (all 0): 1e-6.
    CHECK(z.e0.train_loss == Approx(std::log(2.0)).margin(1e-6));
    // Every input gets the same output, so no loss below the entropy of the training labels
    // (1e-6: float rounding); only the output bias moves, towards that entropy. 0.005 above
    // ln 2: the bias jitters with the minibatches at lr 0.1 (measured at most 0.001 above).
    INFO("loss after 500 updates " << z.eN.train_loss << ", label entropy " << z.label_entropy);
    CHECK(z.eN.train_loss >= z.label_entropy - 1e-6);
    CHECK(z.eN.train_loss <= std::log(2.0) + 0.005);
  }
}

TEST_CASE("symmetry: constant init stays symmetric in every hidden layer, He's never is",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("symmetry", seed, 500);
    const Outcome& c = by_init(runs, Init::constant);
    const Outcome& he = by_init(runs, Init::he_normal);
    for (std::size_t l = 0; l + 1 < c.sN.size(); ++l) {
      INFO("layer " << l + 1);
      CHECK(c.s0[l].symmetric);
      CHECK(c.sN[l].symmetric);
      CHECK_FALSE(he.sN[l].symmetric);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// default: He vs Xavier vs zero

TEST_CASE("default: He's variance stays flat, Xavier's halves per ReLU layer", "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("default", seed, 0);
    // Hidden layers 1..10: 9 ratios (the output layer 64 -> 2 has another Xavier variance).
    const auto he = column(by_init(runs, Init::he_normal).s0, &LayerStats::pre_var);
    const auto xa = column(by_init(runs, Init::xavier_normal).s0, &LayerStats::pre_var);
    check_factor(log_ratio(he, 0, 9), 1.0, "he_normal");
    check_factor(log_ratio(xa, 0, 9), 0.5, "xavier_normal");
  }
}

TEST_CASE("default: zero init's variance is 0 and its loss never drops below the label entropy",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("default", seed, 500, {Init::zeros});
    const Outcome& z = by_init(runs, Init::zeros);
    for (std::size_t l = 0; l + 1 < z.sN.size(); ++l) {
      CHECK(z.s0[l].pre_var == 0.0);
      CHECK(z.sN[l].pre_var == 0.0);
    }
    CHECK(z.eN.train_loss >= z.label_entropy - 1e-6);  // a constant prediction, see symmetry
    CHECK(z.eN.train_loss <= std::log(2.0) + 0.005);
  }
}

// ---------------------------------------------------------------------------------------------
// scale: too small, too large

TEST_CASE("scale: per layer the variance is multiplied by 64 Var[w]/2, forward and backward",
          "[presets]") {
  // reference: He et al. 2015, eq. 9 (forward) and eq. 13 (backward): n Var[w] / 2 per layer.
  const std::map<Init, double> factor = {
      {Init::small_normal, 64 * 1e-4 / 2}, {Init::normal, 64 * 1.0 / 2}, {Init::he_normal, 1.0}};
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (const Outcome& o : run_preset("scale", seed, 0)) {
      INFO(to_string(o.init));
      const auto pv = column(o.s0, &LayerStats::pre_var);
      check_factor(log_ratio(pv, 0, 9), factor.at(o.init), "forward");
      // Backward: gradVar[l] = factor * gradVar[l+1], so the ratio read upwards is 1/factor.
      const auto gv = column(o.s0, &LayerStats::grad_var);
      check_factor(log_ratio(gv, 0, 9), 1 / factor.at(o.init), "backward (layer l+1 over l)");
    }
  }
}

TEST_CASE("scale: N(0, 1) diverges within 2 updates, the other two not in 200", "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (const Outcome& o : run_preset("scale", seed, 200)) {
      INFO(to_string(o.init));
      if (o.init == Init::normal) {
        REQUIRE(o.eN.diverged_at);
        CHECK(*o.eN.diverged_at <= 2);
      } else {
        CHECK_FALSE(o.eN.diverged_at);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// he2015

TEST_CASE("he2015: with 1/fan_in the variance halves per layer, about 2^-29 by layer 30",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("he2015", seed, 0);
    const auto le = column(by_init(runs, Init::lecun_normal).s0, &LayerStats::pre_var);
    const auto he = column(by_init(runs, Init::he_normal).s0, &LayerStats::pre_var);
    const LogRatio r = log_ratio(le, 0, 29);
    check_factor(r, 0.5, "lecun_normal");
    check_factor(log_ratio(he, 0, 29), 1.0, "he_normal");
    // Layer 30 over layer 1 is the product of the 29 ratios: SE sqrt(29) times theirs.
    const double log2_drop = std::log2(le[29] / le[0]);
    const double se = r.se * r.k / std::log(2.0);
    INFO("variance at layer 30 / layer 1 = 2^" << log2_drop << " (SE " << se << " in log2)");
    CHECK(std::abs(log2_drop + 29) <= 5 * se);
  }
}

TEST_CASE("he2015: with 1/fan_in the loss stays at the label entropy for 500 updates, He learns",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("he2015", seed, 500);
    const Outcome& le = by_init(runs, Init::lecun_normal);
    const Outcome& he = by_init(runs, Init::he_normal);
    INFO("lecun " << le.e0.train_loss << " -> " << le.eN.train_loss << " (entropy "
                  << le.label_entropy << "), he " << he.e0.train_loss << " -> "
                  << he.eN.train_loss);
    // 0.001 nats below the entropy: the last layer's inputs are ~2^-15 of He's, so its outputs
    // are nearly constant; a run that learned anything would be 0.05+ below (He: 0.1 to 0.45).
    CHECK(le.eN.train_loss >= le.label_entropy - 0.001);
    CHECK(std::abs(le.eN.train_loss - le.e0.train_loss) <= 0.01);
    CHECK(he.eN.train_loss < le.eN.train_loss - 0.05);
  }
}

// ---------------------------------------------------------------------------------------------
// glorot2010

TEST_CASE(
    "glorot2010: standard init loses over 10x in variance from layer 1 to 8, Xavier "
    "stays within 4x",
    "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("glorot2010", seed, 0);
    const auto st = column(by_init(runs, Init::pytorch_default).s0, &LayerStats::pre_var);
    const auto xa = column(by_init(runs, Init::xavier_uniform).s0, &LayerStats::pre_var);
    INFO("standard " << st[7] / st[0] << ", xavier " << xa[7] / xa[0]);
    CHECK(st[7] / st[0] < 0.1);   // measured 0.029 to 0.049
    CHECK(xa[7] / xa[0] > 0.25);  // measured 0.43 to 1.06
    CHECK(xa[7] / xa[0] < 4);
  }
}

TEST_CASE(
    "glorot2010: standard init's gradient shrinks ~1/3 per layer towards layer 1, Xavier's "
    "stays within 4x",
    "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("glorot2010", seed, 0);
    const auto st = column(by_init(runs, Init::pytorch_default).s0, &LayerStats::grad_var);
    const auto xa = column(by_init(runs, Init::xavier_uniform).s0, &LayerStats::grad_var);
    // Backward factor per layer n Var[w] E[tanh'^2] = 64 / (3 * 64) * (about 1) = 1/3; read
    // upwards (layer l+1 over l) it is 3.
    check_factor(log_ratio(st, 0, 7), 3.0, "standard, layer l+1 over l");
    INFO("xavier gradVar layer 1 / layer 8 = " << xa[0] / xa[7]);
    CHECK(xa[0] / xa[7] > 0.25);  // measured 0.31 to 1.4
    CHECK(xa[0] / xa[7] < 4);
  }
}

// ---------------------------------------------------------------------------------------------
// sigmoid

TEST_CASE("sigmoid: the gradient shrinks at every layer towards the input, whatever the init",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (const Outcome& o : run_preset("sigmoid", seed, 0)) {
      INFO(to_string(o.init));
      for (std::size_t l = 0; l + 1 < o.s0.size() - 1; ++l) {
        INFO("layer " << l + 1);
        CHECK(o.s0[l].grad_var < o.s0[l + 1].grad_var);
      }
    }
  }
}

TEST_CASE("sigmoid: after 200 updates no run does better than a constant guess", "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (const Outcome& o : run_preset("sigmoid", seed, 200)) {
      INFO(to_string(o.init) << " loss " << o.eN.train_loss << ", entropy " << o.label_entropy);
      // 0.005 nats: a constant guess is at the entropy at best; learning would mean well below.
      CHECK(o.eN.train_loss >= o.label_entropy - 0.005);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// kumar2017

TEST_CASE("kumar2017: 3.6/fan_in holds the variance near 1 from layer 2 on, 1/fan_in near 0.27",
          "[presets]") {
  // reference: Kumar 2017, section 4: q* = n Var[w] E[sigmoid(h)^2], h ~ N(0, q*).
  const double q36 = sigmoid_fixed_point(3.6), q1 = sigmoid_fixed_point(1.0);
  CHECK(q36 == Approx(1.0).margin(0.1));
  CHECK(q1 == Approx(0.27).margin(0.01));
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("kumar2017", seed, 0);
    for (const auto& [init, q] :
         {std::pair{Init::normal, q36}, std::pair{Init::lecun_normal, q1}}) {
      const auto pv = column(by_init(runs, init).s0, &LayerStats::pre_var);
      // Geometric mean over layers 2..10 against q*, 5 SE of the per-layer spread (+ Jensen).
      std::vector<double> lv;
      for (std::size_t l = 1; l < 10; ++l) lv.push_back(std::log(pv[l]));
      double m = 0, ss = 0;
      for (double x : lv) m += x / lv.size();
      for (double x : lv) ss += (x - m) * (x - m);
      const double se = std::sqrt(ss / (lv.size() - 1) / lv.size());
      INFO(to_string(init) << ": geometric mean of layers 2..10 " << std::exp(m) << " vs q* " << q
                           << " (SE of ln " << se << ")");
      CHECK(std::abs(m - std::log(q)) <= 5 * se + 0.05);
    }
  }
}

TEST_CASE("kumar2017: yet the gradient still shrinks ~6x per layer (1/fan_in ~18x)", "[presets]") {
  // Backward factor per layer: n Var[w] E[sigmoid'(h)^2] at the fixed point (<= 1/16 n Var[w]).
  const auto dsig2 = [](double x) {
    const double s = sigmoid(x);
    return s * s * (1 - s) * (1 - s);
  };
  const double q36 = sigmoid_fixed_point(3.6), q1 = sigmoid_fixed_point(1.0);
  const double f36 = 3.6 * gauss(q36, dsig2), f1 = 1.0 * gauss(q1, dsig2);
  CHECK(1 / f36 == Approx(6).margin(0.6));
  CHECK(1 / f1 == Approx(18).margin(1.0));
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("kumar2017", seed, 0);
    const auto gk = column(by_init(runs, Init::normal).s0, &LayerStats::grad_var);
    const auto gl = column(by_init(runs, Init::lecun_normal).s0, &LayerStats::grad_var);
    // Layers 2..10 (layer 1's input is the data, not a sigmoid); read upwards: 1/factor.
    check_factor(log_ratio(gk, 1, 9), 1 / f36, "3.6/fan_in, layer l+1 over l");
    check_factor(log_ratio(gl, 1, 9), 1 / f1, "1/fan_in, layer l+1 over l");
  }
}

// ---------------------------------------------------------------------------------------------
// saxe

TEST_CASE("saxe: orthogonal sits on the theory line at all 30 linear layers, Gaussian wanders",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("saxe", seed, 0);
    const auto& orth = by_init(runs, Init::orthogonal).s0;
    const auto& gaussian = by_init(runs, Init::xavier_normal).s0;
    double orth_dev = 0, gauss_dev = 0;
    for (std::size_t l = 0; l < 30; ++l) {
      orth_dev = std::max(orth_dev, std::abs(std::log(orth[l].pre_var / orth[l].theory_var)));
      gauss_dev =
          std::max(gauss_dev, std::abs(std::log(gaussian[l].pre_var / gaussian[l].theory_var)));
    }
    INFO("largest |ln(measured / theory)|: orthogonal " << orth_dev << ", xavier " << gauss_dev);
    // Orthogonal maps preserve every row's norm exactly; what is left is float32 rounding over
    // 30 products and the probe mean (measured below 1e-4): 1e-3.
    CHECK(orth_dev < 1e-3);
    CHECK(gauss_dev > std::log(1.2));  // "wanders": at least 1.2x off somewhere
  }
}

// ---------------------------------------------------------------------------------------------
// lsuv

TEST_CASE("lsuv: at step 0 LSUV's variance is 1 at every layer, orthogonal keeps the input's",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("lsuv", seed, 0);
    const auto ls = column(by_init(runs, Init::lsuv).s0, &LayerStats::pre_var);
    const auto orth = column(by_init(runs, Init::orthogonal).s0, &LayerStats::pre_var);
    for (std::size_t l = 0; l < ls.size(); ++l) {
      INFO("layer " << l + 1);
      CHECK(std::abs(ls[l] - 1) <= 0.1);  // LSUV's own tolerance (Mishkin & Matas: Tol_var 0.1)
    }
    // Orthogonal: tanh's slope < 1 loses a little per layer (measured 0.76-0.79 over 20 layers).
    INFO("orthogonal variance layer 20 / layer 1: " << orth[19] / orth[0]);
    CHECK(orth[19] / orth[0] > 0.7);
    CHECK(orth[19] / orth[0] <= 1.0);
  }
}

TEST_CASE("lsuv: LSUV's loss after 200 updates is below plain orthogonal's on every seed",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("lsuv", seed, 200, {Init::lsuv, Init::orthogonal});
    const Outcome& ls = by_init(runs, Init::lsuv);
    const Outcome& orth = by_init(runs, Init::orthogonal);
    INFO("lsuv " << ls.eN.train_loss << ", orthogonal " << orth.eN.train_loss);
    CHECK(ls.eN.train_loss < orth.eN.train_loss);
  }
}

// ---------------------------------------------------------------------------------------------
// edge_of_chaos

TEST_CASE(
    "edge_of_chaos: per layer the gradient variance is multiplied by chi_1, two inputs' "
    "correlation by layer 30 is 1 when ordered, below 0.5 when chaotic, in between at the "
    "edge",
    "[presets]") {
  const Preset& p = preset_by_id("edge_of_chaos");
  std::vector<double> chi;
  for (const Config& c : preset_run_configs(p)) {
    MeanFieldParams mp{c.activation, c.leaky_slope, c.weight_var, c.bias_var};
    chi.push_back(chi_1(mp, q_star(mp)));
  }
  // The sentence's numbers: 0.76, 1.00, 1.21.
  CHECK(chi[0] == Approx(0.76).margin(0.005));
  CHECK(chi[1] == Approx(1.00).margin(0.005));
  CHECK(chi[2] == Approx(1.21).margin(0.005));
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    const auto runs = run_preset("edge_of_chaos", seed, 0);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      INFO("weightVar " << preset_run_configs(p)[r].weight_var);
      // Layers 2..30 (layer 1's input is the data, q0 = 1, not q*); read upwards: 1 / chi_1.
      const auto gv = column(runs[r].s0, &LayerStats::grad_var);
      check_factor(log_ratio(gv, 1, 29), 1 / chi[r], "layer l+1 over l");
    }
    // Two inputs' correlation by layer 30 (same runs: computing them is the expensive part).
    const double ordered = runs[0].s0[29].corr, edge = runs[1].s0[29].corr,
                 chaotic = runs[2].s0[29].corr;
    INFO("layer 30 correlation: ordered " << ordered << ", edge " << edge << ", chaotic "
                                          << chaotic);
    CHECK(ordered > 0.99);  // c* = 1: measured 0.9996 or more
    CHECK(chaotic < 0.5);   // c* = 0.30: measured 0.28 to 0.37 at width 64
    CHECK(edge < ordered);
    CHECK(edge > chaotic);
  }
}

// ---------------------------------------------------------------------------------------------
// isometry

// The singular values of the 4 probe inputs' Jacobians, pooled and sorted.
std::vector<double> pooled_singular_values(Run& run) {
  std::vector<double> all;
  for (const auto& s : run.jacobian_spectrum().singular_values)
    all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  return all;
}

TEST_CASE(
    "isometry: Gaussian's Jacobian collapses (median singular value below 1e-9), "
    "orthogonal's median stays near 0.1",
    "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (Config c : preset_run_configs(preset_by_id("isometry"))) {
      c.seed = seed;
      Run run(c);
      const std::vector<double> s = pooled_singular_values(run);
      const double median = s[s.size() / 2];
      double m2 = 0, m4 = 0;
      for (double v : s) m2 += v * v / s.size(), m4 += v * v * v * v / s.size();
      const double spread = (m4 - m2 * m2) / (m2 * m2);  // Var[s^2] / E[s^2]^2
      INFO(to_string(c.init) << ": median singular value " << median << ", Var[s^2]/E[s^2]^2 "
                             << spread);
      if (c.init == Init::orthogonal) {
        CHECK(median > 0.05);  // measured 0.083 to 0.118
        CHECK(median < 0.2);
        CHECK(spread < 10);  // measured 4.2 to 4.6
      } else {
        CHECK(median < 1e-9);  // measured at most 4.4e-11: a product of 63 Gaussian matrices
        CHECK(spread > 20);    // measured 41 to 86
      }
    }
  }
}

TEST_CASE(
    "isometry: the mean-field prediction of the mean squared singular value is 0.14 for "
    "both",
    "[presets]") {
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    for (Config c : preset_run_configs(preset_by_id("isometry"))) {
      c.seed = seed;
      Run run(c);
      // The layers the input (variance 1) saturates come first; by q* chi_1 = 1.
      CHECK(run.jacobian_spectrum().theory_mean_squared == Approx(0.14).margin(0.005));
    }
  }
}

// edge_of_chaos_sweep: the cells its `watch` sentence names, at depth 50, on every seed.
// "At chance" is what a network that learned nothing about the labels scores: the majority
// class's share of the n training points (a constant guess), give or take the binomial noise of
// a guess independent of the labels, whose standard error is at most sqrt(chance (1 - chance) /
// n) (0.022 for n = 500). So "at chance" is within 3 SE above it, and "trains" is more than 3 SE
// above it (one-sided false alarm 0.13% per check). Measured over 3 seeds: 0.73 at sigma_w^2 1.75
// against 0.53-0.56 for the two extremes. The ordering against 6 xi_c is a statement about the
// whole map and is measured in README (the closing table), not here.
TEST_CASE("edge_of_chaos_sweep: at depth 50 sigma_w^2 1.75 trains, 1 and 4 stay at chance",
          "[presets]") {
  const Preset& p = preset_by_id("edge_of_chaos_sweep");
  const SweepSpec spec = preset_sweep_spec(p);
  REQUIRE(spec.axes.size() == 2);
  CHECK(spec.axes[0].field == "weightVar");
  CHECK(spec.axes[1].field == "depth");
  CHECK(spec.axes[0].numbers.front() == 1.0);
  CHECK(spec.axes[0].numbers.back() == 4.0);
  CHECK(spec.axes[1].numbers.front() == 10.0);
  CHECK(spec.axes[1].numbers.back() == 100.0);
  CHECK(spec.base.bias_var == 0.05);
  CHECK(spec.base.activation == Activation::tanh);
  for (uint32_t seed : kSeeds) {
    INFO("seed " << seed);
    auto accuracy = [&](double weight_var, double& chance, double& se) {
      Config c = spec.base;
      c.seed = seed;
      c.weight_var = weight_var;
      c.hidden = std::vector<int>(50, c.hidden.front());
      Run run(c);
      const std::vector<int>& y = run.dataset().y_train;
      const double ones = static_cast<double>(std::count(y.begin(), y.end(), 1)) / y.size();
      chance = std::max(ones, 1 - ones);
      se = std::sqrt(chance * (1 - chance) / static_cast<double>(y.size()));
      run.step(spec.steps);
      const Evaluation e = run.evaluate();
      REQUIRE_FALSE(e.diverged_at);
      return e.train_accuracy;
    };
    double chance = 0, se = 0;
    const double edge = accuracy(1.75, chance, se);
    CHECK(edge > 0.6);
    CHECK(edge > chance + 3 * se);
    CHECK(accuracy(1.0, chance, se) <= chance + 3 * se);
    CHECK(accuracy(4.0, chance, se) <= chance + 3 * se);
  }
}

namespace {
// Every task's rows, in task order, computed on two threads as the CLI's --jobs 2 (the tasks are
// independent): half the suite's wait.
std::vector<CoordRow> coord_rows_two_threads(const CoordCheckSpec& spec) {
  const std::size_t n = coord_task_count(spec);
  std::vector<std::vector<CoordRow>> out(n);
  auto half = [&](std::size_t first) {
    for (std::size_t t = first; t < n; t += 2) out[t] = coord_task(spec, t);
  };
  std::thread other(half, 1);
  half(0);
  other.join();
  std::vector<CoordRow> rows;
  for (const auto& r : out) rows.insert(rows.end(), r.begin(), r.end());
  return rows;
}

}  // namespace

// coordcheck_sp_vs_mup: the slopes its `watch` sentence states, on 5 base seeds. The check
// averages 6 seeds (base.seed + 0..5), so the base seeds are 6 apart (42, 48, ..., 66): five
// disjoint sets of runs, the first the preset's own. Bounds are the sentence's, checked as
// stated, at every step the page shows (1..3) and for the change (what the sentence is about).
// Measured: SP logits 0.91-1.07, SP layers 2-3 0.38-0.55, muP every slope -0.03..0.06.
TEST_CASE("coordcheck_sp_vs_mup: SP's logit change grows like the width, muP's lines are flat",
          "[presets]") {
  const Preset& p = preset_by_id("coordcheck_sp_vs_mup");
  CHECK(p.chapter == "Width");
  CoordCheckSpec spec = preset_coordcheck_spec(p);
  REQUIRE(spec.parametrizations ==
          std::vector<Parametrization>{Parametrization::sp, Parametrization::mup});
  CHECK(spec.widths == std::vector<int>{128, 256, 512, 1024});
  CHECK(spec.seeds == 6);
  CHECK(spec.base.hidden.size() == 3);
  const int logits = static_cast<int>(spec.base.hidden.size()) + 1;
  for (uint32_t base : {42u, 48u, 54u, 60u, 66u}) {
    INFO("base seed " << base);
    spec.base.seed = base;
    const std::vector<CoordRow> rows = coord_rows_two_threads(spec);
    for (const CoordSlope& s : coord_slopes(spec, rows)) {
      if (s.step == 0) continue;  // no change yet
      INFO(to_string(s.parametrization)
           << " step " << s.step << " layer " << s.layer << " slope " << s.change_slope);
      if (s.parametrization == Parametrization::mup) {
        CHECK(std::fabs(s.change_slope) <= 0.2);
      } else if (s.layer == logits) {
        CHECK(s.change_slope >= 0.8);
        CHECK(s.change_slope <= 1.3);
      } else if (s.layer >= 2) {  // "about like its square root"
        CHECK(s.change_slope >= 0.3);
        CHECK(s.change_slope <= 0.7);
      }
    }
  }
}

// ntk_lazy: its `watch` sentence on the same 5 disjoint base seeds as coordcheck_sp_vs_mup. The
// slopes are checked as stated at steps 1..3; "more than 10 times as far" compares the mean over
// the 6 seeds of layers 2 and 3's change at width 1024 after the third update (measured 15-30).
TEST_CASE("ntk_lazy: NTK's hidden layers barely move at large width, muP's keep their size",
          "[presets]") {
  const Preset& p = preset_by_id("ntk_lazy");
  CHECK(p.chapter == "Width");
  CoordCheckSpec spec = preset_coordcheck_spec(p);
  REQUIRE(spec.parametrizations ==
          std::vector<Parametrization>{Parametrization::ntk, Parametrization::mup});
  REQUIRE(spec.widths.back() == 1024);
  REQUIRE(spec.steps == 3);
  for (uint32_t base : {42u, 48u, 54u, 60u, 66u}) {
    INFO("base seed " << base);
    spec.base.seed = base;
    const std::vector<CoordRow> rows = coord_rows_two_threads(spec);
    for (const CoordSlope& s : coord_slopes(spec, rows)) {
      if (s.step == 0 || s.layer < 2 || s.layer > 3) continue;  // the hidden-to-hidden layers
      INFO(to_string(s.parametrization)
           << " step " << s.step << " layer " << s.layer << " slope " << s.change_slope);
      if (s.parametrization == Parametrization::ntk) {
        CHECK(s.change_slope >= -0.7);
        CHECK(s.change_slope <= -0.3);
      } else {
        CHECK(std::fabs(s.change_slope) <= 0.2);
      }
    }
    for (int layer : {2, 3}) {
      double moved[2] = {0, 0};  // ntk, mup
      for (const CoordRow& r : rows)
        if (r.width == 1024 && r.step == 3 && r.layer == layer)
          moved[r.parametrization == Parametrization::mup] += r.change / spec.seeds;
      INFO("layer " << layer << ": ntk " << moved[0] << ", mup " << moved[1]);
      CHECK(moved[1] > 10 * moved[0]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Depth today (spec/residual.md). q is the stream's mean square (preVar + preMean^2) per probe
// point: 0 = the stem, b = after block b.

namespace {
double q_of(const LayerStats& s) { return s.pre_var + s.pre_mean * s.pre_mean; }
// Mean and standard error over the seeds of q_B / q_0.
std::pair<double, double> stream_growth(const std::string& id, Init init, std::size_t blocks) {
  std::vector<double> r;
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset(id, seed, 0, {init});
    r.push_back(q_of(runs.front().s0[blocks]) / q_of(runs.front().s0[0]));
  }
  double m = 0, v = 0;
  for (double x : r) m += x / r.size();
  for (double x : r) v += (x - m) * (x - m) / (r.size() - 1);
  return {m, std::sqrt(v / r.size())};
}
void check_growth(const std::string& id, Init init, std::size_t blocks, double expected,
                  double rel = 0) {
  const auto [mean, se] = stream_growth(id, init, blocks);
  INFO(id << " " << to_string(init) << ": q_B / q_0 = " << mean << " +- " << se << " over 5 seeds, "
          << "theory " << expected);
  // E[q_B / q_0] is the theory's exactly (spec/residual.md); 3 SE is a 0.3% false alarm. The
  // second bound keeps the check sharp: the seeds must resolve the claim to within 30%.
  // rel > 0: the claim is "about" (see the caller for the measured bias).
  CHECK(std::fabs(mean - expected) < 3 * se + rel * expected);
  CHECK(se < 0.3 * expected);
}
}  // namespace

TEST_CASE(
    "residual_scaling: 50 blocks: alpha = 1 doubles q per block, 1/sqrt(50) grows it by e, "
    "ReZero keeps it",
    "[presets]") {
  // Runs: 0 = alpha 1, 1 = alpha 1/sqrt(50), 2 = ReZero (all He normal).
  std::vector<double> per_block;   // per seed: the mean over the 50 blocks of q_b / q_(b-1)
  std::vector<double> sqrt_depth;  // per seed: q_50 / q_0 with alpha = 1/sqrt(50)
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset("residual_scaling", seed, 0);
    REQUIRE(runs.size() == 3);
    double m = 0;
    for (std::size_t b = 1; b <= 50; ++b) m += q_of(runs[0].s0[b]) / q_of(runs[0].s0[b - 1]) / 50;
    per_block.push_back(m);
    const double total = q_of(runs[0].s0[50]) / q_of(runs[0].s0[0]);
    INFO("seed " << seed << ": alpha 1, q_50 / q_0 = " << total);
    // 2^50 = 1.1e15 in expectation; measured 2e14 to 2e15 (the product of 50 noisy factors has
    // a heavy upper tail, so the per-block mean below is the sharp check). The bounds are one
    // decade either side of the measured range: they catch a lost doubling (2^40 ~ 1e12) or a
    // double count, not the seed's noise.
    CHECK(total > 1e13);
    CHECK(total < 1e17);
    sqrt_depth.push_back(q_of(runs[1].s0[50]) / q_of(runs[1].s0[0]));
    for (std::size_t b = 1; b <= 50; ++b)
      CHECK(runs[2].s0[b].pre_var == runs[2].s0[0].pre_var);  // gate 0: the same floats
  }
  const auto mean_se = [](const std::vector<double>& r) {
    double m = 0, v = 0;
    for (double x : r) m += x / r.size();
    for (double x : r) v += (x - m) * (x - m) / (r.size() - 1);
    return std::pair<double, double>{m, std::sqrt(v / r.size())};
  };
  const auto [growth, growth_se] = mean_se(per_block);
  INFO("alpha 1: mean q_b / q_(b-1) = " << growth << " +- " << growth_se << ", theory 1 + c = 2");
  CHECK(std::fabs(growth - 2) < 3 * growth_se);
  // As check_growth's: the seeds must resolve the claim (measured 0.015; 0.1 is 5% of 2, so
  // 3 SE could not pass a per-block factor of 1.7 or 2.3).
  CHECK(growth_se < 0.1);
  // As residual_sqrt_depth (same net, same seeds): about 4% above the recursion's 2.692.
  const auto [e_growth, e_se] = mean_se(sqrt_depth);
  INFO("alpha 1/sqrt(50): q_50 / q_0 = " << e_growth << " +- " << e_se << ", theory 2.692");
  CHECK(std::fabs(e_growth - std::pow(1.0 + 1.0 / 50, 50)) < 3 * e_se + 0.08 * 2.692);
}

TEST_CASE("residual_gain: He's stream grows 1024x over 10 blocks, Xavier's 1.5^10, Fixup's 1",
          "[presets]") {
  check_growth("residual_gain", Init::he_normal, 10, 1024.0);
  check_growth("residual_gain", Init::xavier_normal, 10, std::pow(1.5, 10));
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset("residual_gain", seed, 0, {Init::fixup});
    for (std::size_t b = 1; b <= 10; ++b)
      CHECK(runs.front().s0[b].pre_var == runs.front().s0[0].pre_var);  // the same floats
  }
}

TEST_CASE("residual_sqrt_depth: with alpha = 1/sqrt(50) He's stream grows by e, Xavier's 1.64",
          "[presets]") {
  // Measured over seeds 42-46: He 2.803 +- 0.037 and Xavier 1.680 +- 0.011, 4% and 2% above
  // the recursion (3 SE off): it is exact only while the stream's coordinates stay symmetric
  // about 0, and a branch phi(x) of an asymmetric x adds a little more than c q. So the
  // sentence says "about", checked within 3 SE + 8%.
  check_growth("residual_sqrt_depth", Init::he_normal, 50, std::pow(1.0 + 1.0 / 50, 50), 0.08);
  check_growth("residual_sqrt_depth", Init::xavier_normal, 50, std::pow(1.0 + 0.5 / 50, 50), 0.08);
}

TEST_CASE("fixup: He's 30 unscaled blocks diverge within 2 updates, Fixup's loss falls below ln 2",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset("fixup", seed, 300);
    const Outcome& he = by_init(runs, Init::he_normal);
    const Outcome& fx = by_init(runs, Init::fixup);
    INFO("seed " << seed);
    REQUIRE(he.eN.diverged_at.has_value());
    CHECK(*he.eN.diverged_at <= 2);
    CHECK(q_of(he.s0[30]) / q_of(he.s0[0]) > 1e6);  // 2^30 ~ 1e9 in expectation
    CHECK_FALSE(fx.eN.diverged_at.has_value());
    CHECK(fx.e0.train_loss == Approx(std::log(2.0)).epsilon(1e-6));  // zero readout: p = 1/2
    CHECK(fx.eN.train_loss < std::log(2.0) - 0.01);
  }
}

TEST_CASE(
    "pre_vs_post_ln: pre-LN's stream grows by 1 per block and its gradient shrinks towards "
    "the output, post-LN's gradient is flat and q_B times larger at the last block",
    "[presets]") {
  // Runs: 0 = pre-LN, 1 = post-LN (both He normal). Probe points: 0 = the stem, b = block b,
  // 21 = the logits. grad_var is the stream's gradient (the gradient chart).
  // Theory (spec/residual.md's q recursions, backwards): pre-LN's final LN divides the gradient
  // by sqrt(q_B), and each block b multiplies it back by (1 + 1/q_b) in variance, so going
  // towards the output it shrinks by about q_20 / q_1 (~7); post-LN's LN undoes each block's
  // growth exactly as its forward pass does (flat), with no division at the top, so at block
  // 20 it is about q_20 (~20) times pre-LN's. Xiong et al.'s theorem 1 is that last ratio.
  const std::size_t B = 20;
  std::vector<double> growth;  // pre-LN's (q_B - q_0) / B: the spec's alpha^2 c = 1
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset("pre_vs_post_ln", seed, 0);
    REQUIRE(runs.size() == 2);
    const auto& pre = runs[0].s0;
    const auto& post = runs[1].s0;
    REQUIRE(pre.size() == B + 2);
    growth.push_back((q_of(pre[B]) - q_of(pre[0])) / B);
    const double top = post[B].grad_var / pre[B].grad_var;
    const double pre_shrink = pre[1].grad_var / pre[B].grad_var;
    const double post_shrink = post[1].grad_var / post[B].grad_var;
    INFO("seed " << seed << ": post / pre at block 20 = " << top << " (q_20 " << q_of(pre[B])
                 << "); block 1 / block 20: pre " << pre_shrink << " (q_20 / q_1 "
                 << q_of(pre[B]) / q_of(pre[1]) << "), post " << post_shrink);
    // The sketch above is not exact (both readouts' gradients only agree in distribution, and
    // a block's branch gradient is not independent of its stream): measured over seeds 1-5
    // and 42-46, top / q_20 0.76 to 1.28, pre_shrink / (q_20 / q_1) 1.1 to 1.9, post_shrink
    // 0.49 to 2.3. The bounds are the sketch's prediction within a factor 2 (3 for post's
    // flat line, whose seed-to-seed spread is the widest).
    CHECK(top > q_of(pre[B]) / 2);
    CHECK(top < q_of(pre[B]) * 2);
    CHECK(pre_shrink > q_of(pre[B]) / q_of(pre[1]) / 2);
    CHECK(pre_shrink < q_of(pre[B]) / q_of(pre[1]) * 2);
    CHECK(post_shrink > 1.0 / 3);
    CHECK(post_shrink < 3);
    for (std::size_t b = 1; b <= B; ++b) CHECK(q_of(post[b]) == Approx(1).epsilon(1e-3));
  }
  double m = 0, v = 0;
  for (double x : growth) m += x / growth.size();
  for (double x : growth) v += (x - m) * (x - m) / (growth.size() - 1);
  const double se = std::sqrt(v / growth.size());
  INFO("pre-LN (q_20 - q_0) / 20 = " << m << " +- " << se << ", theory 1");
  CHECK(std::fabs(m - 1) < 3 * se);
  CHECK(se < 0.3);
}

TEST_CASE("batchnorm_explosion: the gradient grows ~1.4x per layer towards the input, any init",
          "[presets]") {
  for (uint32_t seed : kSeeds) {
    const auto runs = run_preset("batchnorm_explosion", seed, 0);
    for (const Outcome& o : runs) {
      const std::vector<double> g = column(o.s0, &LayerStats::grad_var);
      // Towards the input: the factor g[l] / g[l+1] over the hidden layers 0..18.
      std::vector<double> rev(g.rbegin() + 1, g.rend());  // hidden layers, last first
      const LogRatio r = log_ratio(rev, 0, rev.size() - 1);
      INFO("seed " << seed << " " << to_string(o.init) << ": factor " << r.factor() << " +- SE "
                   << r.se);
      // Measured 1.355-1.428 over seeds 42-44 at this width and batch (the theory's 1.467 is
      // the limit of infinite batch and width): the sentence says "about 1.4", checked as
      // [1.3, 1.5] (over 18 layers 1.3 is already a 112x growth).
      CHECK(r.factor() > 1.3);
      CHECK(r.factor() < 1.5);
      // The dashed line: pi / (pi - 1) per layer from the last hidden layer's measured value.
      CHECK(o.s0[0].theory_grad_var / o.s0[18].theory_grad_var ==
            Approx(std::pow(M_PI / (M_PI - 1), 18)).epsilon(1e-9));
    }
  }
}
// mup_transfer: the whole preset (7 learning rates x 3 widths x sp and mup, its 6 seeds per cell)
// at two base seeds, 42 (the page's: seeds 42..47) and 48 (48..53), so no seed is tested twice.
// A width's best log2 learning rate is read off the mean over the seeds of its final training
// loss (the curve the page draws): the vertex of the parabola through the lowest grid point and
// its two neighbours (the grid point itself at an end of the grid). Why the vertex and the mean:
// near mup's flat minimum one seed's loss differs by about as much between neighbouring rates
// as the rates' means do (width 128, seeds 42..53: 0.330 against 0.331 at log2 -9 and -8), so a
// grid argmin of one seed jumps by a whole grid step at random (README "Learning-rate transfer",
// measured). Claim: sp's best moves by at least 1 from the narrowest to the widest net; mup's
// best moves by at most 0.5 over the three widths. Measured: sp 1.77 (seeds 42..47) and 1.42
// (48..53); mup 0.12 and 0.37.
//
// Cost: 252 runs per base seed, about 5 CPU-minutes for both on this machine's kind (two
// threads here). Under ASan + UBSan (-O1, scripts/sanitize.sh) that would be ~25 minutes of
// CI for a claim about numbers, not memory; the split sweep's code path is exercised there by
// test_sweep.cpp's split cases, so the claim runs only in the optimized build.
#ifndef __SANITIZE_ADDRESS__
namespace {

// A rate where every seed diverged has loss HUGE_VAL (no mean): next to one, as at
// depth_transfer's stability edge, there is no parabola and the grid point itself is the best.
double best_log2_rate(const std::vector<double>& log2_rates, const std::vector<double>& loss) {
  std::size_t b = 0;
  for (std::size_t i = 1; i < loss.size(); ++i)
    if (loss[i] < loss[b]) b = i;
  if (b == 0 || b + 1 == loss.size()) return log2_rates[b];
  if (loss[b - 1] == HUGE_VAL || loss[b + 1] == HUGE_VAL) return log2_rates[b];
  const double y0 = loss[b - 1], y1 = loss[b], y2 = loss[b + 1];
  const double curvature = y0 - 2 * y1 + y2;  // > 0: y1 is the lowest of the three
  const double step = log2_rates[b + 1] - log2_rates[b];
  return log2_rates[b] + step * 0.5 * (y0 - y2) / curvature;
}

// The prepared Fashion-MNIST file (scripts/prepare-data.mjs, run by every build script): from
// $INITSCOPE_DATA_DIR, else build/data of this source tree. Registered for the test's duration.
struct FashionPool {
  FashionPool() {
    const char* env = std::getenv("INITSCOPE_DATA_DIR");
    std::string file = __FILE__;
    file = env ? std::string(env) + "/fashion-mnist.bin"
               : file.substr(0, file.rfind("tests/native/")) + "build/data/fashion-mnist.bin";
    std::ifstream in(file, std::ios::binary);
    INFO("the prepared data file " << file << " (node scripts/prepare-data.mjs)");
    REQUIRE(in.good());
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    register_image_pool(
        DatasetKind::fashion_mnist,
        std::make_shared<const ImagePool>(parse_image_pool(bytes.data(), bytes.size())));
  }
  ~FashionPool() { register_image_pool(DatasetKind::fashion_mnist, nullptr); }
};

// A learning-rate transfer preset (x = learningRate, y = width or depth, split = the two
// settings compared) at one base seed, on two threads: per split value iz and y value iy, the
// best log2 learning rate (best_log2_rate of the mean final training loss over the seeds; a
// cell where every seed diverged has no mean and cannot be the best) and, per rate, how many
// seeds diverged.
struct TransferBests {
  std::vector<double> log2_rates;
  std::vector<std::vector<double>> best;                // [iz][iy]
  std::vector<std::vector<std::vector<int>>> diverged;  // [iz][iy][ix]
};
TransferBests transfer_bests(SweepSpec spec, uint32_t base_seed) {
  spec.base.seed = base_seed;
  std::vector<CellResult> results(task_count(spec));
  std::vector<std::thread> threads;
  const std::size_t jobs = 2;
  for (std::size_t j = 0; j < jobs; ++j)
    threads.emplace_back([&, j] {
      for (std::size_t t = j; t < results.size(); t += jobs)
        results[t] = evaluate_cell(task_config(spec, t), spec.steps);
    });
  for (std::thread& t : threads) t.join();
  TransferBests out;
  for (double lr : spec.axes[0].numbers) out.log2_rates.push_back(std::log2(lr));
  const std::size_t nx = spec.axes[0].size(), ny = spec.axes[1].size(), nz = spec.axes[2].size();
  out.best.assign(nz, {});
  out.diverged.assign(nz, std::vector<std::vector<int>>(ny));
  for (std::size_t iz = 0; iz < nz; ++iz)
    for (std::size_t iy = 0; iy < ny; ++iy) {
      std::vector<double> loss;
      for (std::size_t ix = 0; ix < nx; ++ix) {
        const std::size_t cell = (iz * ny + iy) * nx + ix;
        const CellSummary s = summarize(&results[cell * spec.seeds], spec.seeds);
        loss.push_back(std::isfinite(s.train_loss) ? s.train_loss : HUGE_VAL);
        out.diverged[iz][iy].push_back(s.diverged);
      }
      out.best[iz].push_back(best_log2_rate(out.log2_rates, loss));
    }
  return out;
}

double spread(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end()) - *std::min_element(v.begin(), v.end());
}

}  // namespace

TEST_CASE(
    "mup_transfer: sp's best learning rate moves down by 1 or more across width, mup's "
    "by 0.5 or less",
    "[presets]") {
  const Preset& p = preset_by_id("mup_transfer");
  SweepSpec spec = preset_sweep_spec(p);
  REQUIRE(spec.axes.size() == 3);
  REQUIRE(spec.axes[0].field == "learningRate");
  REQUIRE(spec.axes[1].field == "width");
  REQUIRE(spec.axes[2].field == "parametrization");
  REQUIRE(spec.axes[2].labels == std::vector<std::string>{"sp", "mup"});
  CHECK(spec.base.base_width == static_cast<int>(spec.axes[1].numbers.front()));
  const FashionPool data;
  for (uint32_t base_seed : {42u, 48u}) {
    const TransferBests t = transfer_bests(spec, base_seed);
    for (std::size_t iz = 0; iz < 2; ++iz) {
      const std::vector<double>& best = t.best[iz];
      INFO("seeds " << base_seed << ".." << base_seed + spec.seeds - 1 << ", "
                    << spec.axes[2].labels[iz] << ": best log2 learningRate " << best[0] << ", "
                    << best[1] << ", " << best[2] << " at widths 64, 128, 256");
      if (iz == 0) {
        CHECK(best.front() - best.back() >= 1.0);  // moves down as the net widens
      } else {
        CHECK(spread(best) <= 0.5);
      }
    }
  }
}

// depth_transfer: the whole preset (7 learning rates x 2, 8 and 32 blocks x alpha = 1 and
// 1/sqrt(B), 6 seeds per cell) at base seeds 42 and 48, read as mup_transfer's is (the mean
// final training loss over the seeds, its parabola vertex). SGD's loss falls with the rate up to
// the stability edge, so the best sits next to a rate where every seed diverged, and then is the
// grid point itself (best_log2_rate). Claim: with alpha = 1 the best falls by 1 or more from 2
// to 8 blocks and the 32-block net diverges on every seed at the 2-block net's best rate; with
// alpha = 1/sqrt(B) the three depths' bests lie within 0.5. Measured (this test's numbers):
// alpha = 1: 2 blocks -5.14 and -4 (seeds 42..47 and 48..53), 8 blocks -7.49 and -8.28, 32
// blocks diverge at every rate of the grid; alpha = 1/sqrt(B): -4 at every depth, both seeds.
// Adam (the same grid shifted to -12..-6) moved 1/sqrt(B)'s best by 0.37 and 0.39 too, but its
// 32 unscaled blocks never learned (final loss above 5 at every rate), which says nothing about
// the best rate; pre-LN blocks under Adam moved alpha = 1's best by only 0.79 and 0.85.
// Cost: 252 runs per base seed, fewer parameters per net than mup_transfer's and the diverged
// runs stop early: about 2 CPU-minutes for both base seeds. Not under ASan (as mup_transfer).
TEST_CASE(
    "depth_transfer: unscaled branches move the best learning rate down by 1 or more and diverge "
    "deep, 1/sqrt(B) branches keep it within 0.5",
    "[presets]") {
  const Preset& p = preset_by_id("depth_transfer");
  CHECK(p.chapter == "Depth today");
  SweepSpec spec = preset_sweep_spec(p);
  REQUIRE(spec.axes.size() == 3);
  REQUIRE(spec.axes[0].field == "learningRate");
  REQUIRE(spec.axes[1].field == "depth");
  REQUIRE(spec.axes[1].numbers == std::vector<double>{2, 8, 32});
  REQUIRE(spec.axes[2].field == "residualScale");
  REQUIRE(spec.axes[2].labels == std::vector<std::string>{"one", "inv_sqrt_depth"});
  CHECK(spec.base.architecture == Architecture::residual);
  CHECK(spec.base.optimizer == Optimizer::sgd);
  const std::size_t nx = spec.axes[0].size(), ny = spec.axes[1].size();
  const FashionPool data;
  for (uint32_t base_seed : {42u, 48u}) {
    const TransferBests t = transfer_bests(spec, base_seed);
    const std::vector<double>& log2_rates = t.log2_rates;
    for (std::size_t iz = 0; iz < 2; ++iz) {
      const std::vector<double>& best = t.best[iz];
      const std::vector<std::vector<int>>& diverged = t.diverged[iz];
      // The 2-block net's best rate on the grid (the vertex rounded to the nearest grid rate).
      std::size_t at = 0;
      for (std::size_t ix = 1; ix < nx; ++ix)
        if (std::fabs(log2_rates[ix] - best[0]) < std::fabs(log2_rates[at] - best[0])) at = ix;
      INFO("seeds " << base_seed << ".." << base_seed + spec.seeds - 1 << ", residualScale "
                    << spec.axes[2].labels[iz] << ": best log2 learningRate " << best[0] << ", "
                    << best[1] << ", " << best[2] << " at 2, 8, 32 blocks; 32 blocks at log2 "
                    << log2_rates[at] << ": " << diverged[2][at] << " of " << spec.seeds
                    << " seeds diverged");
      if (iz == 0) {
        CHECK(best[0] - best[1] >= 1.0);       // falls as blocks are added
        CHECK(diverged[2][at] == spec.seeds);  // the deepest diverges there
        CHECK(diverged[0][at] < spec.seeds);   // where the shallow net trained
      } else {
        for (std::size_t iy = 0; iy < ny; ++iy) CHECK(diverged[iy][at] < spec.seeds);
        CHECK(spread(best) <= 0.5);
      }
    }
  }
}
#endif
