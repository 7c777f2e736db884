// initscope/norm.hpp: LayerNorm, RMSNorm and BatchNorm1d, forward and backward, with PyTorch's
// semantics (spec/residual.md "Norms"): the norm layers of Mlp's normalized and residual networks.
//
//   layer: y = (x - mean) / sqrt(var + eps) * gamma + beta over a row's units, biased variance,
//          eps 1e-5 (torch.nn.LayerNorm).
//   rms:   y = x / sqrt(mean(x^2) + eps) * gamma, eps = float32 epsilon (torch.nn.RMSNorm,
//          eps=None), no beta.
//   batch: over the batch's rows per unit, biased variance while training; running mean and
//          unbiased running variance with momentum 0.1, used in eval mode; eps 1e-5
//          (torch.nn.BatchNorm1d). Training needs at least 2 rows, as in PyTorch.
//
// Data are row-major [rows][width]. Templated on the scalar: the network runs float, the tests
// also run double for tight finite-difference checks. Moments are accumulated in double in a
// fixed order and sqrt is correctly rounded, so native and wasm give the same bits.
#pragma once
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace initscope {

enum class NormKind { layer, rms, batch };

constexpr double kLayerNormEps = 1e-5;
constexpr double kBatchNormEps = 1e-5;
constexpr double kRmsNormEps = 1.1920928955078125e-07;  // FLT_EPSILON, torch.nn.RMSNorm's default
constexpr double kBatchNormMomentum = 0.1;

template <class T>
struct NormLayer {
  NormKind kind = NormKind::layer;
  std::size_t width = 0;
  std::vector<T> gamma, beta;                // [width]; trained (rms: beta unused, stays 0)
  std::vector<T> dgamma, dbeta;              // [width]; gradients of the last backward
  std::vector<T> running_mean, running_var;  // [width]; batch only (init 0 and 1)
  bool training = true;                      // batch: batch statistics (true) or running ones

  NormLayer(NormKind k, std::size_t n)
      : kind(k),
        width(n),
        gamma(n, T(1)),
        beta(n, T(0)),
        dgamma(n, T(0)),
        dbeta(n, T(0)),
        running_mean(n, T(0)),
        running_var(n, T(1)) {}
};

// What backward needs from forward: the normalized input and the reciprocal standard deviations
// (per row for layer/rms, per unit for batch).
template <class T>
struct NormCache {
  std::vector<T> xhat;  // [rows][width]
  std::vector<T> rstd;  // [rows] (layer, rms) or [width] (batch)
  std::size_t rows = 0;
  bool used_batch_stats = false;
};

namespace norm_detail {

inline void check_rows(NormKind kind, bool training, std::size_t rows) {
  if (rows == 0) throw std::invalid_argument("invalid rows = 0: a norm needs at least 1 row");
  if (kind == NormKind::batch && training && rows < 2)
    throw std::invalid_argument("invalid rows = " + std::to_string(rows) +
                                ": batch norm in training mode needs at least 2 rows (PyTorch: "
                                "expected more than 1 value per channel when training)");
}

}  // namespace norm_detail

// y = N(x), filling `cache` for backward; batch norm uses the batch's statistics when
// `batch_stats` (training mode) and the running ones otherwise. Nothing in `n` changes: the
// network measures its probe batch in training mode without touching the running statistics.
template <class T>
void norm_apply(const NormLayer<T>& n, const T* x, std::size_t rows, T* y, NormCache<T>& cache,
                bool batch_stats) {
  norm_detail::check_rows(n.kind, batch_stats, rows);
  const std::size_t W = n.width;
  cache.rows = rows;
  cache.xhat.assign(rows * W, T(0));
  if (n.kind == NormKind::batch) {
    cache.rstd.assign(W, T(0));
    cache.used_batch_stats = batch_stats;
    for (std::size_t j = 0; j < W; ++j) {
      double mean, var;
      if (batch_stats) {
        double s = 0;
        for (std::size_t r = 0; r < rows; ++r) s += static_cast<double>(x[r * W + j]);
        mean = s / static_cast<double>(rows);
        double ss = 0;
        for (std::size_t r = 0; r < rows; ++r) {
          const double d = static_cast<double>(x[r * W + j]) - mean;
          ss += d * d;
        }
        var = ss / static_cast<double>(rows);
      } else {
        mean = static_cast<double>(n.running_mean[j]);
        var = static_cast<double>(n.running_var[j]);
      }
      const double rstd = 1.0 / std::sqrt(var + kBatchNormEps);
      cache.rstd[j] = static_cast<T>(rstd);
      for (std::size_t r = 0; r < rows; ++r) {
        const double xh = (static_cast<double>(x[r * W + j]) - mean) * rstd;
        cache.xhat[r * W + j] = static_cast<T>(xh);
        y[r * W + j] =
            static_cast<T>(xh * static_cast<double>(n.gamma[j]) + static_cast<double>(n.beta[j]));
      }
    }
    return;
  }
  cache.rstd.assign(rows, T(0));
  cache.used_batch_stats = false;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* xr = x + r * W;
    double mean = 0, ms;
    if (n.kind == NormKind::layer) {
      double s = 0;
      for (std::size_t j = 0; j < W; ++j) s += static_cast<double>(xr[j]);
      mean = s / static_cast<double>(W);
      double ss = 0;
      for (std::size_t j = 0; j < W; ++j) {
        const double d = static_cast<double>(xr[j]) - mean;
        ss += d * d;
      }
      ms = ss / static_cast<double>(W) + kLayerNormEps;
    } else {
      double ss = 0;
      for (std::size_t j = 0; j < W; ++j) ss += static_cast<double>(xr[j]) * xr[j];
      ms = ss / static_cast<double>(W) + kRmsNormEps;
    }
    const double rstd = 1.0 / std::sqrt(ms);
    cache.rstd[r] = static_cast<T>(rstd);
    for (std::size_t j = 0; j < W; ++j) {
      const double xh = (static_cast<double>(xr[j]) - mean) * rstd;
      cache.xhat[r * W + j] = static_cast<T>(xh);
      const double b = n.kind == NormKind::layer ? static_cast<double>(n.beta[j]) : 0.0;
      y[r * W + j] = static_cast<T>(xh * static_cast<double>(n.gamma[j]) + b);
    }
  }
}

