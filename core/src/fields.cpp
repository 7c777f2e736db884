// core/src/fields.cpp: the registry of Config fields (fields.hpp). One entry per field; every
// entry point (validate, CLI, sweeps, wasm, fields.json) loops over this table.
#include "initscope/fields.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace initscope {

// ---------------------------------------------------------------------------------------------
// FieldValue

FieldValue FieldValue::of(double v) {
  FieldValue f;
  f.type = Type::Number;
  f.number = v;
  return f;
}
FieldValue FieldValue::of(const std::string& v) {
  FieldValue f;
  f.type = Type::Text;
  f.text = v;
  return f;
}
FieldValue FieldValue::of(const std::vector<int>& v) {
  FieldValue f;
  f.type = Type::IntList;
  f.list = v;
  return f;
}
FieldValue FieldValue::of_bool(bool v) {
  FieldValue f;
  f.type = Type::Boolean;
  f.boolean = v;
  return f;
}
bool FieldValue::operator==(const FieldValue& o) const {
  if (type != o.type) return false;
  switch (type) {
    case Type::Null:
      return true;
    case Type::Number:
      return number == o.number;
    case Type::Text:
      return text == o.text;
    case Type::IntList:
      return list == o.list;
    case Type::Boolean:
      return boolean == o.boolean;
  }
  return false;
}

