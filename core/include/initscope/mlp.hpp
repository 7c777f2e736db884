// initscope/mlp.hpp: a multilayer perceptron with float32 parameters, its loss, optimizers and
// LSUV. The step reads as verbs: forward -> loss -> backward -> update.
//   B = rows in the batch, I/O = fan_in/fan_out of a layer, L = number of weight layers
//   (hidden layers + the linear output layer), C = output units.
//
// Two architectures (spec/residual.md). plain: Linear -> [Norm] -> activation per hidden layer.
// residual: a stem Linear (no activation), then blocks x <- x + alpha g f(N(x)) (pre-norm) or
// x <- N(x + alpha g f(x)) (post-norm) on the residual stream, then the readout Linear. Every
// trained tensor (Linear weights and biases, norm gains and biases, ReZero gates, Fixup's
// scalars) is listed by params(), which is all the optimizer sees.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/norm.hpp"
#include "initscope/tensor.hpp"

namespace initscope {

// What a layer is for: the parametrizations treat each kind differently (parametrization.hpp).
enum class LayerRole { input, hidden, readout };
const char* to_string(LayerRole);

// One linear layer: pre = multiplier * (W x) + b. Each parameter tensor has its own learning-rate
// scale (the optimizer steps it by lr_scale * learningRate), so the optimizer never needs to
// know which parametrization made them (as mup's per-parameter-group learning rates).
struct Layer {
  Matrix W;   // [O][I], the stored weights; the effective weights are multiplier * W
  Vector b;   // [O]
  Matrix dW;  // [O][I], gradient of the mean batch loss with respect to the stored W
  Vector db;  // [O]
  LayerRole role = LayerRole::hidden;
  float multiplier = 1.f;  // forward multiplier m (1: the plain layer, bit for bit)
  float lr_scale_w = 1.f;  // learning-rate scales of W and b
  float lr_scale_b = 1.f;
  std::size_t fan_in() const { return W.shape()[1]; }
  std::size_t fan_out() const { return W.shape()[0]; }
};

// How the layers connect (from the Config's depth fields). The default is the plain MLP.
struct NetShape {
  Architecture architecture = Architecture::plain;
  int block_layers = 1;  // m: linear layers per residual branch
  float alpha = 1.f;     // the branch's constant scale
  bool rezero = false;   // a trained gate per block, starting at 0
  NormChoice norm = NormChoice::none;
  NormPosition norm_position = NormPosition::pre;
  bool fixup = false;  // Fixup's scalar multiplier and biases in every branch
};
NetShape net_shape(const Config&);

// One residual block: its branch is layers[first .. first + m - 1].
struct Block {
  std::size_t first = 0;
  float gate = 1.f, dgate = 0.f;    // g (rezero: trained, starts at 0; else 1, not trained)
  float scale = 1.f, dscale = 0.f;  // Fixup's multiplier (trained, starts at 1)
  // Fixup's scalar biases (trained, start at 0). m = 1: before the activation, before the
  // Linear, after the multiplier; m = 2: before W1, before the activation, before W2, after
  // the multiplier.
  std::vector<float> bias, dbias;
};

// A trained tensor, as the optimizer sees it.
struct ParamRef {
  float* value;
  const float* grad;
  std::size_t size;
  double lr_scale;
};

// Which Linear a statistic is of, and where its numbers live (Mlp::probe_points).
struct ProbePoint {
  const float* pre;   // plain: W x + b; residual: the stream (the stem's output, a block's output)
  const float* post;  // plain: f(pre); residual: the block's branch output alpha g f (stem: pre)
  const float* grad;  // plain: dL/dpre; residual: dL/dstream
  const float* hist;  // what the histogram counts: plain: post; residual: the stream
  std::size_t width;
  std::size_t layer;  // the Linear whose weights the point reports
  bool activated;     // post is an activation's output (dead units, bounded histograms)
};

class Mlp;

// Per-batch buffers, allocated once for up to `capacity` rows so that a step never allocates.
struct Workspace {
  std::size_t capacity = 0;
  std::vector<std::vector<float>> pre;   // per layer [B][O]: W x + b
  std::vector<std::vector<float>> post;  // per layer [B][O]: f(pre); the output layer is linear
  std::vector<std::vector<float>> grad;  // per layer [B][O]: dL/dpre
  std::vector<const float*> input;       // per layer: what its forward read
  // Norms (one per norm layer): their input, output and cache; dnorm is dL/d(norm output).
  std::vector<std::vector<float>> norm_out, dnorm;
  std::vector<const float*> norm_in;
  std::vector<NormCache<float>> norm_cache;
  // Residual: the stream before each block and after the last [B + 1][rows][n], its gradient,
  // the pre-norm sum (post-norm), a 1-layer branch's activation in and out, Fixup's shifted inputs
  // per layer, and each block's branch output.
  std::vector<std::vector<float>> stream, dstream, sum, act_pre, act_post, shifted, branch;
  std::vector<float> scratch;
  void reserve(const Mlp& net, std::size_t rows);
};

enum class ForwardMode {
  probe,  // batch norm: the batch's statistics, running ones untouched (statistics, LSUV)
  train,  // the same; then call update_running_stats() after the step's forward
  eval    // batch norm: the running statistics (evaluation, predictions)
};

class Mlp {
 public:
  // Layers get zero weights; an initializer fills them (see Run).
  Mlp(int input_dim, const std::vector<int>& hidden, int outputs, Activation activation,
      float leaky_slope, const NetShape& shape = {});

