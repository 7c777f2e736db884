// tests/native/test_norm.cpp: LayerNorm, RMSNorm and BatchNorm1d (core/include/initscope/norm.hpp)
// against PyTorch's formulas, written out here independently in long double, and their backward
// passes against central finite differences.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "initscope/norm.hpp"
#include "initscope/rng.hpp"

using namespace initscope;

namespace {

const char* name(NormKind k) {
  return k == NormKind::layer ? "layer" : k == NormKind::rms ? "rms" : "batch";
}

template <class T>
std::vector<T> randn(std::size_t n, uint64_t seed, double scale = 1.0, double shift = 0.0) {
  Rng rng(seed, 0);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(shift + scale * rng.normal());
  return v;
}

// PyTorch's documented forward, in long double (two-pass moments; eval mode: running stats).
std::vector<long double> reference(NormKind k, const std::vector<float>& x, std::size_t rows,
                                   std::size_t W, const std::vector<float>& gamma,
                                   const std::vector<float>& beta, bool training,
                                   const std::vector<float>& rmean,
                                   const std::vector<float>& rvar) {
  std::vector<long double> y(rows * W);
  if (k == NormKind::batch) {
    for (std::size_t j = 0; j < W; ++j) {
      long double m = 0, v = 0;
      if (training) {
        for (std::size_t r = 0; r < rows; ++r) m += x[r * W + j];
        m /= rows;
        for (std::size_t r = 0; r < rows; ++r) v += (x[r * W + j] - m) * (x[r * W + j] - m);
        v /= rows;
      } else {
        m = rmean[j];
        v = rvar[j];
      }
      for (std::size_t r = 0; r < rows; ++r)
        y[r * W + j] = (x[r * W + j] - m) / std::sqrt(v + 1e-5L) * gamma[j] + beta[j];
    }
    return y;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    long double m = 0, v = 0;
    if (k == NormKind::layer) {
      for (std::size_t j = 0; j < W; ++j) m += x[r * W + j];
      m /= W;
      for (std::size_t j = 0; j < W; ++j) v += (x[r * W + j] - m) * (x[r * W + j] - m);
      v = v / W + 1e-5L;
    } else {
      for (std::size_t j = 0; j < W; ++j)
        v += static_cast<long double>(x[r * W + j]) * x[r * W + j];
      v = v / W + static_cast<long double>(FLT_EPSILON);
    }
    for (std::size_t j = 0; j < W; ++j)
      y[r * W + j] =
          (x[r * W + j] - m) / std::sqrt(v) * gamma[j] + (k == NormKind::layer ? beta[j] : 0.0f);
  }
  return y;
}

// L = sum(c * N(x)) in double, for finite differences.
double loss(NormLayer<double> n, const std::vector<double>& x, std::size_t rows,
            const std::vector<double>& c) {
  std::vector<double> y(x.size());
  NormCache<double> cache;
  norm_forward(n, x.data(), rows, y.data(), cache);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += c[i] * y[i];
  return s;
}

}  // namespace

TEST_CASE("norms: float forward is PyTorch's formula, rounded once", "[norm]") {
  const std::size_t rows = 6, W = 9;
  for (NormKind k : {NormKind::layer, NormKind::rms, NormKind::batch})
    for (bool training : {true, false}) {
      if (k != NormKind::batch && !training) continue;
      INFO(name(k) << (training ? " training" : " eval"));
      NormLayer<float> n(k, W);
      n.gamma = randn<float>(W, 11, 0.5, 1.0);
      n.beta = randn<float>(W, 12);
      if (k == NormKind::rms) n.beta.assign(W, 0.f);
      n.running_mean = randn<float>(W, 13);
      n.running_var = randn<float>(W, 14, 0.2, 2.0);
      n.training = training;
      const auto rm = n.running_mean, rv = n.running_var;
      const auto x = randn<float>(rows * W, 15, 3.0, 0.7);  // not centred: the mean matters
      std::vector<float> y(rows * W);
      NormCache<float> cache;
      norm_forward(n, x.data(), rows, y.data(), cache);
      const auto ref = reference(k, x, rows, W, n.gamma, n.beta, training, rm, rv);
      for (std::size_t i = 0; i < y.size(); ++i) {
        // The core computes in double and rounds to float once: within half an ulp of the
        // exact value, i.e. |err| <= 2^-24 |ref| (plus double's own error, ~1e-16 |ref|).
        const double tol = 0.5 * FLT_EPSILON * std::fabs(static_cast<double>(ref[i])) + 1e-30;
        INFO("element " << i << ": " << y[i] << " vs " << static_cast<double>(ref[i]));
        CHECK(std::fabs(y[i] - static_cast<double>(ref[i])) <= tol * 1.0001);
      }
    }
}

