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

NetShape net_shape(const Config& c) {
  NetShape s;
  s.architecture = c.architecture;
  s.block_layers = c.block_layers;
  s.alpha = static_cast<float>(residual_alpha(c));
  s.rezero = c.residual_gate == ResidualGate::rezero;
  s.norm = c.norm;
  s.norm_position = c.norm_position;
  s.fixup = c.init == Init::fixup;
  return s;
}

namespace {
NormKind norm_kind(NormChoice n) {
  return n == NormChoice::layer ? NormKind::layer
         : n == NormChoice::rms ? NormKind::rms
                                : NormKind::batch;
}
}  // namespace

Mlp::Mlp(int input_dim, const std::vector<int>& hidden, int outputs, Activation act, float slope,
         const NetShape& net_shape)
    : activation(act), leaky_slope(slope), shape(net_shape) {
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
  const bool norm = shape.norm != NormChoice::none;
  if (residual()) {
    const std::size_t n = static_cast<std::size_t>(hidden.front());
    add(n);  // the stem
    for (std::size_t b = 0; b < hidden.size(); ++b) {
      Block block;
      block.first = layers.size();
      block.gate = shape.rezero ? 0.f : 1.f;
      if (shape.fixup) {
        block.bias.assign(shape.block_layers + 2, 0.f);
        block.dbias.assign(shape.block_layers + 2, 0.f);
      }
      blocks.push_back(block);
      for (int k = 0; k < shape.block_layers; ++k) add(n);
    }
    if (norm) {
      const std::size_t count = blocks.size() + (shape.norm_position == NormPosition::pre ? 1 : 0);
      for (std::size_t k = 0; k < count; ++k) norms.emplace_back(norm_kind(shape.norm), n);
    }
  } else {
    for (int w : hidden) {
      add(static_cast<std::size_t>(w));
      if (norm) norms.emplace_back(norm_kind(shape.norm), static_cast<std::size_t>(w));
    }
  }
  add(static_cast<std::size_t>(outputs));
  layers.front().role = LayerRole::input;
  layers.back().role = LayerRole::readout;
}

int64_t Mlp::parameter_count() const {
  int64_t n = 0;
  for (auto& l : layers) n += static_cast<int64_t>(l.W.size() + l.b.size());
  for (auto& nl : norms)
    n += static_cast<int64_t>(nl.kind == NormKind::rms ? nl.width : 2 * nl.width);
  for (auto& b : blocks)
    n += (shape.rezero ? 1 : 0) + (shape.fixup ? 1 + static_cast<int64_t>(b.bias.size()) : 0);
  return n;
}

std::vector<ParamRef> Mlp::params() {
  std::vector<ParamRef> out;
  for (auto& l : layers) {
    out.push_back({l.W.data(), l.dW.data(), l.W.size(), l.lr_scale_w});
    out.push_back({l.b.data(), l.db.data(), l.b.size(), l.lr_scale_b});
  }
  // Norm gains, biases and the scalars train at the base rate (width-independent vectors and
  // scalars: mup's Adam leaves such parameters' rates alone).
  for (auto& nl : norms) {
    out.push_back({nl.gamma.data(), nl.dgamma.data(), nl.width, 1.0});
    if (nl.kind != NormKind::rms) out.push_back({nl.beta.data(), nl.dbeta.data(), nl.width, 1.0});
  }
  if (shape.rezero)
    for (auto& b : blocks) out.push_back({&b.gate, &b.dgate, 1, 1.0});
  if (shape.fixup)
    for (auto& b : blocks) {
      out.push_back({&b.scale, &b.dscale, 1, 1.0});
      out.push_back({b.bias.data(), b.dbias.data(), b.bias.size(), 1.0});
    }
  return out;
}

std::size_t Mlp::max_width() const {
  std::size_t w = 0;
  for (auto& l : layers) w = std::max({w, l.fan_in(), l.fan_out()});
  return w;
}

