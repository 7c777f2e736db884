// tests/native/test_coordcheck.cpp: the coordinate check of spec/parametrizations.md
// (core/include/initscope/coordcheck.hpp), issue 18's acceptance criterion: over widths
// 128..2048, after two SGD updates, sp's logit change grows like width (log2 slope near 1) and
// every mup layer is flat (|slope| < 0.15), over several seeds.
//
// The setting is the check's defaults (coord_default_base() in coordcheck.hpp), and why
// (measured with `initscope coordcheck`; README "Width: SP, NTK and muP"):
// - dataset gaussians (two Gaussian blobs, labels that depend on the inputs almost linearly). The
//   logit change after t updates is -lr sum_j K(x_i, x_j) g_j: under sp the infinite-width part of
//   the kernel K grows like width, its finite-width fluctuation only like sqrt(width). On spiral
//   (interleaved arms) the infinite-width part nearly cancels over a batch and the fluctuation
//   dominates: sp's logit slope is 0.80 at step 1 even with a tiny learning rate, and mup's logits
//   tilt by -0.16 (the same cancellation, now against a constant). On gaussians: 1.04 and 0.03.
// - learningRate 1e-3: small enough that at the widest sp net (2048) the second update still sees
//   nearly the first's gradient (at lr 1e-2 the widest sp logits move so far in one update that
//   the softmax saturates: the step-2 slope falls to 0.82, step 3 to 0.71); the criterion is
//   about the regime before that saturation.
// - batch 32, 3 hidden layers, he_normal, relu, sgd (run's defaults).
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <vector>

#include "initscope/coordcheck.hpp"
#include "initscope/sweep.hpp"

using namespace initscope;

namespace {

// The page's caps stop a 3-layer width-2048 net (8.4 M parameters > 2^22); the CLI runs the check
// under its native caps, so the test does too, and restores the page's on the way out.
struct NativeCaps {
  NativeCaps() { set_size_caps(native_caps()); }
  ~NativeCaps() { set_size_caps(page_caps()); }
};

// The defaults, spelled out (a change of coordcheck's defaults shows here first), two updates.
CoordCheckSpec criterion_spec(int seeds) {
  CoordCheckSpec s;
  CHECK(s.base.dataset == DatasetKind::gaussians);
  CHECK(s.base.learning_rate == 1e-3);
  CHECK(s.base.batch_size == 32);
  CHECK(s.base.hidden.size() == 3);
  CHECK(s.base.seed == 42);
  CHECK(s.base.optimizer == Optimizer::sgd);
  CHECK((s.parametrizations ==
         std::vector<Parametrization>{Parametrization::sp, Parametrization::mup}));
  CHECK((s.widths == std::vector<int>{128, 256, 512, 1024, 2048}));
  s.steps = 2;
  s.seeds = seeds;
  return s;
}

const CoordSlope& slope_at(const std::vector<CoordSlope>& all, Parametrization p, int step,
                           int layer) {
  for (const CoordSlope& s : all)
    if (s.parametrization == p && s.step == step && s.layer == layer) return s;
  FAIL("no slope for step " << step << " layer " << layer);
  return all.front();
}

// The rows of seed index i alone (rows are ordered parametrization, width, seed, then step and
// layer), refitted as a one-seed check: that seed's slopes.
std::vector<CoordSlope> one_seed_slopes(const CoordCheckSpec& s, const std::vector<CoordRow>& rows,
                                        int i) {
  CoordCheckSpec one = s;
  one.seeds = 1;
  one.base.seed = sweep_seed(s.base.seed, i);
  const std::size_t block = static_cast<std::size_t>(s.steps + 1) * (s.base.hidden.size() + 1);
  std::vector<CoordRow> mine;
  for (std::size_t task = 0; task < coord_task_count(s); ++task)
    if (task % static_cast<std::size_t>(s.seeds) == static_cast<std::size_t>(i))
      mine.insert(mine.end(), rows.begin() + static_cast<std::ptrdiff_t>(task * block),
                  rows.begin() + static_cast<std::ptrdiff_t>((task + 1) * block));
  return coord_slopes(one, mine);
}

}  // namespace

