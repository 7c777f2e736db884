// config.cpp: id tables and the single validation of a Config.
#include "initscope/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "initscope/fields.hpp"

namespace initscope {

// ---------------------------------------------------------------------------------------------
// Id tables

const std::vector<InitInfo>& initializer_infos() {
  static const std::vector<InitInfo> infos = {
      {Init::zeros, "zeros", "Zeros", "W = 0"},
      {Init::constant, "constant", "Constant", "W = c (initValue, default 0.1)"},
      {Init::uniform, "uniform", "Uniform", "U(-a, a), a = initBound (default 0.05)"},
      {Init::normal, "normal", "Normal", "N(0, s²), s = initStd (default 0.05)"},
      {Init::small_normal, "small_normal", "Small random (N(0, 0.01²))", "N(0, 0.01²)"},
      {Init::truncated_normal, "truncated_normal", "Truncated normal",
       "N(0, s²) cut at ±2s, s = initStd"},
      {Init::xavier_uniform, "xavier_uniform", "Xavier/Glorot uniform (2/(fan_in+fan_out))",
       "U(-a, a), a = gain·√(6/(fan_in+fan_out))"},
      {Init::xavier_normal, "xavier_normal", "Xavier/Glorot normal (2/(fan_in+fan_out))",
       "N(0, s²), s = gain·√(2/(fan_in+fan_out))"},
      {Init::he_uniform, "he_uniform", "He/Kaiming uniform",
       "U(-b, b), b = gain·√(3/fan), gain = √2 for ReLU"},
      {Init::he_normal, "he_normal", "He/Kaiming normal",
       "N(0, s²), s = gain/√fan, gain = √2 for ReLU"},
      {Init::lecun_uniform, "lecun_uniform", "LeCun uniform (1/fan_in, \"Xavier\" in He et al.)",
       "U(-b, b), b = √(3/fan_in)"},
      {Init::lecun_normal, "lecun_normal", "LeCun normal (1/fan_in, \"Xavier\" in He et al.)",
       "N(0, s²), s = 1/√fan_in"},
      {Init::orthogonal, "orthogonal", "Orthogonal",
       "W = gain·Q, Q Haar-random orthogonal (QR of a Gaussian)"},
      {Init::pytorch_default, "pytorch_default", "PyTorch default (nn.Linear)",
       "U(-b, b), b = 1/√fan_in (bias too)"},
      {Init::lsuv, "lsuv", "LSUV (layer-sequential unit variance)",
       "orthogonal, then rescale each layer to unit output variance on a batch"},
      {Init::mean_field, "mean_field", "Mean-field (σ_w², σ_b²)",
       "N(0, σ_w²/fan_in), bias N(0, σ_b²): weightVar, biasVar"},
      {Init::fixup, "fixup", "Fixup (residual, no norm)",
       "stem He; branch He·B^(-1/(2m-2)), last branch layer and readout 0; scalar gains, biases"},
  };
  return infos;
}

const std::vector<DatasetInfo>& dataset_infos() {
  static const std::vector<DatasetInfo> infos = {
      {DatasetKind::spiral, "spiral", "Spiral", 2, 2},
      {DatasetKind::circles, "circles", "Circles", 2, 2},
      {DatasetKind::xor_, "xor", "XOR", 2, 2},
      {DatasetKind::gaussians, "gaussians", "Gaussian blobs", 2, 2},
      {DatasetKind::moons, "moons", "Two moons", 2, 2},
      {DatasetKind::gaussian_nd, "gaussian_nd", "Gaussian N-D (signal propagation)", 64, 2},
      {DatasetKind::fashion_mnist, "fashion_mnist", "Fashion-MNIST (subset)", 784, 10,
       "fashion-mnist.bin"},
  };
  return infos;
}

namespace {
template <typename E>
struct Table {
  std::vector<std::pair<E, const char*>> rows;
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& r : rows) out.push_back(r.second);
    return out;
  }
  const char* name(E e) const {
    for (auto& r : rows)
      if (r.first == e) return r.second;
    return "?";
  }
  E parse(const std::string& id, const std::string& field) const {
    for (auto& r : rows)
      if (id == r.second) return r.first;
    throw ConfigError(field, quote(id), "one of " + join_ids(names()));
  }
};

