// initscope/config.hpp: the one configuration of a run, and the one place that validates it.
//
// Every entry point (CLI flags, JS objects, URL hash) fills a Config and calls validate(); the
// error names the field, the value and what is allowed, with the same wording everywhere:
//   invalid <field> = <value>: expected <allowed>
// Field names in messages are the public JS (camelCase) names, e.g. "learningRate".
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace initscope {

class ConfigError : public std::invalid_argument {
 public:
  ConfigError(const std::string& field, const std::string& value, const std::string& allowed)
      : std::invalid_argument("invalid " + field + " = " + value + ": expected " + allowed),
        field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// ---------------------------------------------------------------------------------------------
// Enumerations with their public ids. to_string(x) gives the id; parse_*(id, field) throws a
// ConfigError listing every valid id.

enum class Init {
  zeros,
  constant,
  uniform,
  normal,
  small_normal,
  truncated_normal,
  xavier_uniform,
  xavier_normal,
  he_uniform,
  he_normal,
  lecun_uniform,
  lecun_normal,
  orthogonal,
  pytorch_default,
  lsuv,
  mean_field,
  fixup  // residual nets without a norm (Zhang et al. 2019; spec/residual.md)
};
enum class Activation { relu, leaky_relu, tanh, sigmoid, linear, selu, gelu };
enum class DatasetKind { spiral, circles, xor_, gaussians, moons, gaussian_nd, fashion_mnist };
enum class Optimizer { sgd, momentum, adam };
enum class Loss { cross_entropy, mse };
enum class FanMode { fan_in, fan_out };
// How the initial scale and the learning rate follow the width (spec/parametrizations.md).
enum class Parametrization { sp, ntk, mup };
// Depth (spec/residual.md): the plain MLP or a residual stream of blocks, and its norm layers.
enum class Architecture { plain, residual };
enum class NormChoice { none, layer, rms, batch };
enum class NormPosition { pre, post };
enum class ResidualGate { none, rezero };
// alpha, the constant branch scale: 1, 1/sqrt(B), 1/sqrt(2B) (GPT-2), 1/B, or a number.
enum class ResidualScale { one, inv_sqrt_depth, inv_sqrt_2depth, inv_depth, value };

struct InitInfo {
  Init id;
  const char* name;     // public id, e.g. "he_normal"
  const char* label;    // e.g. "He (Kaiming) normal"
  const char* formula;  // e.g. "N(0, gain² / fan_in), gain = √2 for ReLU"
};
struct DatasetInfo {
  DatasetKind id;
  const char* name;
  const char* label;
  int input_dim;  // default input dimension (gaussian_nd: configurable)
  int classes;    // default number of classes
  // Datasets read from a file rather than generated (image_data.hpp): the file's name, as
  // scripts/prepare-data.mjs writes it to build/data/ and the page serves it from data/.
  // nullptr for the generated ones.
  const char* data_file = nullptr;
};

const std::vector<InitInfo>& initializer_infos();
const std::vector<DatasetInfo>& dataset_infos();
const DatasetInfo& dataset_info(DatasetKind);
// The public ids, in table order (for messages, --help and the engine's field table).
const std::vector<std::string>& init_names();
const std::vector<std::string>& dataset_names();
const std::vector<std::string>& activation_names();
const std::vector<std::string>& optimizer_names();
const std::vector<std::string>& loss_names();
const std::vector<std::string>& fan_mode_names();
const std::vector<std::string>& parametrization_names();
const std::vector<std::string>& architecture_names();
const std::vector<std::string>& norm_names();
const std::vector<std::string>& norm_position_names();
const std::vector<std::string>& residual_gate_names();
const std::vector<std::string>& residual_scale_names();  // the words (not "a number")

const char* to_string(Init);
const char* to_string(Activation);
const char* to_string(DatasetKind);
const char* to_string(Optimizer);
const char* to_string(Loss);
const char* to_string(FanMode);
const char* to_string(Parametrization);
const char* to_string(Architecture);
const char* to_string(NormChoice);
const char* to_string(NormPosition);
const char* to_string(ResidualGate);
const char* to_string(ResidualScale);  // "value" for a number

Init parse_init(const std::string& id, const std::string& field = "init");
Activation parse_activation(const std::string& id, const std::string& field = "activation");
DatasetKind parse_dataset(const std::string& id, const std::string& field = "dataset");
Optimizer parse_optimizer(const std::string& id, const std::string& field = "optimizer");
Loss parse_loss(const std::string& id, const std::string& field = "loss");
FanMode parse_fan_mode(const std::string& id, const std::string& field = "fanMode");
Parametrization parse_parametrization(const std::string& id,
                                      const std::string& field = "parametrization");
Architecture parse_architecture(const std::string& id, const std::string& field = "architecture");
NormChoice parse_norm(const std::string& id, const std::string& field = "norm");
NormPosition parse_norm_position(const std::string& id, const std::string& field = "normPosition");
ResidualGate parse_residual_gate(const std::string& id, const std::string& field = "residualGate");
// A word only; a number is set through the registry.
ResidualScale parse_residual_scale(const std::string& id,
                                   const std::string& field = "residualScale");

// ---------------------------------------------------------------------------------------------
// Limits. The parameter cap keeps a browser tab safe: 4,194,304 float32 parameters are 16 MiB,
// and with gradients and Adam's two moments the model needs 64 MiB. The activation cap bounds
// the per-batch buffers (pre- and post-activations and their gradients).
namespace limits {
constexpr int kMaxDepth = 200;
constexpr int kMaxWidth = 2048;
constexpr int kMinSamples = 10;
constexpr int kMaxSamples = 20000;
constexpr int kMaxInputDim = 2048;
constexpr int kMaxClasses = 10;
constexpr int64_t kMaxParameters = 4194304;   // 2^22
constexpr int64_t kMaxActivations = 8388608;  // 2^23 = (rows per batch) x (total units)
constexpr double kMaxLearningRate = 10.0;
constexpr double kMaxNoise = 2.0;
constexpr double kMaxTestFraction = 0.9;
constexpr int kMaxProbe = 1024;
constexpr int kMinHistBins = 4;
constexpr int kMaxHistBins = 200;
constexpr double kMaxGain = 100.0;
constexpr double kMaxWeightVar = 100.0;  // sigma_w^2; also the bound of sigma_b^2
constexpr double kMaxMultiplier = 1e6;
constexpr double kMaxResidualScale = 10.0;  // residualScale as a number: (0, 10]   //
                                            // outputMultiplier, inputMultiplier (mup uses 2^-8)
// The native CLI's caps (SizeCaps below): a coordinate check reaches width 8192. 2^28 float32
// parameters are 1 GiB, 4 GiB with gradients and Adam's moments.
constexpr int kNativeMaxWidth = 8192;
constexpr int64_t kNativeMaxParameters = 268435456;   // 2^28
constexpr int64_t kNativeMaxActivations = 134217728;  // 2^27
}  // namespace limits

// How large a network may be: hidden widths, parameters, activations per batch. The page's caps
// (kMaxWidth, kMaxParameters, kMaxActivations) are the default, so the wasm engine keeps a tab
// safe; the native CLI calls set_size_caps(native_caps()) before anything else. Each cap's
// message names the other one, so a page user learns that the CLI goes further.
struct SizeCaps {
  int max_width;
  int64_t max_parameters;
  int64_t max_activations;
  std::string note;  // " (the page's caps; the native CLI allows ...)"
};
SizeCaps page_caps();
SizeCaps native_caps();
const SizeCaps& size_caps();
// Process-wide, like the GEMM mode: call before any Run exists (also updates the registry's
// `hidden` range and its allowed text).
void set_size_caps(const SizeCaps& caps);

// How the initializer's gain is chosen.
//   Default: the initializer's own default (He: calculate_gain(activation), others: 1)
//   Auto:    calculate_gain(activation) for every initializer (PyTorch's usual idiom)
//   Value:   the given number
enum class GainMode { Default, Auto, Value };

struct Config {
  // data
  DatasetKind dataset = DatasetKind::spiral;
  int samples = 1000;   // total, before the train/test split
  double noise = 0.05;  // std of the Gaussian jitter, in data units (toys span ~[-1, 1])
  double test_fraction = 0.5;
  int input_dim = 0;  // 0 = the dataset's default (gaussian_nd: 64; 2-D toys: 2)
  int classes = 0;    // 0 = the dataset's default (2)
  uint32_t seed = 42;

  // network
  std::vector<int> hidden = {64, 64, 64};
  Activation activation = Activation::relu;
  double leaky_slope = 0.01;  // leaky_relu negative slope a; also used in He's gain

  // initializer
  Init init = Init::he_normal;
  GainMode gain_mode = GainMode::Default;
  double gain = 1.0;                   // used when gain_mode == Value
  FanMode fan_mode = FanMode::fan_in;  // He only
  double init_value = 0.1;             // constant
  double init_std = 0.05;              // normal, truncated_normal (Keras' RandomNormal default)
  double init_bound = 0.05;            // uniform: U(-a, a) (Keras' RandomUniform default)
  // Mean-field parametrization (Poole et al. 2016, Schoenholz et al. 2017): mean_field draws
  // W ~ N(0, weight_var / fan_in) and b ~ N(0, bias_var); bias_var also gives orthogonal its
  // biases. The defaults leave every other initializer (and orthogonal's zero biases) unchanged.
  double weight_var = 1.0;  // sigma_w^2
  double bias_var = 0.0;    // sigma_b^2

  // width parametrization (spec/parametrizations.md): forward multipliers and per-parameter
  // learning-rate scales. sp is the plain network; mup at base_width equals sp bit for bit.
  Parametrization parametrization = Parametrization::sp;
  int base_width = 64;             // n0: the width at which every parametrization is sp
  double output_multiplier = 1.0;  // mup's readout: m = output_multiplier / r_L
  double input_multiplier = 1.0;   // im: the input layer stores W / sqrt(im), m = sqrt(im)
  bool readout_zero_init = false;  // mup: the readout's weights and bias start at 0

  // depth (spec/residual.md). residual: hidden = n x B is a stem Linear d -> n, B blocks on the
  // residual stream, the readout n -> k. plain + a norm: Linear -> Norm -> activation.
  Architecture architecture = Architecture::plain;
  int block_layers = 1;  // 1: f(x) = W phi(x) + b; 2: f(x) = W2 phi(W1 x + b1) + b2
  ResidualScale residual_scale = ResidualScale::one;
  double residual_scale_value = 1.0;  // alpha when residual_scale == value
  ResidualGate residual_gate = ResidualGate::none;
  NormChoice norm = NormChoice::none;
  NormPosition norm_position = NormPosition::pre;

  // training
  Optimizer optimizer = Optimizer::sgd;
  double learning_rate = 0.01;
  double momentum = 0.9;  // momentum optimizer (PyTorch SGD momentum, dampening 0)
  int batch_size = 32;    // 0 = full batch
  Loss loss = Loss::cross_entropy;

  // statistics
  int probe_size = 256;  // the fixed probe batch = the first min(probe_size, n_train) rows
  int hist_bins = 40;
};

// Derived sizes (valid only after validate()).
int resolved_input_dim(const Config&);
int resolved_classes(const Config&);
int train_count(const Config&);  // rows in the training split
int test_count(const Config&);
int64_t parameter_count(const Config&);
// alpha, the residual branch's constant scale, for B = hidden.size() blocks.
double residual_alpha(const Config&);

// Throws ConfigError on the first invalid field. Order: data, network, init, training, stats,
// then the caps (which name the field "hidden").
void validate(const Config&);

// Helpers for the uniform message format, shared with the CLI and the wasm adapters.
std::string quote(const std::string& s);  // "abc" with JSON escaping
std::string format_number(double v);      // shortest round-trip text, "NaN", "Infinity"
std::string join_ids(const std::vector<std::string>& ids);  // "a, b, c"
std::string int_range(int64_t lo, int64_t hi);              // "an integer in lo..hi"

}  // namespace initscope