void Workspace::reserve(const Mlp& net, std::size_t rows) {
  if (rows <= capacity && pre.size() == net.num_layers()) return;
  capacity = std::max(rows, capacity);
  const std::size_t L = net.num_layers();
  pre.resize(L);
  post.resize(L);
  grad.resize(L);
  input.assign(L, nullptr);
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t n = capacity * net.layers[l].fan_out();
    pre[l].assign(n, 0.f);
    post[l].assign(n, 0.f);
    grad[l].assign(n, 0.f);
  }
  const std::size_t N = net.norms.size();
  norm_out.resize(N);
  dnorm.resize(N);
  norm_in.assign(N, nullptr);
  norm_cache.resize(N);
  for (std::size_t k = 0; k < N; ++k) {
    norm_out[k].assign(capacity * net.norms[k].width, 0.f);
    dnorm[k].assign(capacity * net.norms[k].width, 0.f);
    norm_reserve(norm_cache[k], net.norms[k].width, capacity);
  }
  if (net.residual()) {
    const std::size_t B = net.blocks.size(), n = capacity * net.layers.front().fan_out();
    auto fill = [n](std::vector<std::vector<float>>& v, std::size_t count) {
      v.resize(count);
      for (auto& x : v) x.assign(n, 0.f);
    };
    fill(stream, B + 1);
    fill(dstream, B + 1);
    fill(branch, B);
    fill(sum, net.shape.norm_position == NormPosition::post ? B : 0);
    fill(act_pre, net.shape.block_layers == 1 && net.shape.fixup ? B : 0);
    fill(act_post, net.shape.block_layers == 1 ? B : 0);
    fill(shifted, net.shape.fixup ? L : 0);
    scratch.assign(2 * n, 0.f);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward

void Mlp::linear(std::size_t l, const float* in, std::size_t rows, Workspace& ws,
                 float* out) const {
  const Layer& layer = layers[l];
  const std::size_t I = layer.fan_in(), O = layer.fan_out();
  ws.input[l] = in;
  gemm_nt(rows, O, I, in, layer.W.data(), out);
  const float* b = layer.b.data();
  const float m = layer.multiplier;
  for (std::size_t r = 0; r < rows; ++r) {
    float* z = out + r * O;
    if (m == 1.f) {  // the plain layer: no multiply, so sp keeps its bits and its speed
      for (std::size_t o = 0; o < O; ++o) z[o] += b[o];
    } else {
      for (std::size_t o = 0; o < O; ++o) z[o] = m * z[o] + b[o];
    }
  }
}

void Mlp::forward_layer(std::size_t l, const float* in, std::size_t rows, Workspace& ws) const {
  const std::size_t O = layers[l].fan_out();
  linear(l, in, rows, ws, ws.pre[l].data());
  const bool output = l + 1 == layers.size();
  activate(output ? Activation::linear : activation, leaky_slope, ws.pre[l].data(),
           ws.post[l].data(), rows * O);
}

namespace {
// y = x + c, elementwise over n values
void add_scalar(const float* x, float c, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] + c;
}
double sum_of(const float* x, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i];
  return s;
}
}  // namespace

const float* Mlp::forward(const float* x, std::size_t rows, Workspace& ws, ForwardMode mode) const {
  const bool batch = mode != ForwardMode::eval;
  if (residual()) return forward_residual(x, rows, ws, batch);
  const float* in = x;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const bool hidden = l + 1 < layers.size();
    if (norms.empty() || !hidden) {
      forward_layer(l, in, rows, ws);
    } else {  // Linear -> Norm -> activation
      const std::size_t O = layers[l].fan_out();
      linear(l, in, rows, ws, ws.pre[l].data());
      ws.norm_in[l] = ws.pre[l].data();
      norm_apply(norms[l], ws.pre[l].data(), rows, ws.norm_out[l].data(), ws.norm_cache[l], batch);
      activate(activation, leaky_slope, ws.norm_out[l].data(), ws.post[l].data(), rows * O);
    }
    in = ws.post[l].data();
  }
  return in;
}