// Batch norm's running statistics after one training-mode forward of x (momentum 0.1, the
// unbiased variance, as one PyTorch forward call updates them); other norms have none.
template <class T>
void norm_update_running(NormLayer<T>& n, const T* x, std::size_t rows) {
  if (n.kind != NormKind::batch || rows < 2) return;
  const std::size_t W = n.width;
  for (std::size_t j = 0; j < W; ++j) {
    double s = 0;
    for (std::size_t r = 0; r < rows; ++r) s += static_cast<double>(x[r * W + j]);
    const double mean = s / static_cast<double>(rows);
    double ss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      const double d = static_cast<double>(x[r * W + j]) - mean;
      ss += d * d;
    }
    const double unbiased = ss / static_cast<double>(rows - 1);
    n.running_mean[j] =
        static_cast<T>((1 - kBatchNormMomentum) * n.running_mean[j] + kBatchNormMomentum * mean);
    n.running_var[j] =
        static_cast<T>((1 - kBatchNormMomentum) * n.running_var[j] + kBatchNormMomentum * unbiased);
  }
}

// One PyTorch forward call: y = N(x) in the layer's mode (n.training), updating batch norm's
// running statistics in training mode.
template <class T>
void norm_forward(NormLayer<T>& n, const T* x, std::size_t rows, T* y, NormCache<T>& cache) {
  norm_apply(n, x, rows, y, cache, n.training);
  if (n.training) norm_update_running(n, x, rows);
}

// dx = dL/dx from dy = dL/dy; dgamma and dbeta are overwritten (sums over the rows). PyTorch's
// formulas: with g = dy * gamma,
//   layer / batch (batch statistics): dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
//     the means over the normalized axis (a row's units; a unit's rows);
//   rms: dx = rstd * (g - xhat * mean(g * xhat));
//   batch in eval mode (running statistics are constants): dx = rstd * g.
template <class T>
void norm_backward(NormLayer<T>& n, const NormCache<T>& cache, const T* dy, T* dx) {
  const std::size_t W = n.width, rows = cache.rows;
  std::vector<double> dg(W, 0.0), db(W, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < W; ++j) {
      dg[j] += static_cast<double>(dy[r * W + j]) * static_cast<double>(cache.xhat[r * W + j]);
      db[j] += static_cast<double>(dy[r * W + j]);
    }
  for (std::size_t j = 0; j < W; ++j) {
    n.dgamma[j] = static_cast<T>(dg[j]);
    n.dbeta[j] = n.kind == NormKind::rms ? T(0) : static_cast<T>(db[j]);
  }
  auto g = [&](std::size_t r, std::size_t j) {
    return static_cast<double>(dy[r * W + j]) * static_cast<double>(n.gamma[j]);
  };
  if (n.kind == NormKind::batch) {
    for (std::size_t j = 0; j < W; ++j) {
      const double rstd = static_cast<double>(cache.rstd[j]);
      if (!cache.used_batch_stats) {
        for (std::size_t r = 0; r < rows; ++r) dx[r * W + j] = static_cast<T>(rstd * g(r, j));
        continue;
      }
      double sg = 0, sgx = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        sg += g(r, j);
        sgx += g(r, j) * static_cast<double>(cache.xhat[r * W + j]);
      }
      const double mg = sg / static_cast<double>(rows), mgx = sgx / static_cast<double>(rows);
      for (std::size_t r = 0; r < rows; ++r)
        dx[r * W + j] = static_cast<T>(
            rstd * (g(r, j) - mg - static_cast<double>(cache.xhat[r * W + j]) * mgx));
    }
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const double rstd = static_cast<double>(cache.rstd[r]);
    double sg = 0, sgx = 0;
    for (std::size_t j = 0; j < W; ++j) {
      sg += g(r, j);
      sgx += g(r, j) * static_cast<double>(cache.xhat[r * W + j]);
    }
    const double mg = n.kind == NormKind::layer ? sg / static_cast<double>(W) : 0.0;
    const double mgx = sgx / static_cast<double>(W);
    for (std::size_t j = 0; j < W; ++j)
      dx[r * W + j] =
          static_cast<T>(rstd * (g(r, j) - mg - static_cast<double>(cache.xhat[r * W + j]) * mgx));
  }
}

}  // namespace initscope