const char* to_string(FieldKind k) {
  switch (k) {
    case FieldKind::Integer:
      return "integer";
    case FieldKind::Number:
      return "number";
    case FieldKind::Enum:
      return "enum";
    case FieldKind::IntList:
      return "intList";
    case FieldKind::Boolean:
      return "boolean";
  }
  return "?";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Entry builders: each fills the kind, the range and the allowed text from one set of numbers,
// so the text can never disagree with the check.

std::string num(double v) { return format_number(v); }

std::string range_text(double lo, double hi, bool lo_open, bool hi_open) {
  return "a number in " + std::string(lo_open ? "(" : "[") + num(lo) + ", " + num(hi) +
         (hi_open ? ")" : "]");
}

Field integer(const char* name, const char* flag, const char* group, int64_t lo, int64_t hi,
              const char* help, const std::string& note = "") {
  Field f{};
  f.name = name;
  f.flag = flag;
  f.short_flag = "";
  f.group = group;
  f.kind = FieldKind::Integer;
  f.lo = static_cast<double>(lo);
  f.hi = static_cast<double>(hi);
  f.allowed = int_range(lo, hi) + note;
  f.help = help;
  return f;
}

Field number(const char* name, const char* flag, const char* group, double lo, double hi,
             const char* help, bool lo_open = false, bool hi_open = false) {
  Field f{};
  f.name = name;
  f.flag = flag;
  f.short_flag = "";
  f.group = group;
  f.kind = FieldKind::Number;
  f.lo = lo;
  f.hi = hi;
  f.lo_open = lo_open;
  f.hi_open = hi_open;
  f.allowed = range_text(lo, hi, lo_open, hi_open);
  f.help = help;
  return f;
}

Field enumeration(const char* name, const char* flag, const char* group,
                  const std::vector<std::string>& ids, const char* help) {
  Field f{};
  f.name = name;
  f.flag = flag;
  f.short_flag = "";
  f.group = group;
  f.kind = FieldKind::Enum;
  f.ids = ids;
  f.allowed = "one of " + join_ids(ids);
  f.help = help;
  return f;
}

// Saturating conversions: a setter never casts a value its type cannot hold (that is undefined
// behaviour). Entry points call check_type() first, so clamping only shows in tests that set
// out-of-range values directly; validate() then reports the clamped value, still out of range.
int as_int(const FieldValue& v) {
  const double x = v.number;
  if (!(x == x)) return std::numeric_limits<int>::min();
  if (x <= static_cast<double>(std::numeric_limits<int>::min()))
    return std::numeric_limits<int>::min();
  if (x >= static_cast<double>(std::numeric_limits<int>::max()))
    return std::numeric_limits<int>::max();
  return static_cast<int>(x);
}
uint32_t as_u32(const FieldValue& v) {
  const double x = v.number;
  if (!(x > 0)) return 0;
  if (x >= 4294967295.0) return 4294967295u;
  return static_cast<uint32_t>(x);
}

// Each entry's get/set/report are captureless lambdas (function pointers); the builders above
// set everything else.
std::string hidden_allowed(const SizeCaps& caps) {
  return "1.." + std::to_string(limits::kMaxDepth) + " layers of width 1.." +
         std::to_string(caps.max_width) + ", at most " + std::to_string(caps.max_parameters) +
         " parameters" + caps.note;
}

std::vector<Field> make_fields() {
  using namespace limits;
  using V = FieldValue;
  std::vector<Field> t;
  auto add = [&t](Field f, V (*get)(const Config&), void (*set)(Config&, const V&)) -> Field& {
    f.get = get;
    f.set = set;
    t.push_back(std::move(f));
    return t.back();
  };

  // data ---------------------------------------------------------------------------------------
  const char* g = "Data";
  add(
      enumeration("dataset", "dataset", g, dataset_names(), "the data to learn"),
      [](const Config& c) { return V::of(std::string(to_string(c.dataset))); },
      [](Config& c, const V& v) { c.dataset = parse_dataset(v.text); })
      .data = true;
  add(
      integer("samples", "samples", g, kMinSamples, kMaxSamples,
              "samples in total, before the train/test split"),
      [](const Config& c) { return V::of(c.samples); },
      [](Config& c, const V& v) { c.samples = as_int(v); })
      .data = true;
  add(
      number("noise", "noise", g, 0, kMaxNoise,
             "2-D toys: std of the added jitter; gaussian_nd: twice the label-flip probability; "
             "fashion_mnist: ignored"),
      [](const Config& c) { return V::of(c.noise); },
      [](Config& c, const V& v) { c.noise = v.number; })
      .data = true;
  add(
      number(
          "testFraction", "test-fraction", g, 0, kMaxTestFraction,
          "share of the samples held out for testing (at least one training sample must remain)"),
      [](const Config& c) { return V::of(c.test_fraction); },
      [](Config& c, const V& v) { c.test_fraction = v.number; })
      .data = true;
  {
    Field& f = add(
        integer("inputDim", "input-dim", g, 0, kMaxInputDim,
                "input dimension (gaussian_nd: free; fashion_mnist: 784; 2-D toys: 2)",
                " (0 = the dataset's default)"),
        [](const Config& c) { return V::of(c.input_dim); },
        [](Config& c, const V& v) { c.input_dim = as_int(v); });
    f.data = true;
    f.default_note = "0 = the dataset's (gaussian_nd 64, fashion_mnist 784, others 2)";
    f.report = [](const Config& c) { return V::of(resolved_input_dim(c)); };
  }
  {
    Field& f = add(
        integer("classes", "classes", g, 0, kMaxClasses,
                "number of classes (output units): free for spiral, gaussians and "
                "gaussian_nd (2..10)",
                " (0 = the dataset's default)"),
        [](const Config& c) { return V::of(c.classes); },
        [](Config& c, const V& v) { c.classes = as_int(v); });
    f.data = true;
    f.default_note = "0 = the dataset's (fashion_mnist 10, others 2)";
    f.report = [](const Config& c) { return V::of(resolved_classes(c)); };
  }
  add(
      integer("seed", "seed", g, 0, 4294967295LL,
              "seeds the data, the weights and the batch order"),
      [](const Config& c) { return V::of(c.seed); },
      [](Config& c, const V& v) { c.seed = as_u32(v); })
      .data = true;

  // network ------------------------------------------------------------------------------------
  g = "Network";
  {
    Field f{};
    f.name = "hidden";
    f.flag = "hidden";
    f.short_flag = "";
    f.group = g;
    f.kind = FieldKind::IntList;
    f.lo = 1;
    f.hi = size_caps().max_width;
    f.allowed = hidden_allowed(size_caps());
    f.help = "hidden widths: 128,64,32, or 64x30 for 30 layers of width 64";
    add(
        f, [](const Config& c) { return V::of(c.hidden); },
        [](Config& c, const V& v) { c.hidden = v.list; });
  }
  add(
      enumeration("activation", "activation", g, activation_names(),
                  "hidden-layer activation (the output is linear)"),
      [](const Config& c) { return V::of(std::string(to_string(c.activation))); },
      [](Config& c, const V& v) { c.activation = parse_activation(v.text); })
      .sweepable = true;
  add(
      number("leakySlope", "leaky-slope", g, 0, 1,
             "negative slope a of leaky_relu (He's gain uses it too)"),
      [](const Config& c) { return V::of(c.leaky_slope); },
      [](Config& c, const V& v) { c.leaky_slope = v.number; })
      .sweepable = true;

  // initializer --------------------------------------------------------------------------------
  g = "Initializer";
  {
    Field& f = add(
        enumeration("init", "init", g, init_names(), "the initializer"),
        [](const Config& c) { return V::of(std::string(to_string(c.init))); },
        [](Config& c, const V& v) { c.init = parse_init(v.text); });
    f.sweepable = true;
    f.per_run = true;
  }
  {
    Field& f = add(
        number("gain", "gain", g, 0, kMaxGain,
               "initializer gain; auto = calculate_gain(activation) for every "
               "initializer"),
        [](const Config& c) {
          return c.gain_mode == GainMode::Value  ? V::of(c.gain)
                 : c.gain_mode == GainMode::Auto ? V::of(std::string("auto"))
                                                 : V::null();
        },
        [](Config& c, const V& v) {
          if (v.type == V::Type::Null) {
            c.gain_mode = GainMode::Default;
          } else if (v.type == V::Type::Text) {
            if (v.text != "auto") throw ConfigError("gain", quote(v.text), "a number or \"auto\"");
            c.gain_mode = GainMode::Auto;
          } else {
            c.gain_mode = GainMode::Value;
            c.gain = v.number;
          }
        });
    f.words = {"auto"};
    f.nullable = true;
    f.allowed = "a number in [0, " + num(kMaxGain) + "] or \"auto\"";
    f.default_note = "the initializer's own (He: calculate_gain(activation), others 1)";
    f.sweepable = true;
  }
  add(
      enumeration("fanMode", "fan-mode", g, fan_mode_names(),
                  "the fan of he_uniform and he_normal"),
      [](const Config& c) { return V::of(std::string(to_string(c.fan_mode))); },
      [](Config& c, const V& v) { c.fan_mode = parse_fan_mode(v.text); })
      .sweepable = true;
  add(
      number("initValue", "init-value", g, -100, 100, "c of constant"),
      [](const Config& c) { return V::of(c.init_value); },
      [](Config& c, const V& v) { c.init_value = v.number; })
      .sweepable = true;
  add(
      number("initStd", "init-std", g, 0, 100, "s of normal and truncated_normal (pre-truncation)"),
      [](const Config& c) { return V::of(c.init_std); },
      [](Config& c, const V& v) { c.init_std = v.number; })
      .sweepable = true;
  add(
      number("initBound", "init-bound", g, 0, 100, "a of uniform U(-a, a)"),
      [](const Config& c) { return V::of(c.init_bound); },
      [](Config& c, const V& v) { c.init_bound = v.number; })
      .sweepable = true;
  {
    Field& f = add(
        number("weightVar", "weight-var", g, 0, kMaxWeightVar,
               "sigma_w^2 of mean_field: W ~ N(0, weightVar/fan_in)", true),
        [](const Config& c) { return V::of(c.weight_var); },
        [](Config& c, const V& v) { c.weight_var = v.number; });
    f.sweepable = true;
    f.per_run = true;
  }
  {
    Field& f = add(
        number("biasVar", "bias-var", g, 0, kMaxWeightVar,
               "sigma_b^2 of mean_field and orthogonal: b ~ N(0, biasVar)"),
        [](const Config& c) { return V::of(c.bias_var); },
        [](Config& c, const V& v) { c.bias_var = v.number; });
    f.sweepable = true;
    f.per_run = true;
  }

  // training -----------------------------------------------------------------------------------
  g = "Training";
  add(
      enumeration("optimizer", "optimizer", g, optimizer_names(),
                  "update rule (PyTorch's, with its defaults)"),
      [](const Config& c) { return V::of(std::string(to_string(c.optimizer))); },
      [](Config& c, const V& v) { c.optimizer = parse_optimizer(v.text); })
      .sweepable = true;
  {
    Field& f = add(
        number("learningRate", "learning-rate", g, 0, kMaxLearningRate, "step size", true),
        [](const Config& c) { return V::of(c.learning_rate); },
        [](Config& c, const V& v) { c.learning_rate = v.number; });
    f.short_flag = "lr";
    f.sweepable = true;
  }
  add(
      number("momentum", "momentum", g, 0, 1, "mu of the momentum optimizer", false, true),
      [](const Config& c) { return V::of(c.momentum); },
      [](Config& c, const V& v) { c.momentum = v.number; })
      .sweepable = true;
  add(
      integer("batchSize", "batch-size", g, 0, kMaxSamples,
              "rows per update; 0 = the full training set",
              " (0 = full batch; at most the training samples)"),
      [](const Config& c) { return V::of(c.batch_size); },
      [](Config& c, const V& v) { c.batch_size = as_int(v); })
      .sweepable = true;
  add(
      enumeration("loss", "loss", g, loss_names(), "mean over the batch"),
      [](const Config& c) { return V::of(std::string(to_string(c.loss))); },
      [](Config& c, const V& v) { c.loss = parse_loss(v.text); })
      .sweepable = true;

  // statistics ---------------------------------------------------------------------------------
  g = "Statistics";
  add(
      integer("probeSize", "probe-size", g, 1, kMaxProbe,
              "rows of the fixed probe batch (the first of the training set)"),
      [](const Config& c) { return V::of(c.probe_size); },
      [](Config& c, const V& v) { c.probe_size = as_int(v); })
      .sweepable = true;
  add(
      integer("histBins", "hist-bins", g, kMinHistBins, kMaxHistBins,
              "bins of the post-activation histograms"),
      [](const Config& c) { return V::of(c.hist_bins); },
      [](Config& c, const V& v) { c.hist_bins = as_int(v); })
      .sweepable = true;

  // width parametrization (spec/parametrizations.md) ------------------------------------------
  g = "Parametrization";
  add(
      enumeration("parametrization", "parametrization", g, parametrization_names(),
                  "how the initial scale and learning rates follow the width: sp (standard), "
                  "ntk (neural tangent), mup (maximal update, as the mup package)"),
      [](const Config& c) { return V::of(std::string(to_string(c.parametrization))); },
      [](Config& c, const V& v) { c.parametrization = parse_parametrization(v.text); })
      .sweepable = true;
  t.back().per_run = true;
  add(
      integer("baseWidth", "base-width", g, 1, kMaxWidth,
              "n0: the width at which ntk's and mup's learning rates equal sp's; r = width / n0"),
      [](const Config& c) { return V::of(c.base_width); },
      [](Config& c, const V& v) { c.base_width = as_int(v); })
      .sweepable = true;
  add(
      number("outputMultiplier", "output-multiplier", g, 0, kMaxMultiplier,
             "mup: the readout computes outputMultiplier / r_L times its weights' product", true),
      [](const Config& c) { return V::of(c.output_multiplier); },
      [](Config& c, const V& v) { c.output_multiplier = v.number; })
      .sweepable = true;
  add(
      number("inputMultiplier", "input-multiplier", g, 0, kMaxMultiplier,
             "im: the input layer stores W / sqrt(im) and multiplies by sqrt(im) (same function, "
             "im times its SGD rate)",
             true),
      [](const Config& c) { return V::of(c.input_multiplier); },
      [](Config& c, const V& v) { c.input_multiplier = v.number; })
      .sweepable = true;
  {
    Field f{};
    f.name = "readoutZeroInit";
    f.flag = "readout-zero-init";
    f.short_flag = "";
    f.group = g;
    f.kind = FieldKind::Boolean;
    f.allowed = "true or false";
    f.help = "mup: start the readout's weights and bias at 0";
    add(
        f, [](const Config& c) { return V::of_bool(c.readout_zero_init); },
        [](Config& c, const V& v) { c.readout_zero_init = v.boolean; })
        .sweepable = false;
  }

  // depth (spec/residual.md) ----------------------------------------------------------------
  g = "Depth";
  add(
      enumeration("architecture", "architecture", g, architecture_names(),
                  "plain: the MLP; residual: hidden = n x B is a stem n, B blocks on the "
                  "residual stream and the readout"),
      [](const Config& c) { return V::of(std::string(to_string(c.architecture))); },
      [](Config& c, const V& v) { c.architecture = parse_architecture(v.text); })
      .sweepable = true;
  add(
      integer("blockLayers", "block-layers", g, 1, 2,
              "linear layers per residual branch: 1: W phi(x) + b; 2: W2 phi(W1 x + b1) + b2"),
      [](const Config& c) { return V::of(c.block_layers); },
      [](Config& c, const V& v) { c.block_layers = as_int(v); })
      .sweepable = true;
  {
    Field& f = add(
        number("residualScale", "residual-scale", g, 0, kMaxResidualScale,
               "alpha, the branch's constant scale: x + alpha f(x); one, inv_sqrt_depth "
               "(1/sqrt(B)), inv_sqrt_2depth (GPT-2), inv_depth (1/B) or a number",
               true),
        [](const Config& c) {
          return c.residual_scale == ResidualScale::value
                     ? V::of(c.residual_scale_value)
                     : V::of(std::string(to_string(c.residual_scale)));
        },
        [](Config& c, const V& v) {
          if (v.type == V::Type::Text) {
            c.residual_scale = parse_residual_scale(v.text);
          } else {
            c.residual_scale = ResidualScale::value;
            c.residual_scale_value = v.number;
          }
        });
    f.words = residual_scale_names();
    f.allowed = "a number in (0, " + num(kMaxResidualScale) + "] or one of " +
                join_ids(residual_scale_names());
    f.sweepable = true;
    f.per_run = true;
  }
  add(
      enumeration("residualGate", "residual-gate", g, residual_gate_names(),
                  "g in x + alpha g f(x): none (1) or rezero (a trained scalar per block, "
                  "starting at 0)"),
      [](const Config& c) { return V::of(std::string(to_string(c.residual_gate))); },
      [](Config& c, const V& v) { c.residual_gate = parse_residual_gate(v.text); })
      .sweepable = true;
  t.back().per_run = true;
  add(
      enumeration("norm", "norm", g, norm_names(),
                  "normalization: LayerNorm, RMSNorm or BatchNorm1d (PyTorch's), in every block "
                  "(residual) or after every hidden Linear (plain)"),
      [](const Config& c) { return V::of(std::string(to_string(c.norm))); },
      [](Config& c, const V& v) { c.norm = parse_norm(v.text); })
      .sweepable = true;
  t.back().per_run = true;
  add(
      enumeration("normPosition", "norm-position", g, norm_position_names(),
                  "residual: pre (x + f(N(x)), and N before the readout) or post (N(x + f(x)))"),
      [](const Config& c) { return V::of(std::string(to_string(c.norm_position))); },
      [](Config& c, const V& v) { c.norm_position = parse_norm_position(v.text); })
      .sweepable = true;
  t.back().per_run = true;

  // Data fields are sweepable too (a sweep's cells may differ in their data).
  for (Field& f : t)
    if (f.data && f.kind != FieldKind::Enum && std::string(f.name) != "seed") f.sweepable = true;
  for (Field& f : t)
    if (std::string(f.name) == "dataset") f.sweepable = true;
  return t;
}

bool in_range(const Field& f, double x) {
  if (!std::isfinite(x)) return false;
  if (f.lo_open ? x <= f.lo : x < f.lo) return false;
  if (f.hi_open ? x >= f.hi : x > f.hi) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON (fields.json, engine.configFields())

void json_string(std::string& out, const std::string& s) { out += quote(s); }
void json_value(std::string& out, const FieldValue& v) {
  switch (v.type) {
    case FieldValue::Type::Null:
      out += "null";
      break;
    case FieldValue::Type::Number:
      out += format_number(v.number);
      break;
    case FieldValue::Type::Text:
      json_string(out, v.text);
      break;
    case FieldValue::Type::Boolean:
      out += v.boolean ? "true" : "false";
      break;
    case FieldValue::Type::IntList:
      out += "[";
      for (std::size_t i = 0; i < v.list.size(); ++i)
        out += (i ? "," : "") + std::to_string(v.list[i]);
      out += "]";
      break;
  }
}
void json_ids(std::string& out, const std::vector<std::string>& ids) {
  out += "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ",";
    json_string(out, ids[i]);
  }
  out += "]";
}

std::vector<Field>& registry() {
  static std::vector<Field> t = make_fields();
  return t;
}

SizeCaps& current_caps() {
  static SizeCaps c = page_caps();
  return c;
}

}  // namespace