const Table<Activation>& activation_table() {
  static const Table<Activation> t{{{Activation::relu, "relu"},
                                    {Activation::leaky_relu, "leaky_relu"},
                                    {Activation::tanh, "tanh"},
                                    {Activation::sigmoid, "sigmoid"},
                                    {Activation::linear, "linear"},
                                    {Activation::selu, "selu"},
                                    {Activation::gelu, "gelu"}}};
  return t;
}
const Table<Optimizer>& optimizer_table() {
  static const Table<Optimizer> t{
      {{Optimizer::sgd, "sgd"}, {Optimizer::momentum, "momentum"}, {Optimizer::adam, "adam"}}};
  return t;
}
const Table<Loss>& loss_table() {
  static const Table<Loss> t{{{Loss::cross_entropy, "cross_entropy"}, {Loss::mse, "mse"}}};
  return t;
}
const Table<FanMode>& fan_mode_table() {
  static const Table<FanMode> t{{{FanMode::fan_in, "fan_in"}, {FanMode::fan_out, "fan_out"}}};
  return t;
}
const Table<Parametrization>& parametrization_table() {
  static const Table<Parametrization> t{
      {{Parametrization::sp, "sp"}, {Parametrization::ntk, "ntk"}, {Parametrization::mup, "mup"}}};
  return t;
}
const Table<Architecture>& architecture_table() {
  static const Table<Architecture> t{
      {{Architecture::plain, "plain"}, {Architecture::residual, "residual"}}};
  return t;
}
const Table<NormChoice>& norm_table() {
  static const Table<NormChoice> t{{{NormChoice::none, "none"},
                                    {NormChoice::layer, "layer"},
                                    {NormChoice::rms, "rms"},
                                    {NormChoice::batch, "batch"}}};
  return t;
}
const Table<NormPosition>& norm_position_table() {
  static const Table<NormPosition> t{{{NormPosition::pre, "pre"}, {NormPosition::post, "post"}}};
  return t;
}
const Table<ResidualGate>& residual_gate_table() {
  static const Table<ResidualGate> t{
      {{ResidualGate::none, "none"}, {ResidualGate::rezero, "rezero"}}};
  return t;
}
const Table<ResidualScale>& residual_scale_table() {
  static const Table<ResidualScale> t{{{ResidualScale::one, "one"},
                                       {ResidualScale::inv_sqrt_depth, "inv_sqrt_depth"},
                                       {ResidualScale::inv_sqrt_2depth, "inv_sqrt_2depth"},
                                       {ResidualScale::inv_depth, "inv_depth"}}};
  return t;
}
const Table<Init>& init_table() {
  static const Table<Init> t = [] {
    Table<Init> t;
    for (auto& i : initializer_infos()) t.rows.push_back({i.id, i.name});
    return t;
  }();
  return t;
}
const Table<DatasetKind>& dataset_table() {
  static const Table<DatasetKind> t = [] {
    Table<DatasetKind> t;
    for (auto& d : dataset_infos()) t.rows.push_back({d.id, d.name});
    return t;
  }();
  return t;
}
}  // namespace

const std::vector<std::string>& init_names() {
  static const auto n = init_table().names();
  return n;
}
const std::vector<std::string>& dataset_names() {
  static const auto n = dataset_table().names();
  return n;
}
const std::vector<std::string>& activation_names() {
  static const auto n = activation_table().names();
  return n;
}
const std::vector<std::string>& optimizer_names() {
  static const auto n = optimizer_table().names();
  return n;
}
const std::vector<std::string>& loss_names() {
  static const auto n = loss_table().names();
  return n;
}
const std::vector<std::string>& fan_mode_names() {
  static const auto n = fan_mode_table().names();
  return n;
}

const std::vector<std::string>& parametrization_names() {
  static const auto n = parametrization_table().names();
  return n;
}
const char* to_string(Parametrization e) { return parametrization_table().name(e); }
Parametrization parse_parametrization(const std::string& id, const std::string& f) {
  return parametrization_table().parse(id, f);
}
#define INITSCOPE_ENUM_API(Type, names_fn, table, parse_fn) \
  const std::vector<std::string>& names_fn() {              \
    static const auto n = table().names();                  \
    return n;                                               \
  }                                                         \
  const char* to_string(Type e) { return table().name(e); } \
  Type parse_fn(const std::string& id, const std::string& f) { return table().parse(id, f); }
