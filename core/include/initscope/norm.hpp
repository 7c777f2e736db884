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
// (per row for layer/rms, per unit for batch). The double vectors are per-unit workspace, sized
// once (norm_reserve) and reused, so that neither forward nor backward allocates.
template <class T>
struct NormCache {
  std::vector<T> xhat;  // [rows][width]
  std::vector<T> rstd;  // [rows] (layer, rms) or [width] (batch)
  std::size_t rows = 0;
  bool used_batch_stats = false;
  // batch with batch statistics: each unit's mean and sum of squared deviations, so that the
  // running statistics (norm_update_running(n, cache)) need no second pass over x.
  std::vector<double> mean, ss;
  std::vector<double> acc0, acc1, acc2, acc3;  // [width]: rstd in double, backward's sums
};

template <class T>
void norm_reserve(NormCache<T>& c, std::size_t width, std::size_t rows) {
  c.xhat.reserve(rows * width);
  c.rstd.reserve(rows > width ? rows : width);
  for (auto* v : {&c.mean, &c.ss, &c.acc0, &c.acc1, &c.acc2, &c.acc3}) v->reserve(width);
}

namespace norm_detail {

inline void check_rows(NormKind kind, bool training, std::size_t rows) {
  if (rows == 0) throw std::invalid_argument("invalid rows = 0: a norm needs at least 1 row");
  if (kind == NormKind::batch && training && rows < 2)
    throw std::invalid_argument("invalid rows = " + std::to_string(rows) +
                                ": batch norm in training mode needs at least 2 rows (PyTorch: "
                                "expected more than 1 value per channel when training)");
}

// Rows per block in layer / rms: R rows' sums advance together, each row's own sum in its own
// order (j = 0, 1, ...), so the R chains run in parallel (and in SIMD lanes) and give the bits
// of one row at a time. Only independent sums are interleaved, never one sum reassociated.
constexpr std::size_t kRowBlock = 4;

// Layer / rms forward of R rows at x (row stride W).
template <std::size_t R, class T>
void rows_forward(const NormLayer<T>& n, const T* x, std::size_t W, T* y, T* xhat, T* rstd_out) {
  double mean[R], rstd[R];
  if (n.kind == NormKind::layer) {
    double s[R] = {};
    for (std::size_t j = 0; j < W; ++j)
      for (std::size_t k = 0; k < R; ++k) s[k] += static_cast<double>(x[k * W + j]);
    for (std::size_t k = 0; k < R; ++k) mean[k] = s[k] / static_cast<double>(W);
    double ss[R] = {};
    for (std::size_t j = 0; j < W; ++j)
      for (std::size_t k = 0; k < R; ++k) {
        const double d = static_cast<double>(x[k * W + j]) - mean[k];
        ss[k] += d * d;
      }
    for (std::size_t k = 0; k < R; ++k)
      rstd[k] = 1.0 / std::sqrt(ss[k] / static_cast<double>(W) + kLayerNormEps);
  } else {
    double ss[R] = {};
    for (std::size_t j = 0; j < W; ++j)
      for (std::size_t k = 0; k < R; ++k) {
        const double v = static_cast<double>(x[k * W + j]);
        ss[k] += v * v;
      }
    for (std::size_t k = 0; k < R; ++k) {
      mean[k] = 0;
      rstd[k] = 1.0 / std::sqrt(ss[k] / static_cast<double>(W) + kRmsNormEps);
    }
  }
  const T* gamma = n.gamma.data();
  const T* beta = n.beta.data();
  for (std::size_t k = 0; k < R; ++k) {
    rstd_out[k] = static_cast<T>(rstd[k]);
    const T* xr = x + k * W;
    T* yr = y + k * W;
    T* hr = xhat + k * W;
    const double m = mean[k], rs = rstd[k];
    if (n.kind == NormKind::layer) {
      for (std::size_t j = 0; j < W; ++j) {
        const double xh = (static_cast<double>(xr[j]) - m) * rs;
        hr[j] = static_cast<T>(xh);
        yr[j] = static_cast<T>(xh * static_cast<double>(gamma[j]) + static_cast<double>(beta[j]));
      }
    } else {  // + 0.0 as before: it turns -0 into +0, and the bits are the contract
      for (std::size_t j = 0; j < W; ++j) {
        const double xh = (static_cast<double>(xr[j]) - m) * rs;
        hr[j] = static_cast<T>(xh);
        yr[j] = static_cast<T>(xh * static_cast<double>(gamma[j]) + 0.0);
      }
    }
  }
}

// Layer / rms backward of R rows: dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
template <std::size_t R, class T>
void rows_backward(const NormLayer<T>& n, const T* xhat, const T* rstd, const T* dy, std::size_t W,
                   T* dx) {
  const T* gamma = n.gamma.data();
  double sg[R] = {}, sgx[R] = {};
  for (std::size_t j = 0; j < W; ++j) {
    const double gj = static_cast<double>(gamma[j]);
    for (std::size_t k = 0; k < R; ++k) {
      const double g = static_cast<double>(dy[k * W + j]) * gj;
      sg[k] += g;
      sgx[k] += g * static_cast<double>(xhat[k * W + j]);
    }
  }
  for (std::size_t k = 0; k < R; ++k) {
    const double rs = static_cast<double>(rstd[k]);
    const double mg = n.kind == NormKind::layer ? sg[k] / static_cast<double>(W) : 0.0;
    const double mgx = sgx[k] / static_cast<double>(W);
    const T* dyr = dy + k * W;
    const T* hr = xhat + k * W;
    T* dxr = dx + k * W;
    for (std::size_t j = 0; j < W; ++j) {
      const double g = static_cast<double>(dyr[j]) * static_cast<double>(gamma[j]);
      dxr[j] = static_cast<T>(rs * (g - mg - static_cast<double>(hr[j]) * mgx));
    }
  }
}

}  // namespace norm_detail

