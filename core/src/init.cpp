// init.cpp: weight initializers (PyTorch torch.nn.init semantics; see spec/initializers.md).
#include "initscope/init.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace initscope {

double calculate_gain(Activation activation, double a) {
  // reference: torch.nn.init.calculate_gain
  switch (activation) {
    case Activation::linear:
    case Activation::sigmoid:
      return 1.0;
    case Activation::tanh:
      return 5.0 / 3.0;
    case Activation::relu:
      return std::sqrt(2.0);
    case Activation::leaky_relu:
      return std::sqrt(2.0 / (1.0 + a * a));
    case Activation::selu:
      return 0.75;
    case Activation::gelu:
      break;
  }
  throw ConfigError(
      "gain", "\"auto\"",
      std::string("a number: calculate_gain has no value for ") + to_string(activation));
}

double resolve_gain(Init init, const Config& c) {
  switch (c.gain_mode) {
    case GainMode::Value:
      return c.gain;
    case GainMode::Auto:
      return calculate_gain(c.activation, c.leaky_slope);
    case GainMode::Default:
      break;
  }
  if (init == Init::he_uniform || init == Init::he_normal || init == Init::fixup) {
    // PReLU form of He et al. 2015: the slope of the network's leaky ReLU, 0 for plain ReLU
    // (PyTorch's kaiming_* default a = 0, nonlinearity = 'leaky_relu').
    const double a = c.activation == Activation::leaky_relu ? c.leaky_slope : 0.0;
    return std::sqrt(2.0 / (1.0 + a * a));
  }
  return 1.0;
}

void check_shape(std::size_t fan_out, std::size_t fan_in) {
  if (fan_in < 1) throw ConfigError("fanIn", std::to_string(fan_in), "an integer >= 1");
  if (fan_out < 1) throw ConfigError("fanOut", std::to_string(fan_out), "an integer >= 1");
}

namespace {
template <typename Draw>
Matrix fill(std::size_t fan_out, std::size_t fan_in, Draw draw) {
  check_shape(fan_out, fan_in);
  Matrix w = Matrix::from_shape({fan_out, fan_in});
  float* p = w.data();
  for (std::size_t i = 0, n = w.size(); i < n; ++i) p[i] = static_cast<float>(draw());
  return w;
}
double fan_of(std::size_t fan_out, std::size_t fan_in, FanMode mode) {
  return static_cast<double>(mode == FanMode::fan_in ? fan_in : fan_out);
}

// One place for each scale formula: the generators and init_scale() both use these.
double xavier_uniform_bound(double gain, std::size_t fan_out, std::size_t fan_in) {
  return gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
}
double xavier_normal_std(double gain, std::size_t fan_out, std::size_t fan_in) {
  return gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
}
double he_uniform_bound(double gain, double fan) { return std::sqrt(3.0) * gain / std::sqrt(fan); }
double he_normal_std(double gain, double fan) { return gain / std::sqrt(fan); }
double lecun_uniform_bound(double gain, std::size_t fan_in) {
  return gain * std::sqrt(3.0 / static_cast<double>(fan_in));
}
double lecun_normal_std(double gain, std::size_t fan_in) {
  return gain / std::sqrt(static_cast<double>(fan_in));
}
double pytorch_default_bound(std::size_t fan_in) {
  return 1.0 / std::sqrt(static_cast<double>(fan_in));
}
// reference: Poole et al. 2016, Schoenholz et al. 2017: W_ij ~ N(0, sigma_w^2 / N_{l-1})
double mean_field_std(double weight_var, std::size_t fan_in) {
  return std::sqrt(weight_var / static_cast<double>(fan_in));
}
// The initializers whose biases are drawn from N(0, biasVar) (zeros while biasVar = 0).
bool uses_bias_var(Init init) { return init == Init::mean_field || init == Init::orthogonal; }
}  // namespace

Matrix zeros(std::size_t fan_out, std::size_t fan_in) {
  return fill(fan_out, fan_in, [] { return 0.0; });
}

