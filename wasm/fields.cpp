// wasm/fields.cpp: JS config objects <-> initscope::Config, and the field tables
// (engine.configFields(), engine.defaultConfig()).
#include "fields.hpp"

#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "initscope/activation.hpp"
#include "initscope/config.hpp"
#include "initscope/init.hpp"

namespace js {

using initscope::Config;
using initscope::ConfigError;
using initscope::int_range;

// ---------------------------------------------------------------------------------------------
// The config fields

Field int_field(const char* name, long long lo, long long hi, const std::string& note) {
  return {name, Kind::Int, int_range(lo, hi) + note, double(lo), double(hi), {}};
}
Field number_field(const char* name, const std::string& allowed) {
  return {name, Kind::Number, allowed, 0, 0, {}};
}
Field enum_field(const char* name, const std::vector<std::string>& ids) {
  return {name, Kind::Enum, "one of " + initscope::join_ids(ids), 0, 0, ids};
}
namespace {
const std::string kGainAllowed = "a number in [0, " +
                                 initscope::format_number(initscope::limits::kMaxGain) +
                                 "] or \"auto\" (null or unset: the initializer's default)";
constexpr double kMaxSeed = 4294967295.0;
}  // namespace

// Order = initscope::Config's order.
const std::vector<Field>& config_fields() {
  using namespace initscope::limits;
  static const std::vector<Field> fields = {
      enum_field("dataset", initscope::dataset_names()),
      int_field("samples", kMinSamples, kMaxSamples),
      number_field("noise", "a number in [0, " + initscope::format_number(kMaxNoise) + "]"),
      number_field("testFraction",
                   "a number in [0, " + initscope::format_number(kMaxTestFraction) + "]"),
      int_field("inputDim", 0, kMaxInputDim, " (0 = the dataset's default)"),
      int_field("classes", 0, kMaxClasses, " (0 = the dataset's default)"),
      int_field("seed", 0, static_cast<long long>(kMaxSeed)),
      {"hidden",
       Kind::Hidden,
       "an array of 1.." + std::to_string(kMaxDepth) + " layer widths, each " +
           int_range(1, kMaxWidth),
       1,
       double(kMaxWidth),
       {}},
      enum_field("activation", initscope::activation_names()),
      number_field("leakySlope", "a number in [0, 1]"),
      enum_field("init", initscope::init_names()),
      {"gain", Kind::Gain, kGainAllowed, 0, 0, {}},
      enum_field("fanMode", initscope::fan_mode_names()),
      number_field("initValue", "a number in [-100, 100]"),
      number_field("initStd", "a number in [0, 100]"),
      number_field("initBound", "a number in [0, 100]"),
      number_field("weightVar", "a number in (0, " + initscope::format_number(kMaxWeightVar) + "]"),
      number_field("biasVar", "a number in [0, " + initscope::format_number(kMaxWeightVar) + "]"),
      enum_field("optimizer", initscope::optimizer_names()),
      number_field("learningRate",
                   "a number in (0, " + initscope::format_number(kMaxLearningRate) + "]"),
      number_field("momentum", "a number in [0, 1)"),
      int_field("batchSize", 0, kMaxSamples, " (0 = full batch; at most the training samples)"),
      enum_field("loss", initscope::loss_names()),
      int_field("probeSize", 1, kMaxProbe),
      int_field("histBins", kMinHistBins, kMaxHistBins),
  };
  return fields;
}

double read_number(const Field& f, const val& v) {
  if (type_of(v) != "number") type_error(f.name, v, f.allowed);
  const double x = v.as<double>();
  if (!std::isfinite(x)) type_error(f.name, v, f.allowed);
  return x;
}

long long read_int(const Field& f, const val& v) {
  return read_int(f.name, v, f.lo, f.hi, f.allowed);
}

std::string read_enum(const Field& f, const val& v) {
  if (type_of(v) != "string") type_error(f.name, v, f.allowed);
  return v.as<std::string>();  // the core's parse_* names the field and lists the ids
}

namespace {

std::vector<int> read_hidden(const Field& f, const val& v) {
  const bool typed =
      !v.isNull() && type_of(v) == "object" && val::global("ArrayBuffer").call<bool>("isView", v);
  if (!v.isArray() && !typed) type_error(f.name, v, f.allowed);
  const double n = v["length"].as<double>();
  if (n > 1e6)
    throw ConfigError(f.name, "an array of " + initscope::format_number(n) + " widths", f.allowed);
  std::vector<int> widths;
  for (int i = 0; i < n; ++i) {
    const std::string name = std::string(f.name) + "[" + std::to_string(i) + "]";
    widths.push_back(static_cast<int>(
        read_int(name, v[i], f.lo, f.hi, int_range(int64_t(f.lo), int64_t(f.hi)))));
  }
  return widths;  // an empty list is the core's to reject (its own message)
}

void read_gain(const Field& f, const val& v, Config& c) {
  if (v.isNull() || v.isUndefined()) {
    c.gain_mode = initscope::GainMode::Default;
  } else if (type_of(v) == "string" && v.as<std::string>() == "auto") {
    c.gain_mode = initscope::GainMode::Auto;
  } else {
    c.gain_mode = initscope::GainMode::Value;
    c.gain = read_number(f, v);
  }
}

// Rejects fields not in the table, naming the first one and listing the known ones.
void check_known(const val& object, const std::vector<Field>& fields, const char* what) {
  const val keys = val::global("Object").call<val>("keys", object);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const std::string key = keys[i].as<std::string>();
    bool known = false;
    for (const auto& f : fields) known = known || key == f.name;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& f : fields) names.push_back(f.name);
      throw ConfigError(
          key, describe(object[key]),
          std::string("a known ") + what + " field, one of " + initscope::join_ids(names));
    }
  }
}

