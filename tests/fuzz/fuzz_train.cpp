// fuzz_train: short training runs of fuzzed but valid tiny configs.
//
// Every dataset (fashion_mnist from a small synthetic pool), activation, initializer, gain mode,
// optimizer and loss, with values anywhere in their allowed ranges (learning rate up to the cap,
// constant/normal/uniform scales up to 100, depth up to 200 at width 1..3), 0..5 updates in up to
// three calls. The contract checked (DESIGN.md "Divergence"): nothing crashes, and no non-finite
// number leaves the run without the run being marked diverged: losses, accuracies, every measured
// per-layer statistic and the decision-boundary probabilities are finite unless diverged_at is
// set. theory_var is excluded: it is a prediction at initialization, not a measurement, and may
// honestly overflow a double (depth 200 at gain 100); the exports turn it into null.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/image_data.hpp"
#include "initscope/run.hpp"

namespace {
using namespace initscope;

const Config* g_config = nullptr;  // the input's config, printed when a check fails

#define require(ok) require_at(ok, #ok, __LINE__)
void require_at(bool ok, const char* what, int line) {
  if (ok) return;
  const Config& c = *g_config;
  std::fprintf(stderr,
               "fuzz_train.cpp:%d: %s failed for dataset %s samples %d testFraction %g "
               "hidden %zu x %d activation %s init %s gainMode %d gain %g value %g std %g "
               "bound %g optimizer %s lr %g momentum %g batch %d loss %s probe %d\n",
               line, what, to_string(c.dataset), c.samples, c.test_fraction, c.hidden.size(),
               c.hidden[0], to_string(c.activation), to_string(c.init),
               static_cast<int>(c.gain_mode), c.gain, c.init_value, c.init_std, c.init_bound,
               to_string(c.optimizer), c.learning_rate, c.momentum, c.batch_size, to_string(c.loss),
               c.probe_size);
  std::abort();
}
bool is_finite(double v) { return std::isfinite(v); }

// Forty 28x28 images (labels 0..9 in turn) with some contrast: as many as tiny_config draws.
void register_tiny_pool() {
  auto pool = std::make_shared<ImagePool>();
  std::vector<uint8_t> bytes = {'I', 'S', 'F', 'M', 1, 0, 0,  0, 40, 0,
                                0,   0,   28,  0,   0, 0, 28, 0, 0,  0};
  for (int i = 0; i < 40; ++i) bytes.push_back(static_cast<uint8_t>(i % 10));
  for (int i = 0; i < 40 * 784; ++i) bytes.push_back(static_cast<uint8_t>((i * 37) % 256));
  register_image_pool(
      DatasetKind::fashion_mnist,
      std::make_shared<const ImagePool>(parse_image_pool(bytes.data(), bytes.size())));
}

double pick(FuzzedDataProvider& in, double lo, double hi, std::initializer_list<double> edges) {
  if (in.ConsumeBool()) {
    const auto i = in.ConsumeIntegralInRange<std::size_t>(0, edges.size() - 1);
    return *(edges.begin() + i);
  }
  return in.ConsumeFloatingPointInRange(lo, hi);
}

Config tiny_config(FuzzedDataProvider& in) {
  Config c;
  c.dataset = static_cast<DatasetKind>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(dataset_infos().size()) - 1));
  c.samples = in.ConsumeIntegralInRange(limits::kMinSamples, 40);
  c.noise = pick(in, 0, limits::kMaxNoise, {0, limits::kMaxNoise});
  c.test_fraction = pick(in, 0, limits::kMaxTestFraction, {0, limits::kMaxTestFraction, 0.5});
  if (c.dataset == DatasetKind::gaussian_nd) c.input_dim = in.ConsumeIntegralInRange(0, 12);
  const bool free_classes = c.dataset == DatasetKind::spiral ||
                            c.dataset == DatasetKind::gaussians ||
                            c.dataset == DatasetKind::gaussian_nd;
  if (free_classes && in.ConsumeBool())
    c.classes = in.ConsumeIntegralInRange(2, limits::kMaxClasses);
  c.seed = in.ConsumeIntegral<uint32_t>();
  if (in.ConsumeIntegralInRange(0, 7) == 0) {  // deep and narrow: depth up to the cap
    c.hidden.assign(in.ConsumeIntegralInRange(1, limits::kMaxDepth),
                    in.ConsumeIntegralInRange(1, 3));
  } else {
    c.hidden.resize(in.ConsumeIntegralInRange(1, 4));
    for (int& w : c.hidden) w = in.ConsumeIntegralInRange(1, 8);
  }
  c.activation = static_cast<Activation>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(activation_names().size()) - 1));
  c.leaky_slope = pick(in, 0, 1, {0, 1, 0.01});
  c.init = static_cast<Init>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(init_names().size()) - 1));
  c.gain_mode = static_cast<GainMode>(in.ConsumeIntegralInRange(0, 2));
  if (c.gain_mode == GainMode::Auto && c.activation == Activation::gelu)
    c.gain_mode = GainMode::Default;
  c.gain = pick(in, 0, limits::kMaxGain, {0, limits::kMaxGain, 1});
  c.fan_mode = in.ConsumeBool() ? FanMode::fan_in : FanMode::fan_out;
  c.init_value = pick(in, -100, 100, {-100, 100, 0});
  c.init_std = pick(in, 0, 100, {0, 100});
  c.init_bound = pick(in, 0, 100, {0, 100});
  c.weight_var = pick(in, 1e-6, limits::kMaxWeightVar, {limits::kMaxWeightVar, 1.0});
  c.bias_var = pick(in, 0, limits::kMaxWeightVar, {0, limits::kMaxWeightVar});
  c.optimizer = static_cast<Optimizer>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(optimizer_names().size()) - 1));
  c.learning_rate = pick(in, 1e-6, limits::kMaxLearningRate, {limits::kMaxLearningRate, 1e-300});
  c.momentum = pick(in, 0, 0.999999, {0, 0.999999});
  c.loss = in.ConsumeBool() ? Loss::cross_entropy : Loss::mse;
  c.batch_size = in.ConsumeIntegralInRange(0, std::max(0, train_count(c)));
  c.probe_size = in.ConsumeIntegralInRange(1, 64);
  c.hist_bins = in.ConsumeIntegralInRange(limits::kMinHistBins, limits::kMaxHistBins);
  return c;
}

