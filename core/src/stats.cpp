// stats.cpp: per-layer statistics on the probe batch, and the theory line.
#include "initscope/stats.hpp"

#include <algorithm>
#include <cmath>

#include "initscope/activation.hpp"

namespace initscope {

HistogramSpec histogram_spec(Activation act, int bins) {
  switch (act) {
    case Activation::tanh:
      return {-1.0, 1.0, bins, {}, {}};
    case Activation::sigmoid:
      return {0.0, 1.0, bins, {}, {}};
    case Activation::relu:
      return {0.0, 3.0, bins, {}, {}};
    default:
      return {-3.0, 3.0, bins, {}, {}};
  }
}

namespace {
struct Moments;
Moments moments(const float* p, std::size_t n);
}  // namespace

HistogramSpec histogram_spec_from_data(const Mlp& net, const Workspace& ws, std::size_t rows,
                                       int bins) {
  HistogramSpec spec = histogram_spec(net.activation, bins);
  const bool bounded = net.activation == Activation::tanh || net.activation == Activation::sigmoid;
  const bool relu = net.activation == Activation::relu;
  for (const ProbePoint& pt : net.probe_points(ws)) {
    const bool hidden = pt.activated;
    double lo = spec.lo, hi = spec.hi;
    if (!(hidden && bounded)) {
      const std::size_t n = rows * pt.width;
      const float* post = pt.hist;
      double vmin = INFINITY, vmax = -INFINITY;
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(post[i])) continue;
        vmin = std::min<double>(vmin, post[i]);
        vmax = std::max<double>(vmax, post[i]);
      }
      if (vmin < vmax) {  // every step-0 value inside, 5% margin each side
        const double pad = 0.05 * (vmax - vmin);
        lo = vmin - pad, hi = vmax + pad;
      } else if (vmin == vmax) {  // one value (zero init): a unit-wide range around it
        // ... or 10% of the value wide where a unit is below its precision (|v| >= 2^53: v - 0.5
        // == v, and an empty range made every bin index NaN; found by fuzz_train).
        const double half = std::max(0.5, 0.05 * std::abs(vmin));
        lo = vmin - half, hi = vmax + half;
      }
      if (hidden && relu) lo = 0, hi = std::max(hi, 1e-30);
    }
    spec.layer_lo.push_back(lo);
    spec.layer_hi.push_back(hi);
  }
  return spec;
}