TEST_CASE("norms: the normalized rows and units have PyTorch's moments", "[norm]") {
  const std::size_t rows = 64, W = 32;
  const auto x = randn<double>(rows * W, 21, 2.0, 5.0);
  std::vector<double> y(rows * W);
  NormCache<double> cache;
  NormLayer<double> ln(NormKind::layer, W);
  norm_forward(ln, x.data(), rows, y.data(), cache);
  for (std::size_t r = 0; r < rows; ++r) {
    double m = 0, v = 0;
    for (std::size_t j = 0; j < W; ++j) m += y[r * W + j] / W;
    for (std::size_t j = 0; j < W; ++j) v += (y[r * W + j] - m) * (y[r * W + j] - m) / W;
    CHECK(std::fabs(m) < 1e-12);
    double var_x = 0, mx = 0;  // biased variance of the row: var_y = var_x / (var_x + eps)
    for (std::size_t j = 0; j < W; ++j) mx += x[r * W + j] / W;
    for (std::size_t j = 0; j < W; ++j) var_x += (x[r * W + j] - mx) * (x[r * W + j] - mx) / W;
    CHECK(v == Approx(var_x / (var_x + kLayerNormEps)).epsilon(1e-12));
  }
  NormLayer<double> rms(NormKind::rms, W);
  norm_forward(rms, x.data(), rows, y.data(), cache);
  for (std::size_t r = 0; r < rows; ++r) {
    double ms = 0, msx = 0;
    for (std::size_t j = 0; j < W; ++j) ms += y[r * W + j] * y[r * W + j] / W;
    for (std::size_t j = 0; j < W; ++j) msx += x[r * W + j] * x[r * W + j] / W;
    CHECK(ms == Approx(msx / (msx + kRmsNormEps)).epsilon(1e-12));
  }
  // BatchNorm1d: one training forward moves the running statistics by momentum 0.1 towards the
  // batch's mean and UNBIASED variance (torch.nn.BatchNorm1d); eval mode then uses them.
  NormLayer<double> bn(NormKind::batch, W);
  norm_forward(bn, x.data(), rows, y.data(), cache);
  for (std::size_t j = 0; j < W; ++j) {
    double m = 0, ss = 0;
    for (std::size_t r = 0; r < rows; ++r) m += x[r * W + j] / rows;
    for (std::size_t r = 0; r < rows; ++r) ss += (x[r * W + j] - m) * (x[r * W + j] - m);
    CHECK(bn.running_mean[j] == Approx(0.1 * m).epsilon(1e-12));
    CHECK(bn.running_var[j] == Approx(0.9 + 0.1 * ss / (rows - 1)).epsilon(1e-12));
  }
  bn.training = false;
  const auto rm = bn.running_mean, rv = bn.running_var;
  norm_forward(bn, x.data(), rows, y.data(), cache);
  CHECK(bn.running_mean == rm);  // eval mode leaves them alone
  for (std::size_t j = 0; j < W; ++j)
    CHECK(y[j] == Approx((x[j] - rm[j]) / std::sqrt(rv[j] + kBatchNormEps)).epsilon(1e-12));
}