Matrix constant(std::size_t fan_out, std::size_t fan_in, double value) {
  return fill(fan_out, fan_in, [value] { return value; });
}

Matrix uniform(std::size_t fan_out, std::size_t fan_in, double a, Rng& rng) {
  return fill(fan_out, fan_in, [&] { return rng.uniform(-a, a); });
}

Matrix normal(std::size_t fan_out, std::size_t fan_in, double std, Rng& rng) {
  return fill(fan_out, fan_in, [&] { return std * rng.normal(); });
}

Matrix truncated_normal(std::size_t fan_out, std::size_t fan_in, double std, Rng& rng) {
  return fill(fan_out, fan_in, [&] {
    for (;;) {
      const double z = rng.normal();
      if (std::fabs(z) <= 2.0) return std * z;
    }
  });
}

Matrix xavier_uniform(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng) {
  return uniform(fan_out, fan_in, xavier_uniform_bound(gain, fan_out, fan_in), rng);
}

Matrix xavier_normal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng) {
  return normal(fan_out, fan_in, xavier_normal_std(gain, fan_out, fan_in), rng);
}

Matrix he_uniform(std::size_t fan_out, std::size_t fan_in, double gain, FanMode mode, Rng& rng) {
  check_shape(fan_out, fan_in);
  return uniform(fan_out, fan_in, he_uniform_bound(gain, fan_of(fan_out, fan_in, mode)), rng);
}

Matrix he_normal(std::size_t fan_out, std::size_t fan_in, double gain, FanMode mode, Rng& rng) {
  check_shape(fan_out, fan_in);
  return normal(fan_out, fan_in, he_normal_std(gain, fan_of(fan_out, fan_in, mode)), rng);
}

Matrix lecun_uniform(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng) {
  check_shape(fan_out, fan_in);
  return uniform(fan_out, fan_in, lecun_uniform_bound(gain, fan_in), rng);
}

Matrix lecun_normal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng) {
  check_shape(fan_out, fan_in);
  return normal(fan_out, fan_in, lecun_normal_std(gain, fan_in), rng);
}

Matrix orthogonal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng) {
  check_shape(fan_out, fan_in);
  // PyTorch orthogonal_: A = N(0,1) of shape rows x cols; if rows < cols work on A^T so the
  // matrix is tall (m >= n); reduced QR; Q *= sign(diag(R)); transpose back; times gain.
  // Householder QR in double (column-major scratch for cache-friendly column sweeps).
  const std::size_t rows = fan_out, cols = fan_in;
  std::vector<double> a(rows * cols);
  for (auto& v : a) v = rng.normal();  // row-major rows x cols
  const bool transposed = rows < cols;
  const std::size_t m = transposed ? cols : rows;  // tall: m >= n
  const std::size_t n = transposed ? rows : cols;
  // col-major m x n: element (i, j) at c[j*m + i]
  std::vector<double> c(m * n);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < cols; ++k) {
      const double v = a[r * cols + k];
      if (transposed)
        c[r * m + k] = v;  // (i=k, j=r)
      else
        c[k * m + r] = v;  // (i=r, j=k)
    }
  std::vector<double> tau(n), rdiag(n);
  std::vector<std::vector<double>> vs(n);
  for (std::size_t j = 0; j < n; ++j) {
    double* col = &c[j * m];
    double norm2 = 0;
    for (std::size_t i = j; i < m; ++i) norm2 += col[i] * col[i];
    const double norm = std::sqrt(norm2);
    const double alpha = col[j] >= 0 ? -norm : norm;  // R_jj = alpha
    rdiag[j] = alpha;
    std::vector<double>& v = vs[j];
    v.assign(m - j, 0.0);
    for (std::size_t i = j; i < m; ++i) v[i - j] = col[i];
    v[0] -= alpha;
    double vnorm2 = 0;
    for (double x : v) vnorm2 += x * x;
    tau[j] = vnorm2 > 0 ? 2.0 / vnorm2 : 0.0;
    // apply H = I - tau v v^T to the remaining columns
    for (std::size_t k = j + 1; k < n; ++k) {
      double* ck = &c[k * m];
      double dot = 0;
      for (std::size_t i = j; i < m; ++i) dot += v[i - j] * ck[i];
      dot *= tau[j];
      for (std::size_t i = j; i < m; ++i) ck[i] -= dot * v[i - j];
    }
  }
  // Q (m x n) = H_0 H_1 ... H_{n-1} applied to the first n columns of I.
  std::vector<double> q(m * n, 0.0);  // col-major
  for (std::size_t j = 0; j < n; ++j) q[j * m + j] = 1.0;
  for (std::size_t jj = n; jj-- > 0;) {
    const std::vector<double>& v = vs[jj];
    for (std::size_t k = 0; k < n; ++k) {
      double* qk = &q[k * m];
      double dot = 0;
      for (std::size_t i = jj; i < m; ++i) dot += v[i - jj] * qk[i];
      dot *= tau[jj];
      if (dot != 0)
        for (std::size_t i = jj; i < m; ++i) qk[i] -= dot * v[i - jj];
    }
  }
  // Sign fix (Mezzadri 2007): make diag(R) positive so Q is Haar-distributed.
  for (std::size_t j = 0; j < n; ++j)
    if (rdiag[j] < 0)
      for (std::size_t i = 0; i < m; ++i) q[j * m + i] = -q[j * m + i];
  Matrix w = Matrix::from_shape({rows, cols});
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < cols; ++k) {
      const double v = transposed ? q[r * m + k] : q[k * m + r];
      w(r, k) = static_cast<float>(gain * v);
    }
  return w;
}