const float* Mlp::forward_residual(const float* x, std::size_t rows, Workspace& ws,
                                   bool batch) const {
  const std::size_t n = layers.front().fan_out(), N = rows * n, B = blocks.size();
  const int m = shape.block_layers;
  const bool norm = !norms.empty(), pre_norm = shape.norm_position == NormPosition::pre;
  linear(0, x, rows, ws, ws.pre[0].data());  // the stem: no activation
  std::copy_n(ws.pre[0].data(), N, ws.stream[0].data());
  std::copy_n(ws.pre[0].data(), N, ws.post[0].data());
  for (std::size_t b = 0; b < B; ++b) {
    const Block& blk = blocks[b];
    const float* xin = ws.stream[b].data();
    const float* u = xin;
    if (norm && pre_norm) {
      ws.norm_in[b] = xin;
      norm_apply(norms[b], xin, rows, ws.norm_out[b].data(), ws.norm_cache[b], batch);
      u = ws.norm_out[b].data();
    }
    const std::size_t k = blk.first, last = k + m - 1;
    if (m == 1) {  // f = W phi(u) + b
      const float* apre = u;
      if (shape.fixup) {
        add_scalar(u, blk.bias[0], ws.act_pre[b].data(), N);
        apre = ws.act_pre[b].data();
      }
      activate(activation, leaky_slope, apre, ws.act_post[b].data(), N);
      const float* lin_in = ws.act_post[b].data();
      if (shape.fixup) {
        add_scalar(lin_in, blk.bias[1], ws.shifted[k].data(), N);
        lin_in = ws.shifted[k].data();
      }
      linear(k, lin_in, rows, ws, ws.pre[k].data());
    } else {  // f = W2 phi(W1 u + b1) + b2
      const float* lin_in = u;
      if (shape.fixup) {
        add_scalar(u, blk.bias[0], ws.shifted[k].data(), N);
        lin_in = ws.shifted[k].data();
      }
      linear(k, lin_in, rows, ws, ws.pre[k].data());
      if (shape.fixup) add_scalar(ws.pre[k].data(), blk.bias[1], ws.pre[k].data(), N);
      activate(activation, leaky_slope, ws.pre[k].data(), ws.post[k].data(), N);
      lin_in = ws.post[k].data();
      if (shape.fixup) {
        add_scalar(lin_in, blk.bias[2], ws.shifted[k + 1].data(), N);
        lin_in = ws.shifted[k + 1].data();
      }
      linear(k + 1, lin_in, rows, ws, ws.pre[k + 1].data());
    }
    // f' (Fixup: scale f + c) in the last layer's post slot; the stream adds s f', s = alpha g.
    float* f = ws.post[last].data();
    const float* z = ws.pre[last].data();
    if (shape.fixup) {
      const float c = blk.bias[m + 1];
      for (std::size_t i = 0; i < N; ++i) f[i] = blk.scale * z[i] + c;
    } else {
      std::copy_n(z, N, f);
    }
    const float sc = shape.alpha * blk.gate;
    float* contrib = ws.branch[b].data();
    float* out = norm && !pre_norm ? ws.sum[b].data() : ws.stream[b + 1].data();
    for (std::size_t i = 0; i < N; ++i) {
      contrib[i] = sc * f[i];
      out[i] = xin[i] + contrib[i];
    }
    if (norm && !pre_norm) {
      ws.norm_in[b] = out;
      norm_apply(norms[b], out, rows, ws.stream[b + 1].data(), ws.norm_cache[b], batch);
    }
  }
  const float* z = ws.stream[B].data();
  if (norm && pre_norm) {
    ws.norm_in[B] = z;
    norm_apply(norms[B], z, rows, ws.norm_out[B].data(), ws.norm_cache[B], batch);
    z = ws.norm_out[B].data();
  }
  const std::size_t L = layers.size();
  linear(L - 1, z, rows, ws, ws.pre[L - 1].data());
  std::copy_n(ws.pre[L - 1].data(), rows * layers.back().fan_out(), ws.post[L - 1].data());
  return ws.post[L - 1].data();
}

void Mlp::update_running_stats(const Workspace& ws, std::size_t rows) {
  // From the moments the forward kept (the same sums of the same rows: the same bits, without a
  // second pass over them); from the norm's input when that forward had none (eval mode).
  for (std::size_t k = 0; k < norms.size(); ++k) {
    if (!ws.norm_in[k]) continue;
    const NormCache<float>& c = ws.norm_cache[k];
    if (c.rows != rows || !norm_update_running(norms[k], c))
      norm_update_running(norms[k], ws.norm_in[k], rows);
  }
}

