// core/src/parametrization.cpp: sp / ntk / mup (parametrization.hpp).
// reference: spec/parametrizations.md; microsoft/mup mup/layer.py (MuReadout), mup/shape.py
// (set_base_shapes' rescaling of biases and the readout), mup/optim.py (MuSGD, MuAdam).
#include "initscope/parametrization.hpp"

#include <cmath>

namespace initscope {

namespace {
// s = 1 leaves the draw's bits; s = 0 writes +0 (a negative draw times 0 would be -0).
template <typename T>
void scale(T& w, double s) {
  if (s == 1.0) return;
  const float f = static_cast<float>(s);
  for (float& x : w) x = s == 0.0 ? 0.f : x * f;
}
}  // namespace

std::vector<LayerScaling> apply_parametrization(Mlp& net, const Config& c) {
  const std::size_t L = net.num_layers();  // hidden layers + readout
  std::vector<LayerScaling> out(L);
  const double n0 = c.base_width;
  // r of the width a layer reads (its fan_in) and writes (its fan_out); 1 for the input
  // dimension and the outputs, which are not widths.
  auto r_in = [&](std::size_t l) { return l == 0 ? 1.0 : net.layers[l].fan_in() / n0; };
  auto r_out = [&](std::size_t l) { return l + 1 == L ? 1.0 : net.layers[l].fan_out() / n0; };
  const bool adam = c.optimizer == Optimizer::adam;

  for (std::size_t l = 0; l < L; ++l) {
    Layer& layer = net.layers[l];
    double ws = 1, bs = 1, m = 1, lr_w = 1, lr_b = 1;
    switch (c.parametrization) {
      case Parametrization::sp:
        break;
      case Parametrization::ntk: {
        // Stored sqrt(fan_in) W, multiplier 1/sqrt(fan_in): the same function at init.
        const double f = static_cast<double>(layer.fan_in());
        ws = std::sqrt(f);
        m = 1.0 / std::sqrt(f);
        break;
      }
      case Parametrization::mup:
        if (layer.role == LayerRole::readout) {
          const double rL = r_in(l);
          ws = std::sqrt(rL);
          bs = std::sqrt(rL);
          m = c.output_multiplier / rL;
          lr_w = adam ? 1.0 : rL;  // MuSGD: a vector-like (one infinite dim) tensor's lr x r
          lr_b = 1.0;
        } else {
          bs = std::sqrt(r_in(l));  // 1 for the input layer
          if (layer.role == LayerRole::input) {
            lr_w = adam ? 1.0 : r_out(l);
          } else {
            // MuSGD divides a matrix's lr by fan_in_mult / fan_out_mult; MuAdam by fan_in_mult.
            lr_w = adam ? 1.0 / r_in(l) : r_out(l) / r_in(l);
          }
          lr_b = adam ? 1.0 : r_out(l);
        }
        break;
    }
    if (layer.role == LayerRole::input && c.input_multiplier != 1.0) {
      // mup's examples/MLP: store W / sqrt(im), multiply by sqrt(im).
      ws /= std::sqrt(c.input_multiplier);
      m *= std::sqrt(c.input_multiplier);
    }
    if (layer.role == LayerRole::readout && c.readout_zero_init) ws = bs = 0;
    scale(layer.W, ws);
    scale(layer.b, bs);
    layer.multiplier = static_cast<float>(m);
    layer.lr_scale_w = static_cast<float>(lr_w);
    layer.lr_scale_b = static_cast<float>(lr_b);
    out[l] = {ws, bs};
  }
  return out;
}

}  // namespace initscope
