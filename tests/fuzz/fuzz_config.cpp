// fuzz_config: validate(Config) on arbitrary field values, and the text helpers it uses.
//
// wasm/adapters.cpp fills a Config from JS values (after type checks) and relies on validate()
// for every range; the CLI does the same from flags. So here every field takes any value its C++
// type can hold, including NaN, +-Infinity, negative and huge integers, out-of-table enum values
// excluded (no entry point can produce them: ids go through parse_*), and 0..300 hidden widths.
// Checked: validate() either accepts or throws ConfigError in the project's format; an accepted
// config's derived sizes are within the documented caps; the id parsers accept exactly the
// table's ids; format_number() round-trips every finite double and quote() gives well-formed
// UTF-8 without control characters (messages are shown in terminals and pages).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace {
using namespace initscope;

void check_message(const std::string& m) {
  if (m.compare(0, 8, "invalid ") != 0 || m.find(" = ") == std::string::npos ||
      m.find(": expected ") == std::string::npos)
    std::abort();
}

// Any double, with the edge values much more likely than raw bits would make them.
double any_double(FuzzedDataProvider& in) {
  static const double edges[] = {0.0,   -0.0,     1.0,          -1.0,        1e-300, 1e300,
                                 NAN,   INFINITY, -INFINITY,    0.5,         2.0,    10.0,
                                 100.0, 1e-7,     4294967296.0, 2147483648.0};
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return edges[in.ConsumeIntegralInRange<std::size_t>(0, std::size(edges) - 1)];
    case 1: {
      double v;
      const uint64_t bits = in.ConsumeIntegral<uint64_t>();
      std::memcpy(&v, &bits, sizeof v);
      return v;
    }
    case 2:
      return in.ConsumeFloatingPointInRange(-20.0, 20.0);
    default:
      return static_cast<double>(in.ConsumeIntegral<int32_t>());
  }
}

int any_int(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0:
      return in.ConsumeIntegral<int>();
    case 1:
      return in.ConsumeIntegralInRange(-2, 3000);
    default:
      return in.ConsumeIntegralInRange(0, 40);
  }
}

template <typename E>
E any_of(FuzzedDataProvider& in, int count) {
  return static_cast<E>(in.ConsumeIntegralInRange(0, count - 1));
}

void check_ids(FuzzedDataProvider& in) {
  const std::string id = in.ConsumeRandomLengthString(24);
  bool listed = false;
  for (const auto& n : init_names()) listed = listed || n == id;
  try {
    const Init i = parse_init(id);
    if (!listed || id != to_string(i)) std::abort();
  } catch (const ConfigError& e) {
    if (listed) std::abort();
    check_message(e.what());
  }
}

// quote()'s output is what a terminal or page shows: well-formed UTF-8 without C0 or C1 control
// characters or DEL (checked by decoding, independently of quote()'s own validator).
bool safe_text(const std::string& q) {
  for (std::size_t i = 0; i < q.size();) {
    const unsigned char b = static_cast<unsigned char>(q[i]);
    if (b < 0x20 || b == 0x7F) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > q.size()) return false;
    uint32_t cp = b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const unsigned char c = static_cast<unsigned char>(q[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = cp << 6 | (c & 0x3F);
    }
    const uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp <= 0x9F) return false;  // C1 controls
    i += n;
  }
  return true;
}

void check_text(FuzzedDataProvider& in) {
  const double v = any_double(in);
  const std::string t = format_number(v);
  if (std::isfinite(v) && std::strtod(t.c_str(), nullptr) != v) std::abort();
  if (!safe_text(quote(in.ConsumeRandomLengthString(64)))) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Config c;
  c.dataset = any_of<DatasetKind>(in, static_cast<int>(dataset_infos().size()));
  c.samples = any_int(in);
  c.noise = any_double(in);
  c.test_fraction = any_double(in);
  c.input_dim = any_int(in);
  c.classes = any_int(in);
  c.seed = in.ConsumeIntegral<uint32_t>();
  c.hidden.resize(in.ConsumeIntegralInRange(0, 300));
  const int fill = any_int(in);
  for (int& w : c.hidden) w = in.ConsumeBool() ? fill : any_int(in);
  c.activation = any_of<Activation>(in, static_cast<int>(activation_names().size()));
  c.leaky_slope = any_double(in);
  c.init = any_of<Init>(in, static_cast<int>(init_names().size()));
  c.gain_mode = any_of<GainMode>(in, 3);
  c.gain = any_double(in);
  c.fan_mode = any_of<FanMode>(in, 2);
  c.init_value = any_double(in);
  c.init_std = any_double(in);
  c.init_bound = any_double(in);
  c.weight_var = any_double(in);
  c.bias_var = any_double(in);
  c.optimizer = any_of<Optimizer>(in, static_cast<int>(optimizer_names().size()));
  c.learning_rate = any_double(in);
  c.momentum = any_double(in);
  c.batch_size = any_int(in);
  c.loss = any_of<Loss>(in, static_cast<int>(loss_names().size()));
  c.probe_size = any_int(in);
  c.hist_bins = any_int(in);
  try {
    validate(c);
    // Accepted: every size the run allocates is within the caps.
    if (parameter_count(c) > limits::kMaxParameters) std::abort();
    if (train_count(c) < 1 || test_count(c) < 0) std::abort();
    if (c.hidden.empty() || c.hidden.size() > static_cast<std::size_t>(limits::kMaxDepth))
      std::abort();
    if (resolved_input_dim(c) < 1 || resolved_classes(c) < 2) std::abort();
  } catch (const ConfigError& e) {
    check_message(e.what());
  }
  check_ids(in);
  check_text(in);
  return 0;
}
