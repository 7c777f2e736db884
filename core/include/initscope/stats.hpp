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
  double lo = -3, hi = 3;  // equal-width bins over [lo, hi]; values outside go to the end bins
  int bins = 40;
};
// Fixed edges per activation so frames are comparable: tanh [-1, 1], sigmoid [0, 1],
// relu [0, 3], everything else [-3, 3].
HistogramSpec histogram_spec(Activation act, int bins);

struct LayerStats {
  double pre_mean = 0, pre_var = 0;    // of W x + b
  double post_mean = 0, post_var = 0;  // of f(W x + b) (the output layer: the logits)
  double dead_fraction = 0;            // relu / leaky_relu: units with pre <= 0 for every probe row
  double grad_var = 0;                 // of dL/dpre (backpropagated gradient)
  double weight_grad_var = 0;          // of dL/dW
  double weight_var = 0;               // of W
  double theory_var = 0;               // predicted pre-activation variance at initialization
  // Mean cosine similarity (uncentered, as in Poole et al. 2016) of the pre-activation vectors of
  // the probe pairs (rows 0 and 1, 2 and 3, ...; kCorrPairs at most); NaN with fewer than 2 rows.
  double corr = 0;
  double theory_corr = 0;           // the mean-field correlation map on each pair's input, averaged
  double theory_grad_var = 0;       // backward variance recursion at initialization (Run)
  bool symmetric = false;           // every unit has identical incoming weights and bias
  std::vector<uint32_t> histogram;  // of post-activations, histogram_spec bins
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
