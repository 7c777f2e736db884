// activation.cpp: element-wise activations and their derivatives. Loops are branch-light so
// the compiler vectorises the common ones (relu, leaky_relu, linear).
#include "initscope/activation.hpp"

#include <algorithm>
#include <cmath>

#include "initscope/pmath.hpp"

namespace initscope {

namespace {
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
}  // namespace

double activate_scalar(Activation act, double a, double x) {
  switch (act) {
    case Activation::relu:
      return x > 0 ? x : 0.0;
    case Activation::leaky_relu:
      return x > 0 ? x : a * x;
    case Activation::tanh:
      return pm::tanh(x);
    case Activation::sigmoid:
      return 1.0 / (1.0 + pm::exp(-x));
    case Activation::linear:
      return x;
    case Activation::selu:
      return kSeluScale * (x > 0 ? x : kSeluAlpha * pm::expm1(x));
    case Activation::gelu:
      return 0.5 * x * (1.0 + pm::erf(x * kInvSqrt2));
  }
  return x;
}

double derivative_scalar(Activation act, double a, double x) {
  switch (act) {
    case Activation::relu:
      return x > 0 ? 1.0 : 0.0;
    case Activation::leaky_relu:
      return x > 0 ? 1.0 : a;
    case Activation::tanh: {
      const double t = pm::tanh(x);
      return 1.0 - t * t;
    }
    case Activation::sigmoid: {
      const double s = 1.0 / (1.0 + pm::exp(-x));
      return s * (1.0 - s);
    }
    case Activation::linear:
      return 1.0;
    case Activation::selu:
      return kSeluScale * (x > 0 ? 1.0 : kSeluAlpha * pm::exp(x));
    case Activation::gelu:
      // d/dx [x Phi(x)] = Phi(x) + x phi(x)
      return 0.5 * (1.0 + pm::erf(x * kInvSqrt2)) + x * kInvSqrt2Pi * pm::exp(-0.5 * x * x);
  }
  return 1.0;
}

void activate(Activation act, float slope, const float* pre, float* post, std::size_t n) {
  switch (act) {
    case Activation::relu:
      for (std::size_t i = 0; i < n; ++i) post[i] = pre[i] > 0.f ? pre[i] : 0.f;
      return;
    case Activation::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) post[i] = pre[i] > 0.f ? pre[i] : slope * pre[i];
      return;
    case Activation::linear:
      for (std::size_t i = 0; i < n; ++i) post[i] = pre[i];
      return;
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) post[i] = pm::tanh_float(pre[i]);
      return;
    default:
      // sigmoid, selu, gelu: computed in double for accuracy (these are not the hot path).
      for (std::size_t i = 0; i < n; ++i)
        post[i] = static_cast<float>(activate_scalar(act, slope, pre[i]));
      return;
  }
}

void activate_backward(Activation act, float slope, const float* pre, const float* grad_post,
                       float* grad_pre, std::size_t n) {
  switch (act) {
    // Backward runs these in place (grad_pre == grad_post). With exactly overlapping ranges the
    // vectoriser's runtime alias check fails and the scalar fallback mispredicts on the sign half
    // the time, so the in-place case gets its own loop, which vectorises (compare + select).
    case Activation::relu:
      if (grad_pre == grad_post) {
        for (std::size_t i = 0; i < n; ++i) {
          const float g = grad_pre[i];
          grad_pre[i] = pre[i] > 0.f ? g : 0.f;
        }
      } else {
        for (std::size_t i = 0; i < n; ++i) grad_pre[i] = pre[i] > 0.f ? grad_post[i] : 0.f;
      }
      return;
    case Activation::leaky_relu:
      if (grad_pre == grad_post) {
        for (std::size_t i = 0; i < n; ++i) {
          const float g = grad_pre[i];
          grad_pre[i] = pre[i] > 0.f ? g : slope * g;
        }
      } else {
        for (std::size_t i = 0; i < n; ++i)
          grad_pre[i] = pre[i] > 0.f ? grad_post[i] : slope * grad_post[i];
      }
      return;
    case Activation::linear:
      for (std::size_t i = 0; i < n; ++i) grad_pre[i] = grad_post[i];
      return;
    default:
      for (std::size_t i = 0; i < n; ++i)
        grad_pre[i] = static_cast<float>(grad_post[i] * derivative_scalar(act, slope, pre[i]));
      return;
  }
}

void activate_backward(Activation act, float slope, const float* pre, const float* post,
                       const float* grad_post, float* grad_pre, std::size_t n) {
  switch (act) {
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) {
        const double y = post[i];
        grad_pre[i] = static_cast<float>(grad_post[i] * (1.0 - y * y));
      }
      return;
    case Activation::sigmoid:
      for (std::size_t i = 0; i < n; ++i) {
        const double y = post[i];
        grad_pre[i] = static_cast<float>(grad_post[i] * (y * (1.0 - y)));
      }
      return;
    default:
      activate_backward(act, slope, pre, grad_post, grad_pre, n);
      return;
  }
}

bool theory_is_exact(Activation act) {
  return act == Activation::relu || act == Activation::leaky_relu || act == Activation::linear;
}

double post_second_moment(Activation act, double a, double var) {
  switch (act) {
    case Activation::relu:
      return 0.5 * var;
    case Activation::leaky_relu:
      return 0.5 * (1.0 + a * a) * var;
    case Activation::linear:
      return var;
    default:
      break;
  }
  // Mean-field: E[f(s z)^2], z ~ N(0,1), by composite Simpson's rule on [-10, 10]; the tails
  // beyond 10 carry < 1e-22 of the mass, and f grows at most linearly.
  const double s = std::sqrt(std::max(var, 0.0));
  constexpr int kIntervals = 2000;  // even
  const double lo = -10.0, h = 20.0 / kIntervals;
  double sum = 0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double z = lo + i * h;
    const double f = activate_scalar(act, a, s * z);
    const double w = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += w * f * f * kInvSqrt2Pi * pm::exp(-0.5 * z * z);
  }
  return sum * h / 3.0;
}

}  // namespace initscope