TEST_CASE("norms: backward matches central finite differences (double)", "[norm]") {
  const std::size_t rows = 5, W = 7;
  for (NormKind k : {NormKind::layer, NormKind::rms, NormKind::batch})
    for (bool training : {true, false}) {
      if (k != NormKind::batch && !training) continue;
      INFO(name(k) << (training ? " training" : " eval"));
      NormLayer<double> n(k, W);
      n.gamma = randn<double>(W, 31, 0.5, 1.0);
      n.beta = k == NormKind::rms ? std::vector<double>(W, 0.0) : randn<double>(W, 32);
      n.running_mean = randn<double>(W, 33);
      n.running_var = randn<double>(W, 34, 0.2, 2.0);
      n.training = training;
      const auto x = randn<double>(rows * W, 35, 2.0, 0.5);
      const auto c = randn<double>(rows * W, 36);
      std::vector<double> y(rows * W), dx(rows * W);
      NormCache<double> cache;
      NormLayer<double> m = n;
      norm_forward(m, x.data(), rows, y.data(), cache);
      norm_backward(m, cache, c.data(), dx.data());
      // Central differences: truncation error h^2/6 |L'''| ~ 1e-12 at h = 1e-6 for inputs of
      // order 1, rounding error ~ 1e-16 |L| / h ~ 1e-10: a bound of 1e-7 leaves room, yet a
      // missing term of the formula (e.g. the mean(g) one) is off by O(0.1).
      const double h = 1e-6, tol = 1e-7;
      for (std::size_t i = 0; i < x.size(); ++i) {
        auto xp = x, xm = x;
        xp[i] += h;
        xm[i] -= h;
        const double fd = (loss(n, xp, rows, c) - loss(n, xm, rows, c)) / (2 * h);
        INFO("dx[" << i << "] = " << dx[i] << ", finite difference " << fd);
        CHECK(std::fabs(dx[i] - fd) <= tol * std::max(1.0, std::fabs(fd)));
      }
      for (std::size_t j = 0; j < W; ++j) {
        auto gp = n, gm = n;
        gp.gamma[j] += h;
        gm.gamma[j] -= h;
        const double fdg = (loss(gp, x, rows, c) - loss(gm, x, rows, c)) / (2 * h);
        INFO("dgamma[" << j << "] = " << m.dgamma[j] << ", finite difference " << fdg);
        CHECK(std::fabs(m.dgamma[j] - fdg) <= tol * std::max(1.0, std::fabs(fdg)));
        if (k == NormKind::rms) {
          CHECK(m.dbeta[j] == 0.0);  // RMSNorm has no beta
          continue;
        }
        auto bp = n, bm = n;
        bp.beta[j] += h;
        bm.beta[j] -= h;
        const double fdb = (loss(bp, x, rows, c) - loss(bm, x, rows, c)) / (2 * h);
        CHECK(std::fabs(m.dbeta[j] - fdb) <= tol * std::max(1.0, std::fabs(fdb)));
      }
    }
}

TEST_CASE("norms: float backward agrees with double backward to float rounding", "[norm]") {
  const std::size_t rows = 8, W = 16;
  for (NormKind k : {NormKind::layer, NormKind::rms, NormKind::batch}) {
    INFO(name(k));
    const auto xf = randn<float>(rows * W, 41, 2.0, 0.3);
    const auto cf = randn<float>(rows * W, 42);
    NormLayer<float> nf(k, W);
    NormLayer<double> nd(k, W);
    std::vector<double> xd(xf.begin(), xf.end()), cd(cf.begin(), cf.end());
    std::vector<float> yf(rows * W), dxf(rows * W);
    std::vector<double> yd(rows * W), dxd(rows * W);
    NormCache<float> cachef;
    NormCache<double> cached;
    norm_forward(nf, xf.data(), rows, yf.data(), cachef);
    norm_forward(nd, xd.data(), rows, yd.data(), cached);
    norm_backward(nf, cachef, cf.data(), dxf.data());
    norm_backward(nd, cached, cd.data(), dxd.data());
    double scale = 0;  // dx = rstd * (g - mean(g) - xhat mean(g xhat)): each term's size
    for (std::size_t i = 0; i < dxd.size(); ++i) scale = std::max(scale, std::fabs(cd[i]));
    for (std::size_t i = 0; i < dxd.size(); ++i) {
      // The float path rounds xhat and rstd to float (1 ulp each) before the double
      // arithmetic, then the result once: relative error <= ~4 eps on terms of size
      // rstd * max|g| * (1 + max|xhat|); the bound takes 8 eps of that.
      const double rstd = k == NormKind::batch ? cached.rstd[i % W] : cached.rstd[i / W];
      const double term = rstd * scale * (2.0 + std::fabs(cached.xhat[i]) * 4.0);
      CHECK(std::fabs(dxf[i] - dxd[i]) <= 8 * FLT_EPSILON * term);
    }
  }
}

