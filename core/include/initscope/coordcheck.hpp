// initscope/coordcheck.hpp: the coordinate check (spec/parametrizations.md; mup's
// coord_check.py). For each parametrization, width and seed, a network of the base config's
// depth with every hidden layer that wide trains on one fixed minibatch; before the first update
// and after each one, every layer's mean |pre-activation| ("size") and its mean |pre(t) - pre(0)|
// ("change") over the batch and units. Plotted as log2 size against log2 width, one line per
// layer: flat lines mean the layer's coordinates neither blow up nor vanish as the net widens.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace initscope {

constexpr int kMaxCoordWidths = 32;
constexpr int kMaxCoordSteps = 100;
constexpr int kMaxCoordSeeds = 100;

// The check's own defaults for the run fields it differs in from `initscope run`'s (measured;
// tests/native/test_coordcheck.cpp and README "Width: SP, NTK and muP"):
// - dataset gaussians: labels that depend on the input almost linearly. The logit change is
//   -lr sum_j K(x_i, x_j) g_j over the batch; on spiral's interleaved arms the infinite-width
//   part of the kernel K nearly cancels and its finite-width fluctuation (relative size
//   1/sqrt(width)) dominates, so sp's logit slope reads 0.80 instead of 1 and mup's logits tilt.
// - learningRate 1e-3: at 1e-2 one update moves the widest (2048) sp logits so far that the
//   softmax saturates and the second update's slope falls (0.82 at step 2, 0.71 at step 3).
inline Config coord_default_base() {
  Config c;
  c.dataset = DatasetKind::gaussians;
  c.learning_rate = 1e-3;
  return c;
}

struct CoordCheckSpec {
  // every run field; its hidden list gives the depth (its widths are replaced)
  Config base = coord_default_base();
  std::vector<Parametrization> parametrizations{Parametrization::sp, Parametrization::mup};
  std::vector<int> widths{128, 256, 512, 1024, 2048};
  int steps = 3;  // updates; rows for t = 0..steps
  int seeds = 3;  // base.seed + 0 .. seeds-1, as a sweep's
};

// One measurement. layer 1..L are the hidden layers, L+1 the logits.
struct CoordRow {
  Parametrization parametrization;
  int width;
  uint32_t seed;
  int step;
  int layer;
  double size;    // mean |pre_l| over batch rows and units
  double change;  // mean |pre_l(t) - pre_l(0)|
};

// The fitted line of log2(mean over seeds) against log2(width), per parametrization, step and
// layer (least squares). NaN where a mean is not finite and positive (change at step 0).
struct CoordSlope {
  Parametrization parametrization;
  int step;
  int layer;
  double size_slope;
  double change_slope;
};

// Throws ConfigError naming the field: widths (1..the size cap, distinct, increasing, at most
// kMaxCoordWidths), steps, seeds, parametrizations, and every task's config (validate()).
void validate_coordcheck(const CoordCheckSpec& s);

// Tasks run parametrization-major, then width, then seed.
std::size_t coord_task_count(const CoordCheckSpec& s);
Config coord_task_config(const CoordCheckSpec& s, std::size_t task);
// One task's rows, step-major then layer: (steps + 1) x (depth + 1) rows. A run that diverges
// keeps its non-finite sizes (the writers print them as NaN / Infinity).
std::vector<CoordRow> coord_task(const CoordCheckSpec& s, std::size_t task);

std::vector<CoordSlope> coord_slopes(const CoordCheckSpec& s, const std::vector<CoordRow>& rows);

}  // namespace initscope
