// mlp.cpp: forward, loss, backward, update, and LSUV.
//   B = rows, I/O = fan_in/fan_out of a layer, C = output units, L = layers (hidden + output).
#include "initscope/mlp.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "initscope/activation.hpp"
#include "initscope/gemm.hpp"
#include "initscope/pmath.hpp"

namespace initscope {

// ---------------------------------------------------------------------------------------------
// Network and workspace

const char* to_string(LayerRole r) {
  switch (r) {
    case LayerRole::input:
      return "input";
    case LayerRole::hidden:
      return "hidden";
    case LayerRole::readout:
      return "readout";
  }
  return "?";
}

Mlp::Mlp(int input_dim, const std::vector<int>& hidden, int outputs, Activation act, float slope)
    : activation(act), leaky_slope(slope) {
  std::size_t in = static_cast<std::size_t>(input_dim);
  auto add = [&](std::size_t out) {
    Layer layer;
    layer.W = xt::zeros<float>({out, in});
    layer.b = xt::zeros<float>({out});
    layer.dW = xt::zeros<float>({out, in});
    layer.db = xt::zeros<float>({out});
    layers.push_back(std::move(layer));
    in = out;
  };
  for (int w : hidden) add(static_cast<std::size_t>(w));
  add(static_cast<std::size_t>(outputs));
  layers.front().role = LayerRole::input;
  layers.back().role = LayerRole::readout;
}

int64_t Mlp::parameter_count() const {
  int64_t n = 0;
  for (auto& l : layers) n += static_cast<int64_t>(l.W.size() + l.b.size());
  return n;
}

std::size_t Mlp::max_width() const {
  std::size_t w = 0;
  for (auto& l : layers) w = std::max({w, l.fan_in(), l.fan_out()});
  return w;
}

void Workspace::reserve(const Mlp& net, std::size_t rows) {
  if (rows <= capacity && pre.size() == net.num_layers()) return;
  capacity = std::max(rows, capacity);
  pre.resize(net.num_layers());
  post.resize(net.num_layers());
  grad.resize(net.num_layers());
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    const std::size_t n = capacity * net.layers[l].fan_out();
    pre[l].assign(n, 0.f);
    post[l].assign(n, 0.f);
    grad[l].assign(n, 0.f);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward

void Mlp::forward_layer(std::size_t l, const float* in, std::size_t rows, Workspace& ws) const {
  const Layer& layer = layers[l];
  const std::size_t I = layer.fan_in(), O = layer.fan_out();
  float* pre = ws.pre[l].data();
  float* post = ws.post[l].data();
  gemm_nt(rows, O, I, in, layer.W.data(), pre);
  const float* b = layer.b.data();
  const float m = layer.multiplier;
  for (std::size_t r = 0; r < rows; ++r) {
    float* z = pre + r * O;
    if (m == 1.f) {  // the plain layer: no multiply, so sp keeps its bits and its speed
      for (std::size_t o = 0; o < O; ++o) z[o] += b[o];
    } else {
      for (std::size_t o = 0; o < O; ++o) z[o] = m * z[o] + b[o];
    }
  }
  const bool output = l + 1 == layers.size();
  activate(output ? Activation::linear : activation, leaky_slope, pre, post, rows * O);
}

const float* Mlp::forward(const float* x, std::size_t rows, Workspace& ws) const {
  const float* in = x;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    forward_layer(l, in, rows, ws);
    in = ws.post[l].data();
  }
  return in;
}

// ---------------------------------------------------------------------------------------------
// Loss

double loss_and_grad(Loss loss, const float* logits, const int* labels, std::size_t rows,
                     int classes, float* dlogits, std::size_t* correct) {
  const std::size_t C = static_cast<std::size_t>(classes);
  double total = 0;
  std::size_t hits = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* z = logits + r * C;
    const int y = labels[r];
    std::size_t arg = 0;
    for (std::size_t c = 1; c < C; ++c)
      if (z[c] > z[arg]) arg = c;
    hits += arg == static_cast<std::size_t>(y);
    if (loss == Loss::cross_entropy) {
      // log-softmax with the max subtracted for stability
      const double zmax = z[arg];
      double sum = 0;
      for (std::size_t c = 0; c < C; ++c) sum += pm::exp(static_cast<double>(z[c]) - zmax);
      const double log_sum = pm::log(sum) + zmax;
      total += log_sum - z[y];
      if (dlogits)
        for (std::size_t c = 0; c < C; ++c) {
          const double p = pm::exp(static_cast<double>(z[c]) - log_sum);
          dlogits[r * C + c] =
              static_cast<float>((p - (static_cast<int>(c) == y ? 1.0 : 0.0)) / rows);
        }
    } else {
      // MSE against the one-hot target, mean over rows * C elements (PyTorch reduction='mean')
      for (std::size_t c = 0; c < C; ++c) {
        const double diff = z[c] - (static_cast<int>(c) == y ? 1.0 : 0.0);
        total += diff * diff / C;
        if (dlogits) dlogits[r * C + c] = static_cast<float>(2.0 * diff / (rows * C));
      }
    }
  }
  if (correct) *correct = hits;
  // NaN logits make argmax meaningless but the loss NaN: that is how divergence is seen.
  return total / static_cast<double>(rows);
}

// ---------------------------------------------------------------------------------------------
// Backward

