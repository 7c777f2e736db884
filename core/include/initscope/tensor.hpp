// initscope/tensor.hpp: the tensor types of the core. Weights are stored [fan_out][fan_in]
// (PyTorch layout), y = W x + b; every container is row-major and contiguous, so hot loops can
// work on .data() directly.
#pragma once
#include <xtensor/xtensor.hpp>

namespace initscope {
using Matrix = xt::xtensor<float, 2>;  // [rows][cols]
using Vector = xt::xtensor<float, 1>;
}  // namespace initscope