namespace {
struct Moments {
  double mean, var;
};
// Two passes in double: exact enough for variances down to 1e-12 of the mean square. Four
// partial sums in a fixed order: about 2x faster than one chain of dependent adds, and the same
// order natively and in wasm (no reassociation without -ffast-math), so the numbers match.
double sum4(const float* p, std::size_t n, double shift, bool square) {
  double acc[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) {
      const double d = p[i + k] - shift;
      acc[k] += square ? d * d : d;
    }
  for (; i < n; ++i) {
    const double d = p[i] - shift;
    acc[0] += square ? d * d : d;
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}
Moments moments(const float* p, std::size_t n) {
  if (n == 0) return {0, 0};
  const double mean = sum4(p, n, 0.0, false) / n;
  return {mean, sum4(p, n, mean, true) / n};
}
}  // namespace

std::size_t corr_pairs(std::size_t rows) { return std::min(kCorrPairs, rows / 2); }

double cosine(const float* a, const float* b, std::size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  if (aa == 0 && bb == 0) return 1.0;  // both inputs collapsed to the same (zero) vector
  if (aa == 0 || bb == 0) return 0.0;
  return std::clamp(ab / std::sqrt(aa * bb), -1.0, 1.0);
}

std::vector<LayerStats> measure_layers(Mlp& net, Loss loss, const float* x, const int* labels,
                                       std::size_t rows, const HistogramSpec& spec, Workspace& ws) {
  ws.reserve(net, rows);
  const float* logits = net.forward(x, rows, ws, ForwardMode::probe);
  loss_and_grad(loss, logits, labels, rows, net.output_dim(), ws.grad.back().data(), nullptr);
  net.backward(x, rows, ws);

  const bool rectifier =
      net.activation == Activation::relu || net.activation == Activation::leaky_relu;
  const std::vector<ProbePoint> points = net.probe_points(ws);
  std::vector<LayerStats> out(points.size());
  for (std::size_t l = 0; l < points.size(); ++l) {
    const ProbePoint& pt = points[l];
    const Layer& layer = net.layers[pt.layer];
    const std::size_t O = pt.width, I = layer.fan_in(), n = rows * O;
    const bool hidden = pt.activated;
    LayerStats& s = out[l];
    const float* pre = pt.pre;
    const float* post = pt.post;
    const Moments mp = moments(pre, n), mq = moments(post, n);
    s.pre_mean = mp.mean, s.pre_var = mp.var;
    s.post_mean = mq.mean, s.post_var = mq.var;
    s.grad_var = moments(pt.grad, n).var;
    s.weight_grad_var = moments(layer.dW.data(), layer.dW.size()).var;
    // Of the effective weights m x W (sp: m = 1, the stored weights themselves).
    const double m = layer.multiplier;
    s.weight_var = m * m * moments(layer.W.data(), layer.W.size()).var;
    const std::size_t pairs = corr_pairs(rows);
    double corr = 0;
    for (std::size_t k = 0; k < pairs; ++k)
      corr += cosine(pre + 2 * k * O, pre + (2 * k + 1) * O, O);
    s.corr = pairs ? corr / pairs : std::nan("");

    if (hidden && rectifier) {
      // Dead: the activation's input is <= 0 for every probe row, so the unit outputs 0 (ReLU)
      // and gets no gradient. In a plain net with a norm that input is the norm's output
      // (Linear -> Norm -> activation, spec/residual.md), not W x + b: batch norm recentres
      // every unit over the batch, so a unit whose W x + b is negative on every row still fires.
      const float* act_in = net.norms.empty() ? pre : ws.norm_out[pt.layer].data();
      std::size_t dead = 0;
      for (std::size_t o = 0; o < O; ++o) {
        bool alive = false;
        for (std::size_t r = 0; r < rows && !alive; ++r) alive = act_in[r * O + o] > 0.f;
        dead += !alive;
      }
      s.dead_fraction = static_cast<double>(dead) / O;
    }

    // Symmetric: at least two units and every unit has the same incoming weights and bias, so
    // gradient descent can never tell them apart (e.g. zero or constant init).
    // (A residual block's layers are not checked: the stream tells its units apart, and Fixup
    // starts the last branch layer at 0 on purpose.)
    if (O >= 2 && (!net.residual() || pt.layer == 0)) {
      bool same = true;
      const float* w = layer.W.data();
      const float* b = layer.b.data();
      for (std::size_t o = 1; o < O && same; ++o) {
        same = b[o] == b[0] && std::equal(w + o * I, w + (o + 1) * I, w);
      }
      s.symmetric = same;
    }

    s.histogram.assign(spec.bins, 0);
    const double lo = spec.lo_at(l), hi = spec.hi_at(l);
    const double bins_per_unit = spec.bins / (hi - lo);
    for (std::size_t i = 0; i < n; ++i) {
      const double v = pt.hist[i];
      if (std::isnan(v)) continue;
      if (v < lo) {
        ++s.below;
      } else if (v > hi) {
        ++s.above;
      } else {  // v == hi belongs to the last bin
        // An empty or unbounded range (lo == hi: 0 * inf; lo = -inf: inf * 0) gives NaN: the
        // value is then at the range's end, the last bin, never a NaN cast to int.
        const double pos = std::floor((v - lo) * bins_per_unit);
        const int last = spec.bins - 1;
        ++s.histogram[pos >= 0 ? static_cast<int>(std::min(pos, static_cast<double>(last))) : last];
      }
    }
  }
  return out;
}

std::vector<double> theory_pre_variance(const Mlp& net, const std::vector<double>& weight_var,
                                        const std::vector<double>& bias_var,
                                        double input_second_moment) {
  std::vector<double> out(net.num_layers());
  double m2 = input_second_moment;  // E[x^2] of the layer's input
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    // reference: He et al. 2015, eq. 9 form: Var[y_l] = n_l Var[w_l] E[x_l^2] (+ Var[b_l])
    const double v = static_cast<double>(net.layers[l].fan_in()) * weight_var[l] * m2 + bias_var[l];
    out[l] = v;
    // A norm after the Linear hands the activation unit-variance inputs (gamma = 1, beta = 0).
    m2 = post_second_moment(net.activation, net.leaky_slope, net.norms.empty() ? v : 1.0);
  }
  return out;
}

}  // namespace initscope
