// fuzz_image_data: the image-pool file reader (core/src/image_data.cpp) on arbitrary bytes.
//
// The page fetches the file, and engine.loadDataset(id, { bytes }) takes any bytes a caller
// passes, so the parser must reject everything but a well-formed pool with ImageDataError, and a
// pool it accepts must be usable: registering it (for fashion_mnist when it has 28x28 images)
// either works or throws ImageDataError, and drawing rows from it gives finite inputs and labels
// within the classes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/image_data.hpp"
#include "initscope/rng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace initscope;
  std::shared_ptr<const ImagePool> pool;
  try {
    pool = std::make_shared<const ImagePool>(parse_image_pool(data, size));
  } catch (const ImageDataError&) {
    return 0;
  }
  if (pool->count < 1 || pool->labels.size() != static_cast<std::size_t>(pool->count) ||
      pool->pixels.size() != static_cast<std::size_t>(pool->count) * pool->dim() ||
      !std::isfinite(pool->std) || !(pool->std > 0))
    std::abort();
  try {
    register_image_pool(DatasetKind::fashion_mnist, pool);
  } catch (const ImageDataError&) {
    return 0;
  }
  Config c;
  c.dataset = DatasetKind::fashion_mnist;
  c.samples = std::min(pool->count, 12);
  std::vector<float> x(static_cast<std::size_t>(c.samples) * pool->dim());
  std::vector<int> y(c.samples);
  Rng rng(1, 0);
  try {
    draw_images(c, rng, x.data(), y.data());
  } catch (const ConfigError&) {
    return 0;  // fewer images than samples
  }
  for (float v : x)
    if (!std::isfinite(v)) std::abort();
  for (int label : y)
    if (label < 0 || label >= 10) std::abort();
  register_image_pool(DatasetKind::fashion_mnist, nullptr);
  return 0;
}
