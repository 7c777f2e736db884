// wasm/adapters.cpp: JS values <-> initscope, for the Embind registrations in bindings.cpp.
// See adapters.hpp for why errors are returned rather than thrown.
#include "adapters.hpp"

#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "initscope/activation.hpp"
#include "initscope/config.hpp"
#include "initscope/image_data.hpp"
#include "initscope/init.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/presets.hpp"
#include "initscope/rng.hpp"

namespace js {

using emscripten::typed_memory_view;
using initscope::Config;
using initscope::ConfigError;
using initscope::int_range;

namespace {

// ---------------------------------------------------------------------------------------------
// Error translation: run `body`, turn any C++ exception into a returned JS Error.

val error_object(const std::string& message) { return val::global("Error").new_(message); }

val guarded(const std::function<val()>& body) {
  std::string message;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    message = "out of memory: the network or dataset does not fit in the page's memory";
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "internal error (unknown C++ exception)";
  }
  return error_object(message);
}

// ---------------------------------------------------------------------------------------------
// Copies out of the wasm heap (a typed_memory_view dies when memory grows; slice() copies).

template <typename T>
val copy_out(const T* p, std::size_t n) {
  return val(typed_memory_view(n, p)).call<val>("slice");
}
template <typename T>
val copy_out(const std::vector<T>& v) {
  return copy_out(v.data(), v.size());
}

val string_array(const std::vector<std::string>& ids) {
  val out = val::array();
  for (const auto& s : ids) out.call<void>("push", s);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The config fields: one table that both the C++ reader and web/js/validate.js use (it is
// exported as engine.configFields()), so the two can never disagree on a name or a message.

enum class Kind { Int, Number, Enum, Hidden, Gain };

struct Field {
  const char* name;
  Kind kind;
  std::string allowed;           // the "expected ..." text of a type error
  double lo = 0, hi = 0;         // Int: the integer range accepted before the core's validate()
  std::vector<std::string> ids;  // Enum: the valid ids
};

Field int_field(const char* name, long long lo, long long hi, const std::string& note = "") {
  return {name, Kind::Int, int_range(lo, hi) + note, double(lo), double(hi), {}};
}
Field number_field(const char* name, const std::string& allowed) {
  return {name, Kind::Number, allowed, 0, 0, {}};
}
Field enum_field(const char* name, const std::vector<std::string>& ids) {
  return {name, Kind::Enum, "one of " + initscope::join_ids(ids), 0, 0, ids};
}
const std::string kGainAllowed = "a number in [0, " +
                                 initscope::format_number(initscope::limits::kMaxGain) +
                                 "] or \"auto\" (null or unset: the initializer's default)";
constexpr double kMaxSeed = 4294967295.0;

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

// engine.sampleInit: the initializer's fields only. fanIn x fanOut is capped like a network.
const std::vector<Field>& sample_fields() {
  using initscope::limits::kMaxParameters;
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    for (const char* name : {"init", "seed", "activation", "leakySlope", "gain", "fanMode",
                             "initValue", "initStd", "initBound", "weightVar"}) {
      for (const auto& c : config_fields())
        if (std::string(c.name) == name) f.push_back(c);
    }
    f.insert(f.begin() + 1, int_field("fanIn", 1, kMaxParameters));
    f.insert(f.begin() + 2, int_field("fanOut", 1, kMaxParameters));
    return f;
  }();
  return fields;
}

std::string type_of(const val& v) { return v.typeOf().as<std::string>(); }

// The value as the message shows it. Only primitives are spelled out: formatting an arbitrary
// object here could call back into user JS that throws (web/js/validate.js formats those).
std::string describe(const val& v) {
  const std::string t = type_of(v);
  if (t == "string") return initscope::quote(v.as<std::string>());
  if (t == "number") return initscope::format_number(v.as<double>());
  if (t == "boolean") return v.as<bool>() ? "true" : "false";
  if (t == "undefined") return "undefined";
  if (v.isNull()) return "null";
  if (v.isArray()) return "an array";
  return "a " + t;
}

[[noreturn]] void type_error(const std::string& name, const val& v, const std::string& allowed) {
  throw ConfigError(name, describe(v), allowed);
}

double read_number(const Field& f, const val& v) {
  if (type_of(v) != "number") type_error(f.name, v, f.allowed);
  const double x = v.as<double>();
  if (!std::isfinite(x)) type_error(f.name, v, f.allowed);
  return x;
}

// An integer in [lo, hi] (taken as double: Embind would turn NaN into 0 and 1.5 into 1).
long long read_int(const std::string& name, const val& v, double lo, double hi,
                   const std::string& allowed) {
  if (type_of(v) != "number") type_error(name, v, allowed);
  const double x = v.as<double>();
  if (!std::isfinite(x) || std::floor(x) != x || x < lo || x > hi) type_error(name, v, allowed);
  return static_cast<long long>(x);
}
long long read_int(const Field& f, const val& v) {
  return read_int(f.name, v, f.lo, f.hi, f.allowed);
}

std::string read_enum(const Field& f, const val& v) {
  if (type_of(v) != "string") type_error(f.name, v, f.allowed);
  return v.as<std::string>();  // the core's parse_* names the field and lists the ids
}

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

void check_object(const val& object, const char* what) {
  if (object.isNull() || type_of(object) != "object" || object.isArray())
    throw ConfigError(what, describe(object), "an object");
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

// Missing (undefined) fields keep the C++ defaults.
Config read_fields(const val& object, const std::vector<Field>& fields, const char* what,
                   const std::function<void(const Field&, const val&)>& extra = {}) {
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

}  // namespace

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

// ---------------------------------------------------------------------------------------------
// Engine-level lists

val initializers() {
  val out = val::array();
  for (const auto& i : initscope::initializer_infos()) {
    val o = val::object();
    o.set("id", std::string(i.name));
    o.set("label", std::string(i.label));
    o.set("formula", std::string(i.formula));
    out.call<void>("push", o);
  }
  return out;
}

val activations() { return string_array(initscope::activation_names()); }
val optimizers() { return string_array(initscope::optimizer_names()); }
val losses() { return string_array(initscope::loss_names()); }

namespace {
val dataset_to_js(const initscope::DatasetInfo& d) {
  using initscope::limits::kMaxSamples;
  val o = val::object();
  o.set("id", std::string(d.name));
  o.set("label", std::string(d.label));
  o.set("inputDim", d.input_dim);
  o.set("classes", d.classes);
  o.set("needsLoad", d.data_file != nullptr);
  const auto pool = d.data_file ? initscope::image_pool(d.id) : nullptr;
  o.set("loaded", d.data_file == nullptr || pool != nullptr);
  o.set("file", d.data_file ? val(std::string(d.data_file)) : val::null());
  if (!d.data_file)
    o.set("maxSamples", kMaxSamples);
  else
    o.set("maxSamples", pool ? val(std::min(pool->count, kMaxSamples)) : val::null());
  return o;
}
}  // namespace

val datasets() {
  val out = val::array();
  for (const auto& d : initscope::dataset_infos()) out.call<void>("push", dataset_to_js(d));
  return out;
}

val limits() {
  using namespace initscope::limits;
  val o = val::object();
  o.set("maxDepth", kMaxDepth);
  o.set("maxWidth", kMaxWidth);
  o.set("minSamples", kMinSamples);
  o.set("maxSamples", kMaxSamples);
  o.set("maxInputDim", kMaxInputDim);
  o.set("maxClasses", kMaxClasses);
  o.set("maxParameters", static_cast<double>(kMaxParameters));
  o.set("maxActivations", static_cast<double>(kMaxActivations));
  o.set("maxLearningRate", kMaxLearningRate);
  o.set("maxNoise", kMaxNoise);
  o.set("maxTestFraction", kMaxTestFraction);
  o.set("maxProbe", kMaxProbe);
  o.set("minHistBins", kMinHistBins);
  o.set("maxHistBins", kMaxHistBins);
  o.set("maxGain", kMaxGain);
  return o;
}

val default_config() { return config_to_js(Config{}); }

namespace {
val number_array(const std::vector<double>& v) {
  val out = val::array();
  for (double x : v) out.call<void>("push", x);
  return out;
}
}  // namespace

val presets() {
  val out = val::array();
  for (const initscope::Preset& p : initscope::presets()) {
    val o = val::object();
    o.set("id", p.id);
    o.set("chapter", p.chapter);
    o.set("label", p.label);
    o.set("source", p.source);
    o.set("what", p.what);
    o.set("watch", p.watch);
    val inits = val::array();
    for (initscope::Init i : p.inits)
      inits.call<void>("push", std::string(initscope::to_string(i)));
    o.set("inits", inits);
    o.set("weightVars", number_array(p.weight_vars));
    o.set("biasVars", number_array(p.bias_vars));
    o.set("config", config_to_js(p.config));
    val runs = val::array();
    for (const Config& c : initscope::preset_run_configs(p))
      runs.call<void>("push", config_to_js(c));
    o.set("runs", runs);
    // A sweep preset's axes in the shape views/sweep.js configure() takes; null otherwise.
    if (p.sweep.x.empty()) {
      o.set("sweep", val::null());
    } else {
      val s = val::object();
      const auto axis = [&s](const std::string& spec, const char* field, const char* values) {
        const std::size_t eq = spec.find('=');
        s.set(field, spec.substr(0, eq));
        s.set(values, spec.substr(eq + 1));
      };
      axis(p.sweep.x, "xField", "xSpec");
      if (!p.sweep.y.empty()) axis(p.sweep.y, "yField", "ySpec");
      s.set("steps", static_cast<double>(p.sweep.steps));
      s.set("seeds", p.sweep.seeds);
      s.set("metric", p.sweep.metric);
      s.set("fixed", val::object());
      o.set("sweep", s);
    }
    out.call<void>("push", o);
  }
  return out;
}
val config_field_table() { return fields_to_js(config_fields()); }
val sample_field_table() { return fields_to_js(sample_fields()); }

double heap_bytes() { return static_cast<double>(emscripten_get_heap_size()); }
double heap_used_bytes() { return static_cast<double>(mallinfo().uordblks); }

// ---------------------------------------------------------------------------------------------
// engine.sampleInit

val sample_init(val options) {
  return guarded([&] {
    long long fan_in = 1, fan_out = 1;
    bool has_in = false, has_out = false;
    Config c =
        read_fields(options, sample_fields(), "sampleInit", [&](const Field& f, const val& v) {
          if (std::string(f.name) == "fanIn")
            fan_in = read_int(f, v), has_in = true;
          else
            fan_out = read_int(f, v), has_out = true;
        });
    if (!has_in) throw ConfigError("fanIn", "undefined", sample_fields()[1].allowed);
    if (!has_out) throw ConfigError("fanOut", "undefined", sample_fields()[2].allowed);
    const long long cap = initscope::limits::kMaxParameters;
    if (fan_in * fan_out > cap)
      throw ConfigError("fanOut", std::to_string(fan_out),
                        "an integer with fanIn x fanOut <= " + std::to_string(cap) + " (at most " +
                            std::to_string(cap / fan_in) + " for fanIn " + std::to_string(fan_in) +
                            ")");
    if (c.init == initscope::Init::lsuv)
      throw ConfigError("init", "\"lsuv\"",
                        "a data-free initializer: lsuv rescales each layer on a batch of data, "
                        "so it exists only inside a run (use createRun)");
    initscope::validate(c);  // gain, slope, std, bound (the data and network fields are defaults)
    initscope::Rng rng(c.seed, initscope::stream::kSample);
    const initscope::Matrix w =
        initscope::init_weights(c.init, std::size_t(fan_out), std::size_t(fan_in), c, rng);
    return copy_out(w.data(), w.size());
  });
}

// ---------------------------------------------------------------------------------------------
// engine.loadDataset

val load_dataset(val id, val bytes) {
  return guarded([&] {
    const initscope::DatasetKind kind =
        initscope::parse_dataset(read_enum(enum_field("dataset", initscope::dataset_names()), id));
    if (!bytes.instanceof (val::global("Uint8Array")))
      type_error("bytes", bytes, "a Uint8Array (the bytes of the dataset's file)");
    const std::vector<uint8_t> data = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    auto pool = std::make_shared<const initscope::ImagePool>(
        initscope::parse_image_pool(data.data(), data.size()));
    initscope::register_image_pool(kind, std::move(pool));
    return dataset_to_js(initscope::dataset_info(kind));
  });
}

// ---------------------------------------------------------------------------------------------
// RunHandle

RunHandle::RunHandle(const Config& config) : run_(new initscope::Run(config)) {}

val create_run(val config) {
  return guarded([&] {
    const Config c = config_from_js(config);
    // JS owns it (Embind wraps the released pointer): engine.js calls .delete() in dispose().
    return val(std::make_unique<RunHandle>(c));
  });
}

val RunHandle::step(val n) {
  return guarded([&] {
    const auto k = read_int("n", n, 0, 2147483647.0, int_range(0, 2147483647));
    const initscope::StepResult r = run_->step(static_cast<int>(k));
    val o = val::object();
    o.set("step", static_cast<double>(r.step));
    o.set("loss", r.loss);
    return o;
  });
}

val RunHandle::evaluate() {
  return guarded([&] {
    const initscope::Evaluation e = run_->evaluate();
    val o = val::object();
    o.set("step", static_cast<double>(e.step));
    o.set("trainLoss", e.train_loss);
    o.set("testLoss", e.test_loss);
    o.set("trainAccuracy", e.train_accuracy);
    o.set("testAccuracy", e.test_accuracy);
    o.set("diverged", e.diverged_at ? val(static_cast<double>(*e.diverged_at)) : val::null());
    return o;
  });
}

val RunHandle::layer_stats() {
  return guarded([&] {
    const std::vector<initscope::LayerStats> stats = run_->layer_stats();
    using Member = double initscope::LayerStats::*;
    const std::pair<const char*, Member> columns[] = {
        {"preMean", &initscope::LayerStats::pre_mean},
        {"preVar", &initscope::LayerStats::pre_var},
        {"postMean", &initscope::LayerStats::post_mean},
        {"postVar", &initscope::LayerStats::post_var},
        {"deadFraction", &initscope::LayerStats::dead_fraction},
        {"gradVar", &initscope::LayerStats::grad_var},
        {"weightGradVar", &initscope::LayerStats::weight_grad_var},
        {"weightVar", &initscope::LayerStats::weight_var},
        {"theoryVar", &initscope::LayerStats::theory_var},
        {"corr", &initscope::LayerStats::corr},
        {"theoryCorr", &initscope::LayerStats::theory_corr},
        {"theoryGradVar", &initscope::LayerStats::theory_grad_var},
    };
    val o = val::object();
    std::vector<double> column(stats.size());
    for (const auto& [name, member] : columns) {
      for (std::size_t l = 0; l < stats.size(); ++l) column[l] = stats[l].*member;
      o.set(name, copy_out(column));
    }
    val symmetric = val::array();
    val counts = val::array();
    for (const auto& s : stats) {
      symmetric.call<void>("push", s.symmetric);
      counts.call<void>("push", copy_out(s.histogram));
    }
    o.set("symmetric", symmetric);
    o.set("theoryExact", initscope::theory_is_exact(run_->config().activation));
    const initscope::HistogramSpec& spec = run_->hist_spec();
    std::vector<double> lo(stats.size()), hi(stats.size()), below(stats.size()),
        above(stats.size());
    for (std::size_t l = 0; l < stats.size(); ++l) {
      lo[l] = spec.lo_at(l), hi[l] = spec.hi_at(l);
      below[l] = stats[l].below, above[l] = stats[l].above;
    }
    val hist = val::object();
    hist.set("lo",
             copy_out(lo));  // per layer, fixed at step 0 (stats.hpp histogram_spec_from_data)
    hist.set("hi", copy_out(hi));
    hist.set("bins", spec.bins);
    hist.set("counts", counts);
    hist.set("below", copy_out(below));  // values outside [lo, hi], per layer
    hist.set("above", copy_out(above));
    o.set("histogram", hist);
    return o;
  });
}

namespace {
std::size_t read_layer(const val& layer, const initscope::Run& run) {
  const double last = static_cast<double>(run.net().num_layers() - 1);
  return static_cast<std::size_t>(read_int("layer", layer, 0, last, int_range(0, int64_t(last))));
}
}  // namespace

val RunHandle::weights(val layer) {
  return guarded([&] {
    const initscope::Matrix& w = run_->net().layers[read_layer(layer, *run_)].W;
    return copy_out(w.data(), w.size());
  });
}

val RunHandle::biases(val layer) {
  return guarded([&] {
    const initscope::Vector& b = run_->net().layers[read_layer(layer, *run_)].b;
    return copy_out(b.data(), b.size());
  });
}

val RunHandle::dataset() {
  return guarded([&] {
    const initscope::Dataset& d = run_->dataset();
    val o = val::object();
    o.set("xTrain", copy_out(d.x_train.data(), d.x_train.size()));
    o.set("yTrain", copy_out(d.y_train));
    o.set("xTest", copy_out(d.x_test.data(), d.x_test.size()));
    o.set("yTest", copy_out(d.y_test));
    o.set("inputDim", d.input_dim);
    o.set("classes", d.classes);
    val bounds = val::array();
    for (double b : d.bounds) bounds.call<void>("push", b);
    o.set("bounds", bounds);
    return o;
  });
}

val RunHandle::predict_grid(val resolution) {
  return guarded([&] {
    // Only the type is checked here; Run::predict_grid owns the range (2..256) and says so.
    const auto res =
        read_int("resolution", resolution, -2147483648.0, 2147483647.0, "an integer in 2..256");
    return copy_out(run_->predict_grid(static_cast<int>(res)));
  });
}

val RunHandle::jacobian_spectrum() {
  return guarded([&] {
    const initscope::JacobianSpectrum s = run_->jacobian_spectrum();
    val values = val::array();
    for (const auto& v : s.singular_values) values.call<void>("push", copy_out(v));
    val o = val::object();
    o.set("singularValues", values);
    o.set("meanSquared", s.mean_squared);
    o.set("theoryMeanSquared", s.theory_mean_squared);
    o.set("firstLayer", s.first_layer);
    o.set("lastLayer", s.last_layer);
    return o;
  });
}

val RunHandle::predict_test(val n) {
  return guarded([&] {
    const auto k = read_int("n", n, 0, 2147483647.0, int_range(0, 2147483647));
    return copy_out(run_->predict_test(static_cast<int>(k)));
  });
}

val RunHandle::class_accuracy() {
  return guarded([&] { return copy_out(run_->class_accuracy()); });
}

double RunHandle::step_count() const { return static_cast<double>(run_->steps_done()); }

val RunHandle::config() const {
  // Resolved: inputDim and classes are the dataset's actual sizes, never 0.
  Config c = run_->config();
  c.input_dim = initscope::resolved_input_dim(c);
  c.classes = initscope::resolved_classes(c);
  return config_to_js(c);
}

// ---------------------------------------------------------------------------------------------
// engine.meanField, engine.criticalWeightVar

namespace {
// The network fields of the theory (named as in createRun) and its own: depth, q0, c0.
const std::vector<Field>& theory_fields(bool with_input) {
  auto pick = [](std::vector<Field>& out, std::initializer_list<const char*> names) {
    for (const char* name : names)
      for (const auto& c : config_fields())
        if (std::string(c.name) == name) out.push_back(c);
  };
  static const std::vector<Field> full = [&] {
    std::vector<Field> f;
    pick(f, {"activation", "leakySlope", "weightVar", "biasVar"});
    f.push_back(int_field("depth", 1, initscope::kMaxTheoryDepth));
    f.push_back(number_field("q0", "a number in (0, 1e6]"));
    f.push_back(number_field("c0", "a number in [-1, 1]"));
    return f;
  }();
  static const std::vector<Field> critical = [&] {
    std::vector<Field> f;
    pick(f, {"activation", "leakySlope", "biasVar"});
    return f;
  }();
  return with_input ? full : critical;
}

// engine.phaseDiagram: the activation and the grid.
const std::vector<Field>& phase_fields() {
  static const std::vector<Field> f = [] {
    std::vector<Field> out;
    for (const auto& c : config_fields())
      if (std::string(c.name) == "activation" || std::string(c.name) == "leakySlope")
        out.push_back(c);
    const std::string cap = initscope::format_number(initscope::limits::kMaxWeightVar);
    out.push_back(number_field("wMax", "a number in (0, " + cap + "]"));
    out.push_back(number_field("bMax", "a number in (0, " + cap + "]"));
    out.push_back(int_field("nx", 2, initscope::kMaxPhaseCells));
    out.push_back(int_field("ny", 2, initscope::kMaxPhaseCells));
    return out;
  }();
  return f;
}

val numbers_or_null(double v) { return std::isfinite(v) ? val(v) : val::null(); }
}  // namespace

val mean_field(val options) {
  return guarded([&] {
    initscope::MeanFieldQuery q;
    const Config c =
        read_fields(options, theory_fields(true), "meanField", [&](const Field& f, const val& v) {
          const std::string n = f.name;
          if (n == "depth")
            q.depth = static_cast<int>(read_int(f, v));
          else if (n == "q0")
            q.q0 = read_number(f, v);
          else
            q.c0 = read_number(f, v);
        });
    q.params = {c.activation, c.leaky_slope, c.weight_var, c.bias_var};
    const initscope::MeanFieldResult r = initscope::mean_field(q);
    val o = val::object();
    o.set("q", copy_out(r.q));
    o.set("c", copy_out(r.c));
    // Infinity is meaningful here (a diverging length, xi at criticality) and JS has it; NaN
    // (xiQ when q* is infinite) becomes null so no chart draws it.
    auto number = [](double v) { return std::isnan(v) ? val::null() : val(v); };
    o.set("qStar", number(r.q_star));
    o.set("cStar", number(r.c_star));
    o.set("chi1", number(r.chi_1));
    o.set("chiC", number(r.chi_c));
    o.set("xiQ", number(r.xi_q));
    o.set("xiC", number(r.xi_c));
    o.set("phase", std::string(initscope::to_string(r.phase)));
    return o;
  });
}

val phase_diagram(val options) {
  return guarded([&] {
    initscope::PhaseGridQuery q;
    const Config c =
        read_fields(options, phase_fields(), "phaseDiagram", [&](const Field& f, const val& v) {
          const std::string n = f.name;
          if (n == "wMax")
            q.w_max = read_number(f, v);
          else if (n == "bMax")
            q.b_max = read_number(f, v);
          else if (n == "nx")
            q.nx = static_cast<int>(read_int(f, v));
          else
            q.ny = static_cast<int>(read_int(f, v));
        });
    q.activation = c.activation;
    q.leaky_slope = c.leaky_slope;
    const initscope::PhaseGrid g = initscope::phase_grid(q);
    val o = val::object();
    o.set("chi1", copy_out(g.chi_1));
    o.set("xiC", copy_out(g.xi_c));  // Infinity at criticality, as meanField's
    return o;
  });
}

val phase_field_table() { return fields_to_js(phase_fields()); }

val mean_field_field_table() { return fields_to_js(theory_fields(true)); }
val critical_field_table() { return fields_to_js(theory_fields(false)); }

val critical_weight_var(val options) {
  return guarded([&] {
    const Config c = read_fields(options, theory_fields(false), "criticalWeightVar");
    return numbers_or_null(initscope::critical_weight_var(c.activation, c.leaky_slope, c.bias_var));
  });
}

}  // namespace js