SizeCaps page_caps() {
  using namespace limits;
  return {kMaxWidth, kMaxParameters, kMaxActivations,
          " (the page's caps; the native CLI allows width " + std::to_string(kNativeMaxWidth) +
              " and " + std::to_string(kNativeMaxParameters) + " parameters)"};
}

SizeCaps native_caps() {
  using namespace limits;
  return {kNativeMaxWidth, kNativeMaxParameters, kNativeMaxActivations,
          " (the native CLI's caps; the page's are width " + std::to_string(kMaxWidth) + " and " +
              std::to_string(kMaxParameters) + " parameters)"};
}

const SizeCaps& size_caps() { return current_caps(); }

void set_size_caps(const SizeCaps& caps) {
  current_caps() = caps;
  for (Field& f : registry())
    if (f.name == std::string("hidden")) {
      f.hi = caps.max_width;
      f.allowed = hidden_allowed(caps);
    }
}

const std::vector<Field>& fields() { return registry(); }

const Field* find_field(const std::string& name) {
  for (const Field& f : fields())
    if (name == f.name) return &f;
  return nullptr;
}

const Field& field(const std::string& name) {
  if (const Field* f = find_field(name)) return *f;
  throw std::out_of_range("no config field named " + name);
}

void check_field(const Field& f, const Config& c) {
  const FieldValue v = f.get(c);
  switch (f.kind) {
    case FieldKind::Integer:
    case FieldKind::Number:
      if (v.type == FieldValue::Type::Number && !in_range(f, v.number))
        throw ConfigError(f.name, format_number(v.number), f.allowed);
      break;
    case FieldKind::IntList:
      for (std::size_t i = 0; i < v.list.size(); ++i)
        if (!in_range(f, v.list[i]))
          throw ConfigError(std::string(f.name) + "[" + std::to_string(i) + "]",
                            std::to_string(v.list[i]), list_item_allowed(f));
      break;
    case FieldKind::Enum:
    case FieldKind::Boolean:
      break;  // the Config's type holds only valid values
  }
}

