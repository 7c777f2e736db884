// initscope/image_data.hpp: datasets read from a file (Fashion-MNIST) rather than generated.
//
// What this is: the parser of the file scripts/prepare-data.mjs writes, a process-wide registry
// of the parsed pools, and the draw make_dataset() takes a run's rows with. The file reaches the
// core as bytes from whoever can read it (the CLI from disk, engine.loadDataset() by fetch), so
// Config stays plain data and the core never touches a file system or the network.
//
// File format (integers little-endian uint32; labels and pixels uint8, images row-major):
//   "ISFM" | version 1 | count | rows | cols | labels [count] | pixels [count][rows * cols]
//
// Inputs: pixel p becomes (p / 255 - mean) / std, where mean and std are of p / 255 over every
// pixel of the pool (one global pair, not per pixel, so an all-background pixel stays constant
// instead of being blown up; the inputs' second moment is 1, as the He/Xavier derivations
// assume). Computed from exact integer sums, so native and wasm give the same floats.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/rng.hpp"

namespace initscope {

// A file that is not a valid pool. The message has the core's format with field "data":
//   invalid data = <what was found>: expected <what the format requires>
// A runtime failure, not a bad config: the CLI exits 1 on it.
class ImageDataError : public std::runtime_error {
 public:
  ImageDataError(const std::string& value, const std::string& allowed)
      : std::runtime_error("invalid data = " + value + ": expected " + allowed) {}
};

struct ImagePool {
  int count = 0;                // images
  int rows = 0, cols = 0;       // pixels per image = rows * cols
  std::vector<uint8_t> labels;  // [count]
  std::vector<uint8_t> pixels;  // [count][rows * cols], row-major
  double mean = 0, std = 1;     // of pixel / 255 over the whole pool

  int dim() const { return rows * cols; }
  // The standardised input value of pixel value p: (p / 255 - mean) / std, as float.
  float input(uint8_t p) const;
};

constexpr uint32_t kImageFileVersion = 1;
constexpr std::size_t kImageHeaderBytes = 20;

// Parses and checks the whole file (magic, version, sizes, exact length). Throws ImageDataError.
ImagePool parse_image_pool(const uint8_t* bytes, std::size_t size);

// Makes `pool` the data of the file-backed dataset `kind` for every later make_dataset() (runs
// already built keep their copy). Replaces an earlier pool; nullptr forgets it. Throws
// ConfigError if kind is not file-backed, ImageDataError if the pool does not fit it (pixels
// per image != its inputDim, a label >= its classes, fewer images than limits::kMinSamples).
void register_image_pool(DatasetKind kind, std::shared_ptr<const ImagePool> pool);
// The registered pool, or nullptr.
std::shared_ptr<const ImagePool> image_pool(DatasetKind kind);

// For make_dataset(): `samples` distinct images drawn from the registered pool (a partial
// Fisher-Yates shuffle on rng), standardised, written to x ([samples][dim]) and y ([samples]).
// Throws ConfigError naming "dataset" if no pool is registered, "samples" if it exceeds the pool.
void draw_images(const Config& config, Rng& rng, float* x, int* y);

}  // namespace initscope