// y = N(x), filling `cache` for backward; batch norm uses the batch's statistics when
// `batch_stats` (training mode) and the running ones otherwise. Nothing in `n` changes: the
// network measures its probe batch in training mode without touching the running statistics.
// Every sum is the one of the plain loops (double, in index order); batch norm's per-unit sums
// walk the rows in order with the units as the inner, contiguous (vectorised) loop.
template <class T>
void norm_apply(const NormLayer<T>& n, const T* x, std::size_t rows, T* y, NormCache<T>& cache,
                bool batch_stats) {
  norm_detail::check_rows(n.kind, batch_stats, rows);
  const std::size_t W = n.width;
  cache.rows = rows;
  cache.xhat.resize(rows * W);
  T* xhat = cache.xhat.data();
  if (n.kind == NormKind::batch) {
    cache.rstd.resize(W);
    cache.mean.resize(W);
    cache.ss.resize(W);
    cache.acc0.resize(W);
    cache.used_batch_stats = batch_stats;
    double* mean = cache.mean.data();
    double* rstd = cache.acc0.data();
    if (batch_stats) {
      double* ss = cache.ss.data();
      for (std::size_t j = 0; j < W; ++j) mean[j] = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        const T* xr = x + r * W;
        for (std::size_t j = 0; j < W; ++j) mean[j] += static_cast<double>(xr[j]);
      }
      for (std::size_t j = 0; j < W; ++j) mean[j] = mean[j] / static_cast<double>(rows);
      for (std::size_t j = 0; j < W; ++j) ss[j] = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        const T* xr = x + r * W;
        for (std::size_t j = 0; j < W; ++j) {
          const double d = static_cast<double>(xr[j]) - mean[j];
          ss[j] += d * d;
        }
      }
      for (std::size_t j = 0; j < W; ++j)
        rstd[j] = 1.0 / std::sqrt(ss[j] / static_cast<double>(rows) + kBatchNormEps);
    } else {
      for (std::size_t j = 0; j < W; ++j) {
        mean[j] = static_cast<double>(n.running_mean[j]);
        rstd[j] = 1.0 / std::sqrt(static_cast<double>(n.running_var[j]) + kBatchNormEps);
      }
    }
    for (std::size_t j = 0; j < W; ++j) cache.rstd[j] = static_cast<T>(rstd[j]);
    const T* gamma = n.gamma.data();
    const T* beta = n.beta.data();
    for (std::size_t r = 0; r < rows; ++r) {
      const T* xr = x + r * W;
      T* hr = xhat + r * W;
      T* yr = y + r * W;
      for (std::size_t j = 0; j < W; ++j) {
        const double xh = (static_cast<double>(xr[j]) - mean[j]) * rstd[j];
        hr[j] = static_cast<T>(xh);
        yr[j] = static_cast<T>(xh * static_cast<double>(gamma[j]) + static_cast<double>(beta[j]));
      }
    }
    return;
  }
  cache.rstd.resize(rows);
  cache.used_batch_stats = false;
  constexpr std::size_t R = norm_detail::kRowBlock;
  std::size_t r = 0;
  for (; r + R <= rows; r += R)
    norm_detail::rows_forward<R>(n, x + r * W, W, y + r * W, xhat + r * W, cache.rstd.data() + r);
  for (; r < rows; ++r)
    norm_detail::rows_forward<1>(n, x + r * W, W, y + r * W, xhat + r * W, cache.rstd.data() + r);
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