TEST_CASE("norms: refuse what PyTorch refuses, with a clear message", "[norm]") {
  NormLayer<float> bn(NormKind::batch, 3);
  std::vector<float> x(3, 1.f), y(3);
  NormCache<float> cache;
  CHECK_THROWS_WITH(norm_forward(bn, x.data(), 1, y.data(), cache),
                    Catch::Contains("batch norm in training mode needs at least 2 rows"));
  bn.training = false;
  CHECK_NOTHROW(norm_forward(bn, x.data(), 1, y.data(), cache));  // eval: one row is fine
  NormLayer<float> ln(NormKind::layer, 3);
  CHECK_THROWS_WITH(norm_forward(ln, x.data(), 0, y.data(), cache),
                    Catch::Contains("invalid rows = 0"));
  // A constant row: LayerNorm gives beta (x - mean = 0), not NaN, thanks to eps.
  CHECK_NOTHROW(norm_forward(ln, x.data(), 1, y.data(), cache));
  for (float v : y) CHECK(v == 0.f);
}

TEST_CASE("norms: rows normalized in blocks give each row's bits alone", "[norm]") {
  // layer / rms advance several rows' sums together (norm_detail::kRowBlock); every row keeps
  // its own summation order, so a row's output, xhat, rstd and dx are the bits it gets when it
  // is the only row. 11 rows: two blocks of 4 and a remainder of 3.
  const std::size_t rows = 11, W = 37;
  for (NormKind k : {NormKind::layer, NormKind::rms}) {
    INFO(name(k));
    NormLayer<float> n(k, W);
    n.gamma = randn<float>(W, 51, 0.5, 1.0);
    if (k == NormKind::layer) n.beta = randn<float>(W, 52);
    const auto x = randn<float>(rows * W, 53, 3.0, 0.7);
    const auto dy = randn<float>(rows * W, 54);
    std::vector<float> y(rows * W), dx(rows * W);
    NormCache<float> cache;
    norm_forward(n, x.data(), rows, y.data(), cache);
    norm_backward(n, cache, dy.data(), dx.data());
    for (std::size_t r = 0; r < rows; ++r) {
      NormLayer<float> one = n;
      std::vector<float> y1(W), dx1(W);
      NormCache<float> c1;
      norm_forward(one, x.data() + r * W, 1, y1.data(), c1);
      norm_backward(one, c1, dy.data() + r * W, dx1.data());
      CHECK(c1.rstd[0] == cache.rstd[r]);
      for (std::size_t j = 0; j < W; ++j) {
        INFO("row " << r << " unit " << j);
        CHECK(y1[j] == y[r * W + j]);
        CHECK(c1.xhat[j] == cache.xhat[r * W + j]);
        CHECK(dx1[j] == dx[r * W + j]);
      }
    }
  }
}

TEST_CASE("norms: batch norm's running statistics from the forward's moments are the same bits",
          "[norm]") {
  // norm_forward (and Mlp::update_running_stats) update them from the moments norm_apply kept;
  // recomputing them from x must give the same floats.
  const std::size_t rows = 13, W = 19;
  const auto x = randn<float>(rows * W, 61, 2.0, 0.4);
  NormLayer<float> a(NormKind::batch, W);
  a.running_mean = randn<float>(W, 62);
  a.running_var = randn<float>(W, 63, 0.2, 2.0);
  NormLayer<float> b = a;
  std::vector<float> y(rows * W);
  NormCache<float> cache;
  norm_forward(a, x.data(), rows, y.data(), cache);
  norm_apply(b, x.data(), rows, y.data(), cache, false);  // a cache without batch moments
  CHECK_FALSE(norm_update_running(b, cache));
  norm_update_running(b, x.data(), rows);
  for (std::size_t j = 0; j < W; ++j) {
    CHECK(a.running_mean[j] == b.running_mean[j]);
    CHECK(a.running_var[j] == b.running_var[j]);
  }
}