void Mlp::backward(const float* x, std::size_t rows, Workspace& ws) {
  for (std::size_t l = layers.size(); l-- > 0;) {
    Layer& layer = layers[l];
    const std::size_t I = layer.fan_in(), O = layer.fan_out();
    const float* g = ws.grad[l].data();  // dL/dpre_l, [B][O]
    const float* in = l == 0 ? x : ws.post[l - 1].data();
    gemm_tn(O, I, rows, g, in, layer.dW.data());  // dW = m g^T . in
    const float m = layer.multiplier;
    if (m != 1.f)
      for (float& d : layer.dW) d *= m;
    float* db = layer.db.data();
    std::fill(db, db + O, 0.f);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t o = 0; o < O; ++o) db[o] += g[r * O + o];
    if (l > 0) {
      float* gprev = ws.grad[l - 1].data();           // first dL/dpost_{l-1} = g . W
      gemm_nn(rows, I, O, g, layer.W.data(), gprev);  // times m: d pre / d in = m W
      if (m != 1.f)
        for (std::size_t i = 0, n = rows * I; i < n; ++i) gprev[i] *= m;
      activate_backward(activation, leaky_slope, ws.pre[l - 1].data(), ws.post[l - 1].data(), gprev,
                        gprev, rows * I);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Optimizers

OptimizerState::OptimizerState(Optimizer kind, const Mlp& net, double lr, double momentum)
    : kind_(kind), lr_(lr), momentum_(momentum) {
  if (kind == Optimizer::sgd) return;
  for (auto& layer : net.layers) {
    m_.emplace_back(layer.W.size(), 0.f);
    m_.emplace_back(layer.b.size(), 0.f);
    if (kind == Optimizer::adam) {
      v_.emplace_back(layer.W.size(), 0.f);
      v_.emplace_back(layer.b.size(), 0.f);
    }
  }
}

namespace {
// Returns true when every element of p is finite. Written as an integer AND so it vectorises.
bool all_finite(const float* p, std::size_t n) {
  unsigned ok = 1;
  for (std::size_t i = 0; i < n; ++i) ok &= static_cast<unsigned>(std::fabs(p[i]) <= FLT_MAX);
  return ok != 0;
}
}  // namespace

bool OptimizerState::update(Mlp& net) {
  ++t_;
  const float mu = static_cast<float>(momentum_);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  // reference: torch.optim.Adam (step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps)
  const double bc1 = 1.0 - pm::powi(kBeta1, t_);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(1.0 - pm::powi(kBeta2, t_)));
  const float b1 = static_cast<float>(kBeta1), b2 = static_cast<float>(kBeta2);
  // 1 - beta in double, then rounded (as PyTorch does): 1.f - 0.999f is 1.3e-5 off 0.001f.
  const float one_minus_b1 = static_cast<float>(1.0 - kBeta1);
  const float one_minus_b2 = static_cast<float>(1.0 - kBeta2);
  const float eps = static_cast<float>(kEps);
  bool finite = true;
  std::size_t k = 0;
  for (auto& layer : net.layers) {
    float* params[2] = {layer.W.data(), layer.b.data()};
    const float* grads[2] = {layer.dW.data(), layer.db.data()};
    const std::size_t sizes[2] = {layer.W.size(), layer.b.size()};
    const double scales[2] = {layer.lr_scale_w, layer.lr_scale_b};
    for (int t = 0; t < 2; ++t, ++k) {
      // lr x scale in double, then rounded: with scale 1 this is the float the plain step used.
      const double lr_t = scales[t] == 1.0 ? lr_ : lr_ * scales[t];
      const float lr = static_cast<float>(lr_t);
      const float step_size = static_cast<float>(lr_t / bc1);
      float* p = params[t];
      const float* g = grads[t];
      const std::size_t n = sizes[t];
      switch (kind_) {
        case Optimizer::sgd:
          for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
          break;
        case Optimizer::momentum: {
          float* v = m_[k].data();
          for (std::size_t i = 0; i < n; ++i) {
            v[i] = mu * v[i] + g[i];
            p[i] -= lr * v[i];
          }
          break;
        }
        case Optimizer::adam: {
          float* m = m_[k].data();
          float* v = v_[k].data();
          for (std::size_t i = 0; i < n; ++i) {
            m[i] = b1 * m[i] + one_minus_b1 * g[i];
            v[i] = b2 * v[i] + one_minus_b2 * g[i] * g[i];
            p[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
          }
          break;
        }
      }
      finite = all_finite(p, n) && finite;
    }
  }
  return finite;
}

// ---------------------------------------------------------------------------------------------
// LSUV

void lsuv_rescale(Mlp& net, const float* x, std::size_t rows, double tol, int max_iter) {
  Workspace ws;
  ws.reserve(net, rows);
  const float* in = x;
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    Layer& layer = net.layers[l];
    const std::size_t n = rows * layer.fan_out();
    for (int iter = 0;; ++iter) {
      net.forward_layer(l, in, rows, ws);
      const float* z = ws.pre[l].data();
      double sum = 0, sum2 = 0;
      for (std::size_t i = 0; i < n; ++i) sum += z[i], sum2 += static_cast<double>(z[i]) * z[i];
      const double mean = sum / n;
      const double var = sum2 / n - mean * mean;
      // A layer whose output is constant (var ~ 0) cannot be rescaled to unit variance.
      if (std::fabs(var - 1.0) < tol || iter >= max_iter || !(var > 1e-30)) break;
      const float scale = static_cast<float>(1.0 / std::sqrt(var));
      for (float& w : layer.W) w *= scale;
    }
    in = ws.post[l].data();
  }
}

}  // namespace initscope
