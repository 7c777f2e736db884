// initscope/stats.hpp: per-layer statistics on a fixed probe batch, and the theory line.
// Means and variances are population moments over every (row, unit) element of a layer,
// accumulated in double.
#pragma once
#include <cstdint>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/mlp.hpp"

namespace initscope {

struct HistogramSpec {
  double lo = -3, hi = 3;  // equal-width bins over [lo, hi] in every layer, unless per layer:
  int bins = 40;
  std::vector<double> layer_lo, layer_hi;  // per weight layer; empty = lo, hi everywhere
  double lo_at(std::size_t l) const { return layer_lo.empty() ? lo : layer_lo[l]; }
  double hi_at(std::size_t l) const { return layer_hi.empty() ? hi : layer_hi[l]; }
};
// Fixed edges per activation, before any data is seen: tanh [-1, 1], sigmoid [0, 1],
// relu [0, 3], everything else [-3, 3].
HistogramSpec histogram_spec(Activation act, int bins);
// The edges a Run keeps for its whole life (fixed, so frames compare), from the probe batch at
// step 0 (`ws` holds its forward pass): tanh and sigmoid hidden layers keep [-1, 1] and [0, 1];
// hidden layers of an unbounded activation, and the output layer's logits, get that layer's
// [min, max] at step 0 widened by 5% each side (relu: from 0, its floor; a single value, as
// with zero init: a unit-wide range around it, or 10% of the value for |v| above 10). A layer whose
// signal grows 32x per layer thus still fills its bins at step 0, and a value that later leaves the
// range is counted in `below` / `above` instead of piling into an end bin.
HistogramSpec histogram_spec_from_data(const Mlp& net, const Workspace& ws, std::size_t rows,
                                       int bins);

struct LayerStats {
  double pre_mean = 0, pre_var = 0;    // of W x + b
  double post_mean = 0, post_var = 0;  // of f(W x + b) (the output layer: the logits)
  // relu / leaky_relu: units whose activation input (pre; with a norm, the norm's output) is
  // <= 0 for every probe row
  double dead_fraction = 0;
  double grad_var = 0;         // of dL/dpre (backpropagated gradient)
  double weight_grad_var = 0;  // of dL/dW
  double weight_var = 0;       // of W
  double theory_var = 0;       // predicted pre-activation variance at initialization
  // Mean cosine similarity (uncentered, as in Poole et al. 2016) of the pre-activation vectors of
  // the probe pairs (rows 0 and 1, 2 and 3, ...; kCorrPairs at most); NaN with fewer than 2 rows.
  double corr = 0;
  double theory_corr = 0;           // the mean-field correlation map on each pair's input, averaged
  double theory_grad_var = 0;       // backward variance recursion at initialization (Run)
  bool symmetric = false;           // every unit has identical incoming weights and bias
  std::vector<uint32_t> histogram;  // of post-activations, histogram_spec bins
  uint32_t below = 0, above = 0;    // post-activations outside the layer's [lo, hi] (in no bin)
};

// Pairs of probe rows whose correlation is measured and predicted.
constexpr std::size_t kCorrPairs = 16;
std::size_t corr_pairs(std::size_t rows);
// Cosine similarity of a and b (n values each), in double; 1 when both are zero, 0 when one is.
double cosine(const float* a, const float* b, std::size_t n);

// Runs forward + loss + backward on the probe batch (x, labels) and measures every layer.
// The network's dW/db are overwritten (callers compute stats between updates).
std::vector<LayerStats> measure_layers(Mlp& net, Loss loss, const float* x, const int* labels,
                                       std::size_t rows, const HistogramSpec& spec, Workspace& ws);

// Predicted pre-activation variance per layer at initialization, He et al. 2015 eq. 9 form:
//   Var[y_1] = n_0 Var[w_1] E[x^2] + Var[b_1],
//   Var[y_l] = n_{l-1} Var[w_l] E[f(y_{l-1})^2] + Var[b_l], E[f(y)^2] from post_second_moment.
// weight_var[l] / bias_var[l] are the per-element variances the initializer draws from.
std::vector<double> theory_pre_variance(const Mlp& net, const std::vector<double>& weight_var,
                                        const std::vector<double>& bias_var,
                                        double input_second_moment);

}  // namespace initscope