// The same from the moments norm_apply kept when it used the batch's statistics (the same sums
// of the same x, so the same bits); false (nothing done) when the cache holds none.
template <class T>
bool norm_update_running(NormLayer<T>& n, const NormCache<T>& cache) {
  if (n.kind != NormKind::batch) return true;
  if (!cache.used_batch_stats || cache.mean.size() != n.width) return false;
  const std::size_t rows = cache.rows;
  if (rows < 2) return true;
  for (std::size_t j = 0; j < n.width; ++j) {
    const double unbiased = cache.ss[j] / static_cast<double>(rows - 1);
    n.running_mean[j] = static_cast<T>((1 - kBatchNormMomentum) * n.running_mean[j] +
                                       kBatchNormMomentum * cache.mean[j]);
    n.running_var[j] =
        static_cast<T>((1 - kBatchNormMomentum) * n.running_var[j] + kBatchNormMomentum * unbiased);
  }
  return true;
}

// One PyTorch forward call: y = N(x) in the layer's mode (n.training), updating batch norm's
// running statistics in training mode.
template <class T>
void norm_forward(NormLayer<T>& n, const T* x, std::size_t rows, T* y, NormCache<T>& cache) {
  norm_apply(n, x, rows, y, cache, n.training);
  if (n.training && !norm_update_running(n, cache)) norm_update_running(n, x, rows);
}

// dx = dL/dx from dy = dL/dy; dgamma and dbeta are overwritten (sums over the rows). PyTorch's
// formulas: with g = dy * gamma,
//   layer / batch (batch statistics): dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
//     the means over the normalized axis (a row's units; a unit's rows);
//   rms: dx = rstd * (g - xhat * mean(g * xhat));
//   batch in eval mode (running statistics are constants): dx = rstd * g.
// The cache's per-unit vectors are the workspace: nothing is allocated once they are sized.
template <class T>
void norm_backward(NormLayer<T>& n, NormCache<T>& cache, const T* dy, T* dx) {
  const std::size_t W = n.width, rows = cache.rows;
  const T* xhat = cache.xhat.data();
  const T* gamma = n.gamma.data();
  cache.acc0.resize(W);
  cache.acc1.resize(W);
  cache.acc2.resize(W);
  cache.acc3.resize(W);
  double* dg = cache.acc0.data();
  double* db = cache.acc1.data();
  double* sg = cache.acc2.data();
  double* sgx = cache.acc3.data();
  const bool batch_sums = n.kind == NormKind::batch && cache.used_batch_stats;
  for (std::size_t j = 0; j < W; ++j) dg[j] = db[j] = sg[j] = sgx[j] = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* dyr = dy + r * W;
    const T* hr = xhat + r * W;
    if (batch_sums) {  // the unit's sums over the rows too, in the same pass
      for (std::size_t j = 0; j < W; ++j) {
        const double d = static_cast<double>(dyr[j]), h = static_cast<double>(hr[j]);
        const double g = d * static_cast<double>(gamma[j]);
        dg[j] += d * h;
        db[j] += d;
        sg[j] += g;
        sgx[j] += g * h;
      }
    } else {
      for (std::size_t j = 0; j < W; ++j) {
        const double d = static_cast<double>(dyr[j]);
        dg[j] += d * static_cast<double>(hr[j]);
        db[j] += d;
      }
    }
  }
  for (std::size_t j = 0; j < W; ++j) {
    n.dgamma[j] = static_cast<T>(dg[j]);
    n.dbeta[j] = n.kind == NormKind::rms ? T(0) : static_cast<T>(db[j]);
  }
  if (n.kind == NormKind::batch) {
    const T* rstd = cache.rstd.data();
    if (!cache.used_batch_stats) {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < W; ++j)
          dx[r * W + j] =
              static_cast<T>(static_cast<double>(rstd[j]) *
                             (static_cast<double>(dy[r * W + j]) * static_cast<double>(gamma[j])));
      return;
    }
    for (std::size_t j = 0; j < W; ++j) {
      sg[j] = sg[j] / static_cast<double>(rows);    // mean(g)
      sgx[j] = sgx[j] / static_cast<double>(rows);  // mean(g xhat)
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const T* dyr = dy + r * W;
      const T* hr = xhat + r * W;
      T* dxr = dx + r * W;
      for (std::size_t j = 0; j < W; ++j) {
        const double g = static_cast<double>(dyr[j]) * static_cast<double>(gamma[j]);
        dxr[j] = static_cast<T>(static_cast<double>(rstd[j]) *
                                (g - sg[j] - static_cast<double>(hr[j]) * sgx[j]));
      }
    }
    return;
  }
  constexpr std::size_t R = norm_detail::kRowBlock;
  const T* rstd = cache.rstd.data();
  std::size_t r = 0;
  for (; r + R <= rows; r += R)
    norm_detail::rows_backward<R>(n, xhat + r * W, rstd + r, dy + r * W, W, dx + r * W);
  for (; r < rows; ++r)
    norm_detail::rows_backward<1>(n, xhat + r * W, rstd + r, dy + r * W, W, dx + r * W);
}

}  // namespace initscope
