// initscope/mlp.hpp: a multilayer perceptron with float32 parameters, its loss, optimizers and
// LSUV. The step reads as verbs: forward -> loss -> backward -> update.
//   B = rows in the batch, I/O = fan_in/fan_out of a layer, L = number of weight layers
//   (hidden layers + the linear output layer), C = output units.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "initscope/config.hpp"
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

class Mlp;

// Per-batch buffers, allocated once for up to `capacity` rows so that a step never allocates.
struct Workspace {
  std::size_t capacity = 0;
  std::vector<std::vector<float>> pre;   // per layer [B][O]: W x + b
  std::vector<std::vector<float>> post;  // per layer [B][O]: f(pre); the output layer is linear
  std::vector<std::vector<float>> grad;  // per layer [B][O]: dL/dpre
  void reserve(const Mlp& net, std::size_t rows);
};

class Mlp {
 public:
  // Layers get zero weights; an initializer fills them (see Run).
  Mlp(int input_dim, const std::vector<int>& hidden, int outputs, Activation activation,
      float leaky_slope);

  std::vector<Layer> layers;
  Activation activation;
  float leaky_slope;

  int input_dim() const { return static_cast<int>(layers.front().fan_in()); }
  int output_dim() const { return static_cast<int>(layers.back().fan_out()); }
  std::size_t num_layers() const { return layers.size(); }
  int64_t parameter_count() const;
  std::size_t max_width() const;

  // x: [rows][input_dim]. Fills ws.pre / ws.post for every layer; returns the logits
  // (ws.post.back(), [rows][C]). rows <= ws.capacity.
  const float* forward(const float* x, std::size_t rows, Workspace& ws) const;
  // One layer: ws.pre[l] = in . W_l^T + b_l, ws.post[l] = f(ws.pre[l]) (identity for the output).
  void forward_layer(std::size_t l, const float* in, std::size_t rows, Workspace& ws) const;
  // Expects ws.grad.back() = dL/dlogits (from loss_and_grad). Fills every ws.grad[l] and
  // overwrites each layer's dW, db. x is the same input forward() saw.
  void backward(const float* x, std::size_t rows, Workspace& ws);
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
  OptimizerState(Optimizer kind, const Mlp& net, double learning_rate, double momentum);
  // Applies one update from the layers' dW/db, each tensor at learning_rate x its lr_scale. Returns
  // false when any parameter became non-finite (the caller marks the run diverged).
  bool update(Mlp& net);

 private:
  Optimizer kind_;
  double lr_, momentum_;
  int64_t t_ = 0;
  std::vector<std::vector<float>> m_, v_;  // per parameter tensor, in order W0, b0, W1, b1, ...
};

// LSUV: after orthogonal init, scale each layer's weights in order so that its pre-activation
// variance on the batch x is 1 (|var - 1| < tol, at most max_iter rescales per layer).
// reference: Mishkin & Matas 2015, "All you need is a good init", Algorithm 1.
void lsuv_rescale(Mlp& net, const float* x, std::size_t rows, double tol = 0.1, int max_iter = 10);

}  // namespace initscope
