// run.cpp: one training run and an experiment of runs.
#include "initscope/run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "initscope/activation.hpp"
#include "initscope/fields.hpp"
#include "initscope/init.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/parametrization.hpp"
#include "initscope/pmath.hpp"

namespace initscope {

namespace {
const Config& validated(const Config& c) {
  validate(c);
  return c;
}
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

Run::Run(const Config& config)
    : config_(validated(config)),
      data_(make_dataset(config_)),
      net_(data_.input_dim, config_.hidden, data_.classes, config_.activation,
           static_cast<float>(config_.leaky_slope)),
      opt_(config_.optimizer, net_, config_.learning_rate, config_.momentum),
      batch_rng_(config_.seed, stream::kBatches),
      hist_(histogram_spec(config_.activation, config_.hist_bins)),
      last_loss_(kNaN) {
  // Initial weights: layer l from its own stream, so a deeper network keeps the first layers.
  for (std::size_t l = 0; l < net_.num_layers(); ++l) {
    Layer& layer = net_.layers[l];
    Rng wr(config_.seed, stream::kLayerWeights + l);
    layer.W = init_weights(config_.init, layer.fan_out(), layer.fan_in(), config_, wr);
    Rng br(config_.seed, stream::kLayerBiases + l);
    layer.b = init_bias(config_.init, layer.fan_out(), layer.fan_in(), config_, br);
  }

  // The probe batch: the first rows of the training split (contiguous, never copied).
  const std::size_t probe = std::min<std::size_t>(config_.probe_size, data_.y_train.size());
  const float* px = data_.x_train.data();
  // sp / ntk / mup: multipliers, learning-rate scales and the rescaled draw, before LSUV (which
  // then rescales the stored weights so that each layer's multiplied output has unit variance).
  const std::vector<LayerScaling> scaling = apply_parametrization(net_, config_);
  if (config_.init == Init::lsuv) lsuv_rescale(net_, px, probe);

  // Theory line from the initializer's per-element variances; LSUV's are data-driven, so its
  // line uses the mean square of the weights it produced. Both are of the effective weights
  // m x W (the parametrization's multiplier and rescaling of the draw).
  std::vector<double> wv(net_.num_layers()), bv(net_.num_layers());
  for (std::size_t l = 0; l < net_.num_layers(); ++l) {
    const Layer& layer = net_.layers[l];
    if (config_.init == Init::lsuv) {
      double ss = 0;
      for (float w : layer.W) ss += static_cast<double>(w) * w;
      const double m = layer.multiplier;
      wv[l] = m * m * ss / layer.W.size();
    } else {
      const double e = layer.multiplier * scaling[l].weight_scale;
      wv[l] =
          e * e * nominal_weight_variance(config_.init, layer.fan_out(), layer.fan_in(), config_);
    }
    const double bs = scaling[l].bias_scale;
    bv[l] = bs * bs * nominal_bias_variance(config_.init, layer.fan_in(), config_);
  }
  double m2 = 0;
  for (std::size_t i = 0, n = probe * data_.input_dim; i < n; ++i)
    m2 += static_cast<double>(px[i]) * px[i];
  m2 /= static_cast<double>(probe * data_.input_dim);
  theory_ = theory_pre_variance(net_, wv, bv, m2);
  weight_var_ = wv;

  // Mean-field correlation of each probe pair (rows 2k, 2k+1), from the pair's own input
  // lengths and cosine, through layers with effective sigma_w^2 = fan_in Var[w] and sigma_b^2 =
  // Var[b]; averaged over the pairs as layer_stats() averages the measured cosines.
  const std::size_t L = net_.num_layers(), n0 = static_cast<std::size_t>(data_.input_dim);
  std::vector<double> sw(L);
  for (std::size_t l = 0; l < L; ++l) sw[l] = wv[l] * static_cast<double>(net_.layers[l].fan_in());
  theory_corr_.assign(L, 0.0);
  const std::size_t pairs = corr_pairs(probe);
  for (std::size_t k = 0; k < pairs; ++k) {
    const float* a = px + 2 * k * n0;
    const float* b = a + n0;
    double qa = 0, qb = 0;
    for (std::size_t i = 0; i < n0; ++i) {
      qa += static_cast<double>(a[i]) * a[i];
      qb += static_cast<double>(b[i]) * b[i];
    }
    const std::vector<double> c =
        correlation_profile(net_.activation, net_.leaky_slope, sw, bv, qa / n0, qb / n0,
                            cosine(a, b, n0), Quadrature::kFast);
    for (std::size_t l = 0; l < L; ++l) theory_corr_[l] += c[l] / pairs;
  }
  if (pairs == 0) theory_corr_.assign(L, kNaN);

  // Gradient variance at initialization, backwards from the output layer's measured second
  // moment of dL/dlogits on the probe batch: Var[delta_l] = E[phi'(h_l)^2] n_{l+1} Var[w_{l+1}]
  // Var[delta_{l+1}], h_l ~ N(0, theoryVar_l). reference: Schoenholz et al. 2017, eq. 12.
  eval_ws_.reserve(net_, probe);
  {
    const float* logits = net_.forward(px, probe, eval_ws_);
    // Histogram edges from this step-0 pass, kept for the run's whole life.
    hist_ = histogram_spec_from_data(net_, eval_ws_, probe, config_.hist_bins);
    loss_and_grad(config_.loss, logits, data_.y_train.data(), probe, data_.classes,
                  eval_ws_.grad.back().data(), nullptr);
    const std::vector<float>& g = eval_ws_.grad.back();
    double m2g = 0;
    for (std::size_t i = 0, n = probe * data_.classes; i < n; ++i)
      m2g += static_cast<double>(g[i]) * g[i];
    theory_grad_var_.assign(L, 0.0);
    theory_grad_var_[L - 1] = m2g / static_cast<double>(probe * data_.classes);
    for (std::size_t l = L - 1; l-- > 0;) {
      const Layer& next = net_.layers[l + 1];
      theory_grad_var_[l] = theory_grad_var_[l + 1] * static_cast<double>(next.fan_out()) *
                            wv[l + 1] *
                            gauss_dphi_sq(net_.activation, net_.leaky_slope, theory_[l]);
    }
  }

  const std::size_t n_train = data_.y_train.size();
  batch_rows_ = config_.batch_size == 0 ? n_train : static_cast<std::size_t>(config_.batch_size);
  if (config_.batch_size != 0) {
    batch_x_ = Matrix::from_shape({batch_rows_, static_cast<std::size_t>(data_.input_dim)});
    batch_y_.resize(batch_rows_);
    order_.resize(n_train);
    for (std::size_t i = 0; i < n_train; ++i) order_[i] = static_cast<uint32_t>(i);
    cursor_ = n_train;  // forces a shuffle before the first batch
  }
  ws_.reserve(net_, batch_rows_);
}

// Minibatches without replacement: each epoch is a fresh shuffle (stream kBatches); a final
// partial batch is dropped so every update sees exactly batchSize rows.
void Run::next_batch() {
  if (config_.batch_size == 0) return;
  const std::size_t n_train = order_.size();
  if (cursor_ + batch_rows_ > n_train) {
    for (std::size_t i = n_train - 1; i > 0; --i)
      std::swap(order_[i], order_[batch_rng_.below(static_cast<uint32_t>(i + 1))]);
    cursor_ = 0;
  }
  const std::size_t dim = static_cast<std::size_t>(data_.input_dim);
  for (std::size_t r = 0; r < batch_rows_; ++r) {
    const uint32_t src = order_[cursor_ + r];
    std::copy_n(data_.x_train.data() + src * dim, dim, batch_x_.data() + r * dim);
    batch_y_[r] = data_.y_train[src];
  }
  cursor_ += batch_rows_;
}

StepResult Run::step(int n) {
  for (int i = 0; i < n && !diverged_at_; ++i) {
    // forward -> loss -> backward -> update
    if (!fixed_batch_) next_batch();
    const bool full = config_.batch_size == 0;
    const float* x = full ? data_.x_train.data() : batch_x_.data();
    const int* y = full ? data_.y_train.data() : batch_y_.data();
    const float* logits = net_.forward(x, batch_rows_, ws_);
    const double loss = loss_and_grad(config_.loss, logits, y, batch_rows_, data_.classes,
                                      ws_.grad.back().data(), nullptr);
    last_loss_ = loss;
    if (!std::isfinite(loss)) {
      diverged_at_ = ++step_;
      break;
    }
    net_.backward(x, batch_rows_, ws_);
    const bool finite = opt_.update(net_);
    ++step_;
    if (!finite) diverged_at_ = step_;
  }
  return {step_, last_loss_};
}

void Run::fix_batch() {
  if (fixed_batch_) return;
  next_batch();
  fixed_batch_ = true;
}

const std::vector<std::vector<float>>& Run::batch_pre_activations() {
  const float* x = config_.batch_size == 0 ? data_.x_train.data() : batch_x_.data();
  net_.forward(x, batch_rows_, ws_);
  return ws_.pre;
}

Evaluation Run::evaluate() {
  auto split = [&](const Matrix& x, const std::vector<int>& y, double& loss, double& acc) {
    const std::size_t n = y.size();
    if (n == 0) {
      loss = acc = kNaN;
      return;
    }
    const std::size_t dim = static_cast<std::size_t>(data_.input_dim);
    const std::size_t chunk = eval_ws_.capacity;
    double total = 0;
    std::size_t hits = 0;
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t rows = std::min(chunk, n - start);
      const float* logits = net_.forward(x.data() + start * dim, rows, eval_ws_);
      std::size_t correct = 0;
      total += loss_and_grad(config_.loss, logits, y.data() + start, rows, data_.classes, nullptr,
                             &correct) *
               static_cast<double>(rows);
      hits += correct;
    }
    loss = total / static_cast<double>(n);
    acc = static_cast<double>(hits) / static_cast<double>(n);
  };
  Evaluation e{};
  e.step = step_;
  split(data_.x_train, data_.y_train, e.train_loss, e.train_accuracy);
  split(data_.x_test, data_.y_test, e.test_loss, e.test_accuracy);
  mark_if_not_finite(std::isfinite(e.train_loss) &&
                     (data_.y_test.empty() || std::isfinite(e.test_loss)));
  e.diverged_at = diverged_at_;
  return e;
}

// Finite parameters can still overflow float in a forward pass (constant 38 at depth 141
// overflows at initialization: found by tests/fuzz/fuzz_train). A non-finite number measured from
// the current weights marks the run diverged at the current step, as a non-finite training loss
// does, so no NaN or Infinity leaves a run that claims to be healthy.
void Run::mark_if_not_finite(bool finite) {
  if (!finite && !diverged_at_) diverged_at_ = step_;
}

std::vector<LayerStats> Run::layer_stats() {
  const std::size_t probe = eval_ws_.capacity;
  auto stats = measure_layers(net_, config_.loss, data_.x_train.data(), data_.y_train.data(), probe,
                              hist_, eval_ws_);
  // Predictions are not measurements: they may overflow honestly (theory_var at depth), and corr
  // is NaN by definition with fewer than 2 probe rows; neither marks the run.
  bool finite = true;
  for (std::size_t l = 0; l < stats.size(); ++l) {
    const LayerStats& s = stats[l];
    for (double v : {s.pre_mean, s.pre_var, s.post_mean, s.post_var, s.grad_var, s.weight_grad_var,
                     s.weight_var})
      finite = finite && std::isfinite(v);
    stats[l].theory_var = theory_[l];
    stats[l].theory_corr = theory_corr_[l];
    stats[l].theory_grad_var = theory_grad_var_[l];
  }
  mark_if_not_finite(finite);
  return stats;
}

std::vector<int> Run::predict(const float* x, std::size_t rows) {
  const std::size_t dim = static_cast<std::size_t>(data_.input_dim);
  const std::size_t C = static_cast<std::size_t>(data_.classes);
  const std::size_t chunk = eval_ws_.capacity;
  std::vector<int> out(rows);
  for (std::size_t start = 0; start < rows; start += chunk) {
    const std::size_t n = std::min(chunk, rows - start);
    const float* z = net_.forward(x + start * dim, n, eval_ws_);
    for (std::size_t r = 0; r < n; ++r)  // the first maximum, as loss_and_grad's accuracy
      out[start + r] = static_cast<int>(std::max_element(z + r * C, z + (r + 1) * C) - (z + r * C));
  }
  return out;
}

std::vector<int> Run::predict_test(int n) {
  const std::size_t rows = std::min<std::size_t>(std::max(n, 0), data_.y_test.size());
  return predict(data_.x_test.data(), rows);
}

std::vector<double> Run::class_accuracy() {
  const std::vector<int> pred = predict(data_.x_test.data(), data_.y_test.size());
  std::vector<double> hits(data_.classes, 0.0), total(data_.classes, 0.0);
  for (std::size_t i = 0; i < pred.size(); ++i) {
    total[data_.y_test[i]] += 1;
    hits[data_.y_test[i]] += pred[i] == data_.y_test[i];
  }
  for (int k = 0; k < data_.classes; ++k) hits[k] = total[k] > 0 ? hits[k] / total[k] : kNaN;
  return hits;
}

std::vector<float> Run::predict_grid(int resolution) {
  if (data_.input_dim != 2)
    throw ConfigError("dataset", quote(to_string(config_.dataset)),
                      "a 2-D dataset for predictGrid (this one has inputDim " +
                          std::to_string(data_.input_dim) + ")");
  if (resolution < 2 || resolution > 256)
    throw ConfigError("resolution", std::to_string(resolution), "an integer in 2..256");
  const std::size_t res = static_cast<std::size_t>(resolution);
  const std::size_t C = static_cast<std::size_t>(data_.classes);
  const auto& b = data_.bounds;
  const double hx = (b[1] - b[0]) / res, hy = (b[3] - b[2]) / res;
  std::vector<float> points(res * res * 2), out(res * res * C);
  for (std::size_t j = 0; j < res; ++j)
    for (std::size_t i = 0; i < res; ++i) {
      points[(j * res + i) * 2] = static_cast<float>(b[0] + (i + 0.5) * hx);
      points[(j * res + i) * 2 + 1] = static_cast<float>(b[3] - (j + 0.5) * hy);
    }
  const std::size_t chunk = eval_ws_.capacity;
  for (std::size_t start = 0; start < res * res; start += chunk) {
    const std::size_t rows = std::min(chunk, res * res - start);
    const float* z = net_.forward(points.data() + start * 2, rows, eval_ws_);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* zr = z + r * C;
      float* p = out.data() + (start + r) * C;
      const double zmax = *std::max_element(zr, zr + C);
      double sum = 0;
      for (std::size_t c = 0; c < C; ++c) sum += pm::exp(zr[c] - zmax);
      for (std::size_t c = 0; c < C; ++c) p[c] = static_cast<float>(pm::exp(zr[c] - zmax) / sum);
    }
  }
  bool finite = true;
  for (float p : out) finite = finite && std::isfinite(p);
  mark_if_not_finite(finite);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Experiment

Experiment::Experiment(const std::vector<Config>& configs) {
  if (configs.empty()) throw ConfigError("runs", "[]", "1 or more run configs");
  const Config& a = configs.front();
  for (std::size_t i = 1; i < configs.size(); ++i) {
    const Config& b = configs[i];
    // The registry's data fields, as resolved (inputDim 0 and 64 are the same gaussian_nd data).
    std::vector<std::string> data_fields;
    bool same = true;
    for (const Field& f : fields()) {
      if (!f.data) continue;
      data_fields.push_back(f.name);
      const auto value = [&f](const Config& c) { return f.report ? f.report(c) : f.get(c); };
      same = same && value(a) == value(b);
    }
    if (!same)
      throw ConfigError("runs", "run " + std::to_string(i) + " with other data fields",
                        "runs that share " + join_ids(data_fields));
  }
  runs_.reserve(configs.size());
  for (const Config& c : configs) runs_.emplace_back(c);
}

Experiment Experiment::compare_inits(const Config& base, const std::vector<Init>& inits) {
  std::vector<Config> configs;
  for (Init i : inits) {
    Config c = base;
    c.init = i;
    configs.push_back(c);
  }
  return Experiment(configs);
}

void Experiment::step(int n) {
  for (Run& r : runs_)
    if (!r.diverged_at()) r.step(n);
}

}  // namespace initscope