TEST_CASE("coordinate check: sp logit change grows like width, mup layers are flat") {
  const NativeCaps caps;
  const int kSeeds = 6;  // 42..47
  const CoordCheckSpec spec = criterion_spec(kSeeds);
  REQUIRE_NOTHROW(validate_coordcheck(spec));
  std::vector<CoordRow> rows;
  for (std::size_t t = 0; t < coord_task_count(spec); ++t) {
    const std::vector<CoordRow> r = coord_task(spec, t);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  const std::vector<CoordSlope> slopes = coord_slopes(spec, rows);
  const int L = static_cast<int>(spec.base.hidden.size()) + 1;  // the logits' layer

  // Per-seed slopes of sp's logit change after two updates: their spread gives the tolerance.
  std::vector<double> sp_logit;
  std::ostringstream table;
  for (int i = 0; i < kSeeds; ++i) {
    const std::vector<CoordSlope> one = one_seed_slopes(spec, rows, i);
    sp_logit.push_back(slope_at(one, Parametrization::sp, 2, L).change_slope);
    table << "seed " << spec.base.seed + i << ":";
    for (Parametrization p : spec.parametrizations)
      for (int l = 1; l <= L; ++l) table << " " << slope_at(one, p, 2, l).change_slope;
    table << "\n";
  }
  double mean = 0, var = 0;
  for (double v : sp_logit) mean += v / kSeeds;
  for (double v : sp_logit) var += (v - mean) * (v - mean) / (kSeeds - 1);
  const double se = std::sqrt(var / kSeeds);
  INFO("step-2 change slopes per seed (sp layers 1..4, then mup layers 1..4):\n" << table.str());
  INFO("sp logit slope over seeds: mean " << mean << ", standard error " << se);

  // The seed-averaged fit (what `initscope coordcheck` prints as 'slopes').
  const double sp_fit = slope_at(slopes, Parametrization::sp, 2, L).change_slope;
  INFO("sp logit slope of the seed-averaged change, step 2: " << sp_fit);

  // Tolerance from the spread: a single seed's sp logit slope at step 2 has standard deviation
  // 0.16 (measured over seeds 1..10 and over 42..47: each seed is a new dataset and net, and a
  // width-128 net's kernel fluctuates by ~1/sqrt(128)), so the mean of 6 seeds has a standard
  // error near 0.065 and 3 SE = 0.2. Measured means: 0.93 (seeds 42..47), 0.95 (1..10), slightly
  // under 1 (the biases' and the 2-D input layer's width-independent part of the kernel). The
  // seed-averaged fit gets the same band: it is within 0.002 of the mean of the per-seed slopes.
  CHECK(se < 0.1);  // the band below stays meaningful: the spread is the one measured
  CHECK(std::fabs(mean - 1.0) < 3 * se);
  CHECK(std::fabs(sp_fit - 1.0) < 0.2);

  // mup: every layer flat after one and after two updates. Measured |slope| <= 0.03 for the
  // seed-averaged fit (per seed the spread is 0.06-0.08, so 0.15 is ~5 SE of a 6-seed mean).
  for (int t = 1; t <= 2; ++t)
    for (int l = 1; l <= L; ++l) {
      INFO("mup step " << t << " layer " << l);
      CHECK(std::fabs(slope_at(slopes, Parametrization::mup, t, l).change_slope) < 0.15);
    }

  // The contrast (the check can fail): sp fails mup's criterion. Its logits and hidden layers grow
  // (theory: slope 1 and 1/2), its input layer shrinks (-1/2: a 2-D input's update does not grow
  // with width while the backpropagated signal falls like 1/sqrt(width)).
  CHECK(sp_fit > 0.15);
  for (int l = 2; l < L; ++l) {
    INFO("sp hidden layer " << l);
    CHECK(slope_at(slopes, Parametrization::sp, 2, l).change_slope > 0.15);
  }
  CHECK(slope_at(slopes, Parametrization::sp, 2, 1).change_slope < -0.15);
}

TEST_CASE("coordinate check: spiral's cancelling labels bend sp's logit slope below 1") {
  // The reason for gaussians above, kept as a test: the same check on spiral at the same small
  // learning rate measures sp's logit slope near 0.8 already at step 1 (not a large-step effect).
  const NativeCaps caps;
  CoordCheckSpec spec = criterion_spec(3);
  spec.base.dataset = DatasetKind::spiral;
  spec.parametrizations = {Parametrization::sp};
  spec.steps = 1;
  std::vector<CoordRow> rows;
  for (std::size_t t = 0; t < coord_task_count(spec); ++t) {
    const std::vector<CoordRow> r = coord_task(spec, t);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  const double fit = slope_at(coord_slopes(spec, rows), Parametrization::sp, 1, 4).change_slope;
  INFO("spiral sp logit slope at step 1: " << fit);
  CHECK(fit < 0.9);
  CHECK(fit > 0.6);
}
