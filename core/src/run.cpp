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
           static_cast<float>(config_.leaky_slope), net_shape(config_)),
      opt_(config_.optimizer, net_, config_.learning_rate, config_.momentum),
      batch_rng_(config_.seed, stream::kBatches),
      hist_(histogram_spec(config_.activation, config_.hist_bins)),
      last_loss_(kNaN) {
  // Initial weights: layer l from its own stream, so a deeper network keeps the first layers.
  // Fixup (Zhang et al. 2019): He draws, the branch's layers before its last scaled by
  // B^(-1/(2m-2)), the last branch layer and the readout zero.
  const std::vector<double> fixup = fixup_factors();
  for (std::size_t l = 0; l < net_.num_layers(); ++l) {
    Layer& layer = net_.layers[l];
    Rng wr(config_.seed, stream::kLayerWeights + l);
    layer.W = init_weights(config_.init, layer.fan_out(), layer.fan_in(), config_, wr);
    if (!fixup.empty() && fixup[l] != 1.0) {
      const float f = static_cast<float>(fixup[l]);
      for (float& w : layer.W) w *= f;
    }
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
      if (!fixup.empty()) wv[l] *= fixup[l] * fixup[l];
    }
    const double bs = scaling[l].bias_scale;
    bv[l] = bs * bs * nominal_bias_variance(config_.init, layer.fan_in(), config_);
  }
  double m2 = 0;
  for (std::size_t i = 0, n = probe * data_.input_dim; i < n; ++i)
    m2 += static_cast<double>(px[i]) * px[i];
  m2 /= static_cast<double>(probe * data_.input_dim);
  weight_var_ = wv;
  if (net_.residual()) {
    residual_theory(wv, bv, m2);
  } else {
    theory_ = theory_pre_variance(net_, wv, bv, m2);
  }

  // Mean-field correlation of each probe pair (rows 2k, 2k+1), from the pair's own input
  // lengths and cosine, through layers with effective sigma_w^2 = fan_in Var[w] and sigma_b^2 =
  // Var[b]; averaged over the pairs as layer_stats() averages the measured cosines.
  const std::size_t L = net_.num_layers(), n0 = static_cast<std::size_t>(data_.input_dim);
  std::vector<double> sw(L);
  for (std::size_t l = 0; l < L; ++l) sw[l] = wv[l] * static_cast<double>(net_.layers[l].fan_in());
  theory_corr_.assign(L, 0.0);
  const std::size_t pairs = net_.residual() || !net_.norms.empty() ? 0 : corr_pairs(probe);
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
  // No correlation map is drawn for residual or normalized nets (spec/residual.md gives none).
  if (pairs == 0) theory_corr_.assign(theory_.size(), kNaN);

  // Gradient variance at initialization, backwards from the output layer's measured second
  // moment of dL/dlogits on the probe batch: Var[delta_l] = E[phi'(h_l)^2] n_{l+1} Var[w_{l+1}]
  // Var[delta_{l+1}], h_l ~ N(0, theoryVar_l). reference: Schoenholz et al. 2017, eq. 12.
  eval_ws_.reserve(net_, probe);
  {
    const float* logits = net_.forward(px, probe, eval_ws_, ForwardMode::probe);
    // Histogram edges from this step-0 pass, kept for the run's whole life.
    hist_ = histogram_spec_from_data(net_, eval_ws_, probe, config_.hist_bins);
    loss_and_grad(config_.loss, logits, data_.y_train.data(), probe, data_.classes,
                  eval_ws_.grad.back().data(), nullptr);
    const std::vector<float>& g = eval_ws_.grad.back();
    double m2g = 0;
    for (std::size_t i = 0, n = probe * data_.classes; i < n; ++i)
      m2g += static_cast<double>(g[i]) * g[i];
    const double g_logits = m2g / static_cast<double>(probe * data_.classes);
    if (net_.residual()) {
      residual_grad_theory(wv, g_logits);
    } else if (!net_.norms.empty()) {
      norm_grad_theory(px, probe, g_logits);
    } else {
      theory_grad_var_.assign(L, 0.0);
      theory_grad_var_[L - 1] = g_logits;
      for (std::size_t l = L - 1; l-- > 0;) {
        const Layer& next = net_.layers[l + 1];
        theory_grad_var_[l] = theory_grad_var_[l + 1] * static_cast<double>(next.fan_out()) *
                              wv[l + 1] *
                              gauss_dphi_sq(net_.activation, net_.leaky_slope, theory_[l]);
      }
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

std::vector<double> Run::fixup_factors() const {
  if (config_.init != Init::fixup) return {};
  std::vector<double> f(net_.num_layers(), 1.0);
  const int m = config_.block_layers;
  const double B = static_cast<double>(net_.blocks.size());
  for (const Block& b : net_.blocks)
    for (int j = 0; j < m; ++j)
      // B^(-1/(2m-2)) with m = 2 (the only m with a layer before the last): 1/sqrt(B)
      f[b.first + j] = j + 1 == m ? 0.0 : 1.0 / std::sqrt(B);
  f.back() = 0.0;
  return f;
}

// spec/residual.md: q_{b+1} = q_b + (alpha g)^2 E|f|^2 with E|f|^2 from the branch's mean-field
// maps on its input (the stream, or 1 after a pre-norm); 1 after a post-norm. One value per
// probe point: the stem, each block's output, the logits.
void Run::residual_theory(const std::vector<double>& wv, const std::vector<double>& bv,
                          double input_m2) {
  const std::size_t n = net_.layers.front().fan_out();
  const double nd = static_cast<double>(n);
  const bool norm = !net_.norms.empty();
  const bool pre_norm = config_.norm_position == NormPosition::pre;
  const int m = config_.block_layers;
  theory_.clear();
  double q = static_cast<double>(net_.layers.front().fan_in()) * wv[0] * input_m2 + bv[0];
  theory_.push_back(q);
  for (const Block& b : net_.blocks) {
    const double qu = norm && pre_norm ? 1.0 : q;
    const std::size_t k = b.first;
    double f2;
    if (m == 1) {
      f2 = nd * wv[k] * post_second_moment(net_.activation, net_.leaky_slope, qu) + bv[k];
    } else {
      const double z1 = nd * wv[k] * qu + bv[k];
      f2 = nd * wv[k + 1] * post_second_moment(net_.activation, net_.leaky_slope, z1) + bv[k + 1];
    }
    const double s = residual_alpha(config_) * b.gate;
    q = norm && !pre_norm ? 1.0 : q + s * s * f2;
    theory_.push_back(q);
  }
  const std::size_t L = net_.num_layers();
  theory_.push_back(nd * wv[L - 1] * (norm && pre_norm ? 1.0 : q) + bv[L - 1]);
}

// The gradient's mean square grows towards the input by 1 + (alpha g)^2 chi per block, chi the
// branch's backward gain (m = 1: n Var[w] E[phi'(u)^2]). Drawn without norms only.
void Run::residual_grad_theory(const std::vector<double>& wv, double g_logits) {
  const std::size_t P = theory_.size(), L = net_.num_layers(), B = net_.blocks.size();
  theory_grad_var_.assign(P, kNaN);
  theory_grad_var_[P - 1] = g_logits;
  if (!net_.norms.empty()) return;
  const double nd = static_cast<double>(net_.layers.front().fan_out());
  const double C = static_cast<double>(net_.layers.back().fan_out());
  double g = C * wv[L - 1] * g_logits;
  theory_grad_var_[B] = g;
  for (std::size_t b = B; b-- > 0;) {
    const Block& blk = net_.blocks[b];
    const std::size_t k = blk.first;
    const double q = theory_[b];  // the block's input
    double chi;
    if (config_.block_layers == 1) {
      chi = nd * wv[k] * gauss_dphi_sq(net_.activation, net_.leaky_slope, q);
    } else {
      const double z1 = nd * wv[k] * q;
      chi = nd * wv[k + 1] * gauss_dphi_sq(net_.activation, net_.leaky_slope, z1) * nd * wv[k];
    }
    const double s = residual_alpha(config_) * blk.gate;
    g *= 1.0 + s * s * chi;
    theory_grad_var_[b] = g;
  }
}

// Batch norm in a plain ReLU net (Yang et al. 2019): the gradient's mean square grows by
// pi / (pi - 1) per layer towards the input at large batch. The line starts from the measured
// gradient of the last hidden layer at step 0; other norms get no line.
void Run::norm_grad_theory(const float* px, std::size_t probe, double g_logits) {
  const std::size_t L = net_.num_layers();
  theory_grad_var_.assign(L, kNaN);
  theory_grad_var_[L - 1] = g_logits;
  const bool relu = net_.activation == Activation::relu;
  if (config_.norm != NormChoice::batch || !relu || L < 2) return;
  net_.backward(px, probe, eval_ws_);
  const std::vector<float>& g = eval_ws_.grad[L - 2];
  const std::size_t count = probe * net_.layers[L - 2].fan_out();
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < count; ++i) sum += g[i], sum2 += static_cast<double>(g[i]) * g[i];
  const double mean = sum / count;
  double v = sum2 / count - mean * mean;
  constexpr double kPi = 3.14159265358979323846;
  constexpr double kGrowth = kPi / (kPi - 1.0);
  for (std::size_t l = L - 1; l-- > 0;) {
    theory_grad_var_[l] = v;
    v *= kGrowth;
  }
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
    const float* logits = net_.forward(x, batch_rows_, ws_, ForwardMode::train);
    net_.update_running_stats(ws_, batch_rows_);
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
  net_.forward(x, batch_rows_, ws_, ForwardMode::probe);
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
      const float* logits = net_.forward(x.data() + start * dim, rows, eval_ws_, ForwardMode::eval);
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
  std::optional<std::size_t> forward_at, backward_at;
  for (std::size_t l = 0; l < stats.size(); ++l) {
    const LayerStats& s = stats[l];
    bool fwd = true, bwd = true;
    for (double v : {s.pre_mean, s.pre_var, s.post_mean, s.post_var}) fwd = fwd && std::isfinite(v);
    for (double v : {s.grad_var, s.weight_grad_var}) bwd = bwd && std::isfinite(v);
    if (!fwd && !forward_at) forward_at = l;
    if (!bwd) backward_at = l;
    finite = finite && fwd && bwd && std::isfinite(s.weight_var);
    stats[l].theory_var = theory_[l];
    stats[l].theory_corr = theory_corr_[l];
    stats[l].theory_grad_var = theory_grad_var_[l];
  }
  if (!finite && !overflow_ && (forward_at || backward_at)) {
    // Only finite parameters overflow somewhere: non-finite ones are non-finite everywhere after
    // the first layer that uses them, which says nothing about the network's signal.
    bool params_finite = true;
    for (const ParamRef& p : net_.params())
      for (std::size_t i = 0; i < p.size && params_finite; ++i)
        params_finite = std::isfinite(p.value[i]);
    if (params_finite)
      overflow_ =
          forward_at ? Overflow{*forward_at, false, step_} : Overflow{*backward_at, true, step_};
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
    const float* z = net_.forward(x + start * dim, n, eval_ws_, ForwardMode::eval);
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
    const float* z = net_.forward(points.data() + start * 2, rows, eval_ws_, ForwardMode::eval);
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