Matrix pytorch_default(std::size_t fan_out, std::size_t fan_in, Rng& rng) {
  check_shape(fan_out, fan_in);
  return uniform(fan_out, fan_in, pytorch_default_bound(fan_in), rng);
}

Vector pytorch_default_bias(std::size_t fan_out, std::size_t fan_in, Rng& rng) {
  check_shape(fan_out, fan_in);
  const double b = pytorch_default_bound(fan_in);
  Vector v = Vector::from_shape({fan_out});
  for (std::size_t i = 0; i < fan_out; ++i) v(i) = static_cast<float>(rng.uniform(-b, b));
  return v;
}

Matrix init_weights(Init init, std::size_t fo, std::size_t fi, const Config& c, Rng& rng) {
  const double gain = resolve_gain(init, c);
  switch (init) {
    case Init::zeros:
      return zeros(fo, fi);
    case Init::constant:
      return constant(fo, fi, c.init_value);
    case Init::uniform:
      return uniform(fo, fi, c.init_bound, rng);
    case Init::normal:
      return normal(fo, fi, c.init_std, rng);
    case Init::small_normal:
      return normal(fo, fi, 0.01, rng);
    case Init::truncated_normal:
      return truncated_normal(fo, fi, c.init_std, rng);
    case Init::xavier_uniform:
      return xavier_uniform(fo, fi, gain, rng);
    case Init::xavier_normal:
      return xavier_normal(fo, fi, gain, rng);
    case Init::he_uniform:
      return he_uniform(fo, fi, gain, c.fan_mode, rng);
    case Init::he_normal:
      return he_normal(fo, fi, gain, c.fan_mode, rng);
    case Init::lecun_uniform:
      return lecun_uniform(fo, fi, gain, rng);
    case Init::lecun_normal:
      return lecun_normal(fo, fi, gain, rng);
    case Init::orthogonal:
      return orthogonal(fo, fi, gain, rng);
    case Init::pytorch_default:
      return pytorch_default(fo, fi, rng);
    case Init::lsuv:
      return orthogonal(fo, fi, 1.0, rng);
    case Init::mean_field:
      return normal(fo, fi, mean_field_std(c.weight_var, fi), rng);
    case Init::fixup:  // He normal draws; Run scales and zeroes the branch layers
                       // (spec/residual.md)
      return he_normal(fo, fi, gain, c.fan_mode, rng);
  }
  throw ConfigError("init", "?", "a known initializer");
}