std::vector<ProbePoint> Mlp::probe_points(const Workspace& ws) const {
  std::vector<ProbePoint> out;
  const std::size_t L = layers.size();
  if (!residual()) {
    for (std::size_t l = 0; l < L; ++l)
      out.push_back({ws.pre[l].data(), ws.post[l].data(), ws.grad[l].data(), ws.post[l].data(),
                     layers[l].fan_out(), l, l + 1 < L});
    return out;
  }
  const std::size_t n = layers.front().fan_out();
  const float* s0 = ws.stream[0].data();
  out.push_back({s0, s0, ws.dstream[0].data(), s0, n, 0, false});
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const float* s = ws.stream[b + 1].data();
    out.push_back({s, ws.branch[b].data(), ws.dstream[b + 1].data(), s, n,
                   blocks[b].first + shape.block_layers - 1, false});
  }
  out.push_back({ws.pre[L - 1].data(), ws.post[L - 1].data(), ws.grad[L - 1].data(),
                 ws.post[L - 1].data(), layers.back().fan_out(), L - 1, false});
  return out;
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

void Mlp::linear_backward(std::size_t l, const float* g, std::size_t rows, Workspace& ws,
                          float* gin) {
  Layer& layer = layers[l];
  const std::size_t I = layer.fan_in(), O = layer.fan_out();
  const float* in = ws.input[l];
  gemm_tn(O, I, rows, g, in, layer.dW.data());  // dW = m g^T . in
  const float m = layer.multiplier;
  if (m != 1.f)
    for (float& d : layer.dW) d *= m;
  float* db = layer.db.data();
  std::fill(db, db + O, 0.f);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t o = 0; o < O; ++o) db[o] += g[r * O + o];
  if (gin) {
    gemm_nn(rows, I, O, g, layer.W.data(), gin);  // dL/din = m g . W
    if (m != 1.f)
      for (std::size_t i = 0, n = rows * I; i < n; ++i) gin[i] *= m;
  }
}

void Mlp::backward(const float* x, std::size_t rows, Workspace& ws) {
  (void)x;  // each layer's input was recorded by forward()
  if (residual()) return backward_residual(rows, ws);
  for (std::size_t l = layers.size(); l-- > 0;) {
    const std::size_t I = layers[l].fan_in();
    if (l == 0) {
      linear_backward(l, ws.grad[l].data(), rows, ws, nullptr);
      break;
    }
    float* gprev = ws.grad[l - 1].data();  // first dL/dpost_{l-1}
    linear_backward(l, ws.grad[l].data(), rows, ws, gprev);
    if (norms.empty()) {
      activate_backward(activation, leaky_slope, ws.pre[l - 1].data(), ws.post[l - 1].data(), gprev,
                        gprev, rows * I);
    } else {  // through the activation to the norm's output, then through the norm
      float* dn = ws.dnorm[l - 1].data();
      activate_backward(activation, leaky_slope, ws.norm_out[l - 1].data(), ws.post[l - 1].data(),
                        gprev, dn, rows * I);
      norm_backward(norms[l - 1], ws.norm_cache[l - 1], dn, gprev);
    }
  }
}