std::string list_item_allowed(const Field& f) {
  return int_range(static_cast<int64_t>(f.lo), static_cast<int64_t>(f.hi)) +
         (f.name == std::string("hidden") ? size_caps().note : "");
}

void check_type(const Field& f, const FieldValue& v, const std::string& shown_value) {
  using T = FieldValue::Type;
  const auto bad = [&] { throw ConfigError(f.name, shown_value, f.allowed); };
  if (v.type == T::Null) {
    if (!f.nullable) bad();
    return;
  }
  switch (f.kind) {
    case FieldKind::Integer:
      if (v.type != T::Number || !std::isfinite(v.number) || std::floor(v.number) != v.number ||
          v.number < f.lo || v.number > f.hi)
        bad();
      break;
    case FieldKind::Number:
      if (v.type == T::Text) {
        bool known = false;
        for (const std::string& w : f.words) known = known || w == v.text;
        if (!known) bad();
      } else if (v.type != T::Number || !std::isfinite(v.number)) {
        bad();
      }
      break;
    case FieldKind::Enum: {
      if (v.type != T::Text) bad();
      bool known = false;
      for (const std::string& id : f.ids) known = known || id == v.text;
      if (!known) bad();
      break;
    }
    case FieldKind::IntList:
      if (v.type != T::IntList) bad();
      break;
    case FieldKind::Boolean:
      if (v.type != T::Boolean) bad();
      break;
  }
}

