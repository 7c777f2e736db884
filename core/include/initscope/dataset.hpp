// initscope/dataset.hpp: seeded datasets, generated (the toys) or drawn from a loaded image pool.
// Every dataset is drawn from the stream (seed, stream::kDataset), so it depends only on the data
// fields of the config (and, for fashion_mnist, on the pool's file).
#pragma once
#include <array>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/tensor.hpp"

namespace initscope {

struct Dataset {
  int input_dim = 2;
  int classes = 2;
  Matrix x_train;            // [n_train][input_dim]
  std::vector<int> y_train;  // labels in 0..classes-1
  Matrix x_test;             // [n_test][input_dim]
  std::vector<int> y_test;
  // For 2-D data: the plane the decision boundary is drawn over (x0 min, x0 max, x1 min, x1 max),
  // the data's extent plus a margin. Unused otherwise.
  std::array<double, 4> bounds = {-1, 1, -1, 1};
};

// Shapes (2-D toys live in about [-1, 1]^2 before noise):
//   spiral       `classes` interleaved arms (TF Playground style), noise = std of added jitter
//   circles      inner disc (class 1) vs outer ring (class 0)
//   xor          sign(x0) xor sign(x1) on U(-1,1)^2
//   gaussians    `classes` isotropic blobs on a circle, noise scales their std
//   moons        two interleaving half circles (scikit-learn make_moons)
//   gaussian_nd  x ~ N(0, I_d); label = argmax over `classes` fixed random directions of
//                <u_k, x> (2 classes: sign of <u, x>); noise flips a label with probability
//                noise/2
//   fashion_mnist `samples` distinct 28x28 images drawn from the loaded pool (image_data.hpp),
//                pixels standardised with the pool's mean and std; noise is ignored (real
//                images have their own); throws ConfigError until the pool is registered
// Samples are split after shuffling: the first round(samples * (1 - testFraction)) are train.
Dataset make_dataset(const Config& config);

}  // namespace initscope
