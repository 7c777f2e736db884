// core/cli/common.cpp: flag tables, the data-file loader and the JSON form of a Config, shared
// by every verb of the CLI (common.hpp).
#include "common.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>

#include "initscope/image_data.hpp"

namespace cli {

using namespace initscope;

// Numbers in messages read as in the core's and the engine's messages.
std::string num(double v) { return format_number(v); }
std::string one_of(const std::vector<std::string>& ids) { return "one of " + join_ids(ids); }

int to_int(const std::string& v) {
  return static_cast<int>(
      to_integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::string hidden_text(const std::vector<int>& hidden) {
  std::string out;
  for (std::size_t i = 0; i < hidden.size(); ++i) out += (i ? "," : "") + std::to_string(hidden[i]);
  return out;
}

// "128,64,32" (explicit widths) or "64x30" (30 layers of width 64). Widths are checked by
// validate(); the depth of the WxD form is capped here, before a vector of that size exists.
std::vector<int> parse_hidden(const std::string& v) {
  const std::size_t x = v.find('x');
  if (x != std::string::npos) {
    const int width = to_int(v.substr(0, x));
    const int depth = static_cast<int>(to_integer(v.substr(x + 1), 1, limits::kMaxDepth));
    return std::vector<int>(depth, width);
  }
  return parse_list(v, to_int);
}

// ---------------------------------------------------------------------------------------------
// Flag tables. Each flag writes straight into a Config (defaults shown in --help come from the
// same default-constructed Config) or into the command's own options.

// `data_dir`: where datasets read from a file (fashion_mnist) are looked for; see load_data_file.
void add_data_flags(std::vector<Flag>& f, Config& c, std::string& data_dir) {
  const char* s = "Data";
  f.push_back({"dataset", "", "dataset", "ID", "the data to learn", to_string(c.dataset),
               one_of(dataset_names()), [&c](auto& v) { c.dataset = parse_dataset(v); }, s});
  f.push_back({"samples", "", "samples", "N", "samples in total, before the train/test split",
               std::to_string(c.samples), int_range(limits::kMinSamples, limits::kMaxSamples),
               [&c](auto& v) { c.samples = to_int(v); }, s});
  f.push_back({"noise", "", "noise", "X",
               "2-D toys: std of the added jitter; gaussian_nd: twice the label-flip "
               "probability; fashion_mnist: ignored",
               num(c.noise), "a number in [0, " + num(limits::kMaxNoise) + "]",
               [&c](auto& v) { c.noise = to_number(v); }, s});
  f.push_back({"test-fraction", "", "testFraction", "X",
               "share of the samples held out for testing", num(c.test_fraction),
               "a number in [0, " + num(limits::kMaxTestFraction) +
                   "] that leaves at least one training sample",
               [&c](auto& v) { c.test_fraction = to_number(v); }, s});
  f.push_back({"input-dim", "", "inputDim", "N",
               "input dimension (gaussian_nd: free; fashion_mnist: 784; 2-D toys: 2)",
               "0 = the dataset's (gaussian_nd 64, fashion_mnist 784, others 2)",
               "0, " + int_range(1, limits::kMaxInputDim) +
                   " for gaussian_nd, 784 for fashion_mnist, 2 for the others",
               [&c](auto& v) { c.input_dim = to_int(v); }, s});
  f.push_back({"classes", "", "classes", "N", "number of classes (output units)",
               "0 = the dataset's (fashion_mnist 10, others 2)",
               "0, " + int_range(2, limits::kMaxClasses) +
                   " for spiral, gaussians and gaussian_nd, 10 for fashion_mnist, 2 for the others",
               [&c](auto& v) { c.classes = to_int(v); }, s});
  f.push_back({"seed", "", "seed", "N", "seeds the data, the weights and the batch order",
               std::to_string(c.seed), int_range(0, std::numeric_limits<uint32_t>::max()),
               [&c](auto& v) {
                 c.seed =
                     static_cast<uint32_t>(to_integer(v, 0, std::numeric_limits<uint32_t>::max()));
               },
               s});
  f.push_back({"data-dir", "", "--data-dir", "DIR",
               "folder of the prepared data files (fashion_mnist: fashion-mnist.bin)",
               "$INITSCOPE_DATA_DIR, else build/data (../../data from this executable)",
               "a folder holding the file", [&data_dir](auto& v) { data_dir = v; }, s});
}

void add_activation_flags(std::vector<Flag>& f, Config& c, const char* s) {
  f.push_back({"activation", "", "activation", "ID",
               "hidden-layer activation (the output is linear)", to_string(c.activation),
               one_of(activation_names()), [&c](auto& v) { c.activation = parse_activation(v); },
               s});
  f.push_back({"leaky-slope", "", "leakySlope", "X",
               "negative slope a of leaky_relu (He's gain uses it too)", num(c.leaky_slope),
               "a number in [0, 1]", [&c](auto& v) { c.leaky_slope = to_number(v); }, s});
}

void add_network_flags(std::vector<Flag>& f, Config& c) {
  const char* s = "Network";
  f.push_back({"hidden", "", "hidden", "LIST",
               "hidden widths: 128,64,32, or 64x30 for 30 layers of width 64",
               hidden_text(c.hidden),
               "1.." + std::to_string(limits::kMaxDepth) + " layers of width 1.." +
                   std::to_string(limits::kMaxWidth) + ", at most " +
                   std::to_string(limits::kMaxParameters) + " parameters",
               [&c](auto& v) { c.hidden = parse_hidden(v); }, s});
  add_activation_flags(f, c, s);
}

// `many`: run compares a comma list of initializers; sample and dump take exactly one.
void add_init_flags(std::vector<Flag>& f, Config& c, std::vector<Init>& inits, bool many,
                    PerRun* per_run) {
  const char* s = "Initializer";
  f.push_back({"init", "", "init", many ? "LIST" : "ID",
               many ? "initializers to compare, comma-separated: one run each, same data and seed"
                    : "the initializer",
               to_string(c.init),
               many ? "ids from: " + join_ids(init_names()) : one_of(init_names()),
               [&c, &inits, many](auto& v) {
                 inits = many ? parse_list(v, [](const std::string& id) { return parse_init(id); })
                              : std::vector<Init>{parse_init(v)};
                 c.init = inits.front();
               },
               s});
  f.push_back({"gain", "", "gain", "X",
               "initializer gain; auto = calculate_gain(activation) for every initializer",
               "the initializer's own (He: calculate_gain(activation), others 1)",
               "a number in [0, " + num(limits::kMaxGain) + "], auto or default",
               [&c](auto& v) {
                 if (v == "auto") {
                   c.gain_mode = GainMode::Auto;
                 } else if (v == "default") {
                   c.gain_mode = GainMode::Default;
                 } else {
                   c.gain_mode = GainMode::Value;
                   c.gain = to_number(v);
                 }
               },
               s});
  f.push_back({"fan-mode", "", "fanMode", "ID", "the fan of he_uniform and he_normal",
               to_string(c.fan_mode), "fan_in or fan_out",
               [&c](auto& v) { c.fan_mode = parse_fan_mode(v); }, s});
  f.push_back({"init-value", "", "initValue", "X", "c of constant", num(c.init_value),
               "a number in [-100, 100]", [&c](auto& v) { c.init_value = to_number(v); }, s});
  f.push_back({"init-std", "", "initStd", "X", "s of normal and truncated_normal (pre-truncation)",
               num(c.init_std), "a number in [0, 100]",
               [&c](auto& v) { c.init_std = to_number(v); }, s});
  f.push_back({"init-bound", "", "initBound", "X", "a of uniform U(-a, a)", num(c.init_bound),
               "a number in [0, 100]", [&c](auto& v) { c.init_bound = to_number(v); }, s});
  // sigma_w^2 and sigma_b^2 of mean_field (biasVar: orthogonal's biases too); validate() checks
  // every run's value and names the field.
  auto mean_field_flag = [&](const char* name, const char* field, const char* help, double& one,
                             std::vector<double>* list, const std::string& allowed) {
    f.push_back({name, "", field, list ? "LIST" : "X",
                 std::string(help) + (list ? "; a comma list gives one value per run" : ""),
                 num(one), allowed,
                 [&one, list](auto& v) {
                   if (list) {
                     *list = parse_list(v, [](const std::string& x) { return to_number(x); });
                     one = list->front();
                   } else {
                     one = to_number(v);
                   }
                 },
                 s});
  };
  const std::string cap = num(limits::kMaxWeightVar);
  mean_field_flag("weight-var", "weightVar", "sigma_w^2 of mean_field: W ~ N(0, weightVar/fan_in)",
                  c.weight_var, per_run ? &per_run->weight_vars : nullptr,
                  "a number in (0, " + cap + "]");
  mean_field_flag("bias-var", "biasVar",
                  "sigma_b^2 of mean_field and orthogonal: b ~ N(0, biasVar)", c.bias_var,
                  per_run ? &per_run->bias_vars : nullptr, "a number in [0, " + cap + "]");
}

std::vector<Config> run_configs(const Config& base, const std::vector<Init>& inits,
                                const PerRun& per_run) {
  const std::size_t n = std::max(
      {inits.size(), per_run.weight_vars.size(), per_run.bias_vars.size(), std::size_t{1}});
  auto check = [n](std::size_t size, const char* field) {
    if (size > 1 && size != n)
      throw UsageError(field, "a list of " + std::to_string(size),
                       "one value, or one per run (" + std::to_string(n) + ")");
  };
  check(inits.size(), "init");
  check(per_run.weight_vars.size(), "weightVar");
  check(per_run.bias_vars.size(), "biasVar");
  auto pick = [](const auto& list, std::size_t i, auto fallback) {
    return list.empty() ? fallback : list[list.size() == 1 ? 0 : i];
  };
  std::vector<Config> out(n, base);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].init = pick(inits, i, base.init);
    out[i].weight_var = pick(per_run.weight_vars, i, base.weight_var);
    out[i].bias_var = pick(per_run.bias_vars, i, base.bias_var);
  }
  return out;
}

void add_training_flags(std::vector<Flag>& f, Config& c) {
  const char* s = "Training";
  f.push_back({"optimizer", "", "optimizer", "ID", "update rule (PyTorch's, with its defaults)",
               to_string(c.optimizer), one_of(optimizer_names()),
               [&c](auto& v) { c.optimizer = parse_optimizer(v); }, s});
  f.push_back({"learning-rate", "lr", "learningRate", "X", "step size", num(c.learning_rate),
               "a number in (0, " + num(limits::kMaxLearningRate) + "]",
               [&c](auto& v) { c.learning_rate = to_number(v); }, s});
  f.push_back({"momentum", "", "momentum", "X", "mu of the momentum optimizer", num(c.momentum),
               "a number in [0, 1)", [&c](auto& v) { c.momentum = to_number(v); }, s});
  f.push_back({"batch-size", "", "batchSize", "N", "rows per update; 0 = the full training set",
               std::to_string(c.batch_size), "an integer in 0..(training samples)",
               [&c](auto& v) { c.batch_size = to_int(v); }, s});
  f.push_back({"loss", "", "loss", "ID", "mean over the batch", to_string(c.loss),
               one_of(loss_names()), [&c](auto& v) { c.loss = parse_loss(v); }, s});
}

void add_stats_flags(std::vector<Flag>& f, Config& c) {
  const char* s = "Statistics";
  f.push_back({"probe-size", "", "probeSize", "N",
               "rows of the fixed probe batch (the first of the training set)",
               std::to_string(c.probe_size), int_range(1, limits::kMaxProbe),
               [&c](auto& v) { c.probe_size = to_int(v); }, s});
  f.push_back({"hist-bins", "", "histBins", "N", "bins of the post-activation histograms",
               std::to_string(c.hist_bins), int_range(limits::kMinHistBins, limits::kMaxHistBins),
               [&c](auto& v) { c.hist_bins = to_int(v); }, s});
}

std::vector<Flag> config_flags(Config& c, std::vector<Init>& inits, bool many_inits,
                               std::string& data_dir, PerRun* per_run) {
  std::vector<Flag> f;
  add_data_flags(f, c, data_dir);
  add_network_flags(f, c);
  add_init_flags(f, c, inits, many_inits, per_run);
  add_training_flags(f, c);
  add_stats_flags(f, c);
  return f;
}

// A command's own option that takes one of a few words (--format, --what); its current value
// is the default shown in --help.
Flag choice_flag(const char* name, const char* help, std::string& target,
                 const std::vector<std::string>& allowed, const char* s) {
  auto set = [&target, allowed](const std::string& v) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) throw BadValue{};
    target = v;
  };
  return {name, "", std::string("--") + name, "ID", help, target, one_of(allowed), set, s};
}

