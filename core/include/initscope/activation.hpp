// initscope/activation.hpp: element-wise activations on contiguous float buffers, their
// derivatives, and the moments the theory line needs.
#pragma once
#include <cstddef>

#include "initscope/config.hpp"

namespace initscope {

// SELU constants. reference: Klambauer et al. 2017, "Self-Normalizing Neural Networks".
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// post[i] = f(pre[i]). gelu is the exact erf form (PyTorch's default approximate='none').
void activate(Activation act, float slope, const float* pre, float* post, std::size_t n);
// grad_pre[i] = grad_post[i] * f'(pre[i]). grad_pre may alias grad_post.
void activate_backward(Activation act, float slope, const float* pre, const float* grad_post,
                       float* grad_pre, std::size_t n);
// The same, given also the forward's outputs post[i] = f(pre[i]) (activate()): tanh and sigmoid
// then take f' from them, 1 - y^2 and y (1 - y) in double, as PyTorch's backward does, instead
// of evaluating f a second time (half of a tanh net's transcendental work).
void activate_backward(Activation act, float slope, const float* pre, const float* post,
                       const float* grad_post, float* grad_pre, std::size_t n);

// Scalar forms, double precision (reference for tests and the theory).
double activate_scalar(Activation act, double slope, double x);
double derivative_scalar(Activation act, double slope, double x);

// E[f(y)^2] for y ~ N(0, var). Exact for relu (var/2), leaky_relu ((1+a^2)/2 var) and linear
// (var); for tanh, sigmoid, selu and gelu it is the mean-field Gaussian integral (Simpson's rule
// on [-10, 10] standard deviations), an approximation because real pre-activations are not
// exactly Gaussian.
double post_second_moment(Activation act, double slope, double var);
bool theory_is_exact(Activation act);

}  // namespace initscope
