// core/cli/sample.cpp: `initscope sample`: draw one weight matrix and print its statistics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "initscope/init.hpp"
#include "initscope/rng.hpp"

namespace cli {

using namespace initscope;

namespace {

struct SampleStats {
  std::size_t count = 0;
  double mean = 0, variance = 0, min = 0, max = 0, kurtosis = 0;
};

// Two passes in double: the mean, then central moments. variance is the unbiased (n - 1)
// estimate the spec's standard errors refer to; kurtosis is m4 / m2^2 (normal 3, uniform 1.8,
// the spec's table), NaN when every value is equal.
SampleStats describe(const float* x, std::size_t n) {
  SampleStats s;
  s.count = n;
  double sum = 0;
  s.min = s.max = x[0];
  for (std::size_t i = 0; i < n; ++i) {
    sum += x[i];
    s.min = std::min<double>(s.min, x[i]);
    s.max = std::max<double>(s.max, x[i]);
  }
  s.mean = sum / static_cast<double>(n);
  double m2 = 0, m4 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i] - s.mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  s.variance = n > 1 ? m2 / static_cast<double>(n - 1) : 0.0;
  s.kurtosis = m2 > 0 ? static_cast<double>(n) * m4 / (m2 * m2) : std::nan("");
  return s;
}

const char* kSampleUsage =
    "initscope sample: draw one [fanOut][fanIn] weight matrix from an initializer, with the\n"
    "same generator and stream the browser's sampleInit uses, and print its statistics next to\n"
    "the initializer's nominal variance.\n"
    "\n"
    "Usage: initscope sample --init ID --fan-in N --fan-out N [--seed N] [flags]\n"
    "  e.g. initscope sample --init he_normal --fan-in 1024 --fan-out 1024 --seed 1\n"
    "\n"
    "Output: JSON { init, fanIn, fanOut, seed, nominal: { gain, std, bound, variance },\n"
    "sample: { count, mean, variance, std, min, max, kurtosis }, values (with --raw) } or text.\n"
    "variance is the unbiased (n - 1) estimate; kurtosis is m4/m2^2 (normal 3, uniform 1.8).\n"
    "With --raw --format text only the values are printed, one per line, row-major.\n"
    "lsuv is data-driven and has no matrix of its own: use 'initscope dump --what weights'.\n";

}  // namespace

int cmd_sample(const std::vector<std::string>& args) {
  Config config;
  std::vector<Init> inits{config.init};
  int64_t fan_in = 1024, fan_out = 1024;
  bool raw = false;
  std::string format = "json";
  std::vector<Flag> flags;
  add_init_flags(flags, config, inits, false);
  const char* s = "Shape";
  const int64_t max_fan = limits::kMaxParameters;
  const std::string fan_allowed =
      int_range(1, max_fan) + ", fanIn x fanOut at most " + std::to_string(max_fan);
  flags.push_back({"fan-in", "", "fanIn", "N", "columns of the matrix", std::to_string(fan_in),
                   fan_allowed, [&](auto& v) { fan_in = to_integer(v, 1, max_fan); }, s});
  flags.push_back({"fan-out", "", "fanOut", "N", "rows of the matrix", std::to_string(fan_out),
                   fan_allowed, [&](auto& v) { fan_out = to_integer(v, 1, max_fan); }, s});
  flags.push_back({"seed", "", "seed", "N", "seeds the draw (stream kSample)",
                   std::to_string(config.seed), int_range(0, std::numeric_limits<uint32_t>::max()),
                   [&](auto& v) {
                     config.seed = static_cast<uint32_t>(
                         to_integer(v, 0, std::numeric_limits<uint32_t>::max()));
                   },
                   s});
  add_activation_flags(flags, config, "Gain (He's default and gain auto depend on these)");
  s = "Output";
  flags.push_back({"raw", "", "--raw", "", "also print every value (row-major)", "", "",
                   [&](auto&) { raw = true; }, s});
  flags.push_back(choice_flag("format", "output format", format, {"json", "text"}, s));

  Parsed parsed;
  if (!parse_or_help("sample", kSampleUsage, flags, args, parsed)) return 0;
  return with_flag_hints(flags, parsed, [&] {
    const Init init = inits.front();
    validate(config);
    if (fan_in * fan_out > max_fan)
      throw ConfigError("fanOut", std::to_string(fan_out),
                        "fanIn x fanOut at most " + std::to_string(max_fan) + " (fanIn is " +
                            std::to_string(fan_in) + ")");
    if (init == Init::lsuv)
      throw ConfigError("init", quote("lsuv"),
                        "an initializer that needs no data (lsuv rescales each layer on a batch: "
                        "see 'initscope dump --what weights --init lsuv')");
    const auto fo = static_cast<std::size_t>(fan_out), fi = static_cast<std::size_t>(fan_in);
    Rng rng(config.seed, stream::kSample);
    const Matrix w = init_weights(init, fo, fi, config, rng);
    const SampleStats st = describe(w.data(), w.size());
    const InitScale scale = init_scale(init, fo, fi, config);
    const double gain = resolve_gain(init, config);
    const double nominal = nominal_weight_variance(init, fo, fi, config);

    if (format == "text") {
      if (raw) {
        for (std::size_t i = 0; i < w.size(); ++i)
          std::printf("%s\n", format_float(w.data()[i]).c_str());
        return 0;
      }
      auto line = [](const char* name, const std::string& value) {
        std::printf("%-18s%s\n", name, value.c_str());
      };
      line("init", to_string(init));
      line("shape", std::to_string(fan_out) + " x " + std::to_string(fan_in) +
                        " (fanOut x fanIn), seed " + std::to_string(config.seed));
      line("gain", format_double(gain));
      if (scale.std) line("nominal std", format_double(*scale.std));
      if (scale.bound) line("nominal bound", format_double(*scale.bound));
      line("nominal variance", format_double(nominal));
      line("count", std::to_string(st.count));
      line("mean", format_double(st.mean));
      line("variance", format_double(st.variance));
      line("std", format_double(std::sqrt(st.variance)));
      line("min", format_double(st.min));
      line("max", format_double(st.max));
      line("kurtosis", format_double(st.kurtosis));
      return 0;
    }
    JsonWriter j(stdout);
    j.begin_object();
    j.key("init").string(to_string(init));
    j.key("fanIn").integer(fan_in);
    j.key("fanOut").integer(fan_out);
    j.key("seed").integer(config.seed);
    j.key("activation").string(to_string(config.activation));
    j.key("nominal").begin_object();
    j.key("gain").number(gain);
    auto optional = [&j](const char* name, std::optional<double> v) {
      j.key(name);
      if (v) {
        j.number(*v);
      } else {
        j.null();
      }
    };
    optional("std", scale.std);
    optional("bound", scale.bound);
    j.key("variance").number(nominal);
    j.end_object();
    j.key("sample").begin_object();
    j.key("count").integer(static_cast<int64_t>(st.count));
    j.key("mean").number(st.mean);
    j.key("variance").number(st.variance);
    j.key("std").number(std::sqrt(st.variance));
    j.key("min").number(st.min);
    j.key("max").number(st.max);
    j.key("kurtosis").number(st.kurtosis);
    j.end_object();
    if (raw) j.floats("values", w.data(), w.size());
    j.end_object();
    return 0;
  });
}

}  // namespace cli