Vector init_bias(Init init, std::size_t fan_out, std::size_t fan_in, const Config& c, Rng& rng) {
  if (init == Init::pytorch_default) return pytorch_default_bias(fan_out, fan_in, rng);
  check_shape(fan_out, fan_in);
  if (uses_bias_var(init) && c.bias_var > 0) {
    // reference: Schoenholz et al. 2017: b_i ~ N(0, sigma_b^2)
    const double s = std::sqrt(c.bias_var);
    Vector v = Vector::from_shape({fan_out});
    for (std::size_t i = 0; i < fan_out; ++i) v(i) = static_cast<float>(s * rng.normal());
    return v;
  }
  return xt::zeros<float>({fan_out});
}

InitScale init_scale(Init init, std::size_t fo, std::size_t fi, const Config& c) {
  check_shape(fo, fi);
  const double g = resolve_gain(init, c);
  const double fan = fan_of(fo, fi, c.fan_mode);
  switch (init) {
    case Init::uniform:
      return {{}, c.init_bound};
    case Init::normal:
      return {c.init_std, {}};
    case Init::small_normal:
      return {0.01, {}};
    case Init::truncated_normal:
      return {c.init_std, 2 * c.init_std};
    case Init::xavier_uniform:
      return {{}, xavier_uniform_bound(g, fo, fi)};
    case Init::xavier_normal:
      return {xavier_normal_std(g, fo, fi), {}};
    case Init::he_uniform:
      return {{}, he_uniform_bound(g, fan)};
    case Init::he_normal:
    case Init::fixup:
      return {he_normal_std(g, fan), {}};
    case Init::lecun_uniform:
      return {{}, lecun_uniform_bound(g, fi)};
    case Init::lecun_normal:
      return {lecun_normal_std(g, fi), {}};
    case Init::pytorch_default:
      return {{}, pytorch_default_bound(fi)};
    case Init::mean_field:
      return {mean_field_std(c.weight_var, fi), {}};
    default:
      return {};  // zeros, constant, orthogonal, lsuv: no std or bound
  }
}

double nominal_weight_variance(Init init, std::size_t fo, std::size_t fi, const Config& c) {
  const double gain = resolve_gain(init, c);
  const double in = static_cast<double>(fi), out = static_cast<double>(fo);
  // Variance of N(0,1) restricted to [-2, 2] (the truncated normal's variance factor).
  constexpr double kTrunc2 = 0.87962566103423978 * 0.87962566103423978;
  switch (init) {
    case Init::zeros:
    case Init::constant:
      return 0.0;
    case Init::uniform:
      return c.init_bound * c.init_bound / 3.0;
    case Init::normal:
      return c.init_std * c.init_std;
    case Init::small_normal:
      return 1e-4;
    case Init::truncated_normal:
      return c.init_std * c.init_std * kTrunc2;
    case Init::xavier_uniform:
    case Init::xavier_normal:
      return gain * gain * 2.0 / (in + out);
    case Init::he_uniform:
    case Init::he_normal:
    case Init::fixup:  // the stem's (Run scales the branch layers' by the Fixup factors)
      return gain * gain / (c.fan_mode == FanMode::fan_in ? in : out);
    case Init::lecun_uniform:
    case Init::lecun_normal:
      return gain * gain / in;
    case Init::orthogonal:
      return gain * gain / std::max(in, out);
    case Init::pytorch_default:
      return 1.0 / (3.0 * in);
    case Init::lsuv:
      return std::numeric_limits<double>::quiet_NaN();
    case Init::mean_field:
      return c.weight_var / in;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double nominal_bias_variance(Init init, std::size_t fan_in, const Config& c) {
  if (init == Init::pytorch_default) return 1.0 / (3.0 * static_cast<double>(fan_in));
  return uses_bias_var(init) ? c.bias_var : 0.0;
}

}  // namespace initscope