// Parses, or prints the command's help and returns false.
bool parse_or_help(const char* command, const char* usage, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args, Parsed& parsed) {
  parsed = parse_flags(command, flags, args);
  if (!parsed.help) return true;
  std::printf("%s%s", usage, flags_help(flags).c_str());
  return false;
}

// ---------------------------------------------------------------------------------------------
// Datasets read from a file (fashion_mnist). The page fetches them; the CLI reads the same file
// from build/data, which scripts/prepare-data.mjs writes (npm test and npm start run it).

const char* g_argv0 = "";

// build/data for build/native/bin/initscope: ../../data from the executable's folder.
std::filesystem::path default_data_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(g_argv0, ec);
  return (exe.parent_path() / ".." / ".." / "data").lexically_normal();
}

// Registers the dataset's file with the core when it needs one; the data directory is
// --data-dir, else $INITSCOPE_DATA_DIR, else default_data_dir(). Throws (exit 1) when the file
// is missing or not a valid pool, naming the path and how to make it.
void load_data_file(const Config& c, const std::string& data_dir) {
  const DatasetInfo& info = dataset_info(c.dataset);
  if (!info.data_file) return;
  const char* env = std::getenv("INITSCOPE_DATA_DIR");
  const std::filesystem::path dir = !data_dir.empty()     ? std::filesystem::path(data_dir)
                                    : env && *env != '\0' ? std::filesystem::path(env)
                                                          : default_data_dir();
  const std::string path = (dir / info.data_file).string();
  // A folder opens as a stream on Linux and then fails deep inside the read, without the path.
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in || folder)
    throw std::runtime_error("cannot read " + path + " (" +
                             (folder ? "a folder, not a file" : std::strerror(errno)) +
                             "), the data of " + info.name +
                             ": make it with 'node scripts/prepare-data.mjs' (npm test and npm "
                             "start do), or point --data-dir or INITSCOPE_DATA_DIR at its folder");
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  try {
    register_image_pool(
        c.dataset, std::make_shared<const ImagePool>(parse_image_pool(bytes.data(), bytes.size())));
  } catch (const ImageDataError& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Output pieces shared by run and dump

void write_gain(JsonWriter& j, const Config& c) {
  if (c.gain_mode == GainMode::Value) {
    j.number(c.gain);
  } else if (c.gain_mode == GainMode::Auto) {
    j.string("auto");
  } else {
    j.null();  // GainMode::Default, the JS API's `gain: null` (or unset)
  }
}

// Every Config field under its JS name, sizes resolved (inputDim, classes). `inits` lists the
// compared initializers (run: an array) or holds the one initializer (dump: a string).
void write_config(JsonWriter& j, const Config& c, const std::vector<Init>& inits, bool many,
                  const std::vector<Config>* runs) {
  j.key("dataset").string(to_string(c.dataset));
  j.key("samples").integer(c.samples);
  j.key("noise").number(c.noise);
  j.key("testFraction").number(c.test_fraction);
  j.key("inputDim").integer(resolved_input_dim(c));
  j.key("classes").integer(resolved_classes(c));
  j.key("seed").integer(c.seed);
  j.integers("hidden", c.hidden);
  j.key("activation").string(to_string(c.activation));
  j.key("leakySlope").number(c.leaky_slope);
  if (many) {
    j.key("init").begin_array();
    if (runs) {
      for (const Config& r : *runs) j.string(to_string(r.init));
    } else {
      for (Init i : inits) j.string(to_string(i));
    }
    j.end_array();
  } else {
    j.key("init").string(to_string(inits.front()));
  }
  j.key("gain");
  write_gain(j, c);
  j.key("fanMode").string(to_string(c.fan_mode));
  j.key("initValue").number(c.init_value);
  j.key("initStd").number(c.init_std);
  j.key("initBound").number(c.init_bound);
  auto per_run = [&](const char* key, double Config::*field) {
    j.key(key);
    if (!runs) {
      j.number(c.*field);
      return;
    }
    j.begin_array();
    for (const Config& r : *runs) j.number(r.*field);
    j.end_array();
  };
  per_run("weightVar", &Config::weight_var);
  per_run("biasVar", &Config::bias_var);
  j.key("optimizer").string(to_string(c.optimizer));
  j.key("learningRate").number(c.learning_rate);
  j.key("momentum").number(c.momentum);
  j.key("batchSize").integer(c.batch_size);
  j.key("loss").string(to_string(c.loss));
  j.key("probeSize").integer(c.probe_size);
  j.key("histBins").integer(c.hist_bins);
}

}  // namespace cli