// Fills the named field of c from v (v is neither undefined nor, except for gain, null-skipped).
void assign(Config& c, const Field& f, const val& v) {
  using namespace initscope;
  const std::string n = f.name;
  if (n == "dataset")
    c.dataset = parse_dataset(read_enum(f, v));
  else if (n == "samples")
    c.samples = int(read_int(f, v));
  else if (n == "noise")
    c.noise = read_number(f, v);
  else if (n == "testFraction")
    c.test_fraction = read_number(f, v);
  else if (n == "inputDim")
    c.input_dim = int(read_int(f, v));
  else if (n == "classes")
    c.classes = int(read_int(f, v));
  else if (n == "seed")
    c.seed = static_cast<uint32_t>(read_int(f, v));
  else if (n == "hidden")
    c.hidden = read_hidden(f, v);
  else if (n == "activation")
    c.activation = parse_activation(read_enum(f, v));
  else if (n == "leakySlope")
    c.leaky_slope = read_number(f, v);
  else if (n == "init")
    c.init = parse_init(read_enum(f, v));
  else if (n == "gain")
    read_gain(f, v, c);
  else if (n == "fanMode")
    c.fan_mode = parse_fan_mode(read_enum(f, v));
  else if (n == "initValue")
    c.init_value = read_number(f, v);
  else if (n == "initStd")
    c.init_std = read_number(f, v);
  else if (n == "initBound")
    c.init_bound = read_number(f, v);
  else if (n == "weightVar")
    c.weight_var = read_number(f, v);
  else if (n == "biasVar")
    c.bias_var = read_number(f, v);
  else if (n == "optimizer")
    c.optimizer = parse_optimizer(read_enum(f, v));
  else if (n == "learningRate")
    c.learning_rate = read_number(f, v);
  else if (n == "momentum")
    c.momentum = read_number(f, v);
  else if (n == "batchSize")
    c.batch_size = int(read_int(f, v));
  else if (n == "loss")
    c.loss = parse_loss(read_enum(f, v));
  else if (n == "probeSize")
    c.probe_size = int(read_int(f, v));
  else if (n == "histBins")
    c.hist_bins = int(read_int(f, v));
}

}  // namespace

// Missing (undefined) fields keep the C++ defaults.
Config read_fields(const val& object, const std::vector<Field>& fields, const char* what,
                   const std::function<void(const Field&, const val&)>& extra) {
  Config c;
  if (object.isUndefined()) return c;
  check_object(object, what);
  check_known(object, fields, what);
  for (const auto& f : fields) {
    const val v = object[f.name];
    if (v.isUndefined() && f.kind != Kind::Gain) continue;
    // Fields that are not the Config's (sampleInit's fanIn, meanField's depth) go to `extra`.
    bool config_field = false;
    for (const auto& cf : config_fields()) config_field = config_field || f.name == cf.name;
    if (!config_field) {
      extra(f, v);
      continue;
    }
    assign(c, f, v);
  }
  return c;
}

val fields_to_js(const std::vector<Field>& fields) {
  static const char* kinds[] = {"int", "number", "enum", "hidden", "gain"};
  val out = val::array();
  for (const auto& f : fields) {
    val o = val::object();
    o.set("name", std::string(f.name));
    o.set("kind", std::string(kinds[static_cast<int>(f.kind)]));
    o.set("allowed", f.allowed);
    if (f.kind == Kind::Int || f.kind == Kind::Hidden) {
      o.set("min", f.lo);
      o.set("max", f.hi);
    }
    if (f.kind == Kind::Enum) o.set("ids", string_array(f.ids));
    out.call<void>("push", o);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Config <-> JS

Config config_from_js(const val& object) { return read_fields(object, config_fields(), "config"); }

// Round-trips: createRun(run.config) builds the same run.
val config_to_js(const Config& c) {
  using namespace initscope;
  val o = val::object();
  o.set("dataset", std::string(to_string(c.dataset)));
  o.set("samples", c.samples);
  o.set("noise", c.noise);
  o.set("testFraction", c.test_fraction);
  o.set("inputDim", c.input_dim);
  o.set("classes", c.classes);
  o.set("seed", static_cast<double>(c.seed));
  val hidden = val::array();
  for (int w : c.hidden) hidden.call<void>("push", w);
  o.set("hidden", hidden);
  o.set("activation", std::string(to_string(c.activation)));
  o.set("leakySlope", c.leaky_slope);
  o.set("init", std::string(to_string(c.init)));
  switch (c.gain_mode) {
    case GainMode::Default:
      o.set("gain", val::null());
      break;
    case GainMode::Auto:
      o.set("gain", std::string("auto"));
      break;
    case GainMode::Value:
      o.set("gain", c.gain);
      break;
  }
  o.set("fanMode", std::string(to_string(c.fan_mode)));
  o.set("initValue", c.init_value);
  o.set("initStd", c.init_std);
  o.set("initBound", c.init_bound);
  o.set("weightVar", c.weight_var);
  o.set("biasVar", c.bias_var);
  o.set("optimizer", std::string(to_string(c.optimizer)));
  o.set("learningRate", c.learning_rate);
  o.set("momentum", c.momentum);
  o.set("batchSize", c.batch_size);
  o.set("loss", std::string(to_string(c.loss)));
  o.set("probeSize", c.probe_size);
  o.set("histBins", c.hist_bins);
  return o;
}

val default_config() { return config_to_js(Config{}); }
val config_field_table() { return fields_to_js(config_fields()); }

}  // namespace js
