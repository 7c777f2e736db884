// initscope/run.hpp: one training run (dataset + network + optimizer + statistics), and an
// Experiment of runs that share the data and seed and differ in what is compared.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/dataset.hpp"
#include "initscope/mlp.hpp"
#include "initscope/rng.hpp"
#include "initscope/stats.hpp"

namespace initscope {

struct StepResult {
  int64_t step;  // updates done so far
  double loss;   // mean minibatch loss of the last update (NaN if none was done)
};

// Singular values of the Jacobian d h_last / d h_first between the pre-activations of the first
// and the last hidden layer, at a few probe inputs. reference: Pennington, Schoenholz & Ganguli
// 2017 ("dynamical isometry": all singular values near 1).
struct JacobianSpectrum {
  int first_layer = 0, last_layer = 0;               // hidden-layer indices, 0-based
  std::vector<std::vector<double>> singular_values;  // per probe input, descending
  double mean_squared = 0;  // mean over inputs of sum(s^2) / n_first = tr(J^T J) / n_first
  // Its mean-field prediction: the product over the layers crossed (l = first .. last - 1) of
  // n_{l+1} Var[w_{l+1}] E[phi'(h_l)^2], h_l ~ N(0, theoryVar_l); for equal widths
  // prod sigma_w^2 E[phi'^2], chi_1^(last - first) once the layers sit at q*.
  double theory_mean_squared = 0;
};
// Inputs jacobian_spectrum() uses (the first rows of the probe batch), and the work it allows per
// input: (sum over the layers crossed of fan_out x fan_in) x n_first multiply-adds for J, plus
// about 10 n_last n_first min(n_last, n_first) for its SVD; 2e9 is a few seconds in a browser.
constexpr int kJacobianInputs = 4;
constexpr double kMaxJacobianWork = 2e9;

struct Evaluation {
  int64_t step;
  double train_loss, test_loss;          // mean over the whole split (test: NaN if empty)
  double train_accuracy, test_accuracy;  // fraction in [0, 1]
  std::optional<int64_t> diverged_at;    // the update whose loss or parameters were non-finite
};

// Where finite parameters first gave a non-finite measurement (a forward or backward pass that
// overflowed float): `point` indexes layer_stats() (plain: the layer; residual: 0 the stem, b the
// block b, B + 1 the logits). Forward: the first point whose stream / activation statistics are
// non-finite. Backward (the forward was finite): the gradient overflows on its way towards the
// input, so it is the last point (nearest the output) whose gradient statistics are non-finite.
struct Overflow {
  std::size_t point = 0;
  bool backward = false;
  int64_t step = 0;  // the update count when it was measured
};

class Run {
 public:
  // Validates the config (ConfigError), builds the dataset, the network and its initial weights
  // (layer l from stream (seed, kLayerWeights + l)), LSUV if asked, and the probe batch.
  explicit Run(const Config& config);

  const Config& config() const { return config_; }
  const Dataset& dataset() const { return data_; }
  const Mlp& net() const { return net_; }
  int64_t steps_done() const { return step_; }
  std::optional<int64_t> diverged_at() const { return diverged_at_; }
  // Set by the first layer_stats() whose measurements are non-finite while every parameter is
  // finite (a run diverged by non-finite parameters has no such place); never cleared.
  std::optional<Overflow> overflow() const { return overflow_; }
  const std::vector<double>& theory_var() const { return theory_; }
  const HistogramSpec& hist_spec() const { return hist_; }

  // n minibatch updates (stops early and records diverged_at on a non-finite loss or parameter).
  StepResult step(int n);
  // From now on every step trains on the same minibatch, the next one drawn (mup's fix_data,
  // for the coordinate check). Idempotent.
  void fix_batch();
  // Every layer's pre-activations on the current training batch ([rows][fan_out] per layer; the
  // last is the logits), for the current weights. Valid until the next call into this Run.
  const std::vector<std::vector<float>>& batch_pre_activations();
  std::size_t batch_rows() const { return batch_rows_; }
  // evaluate(), layer_stats() and predict_grid() also mark the run diverged at the current step
  // when what they measure is not finite (finite weights whose forward pass overflows float,
  // e.g. at initialization), so a run without diverged_at only ever reports finite measurements
  // (the theory columns are predictions and may overflow a double at depth; corr is NaN with
  // fewer than 2 probe rows).
  Evaluation evaluate();
  std::vector<LayerStats> layer_stats();
  // Class probabilities (softmax of the outputs) on a resolution x resolution grid of cell
  // centres over dataset().bounds, [res][res][C] row-major: row j has x1 = top - (j + 0.5) h
  // (row 0 is the TOP of the plane, as on a canvas), column i has x0 = left + (i + 0.5) h.
  // ConfigError unless input_dim == 2 and 2 <= resolution <= 256.
  std::vector<float> predict_grid(int resolution);
  // The predicted class (argmax of the outputs) of the first min(n, test rows) test rows, in
  // the order of dataset().x_test (for the page's Predictions view of image data).
  std::vector<int> predict_test(int n);
  // Test accuracy per class: the fraction of class k's test rows predicted k (NaN for a class
  // with no test rows). Weighted by the class counts it is evaluate().test_accuracy.
  std::vector<double> class_accuracy();
  // ConfigError ("hidden") when the network is too large for the budget above.
  JacobianSpectrum jacobian_spectrum();

 private:
  void next_batch();
  void mark_if_not_finite(bool finite);
  std::vector<double> fixup_factors() const;  // per Linear; empty unless init fixup
  void residual_theory(const std::vector<double>& wv, const std::vector<double>& bv,
                       double input_m2);
  void residual_grad_theory(const std::vector<double>& wv, double g_logits);
  void norm_grad_theory(const float* px, std::size_t probe, double g_logits);
  std::vector<int> predict(const float* x, std::size_t rows);

  Config config_;
  Dataset data_;
  Mlp net_;
  OptimizerState opt_;
  Rng batch_rng_;
  HistogramSpec hist_;
  std::vector<double> theory_;           // pre-activation variance per layer
  std::vector<double> theory_corr_;      // mean-field correlation per layer (probe pairs)
  std::vector<double> theory_grad_var_;  // backward recursion per layer
  std::vector<double> weight_var_;       // per-element Var[w_l] the theory uses
  std::vector<uint32_t> order_;          // shuffled train indices for the current epoch
  std::size_t cursor_ = 0;
  std::size_t batch_rows_ = 0;
  bool fixed_batch_ = false;
  Matrix batch_x_;
  std::vector<int> batch_y_;
  Workspace ws_;       // training batch
  Workspace eval_ws_;  // probe / evaluation chunks
  int64_t step_ = 0;
  double last_loss_;
  std::optional<int64_t> diverged_at_;
  std::optional<Overflow> overflow_;
};

// Runs that share dataset and seed. Throws ConfigError (field "runs") if the configs disagree
// in any data field (dataset, samples, noise, testFraction, inputDim, classes, seed).
class Experiment {
 public:
  explicit Experiment(const std::vector<Config>& configs);
  // The common case: one base config, one run per initializer.
  static Experiment compare_inits(const Config& base, const std::vector<Init>& inits);

  std::vector<Run>& runs() { return runs_; }
  // n updates for every run that has not diverged; a diverged run stays where it stopped.
  void step(int n);

 private:
  std::vector<Run> runs_;
};

}  // namespace initscope
