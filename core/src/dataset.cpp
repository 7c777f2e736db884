// dataset.cpp: seeded datasets, all drawn from the stream (seed, stream::kDataset): the toys are
// generated, fashion_mnist's rows are drawn from the loaded pool (image_data.cpp).
#include "initscope/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "initscope/image_data.hpp"
#include "initscope/pmath.hpp"
#include "initscope/rng.hpp"

namespace initscope {

namespace {
constexpr double kPi = 3.14159265358979323846;

struct Sample {
  double x0, x1;
  int label;
};

// Spiral arms, TF Playground style: radius grows along the arm while the angle turns 1.75 turns.
Sample spiral(int i, int n, int classes, double noise, Rng& rng) {
  const int k = i % classes;
  const int per = (n + classes - 1) / classes;
  const double r = (static_cast<double>(i / classes) + 0.5) / per;
  const double t = 1.75 * 2.0 * kPi * r + 2.0 * kPi * k / classes;
  const double jx = noise * rng.normal(), jy = noise * rng.normal();
  return {r * pm::sin(t) + jx, r * pm::cos(t) + jy, k};
}

Sample circles(int i, double noise, Rng& rng) {
  const int label = i % 2;  // 1: inner disc, 0: outer ring
  const double r = label ? rng.uniform(0.0, 0.5) : rng.uniform(0.7, 1.0);
  const double t = rng.uniform(0.0, 2.0 * kPi);
  const double jx = noise * rng.normal(), jy = noise * rng.normal();
  return {r * pm::cos(t) + jx, r * pm::sin(t) + jy, label};
}

Sample xor_sample(double noise, Rng& rng) {
  const double x0 = rng.uniform(-1.0, 1.0), x1 = rng.uniform(-1.0, 1.0);
  const int label = (x0 >= 0) != (x1 >= 0) ? 1 : 0;
  const double jx = noise * rng.normal(), jy = noise * rng.normal();
  return {x0 + jx, x1 + jy, label};
}

Sample gaussians(int i, int classes, double noise, Rng& rng) {
  const int k = i % classes;
  const double t = 2.0 * kPi * k / classes + kPi / 4;
  const double s = 0.1 + noise;
  const double x0 = 0.6 * pm::cos(t) + s * rng.normal();
  const double x1 = 0.6 * pm::sin(t) + s * rng.normal();
  return {x0, x1, k};
}

// scikit-learn make_moons, centred and scaled by 2/3 so x0 spans about [-1, 1].
Sample moons(int i, int n, double noise, Rng& rng) {
  const int label = i % 2;
  const int half = (n + 1) / 2;
  const double t = kPi * (static_cast<double>(i / 2) + 0.5) / half;
  double x0 = label ? 1.0 - pm::cos(t) : pm::cos(t);
  double x1 = label ? 0.5 - pm::sin(t) : pm::sin(t);
  x0 += noise * rng.normal();
  x1 += noise * rng.normal();
  return {(x0 - 0.5) * 2.0 / 3.0, (x1 - 0.25) * 2.0 / 3.0, label};
}
}  // namespace

Dataset make_dataset(const Config& c) {
  Rng rng(c.seed, stream::kDataset);
  Dataset d;
  d.input_dim = resolved_input_dim(c);
  d.classes = resolved_classes(c);
  const int n = c.samples, dim = d.input_dim;
  std::vector<float> x(static_cast<std::size_t>(n) * dim);
  std::vector<int> y(n);

  if (c.dataset == DatasetKind::fashion_mnist) {
    draw_images(c, rng, x.data(), y.data());  // noise is not used: real images bring their own
  } else if (c.dataset == DatasetKind::gaussian_nd) {
    // Fixed random directions u_k; label = argmax_k <u_k, x>; noise flips a label to another
    // class with probability noise / 2.
    std::vector<double> u(static_cast<std::size_t>(d.classes) * dim);
    for (auto& v : u) v = rng.normal();
    for (int i = 0; i < n; ++i) {
      float* xi = &x[static_cast<std::size_t>(i) * dim];
      for (int j = 0; j < dim; ++j) xi[j] = static_cast<float>(rng.normal());
      int best = 0;
      double best_dot = -HUGE_VAL;
      for (int k = 0; k < d.classes; ++k) {
        double dot = 0;
        for (int j = 0; j < dim; ++j) dot += u[static_cast<std::size_t>(k) * dim + j] * xi[j];
        if (dot > best_dot) best_dot = dot, best = k;
      }
      if (rng.uniform() < c.noise / 2.0)
        best = (best + 1 + static_cast<int>(rng.below(d.classes - 1))) % d.classes;
      y[i] = best;
    }
  } else {
    for (int i = 0; i < n; ++i) {
      Sample s{};
      switch (c.dataset) {
        case DatasetKind::spiral:
          s = spiral(i, n, d.classes, c.noise, rng);
          break;
        case DatasetKind::circles:
          s = circles(i, c.noise, rng);
          break;
        case DatasetKind::xor_:
          s = xor_sample(c.noise, rng);
          break;
        case DatasetKind::gaussians:
          s = gaussians(i, d.classes, c.noise, rng);
          break;
        case DatasetKind::moons:
          s = moons(i, n, c.noise, rng);
          break;
        case DatasetKind::gaussian_nd:
        case DatasetKind::fashion_mnist:
          break;
      }
      x[2 * i] = static_cast<float>(s.x0);
      x[2 * i + 1] = static_cast<float>(s.x1);
      y[i] = s.label;
    }
  }

  // Shuffle (Fisher-Yates), then the first n_train rows are the training split.
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  const int n_train = train_count(c), n_test = n - n_train;
  d.x_train =
      Matrix::from_shape({static_cast<std::size_t>(n_train), static_cast<std::size_t>(dim)});
  d.x_test = Matrix::from_shape({static_cast<std::size_t>(n_test), static_cast<std::size_t>(dim)});
  d.y_train.resize(n_train);
  d.y_test.resize(n_test);
  for (int r = 0; r < n; ++r) {
    const int src = order[r];
    float* dst = r < n_train ? &d.x_train.data()[static_cast<std::size_t>(r) * dim]
                             : &d.x_test.data()[static_cast<std::size_t>(r - n_train) * dim];
    std::copy_n(&x[static_cast<std::size_t>(src) * dim], dim, dst);
    (r < n_train ? d.y_train[r] : d.y_test[r - n_train]) = y[src];
  }

  if (dim == 2) {
    // A square plane around the data (10% margin), centred on 0, so the boundary is undistorted.
    double extent = 0;
    for (float v : x) extent = std::max(extent, std::fabs(static_cast<double>(v)));
    extent = std::max(extent, 1e-3) * 1.1;
    d.bounds = {-extent, extent, -extent, extent};
  }
  return d;
}

}  // namespace initscope