INITSCOPE_ENUM_API(Architecture, architecture_names, architecture_table, parse_architecture)
INITSCOPE_ENUM_API(NormChoice, norm_names, norm_table, parse_norm)
INITSCOPE_ENUM_API(NormPosition, norm_position_names, norm_position_table, parse_norm_position)
INITSCOPE_ENUM_API(ResidualGate, residual_gate_names, residual_gate_table, parse_residual_gate)
#undef INITSCOPE_ENUM_API
const std::vector<std::string>& residual_scale_names() {
  static const auto n = residual_scale_table().names();
  return n;
}
const char* to_string(ResidualScale e) {
  return e == ResidualScale::value ? "value" : residual_scale_table().name(e);
}
ResidualScale parse_residual_scale(const std::string& id, const std::string& f) {
  return residual_scale_table().parse(id, f);
}
const char* to_string(Init e) { return init_table().name(e); }
const char* to_string(Activation e) { return activation_table().name(e); }
const char* to_string(DatasetKind e) { return dataset_table().name(e); }
const char* to_string(Optimizer e) { return optimizer_table().name(e); }
const char* to_string(Loss e) { return loss_table().name(e); }
const char* to_string(FanMode e) { return fan_mode_table().name(e); }

Init parse_init(const std::string& id, const std::string& f) { return init_table().parse(id, f); }
Activation parse_activation(const std::string& id, const std::string& f) {
  return activation_table().parse(id, f);
}
DatasetKind parse_dataset(const std::string& id, const std::string& f) {
  return dataset_table().parse(id, f);
}
Optimizer parse_optimizer(const std::string& id, const std::string& f) {
  return optimizer_table().parse(id, f);
}
Loss parse_loss(const std::string& id, const std::string& f) { return loss_table().parse(id, f); }
FanMode parse_fan_mode(const std::string& id, const std::string& f) {
  return fan_mode_table().parse(id, f);
}

// ---------------------------------------------------------------------------------------------
// Message helpers

namespace {
// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, at most U+10FFFF), or 0 if there is none.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return n;
}

void append_escape(std::string& out, unsigned code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", code);
  out += buf;
}
}  // namespace

// Messages echo whatever was typed or read (a CLI argument, a file's first bytes) to terminals
// and pages, so everything a terminal could act on is escaped: C0 and C1 control characters and
// DEL, and bytes that are not well-formed UTF-8 (as \u00XX of the byte, its Latin-1 reading).
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      append_escape(out, c);
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (const std::size_t n = utf8_length(s, i)) {
      const unsigned second = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xC2 && second < 0xA0)  // U+0080..U+009F: the C1 controls
        append_escape(out, second);
      else
        out.append(s, i, n);
      i += n;
      continue;
    } else {
      append_escape(out, c);
    }
    ++i;
  }
  return out + "\"";
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  // Like JavaScript's Number#toString: the fewest significant digits that round-trip, in fixed
  // notation for exponents in [-7, 21), else exponent notation (1e+21, 1.5e-7).
  char buf[64];
  int prec = 1;
  for (; prec < 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
  const int exponent = std::atoi(std::strchr(buf, 'e') + 1);
  if (exponent >= -6 && exponent < 21) {
    std::snprintf(buf, sizeof buf, "%.*f", std::max(0, prec - 1 - exponent), v);
    return buf;
  }
  std::string out(buf, std::strchr(buf, 'e') + 1);  // mantissa and 'e'
  out += exponent < 0 ? "-" : "+";
  return out + std::to_string(std::abs(exponent));
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + ids[i];
  return out;
}

std::string int_range(int64_t lo, int64_t hi) {
  return "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
}

// ---------------------------------------------------------------------------------------------
// Derived sizes

const DatasetInfo& dataset_info(DatasetKind k) {
  for (auto& d : dataset_infos())
    if (d.id == k) return d;
  throw ConfigError("dataset", "?", "a known dataset");
}