void Mlp::backward_residual(std::size_t rows, Workspace& ws) {
  const std::size_t n = layers.front().fan_out(), N = rows * n, B = blocks.size();
  const std::size_t L = layers.size();
  const int m = shape.block_layers;
  const bool norm = !norms.empty(), pre_norm = shape.norm_position == NormPosition::pre;
  float* gh = ws.scratch.data();
  float* du = ws.scratch.data() + ws.scratch.size() / 2;
  if (norm && pre_norm) {
    linear_backward(L - 1, ws.grad[L - 1].data(), rows, ws, ws.dnorm[B].data());
    norm_backward(norms[B], ws.norm_cache[B], ws.dnorm[B].data(), ws.dstream[B].data());
  } else {
    linear_backward(L - 1, ws.grad[L - 1].data(), rows, ws, ws.dstream[B].data());
  }
  for (std::size_t b = B; b-- > 0;) {
    Block& blk = blocks[b];
    const float* dy = ws.dstream[b + 1].data();
    if (norm && !pre_norm) {  // through the post-norm to the sum x + s f'
      norm_backward(norms[b], ws.norm_cache[b], dy, ws.dnorm[b].data());
      dy = ws.dnorm[b].data();
    }
    const std::size_t k = blk.first, last = k + m - 1;
    const float* f = ws.post[last].data();
    const float sc = shape.alpha * blk.gate;
    if (shape.rezero) {
      double s = 0;
      for (std::size_t i = 0; i < N; ++i) s += static_cast<double>(dy[i]) * f[i];
      blk.dgate = static_cast<float>(shape.alpha * s);
    }
    float* gz = ws.grad[last].data();  // dL/d(the last Linear's output)
    if (shape.fixup) {
      double sc_sum = 0, s_sum = 0;
      const float* z = ws.pre[last].data();
      for (std::size_t i = 0; i < N; ++i) {
        const float df = sc * dy[i];  // dL/df'
        s_sum += df;
        sc_sum += static_cast<double>(df) * z[i];
        gz[i] = blk.scale * df;
      }
      blk.dbias[m + 1] = static_cast<float>(s_sum);
      blk.dscale = static_cast<float>(sc_sum);
    } else {
      for (std::size_t i = 0; i < N; ++i) gz[i] = sc * dy[i];
    }
    if (m == 1) {
      linear_backward(k, gz, rows, ws, gh);
      if (shape.fixup) blk.dbias[1] = static_cast<float>(sum_of(gh, N));
      const float* apre = shape.fixup        ? ws.act_pre[b].data()
                          : norm && pre_norm ? ws.norm_out[b].data()
                                             : ws.stream[b].data();
      activate_backward(activation, leaky_slope, apre, ws.act_post[b].data(), gh, du, N);
      if (shape.fixup) blk.dbias[0] = static_cast<float>(sum_of(du, N));
    } else {
      linear_backward(k + 1, gz, rows, ws, gh);
      if (shape.fixup) blk.dbias[2] = static_cast<float>(sum_of(gh, N));
      activate_backward(activation, leaky_slope, ws.pre[k].data(), ws.post[k].data(), gh,
                        ws.grad[k].data(), N);
      if (shape.fixup) blk.dbias[1] = static_cast<float>(sum_of(ws.grad[k].data(), N));
      linear_backward(k, ws.grad[k].data(), rows, ws, du);
      if (shape.fixup) blk.dbias[0] = static_cast<float>(sum_of(du, N));
    }
    const float* dxb = du;  // the branch's gradient into the stream
    if (norm && pre_norm) {
      norm_backward(norms[b], ws.norm_cache[b], du, ws.dnorm[b].data());
      dxb = ws.dnorm[b].data();
    }
    float* dx = ws.dstream[b].data();
    for (std::size_t i = 0; i < N; ++i) dx[i] = dy[i] + dxb[i];
  }
  std::copy_n(ws.dstream[0].data(), N, ws.grad[0].data());
  linear_backward(0, ws.grad[0].data(), rows, ws, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Optimizers

OptimizerState::OptimizerState(Optimizer kind, Mlp& net, double lr, double momentum)
    : kind_(kind), lr_(lr), momentum_(momentum) {
  if (kind == Optimizer::sgd) return;
  for (const ParamRef& p : net.params()) {
    m_.emplace_back(p.size, 0.f);
    if (kind == Optimizer::adam) v_.emplace_back(p.size, 0.f);
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
  for (const ParamRef& ref : net.params()) {
    {
      // lr x scale in double, then rounded: with scale 1 this is the float the plain step used.
      const double lr_t = ref.lr_scale == 1.0 ? lr_ : lr_ * ref.lr_scale;
      const float lr = static_cast<float>(lr_t);
      const float step_size = static_cast<float>(lr_t / bc1);
      float* p = ref.value;
      const float* g = ref.grad;
      const std::size_t n = ref.size;
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
    ++k;
  }
  return finite;
}

// ---------------------------------------------------------------------------------------------
// LSUV

void lsuv_rescale(Mlp& net, const float* x, std::size_t rows, double tol, int max_iter) {
  Workspace ws;
  ws.reserve(net, rows);
  // Residual or normed: each Linear in order, measured in the whole net's forward (its input
  // depends on the blocks and norms before it). Plain: layer by layer, each on the output of
  // the layers already rescaled.
  const bool whole = net.residual() || !net.norms.empty();
  const float* in = x;
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    Layer& layer = net.layers[l];
    const std::size_t n = rows * layer.fan_out();
    for (int iter = 0;; ++iter) {
      if (whole)
        net.forward(x, rows, ws, ForwardMode::probe);
      else
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
    if (!whole) in = ws.post[l].data();
  }
}

}  // namespace initscope