  std::vector<Layer> layers;
  Activation activation;
  float leaky_slope;
  NetShape shape;
  std::vector<Block> blocks;            // residual only
  std::vector<NormLayer<float>> norms;  // plain: per hidden layer; residual: per block (+1)
  bool residual() const { return shape.architecture == Architecture::residual; }
  // Every trained tensor: per Linear W then b, in order, then the norms' gains and biases, the
  // gates, and Fixup's scalars. The plain MLP lists exactly W0, b0, W1, b1, ...
  std::vector<ParamRef> params();
  // Probe points, in the order of layer_stats: plain: one per Linear; residual: the stem, each
  // block's output, the logits.
  std::vector<ProbePoint> probe_points(const Workspace& ws) const;
  // Batch norm's running statistics from the norms' inputs in ws (after a train forward).
  void update_running_stats(const Workspace& ws, std::size_t rows);

  int input_dim() const { return static_cast<int>(layers.front().fan_in()); }
  int output_dim() const { return static_cast<int>(layers.back().fan_out()); }
  std::size_t num_layers() const { return layers.size(); }
  int64_t parameter_count() const;
  std::size_t max_width() const;

  // x: [rows][input_dim]. Fills ws.pre / ws.post for every layer; returns the logits
  // (ws.post.back(), [rows][C]). rows <= ws.capacity.
  const float* forward(const float* x, std::size_t rows, Workspace& ws,
                       ForwardMode mode = ForwardMode::probe) const;
  // One layer of a plain net without norms: ws.pre[l] = in . W_l^T + b_l, ws.post[l] =
  // f(ws.pre[l]) (identity for the output).
  void forward_layer(std::size_t l, const float* in, std::size_t rows, Workspace& ws) const;
  // Expects ws.grad.back() = dL/dlogits (from loss_and_grad). Fills every ws.grad[l] and
  // overwrites each layer's dW, db (and every other parameter's gradient). x is the same input
  // forward() saw.
  void backward(const float* x, std::size_t rows, Workspace& ws);

 private:
  // out = m (in . W^T) + b for layer l (no activation); records ws.input[l].
  void linear(std::size_t l, const float* in, std::size_t rows, Workspace& ws, float* out) const;
  // dW, db of layer l from g = dL/dout; when gin, gin = dL/din.
  void linear_backward(std::size_t l, const float* g, std::size_t rows, Workspace& ws, float* gin);
  const float* forward_residual(const float* x, std::size_t rows, Workspace& ws, bool batch) const;
  void backward_residual(std::size_t rows, Workspace& ws);
};

// Mean over the batch of the loss; writes dL/dlogits into dlogits when non-null and the number
// of rows whose argmax equals the label into *correct when non-null.
//   cross_entropy: softmax over C logits (stable: logits minus their max), -log p[label]
//   mse: mean over B*C elements of (logit - onehot(label))^2 (PyTorch MSELoss, reduction='mean')
double loss_and_grad(Loss loss, const float* logits, const int* labels, std::size_t rows,
                     int classes, float* dlogits, std::size_t* correct);

// PyTorch update rules and defaults. reference: torch.optim.SGD (momentum: v = mu v + g,
// p -= lr v, dampening 0, no Nesterov) and torch.optim.Adam (betas 0.9, 0.999, eps 1e-8, bias
// correction).
class OptimizerState {
 public:
  OptimizerState(Optimizer kind, Mlp& net, double learning_rate, double momentum);
  // Applies one update from the layers' dW/db, each tensor at learning_rate x its lr_scale. Returns
  // false when any parameter became non-finite (the caller marks the run diverged).
  bool update(Mlp& net);

 private:
  Optimizer kind_;
  double lr_, momentum_;
  int64_t t_ = 0;
  std::vector<std::vector<float>> m_, v_;  // per parameter tensor, in Mlp::params() order
};

// LSUV: after orthogonal init, scale each layer's weights in order so that its pre-activation
// variance on the batch x is 1 (|var - 1| < tol, at most max_iter rescales per layer). A
// residual net's Linear layers are taken in order too, each measured in the whole net's forward.
// reference: Mishkin & Matas 2015, "All you need is a good init", Algorithm 1.
void lsuv_rescale(Mlp& net, const float* x, std::size_t rows, double tol = 0.1, int max_iter = 10);

}  // namespace initscope