std::string value_text(const FieldValue& v) {
  switch (v.type) {
    case FieldValue::Type::Null:
      return "default";
    case FieldValue::Type::Number:
      return format_number(v.number);
    case FieldValue::Type::Text:
      return v.text;
    case FieldValue::Type::Boolean:
      return v.boolean ? "true" : "false";
    case FieldValue::Type::IntList: {
      std::string out;
      for (std::size_t i = 0; i < v.list.size(); ++i)
        out += (i ? "," : "") + std::to_string(v.list[i]);
      return out;
    }
  }
  return "";
}

std::string fields_json() {
  const Config defaults;
  std::string out = "{\"version\":1,\"fields\":[";
  bool first = true;
  for (const Field& f : fields()) {
    out += first ? "" : ",";
    first = false;
    out += "{\"name\":";
    json_string(out, f.name);
    out += ",\"flag\":";
    json_string(out, f.flag);
    out += ",\"short\":";
    json_string(out, f.short_flag);
    out += ",\"group\":";
    json_string(out, f.group);
    out += ",\"kind\":";
    json_string(out, to_string(f.kind));
    out += ",\"ids\":";
    json_ids(out, f.ids);
    out += ",\"words\":";
    json_ids(out, f.words);
    out += std::string(",\"nullable\":") + (f.nullable ? "true" : "false");
    out += ",\"min\":" + format_number(f.lo) + ",\"max\":" + format_number(f.hi);
    out += std::string(",\"minOpen\":") + (f.lo_open ? "true" : "false");
    out += std::string(",\"maxOpen\":") + (f.hi_open ? "true" : "false");
    out += ",\"allowed\":";
    json_string(out, f.allowed);
    if (f.kind == FieldKind::IntList) {
      out += ",\"itemAllowed\":";  // the wording for one bad element, e.g. hidden[1]
      json_string(out, list_item_allowed(f));
    }
    out += ",\"help\":";
    json_string(out, f.help);
    out += ",\"defaultNote\":";
    json_string(out, f.default_note);
    out += ",\"default\":";
    json_value(out, f.get(defaults));
    out += std::string(",\"data\":") + (f.data ? "true" : "false");
    out += std::string(",\"sweepable\":") + (f.sweepable ? "true" : "false");
    out += std::string(",\"perRun\":") + (f.per_run ? "true" : "false");
    out += "}";
  }
  return out + "]}";
}

}  // namespace initscope