void check(Run& run, int64_t done) {
  const Evaluation e = run.evaluate();
  require(e.step == run.steps_done() && e.step <= done);
  std::vector<LayerStats> stats = run.layer_stats();
  require(stats.size() == run.net().num_layers());
  if (e.diverged_at || run.diverged_at()) {
    require(e.diverged_at.value_or(*run.diverged_at()) <= e.step);
    return;
  }
  // Not diverged: every number that leaves the run is finite.
  require(is_finite(e.train_loss) && is_finite(e.train_accuracy));
  require(test_count(run.config()) == 0 ? std::isnan(e.test_loss) : is_finite(e.test_loss));
  for (const LayerStats& s : stats) {
    require(is_finite(s.pre_mean) && is_finite(s.pre_var));
    require(is_finite(s.post_mean) && is_finite(s.post_var));
    require(is_finite(s.dead_fraction) && is_finite(s.grad_var));
    require(is_finite(s.weight_grad_var) && is_finite(s.weight_var));
    require(s.pre_var >= 0 && s.post_var >= 0 && s.dead_fraction >= 0 && s.dead_fraction <= 1);
  }
  if (run.dataset().input_dim == 2) {
    for (float p : run.predict_grid(4)) require(std::isfinite(p) && p >= 0 && p <= 1);
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  register_tiny_pool();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const Config c = tiny_config(in);
  g_config = &c;
  try {
    validate(c);
  } catch (const ConfigError&) {
    return 0;  // the generator strays at the edges (e.g. the activation cap); not this target's
  }
  Run run(c);  // a valid config must build: any exception here is a bug (uncaught = crash)
  int64_t done = 0;
  check(run, done);
  for (int calls = in.ConsumeIntegralInRange(0, 3), i = 0; i < calls; ++i) {
    const int n = in.ConsumeIntegralInRange(0, 5 - static_cast<int>(done));
    const StepResult r = run.step(n);
    done += n;
    require(r.step <= done);
    if (!run.diverged_at() && r.step > 0) require(is_finite(r.loss));
    check(run, done);
  }
  return 0;
}
