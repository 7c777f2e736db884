// initscope/parametrization.hpp: sp, ntk and mup (spec/parametrizations.md, the mup package's
// form: set_base_shapes, MuReadout, MuSGD, MuAdam). A parametrization is applied once, to the
// initializer's draw: it rescales the stored weights and biases and sets each layer's forward
// multiplier and its parameters' learning-rate scales. Training then needs nothing else: the
// layers carry their multipliers (mlp.cpp) and the optimizer reads the scales.
//   n0 = baseWidth; r_l = n_l / n0 for a hidden width; the input dimension and the outputs are
//   not widths (multiplier 1).
#pragma once
#include <vector>

#include "initscope/config.hpp"
#include "initscope/mlp.hpp"

namespace initscope {

// How each layer's draw was rescaled: the stored W is weight_scale x the draw (0 for a zeroed
// readout), the stored b is bias_scale x the draw. The effective weights m x W are then
// (multiplier x weight_scale) x the draw, which the theory lines use.
struct LayerScaling {
  double weight_scale = 1, bias_scale = 1;
};

// Sets every layer's role-dependent multiplier and learning-rate scales for c's optimizer and
// rescales its W and b in place. For sp with inputMultiplier 1 and no zero readout it changes
// nothing (every scale is exactly 1).
std::vector<LayerScaling> apply_parametrization(Mlp& net, const Config& c);

}  // namespace initscope
