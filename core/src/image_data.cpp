// image_data.cpp: the pool file parser, the registry of loaded pools, and the draw of a run's rows.
#include "initscope/image_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>

namespace initscope {

namespace {

uint32_t read_u32le(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

constexpr uint32_t kMaxSide = 4096;  // rows and cols; a real image dataset is far smaller

std::string bytes_text(uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// One pool per file-backed dataset. A mutex although the CLI and the wasm module are single
// threaded: a test runner or a future embedder may not be.
struct Registry {
  std::mutex mutex;
  std::map<DatasetKind, std::shared_ptr<const ImagePool>> pools;
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

float ImagePool::input(uint8_t p) const {
  return static_cast<float>((static_cast<double>(p) / 255.0 - mean) / std);
}

ImagePool parse_image_pool(const uint8_t* bytes, std::size_t size) {
  if (size < kImageHeaderBytes)
    throw ImageDataError("a file of " + bytes_text(size),
                         "an image pool: a 20-byte header (\"ISFM\", version, count, rows, cols) "
                         "then labels and pixels");
  if (std::memcmp(bytes, "ISFM", 4) != 0)
    throw ImageDataError("a file starting " + quote(std::string(bytes, bytes + 4)),
                         "the magic \"ISFM\" of a pool written by scripts/prepare-data.mjs");
  const uint32_t version = read_u32le(bytes + 4);
  if (version != kImageFileVersion)
    throw ImageDataError("version " + std::to_string(version),
                         "version " + std::to_string(kImageFileVersion) +
                             " (rebuild the file: node scripts/prepare-data.mjs)");
  const uint32_t count = read_u32le(bytes + 8), rows = read_u32le(bytes + 12),
                 cols = read_u32le(bytes + 16);
  if (count < 1 || count > static_cast<uint32_t>(std::numeric_limits<int>::max()))
    throw ImageDataError("count " + std::to_string(count),
                         "1.." + std::to_string(std::numeric_limits<int>::max()) + " images");
  if (rows < 1 || rows > kMaxSide || cols < 1 || cols > kMaxSide)
    throw ImageDataError("images of " + std::to_string(rows) + " x " + std::to_string(cols),
                         "rows and cols in 1.." + std::to_string(kMaxSide));
  const uint64_t dim = uint64_t{rows} * cols;
  const uint64_t expected = kImageHeaderBytes + uint64_t{count} * (1 + dim);  // < 2^57
  if (size != expected)
    throw ImageDataError("a file of " + bytes_text(size),
                         bytes_text(expected) + " = 20 + count x (1 + rows x cols) for " +
                             std::to_string(count) + " images of " + std::to_string(rows) + " x " +
                             std::to_string(cols) + " (truncated, or not this format)");

  ImagePool pool;
  pool.count = static_cast<int>(count);
  pool.rows = static_cast<int>(rows);
  pool.cols = static_cast<int>(cols);
  const uint8_t* labels = bytes + kImageHeaderBytes;
  pool.labels.assign(labels, labels + count);
  pool.pixels.assign(labels + count, bytes + size);

  // Exact integer sums (the pixels are in memory, so fewer than 2^48 of them, and s2 < 2^64),
  // then the same few double operations everywhere: native and wasm agree to the bit.
  uint64_t s1 = 0, s2 = 0;
  for (uint8_t p : pool.pixels) {
    s1 += p;
    s2 += uint64_t{p} * p;
  }
  const double n = static_cast<double>(pool.pixels.size());
  pool.mean = static_cast<double>(s1) / 255.0 / n;
  const double second = static_cast<double>(s2) / (255.0 * 255.0) / n;
  const double var = second - pool.mean * pool.mean;
  if (!(var > 0))
    throw ImageDataError("images whose pixels are all " + std::to_string(pool.pixels[0]),
                         "images with some contrast (pixel variance > 0)");
  pool.std = std::sqrt(var);
  return pool;
}

void register_image_pool(DatasetKind kind, std::shared_ptr<const ImagePool> pool) {
  const DatasetInfo& info = dataset_info(kind);
  if (!info.data_file)
    throw ConfigError("dataset", quote(info.name),
                      "a dataset read from a file (this one is generated from the seed)");
  if (pool) {
    if (pool->dim() != info.input_dim)
      throw ImageDataError("images of " + std::to_string(pool->rows) + " x " +
                               std::to_string(pool->cols) + " pixels",
                           std::to_string(info.input_dim) + " pixels per image for " + info.name);
    const auto worst = std::max_element(pool->labels.begin(), pool->labels.end());
    if (*worst >= info.classes)
      throw ImageDataError(
          "label " + std::to_string(*worst) + " (image " +
              std::to_string(worst - pool->labels.begin()) + ")",
          "labels in 0.." + std::to_string(info.classes - 1) + " for " + info.name);
    if (pool->count < limits::kMinSamples)
      throw ImageDataError(std::to_string(pool->count) + " images",
                           "at least " + std::to_string(limits::kMinSamples) +
                               " (the fewest samples a run may have)");
  }
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (pool) {
    r.pools[kind] = std::move(pool);
  } else {
    r.pools.erase(kind);
  }
}

std::shared_ptr<const ImagePool> image_pool(DatasetKind kind) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const auto it = r.pools.find(kind);
  return it == r.pools.end() ? nullptr : it->second;
}

void draw_images(const Config& c, Rng& rng, float* x, int* y) {
  const DatasetInfo& info = dataset_info(c.dataset);
  const std::shared_ptr<const ImagePool> pool = image_pool(c.dataset);
  if (!pool)
    throw ConfigError("dataset", quote(info.name),
                      "its data loaded first: engine.loadDataset('" + std::string(info.name) +
                          "') in JS, or build/data/" + info.data_file +
                          " for the CLI (npm test / npm start prepare it)");
  if (c.samples > pool->count)
    throw ConfigError("samples", std::to_string(c.samples),
                      int_range(limits::kMinSamples, pool->count) + " for " + info.name +
                          " (the images in " + info.data_file + ")");

  // The first `samples` places of a Fisher-Yates shuffle: a uniform draw without replacement.
  std::vector<uint32_t> order(pool->count);
  std::iota(order.begin(), order.end(), 0u);
  for (int i = 0; i < c.samples; ++i)
    std::swap(order[i], order[i + rng.below(static_cast<uint32_t>(pool->count - i))]);

  float table[256];
  for (int p = 0; p < 256; ++p) table[p] = pool->input(static_cast<uint8_t>(p));
  const std::size_t dim = static_cast<std::size_t>(pool->dim());
  for (int i = 0; i < c.samples; ++i) {
    const uint8_t* src = &pool->pixels[order[i] * dim];
    for (std::size_t j = 0; j < dim; ++j) *x++ = table[src[j]];
    y[i] = pool->labels[order[i]];
  }
}

}  // namespace initscope