int resolved_input_dim(const Config& c) {
  return c.input_dim > 0 ? c.input_dim : dataset_info(c.dataset).input_dim;
}
int resolved_classes(const Config& c) {
  return c.classes > 0 ? c.classes : dataset_info(c.dataset).classes;
}
// The training split is round(samples * (1 - testFraction)) rows (dataset.hpp).
int train_count(const Config& c) {
  return static_cast<int>(std::lround(c.samples * (1.0 - c.test_fraction)));
}
int test_count(const Config& c) { return c.samples - train_count(c); }

double residual_alpha(const Config& c) {
  const double B = static_cast<double>(std::max<std::size_t>(c.hidden.size(), 1));
  switch (c.residual_scale) {
    case ResidualScale::one:
      return 1.0;
    case ResidualScale::inv_sqrt_depth:
      return 1.0 / std::sqrt(B);
    case ResidualScale::inv_sqrt_2depth:
      return 1.0 / std::sqrt(2.0 * B);
    case ResidualScale::inv_depth:
      return 1.0 / B;
    case ResidualScale::value:
      return c.residual_scale_value;
  }
  return 1.0;
}

int64_t parameter_count(const Config& c) {
  if (c.architecture == Architecture::residual && !c.hidden.empty()) {
    // stem, B blocks of blockLayers n x n layers, readout; norms, gates and Fixup's scalars
    const int64_t n = c.hidden.front(), B = static_cast<int64_t>(c.hidden.size());
    const int64_t m = c.block_layers;
    int64_t p =
        (resolved_input_dim(c) + 1) * n + B * m * (n + 1) * n + (n + 1) * resolved_classes(c);
    const int64_t norm_params = c.norm == NormChoice::rms ? n : 2 * n;
    if (c.norm != NormChoice::none)
      p += (B + (c.norm_position == NormPosition::pre ? 1 : 0)) * norm_params;
    if (c.residual_gate == ResidualGate::rezero) p += B;
    if (c.init == Init::fixup) p += B * (m + 3);  // a multiplier and m + 2 scalar biases
    return p;
  }
  int64_t n = 0;
  int64_t prev = resolved_input_dim(c);
  for (int w : c.hidden) {
    n += (prev + 1) * w;
    prev = w;
  }
  n += (prev + 1) * resolved_classes(c);
  if (c.norm != NormChoice::none)
    for (int w : c.hidden) n += c.norm == NormChoice::rms ? w : 2 * w;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {
std::string num(double v) { return format_number(v); }

void check_int(const char* field, long long v, long long lo, long long hi) {
  if (v < lo || v > hi) throw ConfigError(field, std::to_string(v), int_range(lo, hi));
}
}  // namespace

// Per-field checks come from the registry (fields.cpp); the rules below involve more than one
// field and run right after the field they name, so the first invalid field is reported.
namespace {
void check_cross(const std::string& name, const Config& c) {
  using namespace limits;
  const DatasetInfo& ds = dataset_info(c.dataset);
  if (name == "testFraction") {
    if (train_count(c) < 1)
      throw ConfigError("testFraction", num(c.test_fraction),
                        "a fraction that leaves at least one training sample");
  } else if (name == "inputDim") {
    // Fixed sizes (2-D toys, images) may be given but must be the dataset's own.
    const std::string kind = ds.data_file ? "the image dataset " : "the 2-D dataset ";
    if (c.dataset != DatasetKind::gaussian_nd && c.input_dim != 0 && c.input_dim != ds.input_dim)
      throw ConfigError("inputDim", std::to_string(c.input_dim),
                        std::to_string(ds.input_dim) + " (or unset) for " + kind + ds.name);
  } else if (name == "classes") {
    const bool free_classes = c.dataset == DatasetKind::spiral ||
                              c.dataset == DatasetKind::gaussians ||
                              c.dataset == DatasetKind::gaussian_nd;
    if (free_classes) {
      if (c.classes != 0) check_int("classes", c.classes, 2, kMaxClasses);
    } else if (c.classes != 0 && c.classes != ds.classes) {
      throw ConfigError("classes", std::to_string(c.classes),
                        std::to_string(ds.classes) + " (or unset) for the dataset " + ds.name);
    }
  } else if (name == "hidden") {
    if (c.hidden.empty() || c.hidden.size() > static_cast<std::size_t>(kMaxDepth))
      throw ConfigError("hidden", "a list of " + std::to_string(c.hidden.size()) + " layers",
                        "1.." + std::to_string(kMaxDepth) + " hidden layers");
  } else if (name == "gain") {
    if (c.gain_mode == GainMode::Auto && c.activation == Activation::gelu)
      throw ConfigError("gain", "\"auto\"",
                        "a number: calculate_gain has no value for gelu (use a number)");
  } else if (name == "batchSize") {
    check_int("batchSize", c.batch_size, 0, train_count(c));
  } else if (name == "architecture") {
    if (c.architecture == Architecture::residual)
      for (std::size_t i = 1; i < c.hidden.size(); ++i)
        if (c.hidden[i] != c.hidden[0])
          throw ConfigError("hidden",
                            "a list with widths " + std::to_string(c.hidden[0]) + " and " +
                                std::to_string(c.hidden[i]),
                            "equal widths (n x B) for architecture residual: the blocks add to "
                            "one stream");
  } else if (name == "residualGate") {
    if (c.residual_gate != ResidualGate::none && c.architecture != Architecture::residual)
      throw ConfigError("residualGate", quote(to_string(c.residual_gate)),
                        "\"none\" for architecture plain (a gate needs residual blocks)");
  } else if (name == "norm") {
    if (c.norm == NormChoice::batch && c.batch_size == 1)
      throw ConfigError("norm", "\"batch\"",
                        "another norm with batchSize 1 (batch norm needs at least 2 rows in "
                        "training mode, as PyTorch)");
    if (c.norm == NormChoice::batch && std::min(c.probe_size, train_count(c)) < 2)
      throw ConfigError("norm", "\"batch\"",
                        "another norm with fewer than 2 probe rows (batch norm needs 2 rows)");
    if (c.init == Init::fixup && c.norm != NormChoice::none)
      throw ConfigError("norm", quote(to_string(c.norm)),
                        "\"none\" with init fixup (Fixup replaces normalization)");
  } else if (name == "init") {
    if (c.init == Init::fixup && c.architecture != Architecture::residual)
      throw ConfigError("init", "\"fixup\"",
                        "another initializer for architecture plain (fixup needs residual "
                        "blocks)");
  }
}
}  // namespace

void validate(const Config& c) {
  using namespace limits;
  for (const Field& f : fields()) {
    // hidden: its length before its widths; batchSize: the training split's size is the more
    // useful bound ("0..500" rather than the registry's 0..20000).
    const bool cross_first = f.name == std::string("hidden") || f.name == std::string("batchSize");
    if (cross_first) check_cross(f.name, c);
    check_field(f, c);
    if (!cross_first) check_cross(f.name, c);
  }

  // caps
  const SizeCaps& caps = size_caps();
  const int64_t params = parameter_count(c);
  if (params > caps.max_parameters)
    throw ConfigError("hidden", "a network of " + std::to_string(params) + " parameters",
                      "at most " + std::to_string(caps.max_parameters) +
                          " parameters (fewer or narrower layers)" + caps.note);
  int64_t units = 0;
  for (int w : c.hidden) units += w;
  // A residual block keeps its stream, its norm's output and cache, and its branch's buffers.
  if (c.architecture == Architecture::residual) units = units * (c.block_layers + 5) + units;
  if (c.architecture == Architecture::plain && c.norm != NormChoice::none) units *= 3;
  units += resolved_classes(c);
  const int64_t rows = std::max<int64_t>({c.batch_size == 0 ? train_count(c) : c.batch_size,
                                          std::min<int64_t>(c.probe_size, train_count(c)), 1});
  if (rows * units > caps.max_activations)
    throw ConfigError(
        "hidden", "a network of " + std::to_string(units) + " units",
        "at most " + std::to_string(caps.max_activations) +
            " activations per batch (batch rows x total units = " + std::to_string(rows) + " x " +
            std::to_string(units) + "): use fewer units or a smaller batchSize" + caps.note);
}

}  // namespace initscope
