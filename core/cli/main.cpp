// core/cli/main.cpp: the initscope command line, the native face of the same core the browser runs.
//
//   initscope run     train one network per initializer on the same data, print per-step records
//   initscope sample  draw one weight matrix from an initializer, print its statistics
//   initscope dump    print the exact dataset or initial weights (the Node parity tests read it)
//
// What it is not: a second implementation of anything. Every number comes from the core
// (Experiment, Run, init_weights, validate); this file only turns flags into a Config and
// results into text. Exit codes: 0 ok, 2 bad input (message on stderr in the core's format
// "invalid <field> = <value>: expected <allowed>"), 1 anything that failed at run time.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.hpp"
#include "initscope/activation.hpp"
#include "initscope/config.hpp"
#include "initscope/image_data.hpp"
#include "initscope/init.hpp"
#include "initscope/rng.hpp"
#include "initscope/run.hpp"
#include "json.hpp"

namespace {

using cli::Flag;
using cli::JsonWriter;
using cli::UsageError;
using namespace initscope;

constexpr const char* kVersion = INITSCOPE_VERSION;  // project(... VERSION) in CMakeLists.txt

// Numbers in messages read as in the core's and the engine's messages.
std::string num(double v) { return format_number(v); }
std::string one_of(const std::vector<std::string>& ids) { return "one of " + join_ids(ids); }

int to_int(const std::string& v) {
  return static_cast<int>(
      cli::to_integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::string hidden_text(const std::vector<int>& hidden) {
  std::string out;
  for (std::size_t i = 0; i < hidden.size(); ++i) out += (i ? "," : "") + std::to_string(hidden[i]);
  return out;
}

// parse(item) for each comma-separated item of v ("a,b" -> 2 items, "" -> one empty item).
template <typename Parse>
auto parse_list(const std::string& v, Parse parse) {
  std::vector<decltype(parse(v))> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = v.find(',', start);
    out.push_back(parse(v.substr(start, comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// "128,64,32" (explicit widths) or "64x30" (30 layers of width 64). Widths are checked by
// validate(); the depth of the WxD form is capped here, before a vector of that size exists.
std::vector<int> parse_hidden(const std::string& v) {
  const std::size_t x = v.find('x');
  if (x != std::string::npos) {
    const int width = to_int(v.substr(0, x));
    const int depth = static_cast<int>(cli::to_integer(v.substr(x + 1), 1, limits::kMaxDepth));
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
               [&c](auto& v) { c.noise = cli::to_number(v); }, s});
  f.push_back({"test-fraction", "", "testFraction", "X",
               "share of the samples held out for testing", num(c.test_fraction),
               "a number in [0, " + num(limits::kMaxTestFraction) +
                   "] that leaves at least one training sample",
               [&c](auto& v) { c.test_fraction = cli::to_number(v); }, s});
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
                 c.seed = static_cast<uint32_t>(
                     cli::to_integer(v, 0, std::numeric_limits<uint32_t>::max()));
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
               "a number in [0, 1]", [&c](auto& v) { c.leaky_slope = cli::to_number(v); }, s});
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
void add_init_flags(std::vector<Flag>& f, Config& c, std::vector<Init>& inits, bool many) {
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
                   c.gain = cli::to_number(v);
                 }
               },
               s});
  f.push_back({"fan-mode", "", "fanMode", "ID", "the fan of he_uniform and he_normal",
               to_string(c.fan_mode), "fan_in or fan_out",
               [&c](auto& v) { c.fan_mode = parse_fan_mode(v); }, s});
  f.push_back({"init-value", "", "initValue", "X", "c of constant", num(c.init_value),
               "a number in [-100, 100]", [&c](auto& v) { c.init_value = cli::to_number(v); }, s});
  f.push_back({"init-std", "", "initStd", "X", "s of normal and truncated_normal (pre-truncation)",
               num(c.init_std), "a number in [0, 100]",
               [&c](auto& v) { c.init_std = cli::to_number(v); }, s});
  f.push_back({"init-bound", "", "initBound", "X", "a of uniform U(-a, a)", num(c.init_bound),
               "a number in [0, 100]", [&c](auto& v) { c.init_bound = cli::to_number(v); }, s});
}

void add_training_flags(std::vector<Flag>& f, Config& c) {
  const char* s = "Training";
  f.push_back({"optimizer", "", "optimizer", "ID", "update rule (PyTorch's, with its defaults)",
               to_string(c.optimizer), one_of(optimizer_names()),
               [&c](auto& v) { c.optimizer = parse_optimizer(v); }, s});
  f.push_back({"learning-rate", "lr", "learningRate", "X", "step size", num(c.learning_rate),
               "a number in (0, " + num(limits::kMaxLearningRate) + "]",
               [&c](auto& v) { c.learning_rate = cli::to_number(v); }, s});
  f.push_back({"momentum", "", "momentum", "X", "mu of the momentum optimizer", num(c.momentum),
               "a number in [0, 1)", [&c](auto& v) { c.momentum = cli::to_number(v); }, s});
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
                               std::string& data_dir) {
  std::vector<Flag> f;
  add_data_flags(f, c, data_dir);
  add_network_flags(f, c);
  add_init_flags(f, c, inits, many_inits);
  add_training_flags(f, c);
  add_stats_flags(f, c);
  return f;
}

// A command's own option that takes one of a few words (--format, --what); its current value
// is the default shown in --help.
Flag choice_flag(const char* name, const char* help, std::string& target,
                 const std::vector<std::string>& allowed, const char* s) {
  auto set = [&target, allowed](const std::string& v) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) throw cli::BadValue{};
    target = v;
  };
  return {name, "", std::string("--") + name, "ID", help, target, one_of(allowed), set, s};
}

// Parses, or prints the command's help and returns false.
bool parse_or_help(const char* command, const char* usage, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args, cli::Parsed& parsed) {
  parsed = cli::parse_flags(command, flags, args);
  if (!parsed.help) return true;
  std::printf("%s%s", usage, cli::flags_help(flags).c_str());
  return false;
}

// The core's ConfigError names a JS field; add the flag that set it, as typed.
template <typename Work>
int with_flag_hints(const std::vector<Flag>& flags, const cli::Parsed& parsed, Work work) {
  try {
    return work();
  } catch (const ConfigError& e) {
    throw UsageError(e.what() + cli::flag_hint(e.field(), flags, parsed));
  }
}

// ---------------------------------------------------------------------------------------------
// Datasets read from a file (fashion_mnist). The page fetches them; the CLI reads the same file
// from build/data, which scripts/prepare-data.mjs writes (npm test and npm start run it).

const char* g_argv0 = "";  // set in main(): the fallback when /proc/self/exe cannot be read

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
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path + " (" + std::strerror(errno) +
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
void write_config(JsonWriter& j, const Config& c, const std::vector<Init>& inits, bool many) {
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
    for (Init i : inits) j.string(to_string(i));
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
  j.key("optimizer").string(to_string(c.optimizer));
  j.key("learningRate").number(c.learning_rate);
  j.key("momentum").number(c.momentum);
  j.key("batchSize").integer(c.batch_size);
  j.key("loss").string(to_string(c.loss));
  j.key("probeSize").integer(c.probe_size);
  j.key("histBins").integer(c.hist_bins);
}

// ---------------------------------------------------------------------------------------------
// run

struct RunOptions {
  int64_t steps = 500;
  int64_t log_every = 50;
  std::string format = "json";
  bool histograms = true;
};

struct Record {
  Evaluation eval;
  std::vector<LayerStats> layers;
};

struct RunLog {
  std::vector<Record> records;
  bool stopped = false;  // diverged, its final record taken
};

// Steps every run together (Experiment::step skips diverged ones) and snapshots at step 0,
// every log_every updates and at the last step; a run that diverged gets one record at the
// step it diverged and no more.
std::vector<RunLog> train(Experiment& experiment, const RunOptions& o) {
  std::vector<Run>& runs = experiment.runs();
  std::vector<RunLog> logs(runs.size());
  auto snapshot = [&](std::size_t i) {
    Evaluation e = runs[i].evaluate();
    logs[i].records.push_back({e, runs[i].layer_stats()});
    if (runs[i].diverged_at()) logs[i].stopped = true;
  };
  for (std::size_t i = 0; i < runs.size(); ++i) snapshot(i);
  for (int64_t done = 0; done < o.steps;) {
    const int64_t n = std::min(o.log_every, o.steps - done);
    experiment.step(static_cast<int>(n));
    done += n;
    bool any_running = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (logs[i].stopped) continue;
      snapshot(i);
      any_running = any_running || !logs[i].stopped;
    }
    if (!any_running) break;
  }
  return logs;
}

template <typename Get>
void layer_column(JsonWriter& j, const char* name, const std::vector<LayerStats>& layers, Get get) {
  j.key(name).begin_array();
  for (const LayerStats& s : layers) j.number(get(s));
  j.end_array();
}

void write_run_json(const Config& c, const std::vector<Init>& inits, const RunOptions& o,
                    std::vector<Run>& runs, const std::vector<RunLog>& logs) {
  JsonWriter j(stdout);
  j.begin_object();
  j.key("config").begin_object();
  write_config(j, c, inits, true);
  j.key("steps").integer(o.steps);
  j.key("logEvery").integer(o.log_every);
  j.end_object();
  j.key("runs").begin_array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const Run& run = runs[r];
    j.begin_object();
    j.key("init").string(to_string(run.config().init));
    j.key("gain").number(resolve_gain(run.config().init, run.config()));
    j.key("diverged");
    if (run.diverged_at()) {
      j.integer(*run.diverged_at());
    } else {
      j.null();
    }
    j.key("records").begin_array();
    for (const Record& rec : logs[r].records) {
      const auto& L = rec.layers;
      j.begin_object();
      j.key("step").integer(rec.eval.step);
      j.key("trainLoss").number(rec.eval.train_loss);
      j.key("testLoss").number(rec.eval.test_loss);
      j.key("trainAccuracy").number(rec.eval.train_accuracy);
      j.key("testAccuracy").number(rec.eval.test_accuracy);
      j.key("layerStats").begin_object();
      layer_column(j, "preMean", L, [](auto& s) { return s.pre_mean; });
      layer_column(j, "preVar", L, [](auto& s) { return s.pre_var; });
      layer_column(j, "postMean", L, [](auto& s) { return s.post_mean; });
      layer_column(j, "postVar", L, [](auto& s) { return s.post_var; });
      layer_column(j, "deadFraction", L, [](auto& s) { return s.dead_fraction; });
      layer_column(j, "gradVar", L, [](auto& s) { return s.grad_var; });
      layer_column(j, "weightGradVar", L, [](auto& s) { return s.weight_grad_var; });
      layer_column(j, "weightVar", L, [](auto& s) { return s.weight_var; });
      layer_column(j, "theoryVar", L, [](auto& s) { return s.theory_var; });
      j.key("symmetric").begin_array();
      for (const LayerStats& s : L) j.boolean(s.symmetric);
      j.end_array();
      j.key("theoryExact").boolean(theory_is_exact(run.config().activation));
      if (o.histograms) {  // the JS API's shape: fixed bin edges, then counts per layer
        const HistogramSpec& spec = run.hist_spec();
        j.key("histogram").begin_object();
        j.key("lo").number(spec.lo);
        j.key("hi").number(spec.hi);
        j.key("bins").integer(spec.bins);
        j.key("counts").begin_array();
        for (const LayerStats& s : L) {
          j.begin_array();
          for (uint32_t count : s.histogram) j.integer(count);
          j.end_array();
        }
        j.end_array();
        j.end_object();
      }
      j.end_object();
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void write_run_csv(std::vector<Run>& runs, const std::vector<RunLog>& logs) {
  using cli::format_double;
  std::fputs(
      "init,step,trainLoss,testLoss,trainAccuracy,testAccuracy,layer,preMean,preVar,postMean,"
      "postVar,deadFraction,gradVar,weightGradVar,weightVar,theoryVar,symmetric\n",
      stdout);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const char* init = to_string(runs[r].config().init);
    for (const Record& rec : logs[r].records) {
      const std::string head =
          std::string(init) + "," + std::to_string(rec.eval.step) + "," +
          format_double(rec.eval.train_loss) + "," + format_double(rec.eval.test_loss) + "," +
          format_double(rec.eval.train_accuracy) + "," + format_double(rec.eval.test_accuracy);
      for (std::size_t l = 0; l < rec.layers.size(); ++l) {
        const LayerStats& s = rec.layers[l];
        std::fprintf(stdout, "%s,%zu", head.c_str(), l);
        for (double v : {s.pre_mean, s.pre_var, s.post_mean, s.post_var, s.dead_fraction,
                         s.grad_var, s.weight_grad_var, s.weight_var, s.theory_var})
          std::fprintf(stdout, ",%s", format_double(v).c_str());
        std::fprintf(stdout, ",%s\n", s.symmetric ? "true" : "false");
      }
    }
  }
}

const char* kRunUsage =
    "initscope run: train one network per initializer on the same data and seed, and print\n"
    "the records the page shows: losses, accuracies and per-layer statistics at step 0 (before\n"
    "any update), every --log-every updates and at the last step. A run whose loss or weights\n"
    "become non-finite stops with a final record at that step (\"diverged\"); the others go on.\n"
    "\n"
    "Usage: initscope run [flags]\n"
    "  e.g. initscope run --init he_normal,xavier_normal,zeros --hidden 64x30 --steps 2000\n"
    "\n"
    "Output (stdout): JSON { config, runs: [ { init, gain, diverged: null | step, records: [\n"
    "{ step, trainLoss, testLoss, trainAccuracy, testAccuracy, layerStats } ] } ] }, where\n"
    "layerStats is the page's run.layerStats(): { preMean, preVar, postMean, postVar,\n"
    "deadFraction, gradVar, weightGradVar, weightVar, theoryVar, symmetric, theoryExact,\n"
    "histogram: { lo, hi, bins, counts } }, one array entry per layer (hidden layers, then the\n"
    "output layer). Numbers are the shortest text that reads back to the same\n"
    "double; JSON has no NaN or Infinity, so a non-finite number (a diverged loss, the test\n"
    "loss of an empty test split) is null. CSV: one row per (run, record, layer), histograms\n"
    "omitted, non-finite numbers as NaN / Infinity / -Infinity.\n";

int cmd_run(const std::vector<std::string>& args) {
  Config config;
  std::vector<Init> inits{config.init};
  RunOptions o;
  std::string data_dir;
  std::vector<Flag> flags = config_flags(config, inits, true, data_dir);
  const char* s = "Output";
  flags.push_back({"steps", "", "--steps", "N", "updates per run", std::to_string(o.steps),
                   int_range(0, 1000000000),
                   [&o](auto& v) { o.steps = cli::to_integer(v, 0, 1000000000); }, s});
  flags.push_back({"log-every", "", "--log-every", "N", "updates between records",
                   std::to_string(o.log_every), int_range(1, 1000000000),
                   [&o](auto& v) { o.log_every = cli::to_integer(v, 1, 1000000000); }, s});
  flags.push_back(choice_flag("format", "output format", o.format, {"json", "csv"}, s));
  flags.push_back({"no-histograms", "", "--no-histograms", "", "leave the histograms out of JSON",
                   "", "", [&o](auto&) { o.histograms = false; }, s});

  cli::Parsed parsed;
  if (!parse_or_help("run", kRunUsage, flags, args, parsed)) return 0;
  return with_flag_hints(flags, parsed, [&] {
    validate(config);  // a bad flag is reported before a missing data file
    load_data_file(config, data_dir);
    Experiment experiment = Experiment::compare_inits(config, inits);
    const std::vector<RunLog> logs = train(experiment, o);
    if (o.format == "csv") {
      write_run_csv(experiment.runs(), logs);
    } else {
      write_run_json(config, inits, o, experiment.runs(), logs);
    }
    return 0;
  });
}

// ---------------------------------------------------------------------------------------------
// sample

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
                   fan_allowed, [&](auto& v) { fan_in = cli::to_integer(v, 1, max_fan); }, s});
  flags.push_back({"fan-out", "", "fanOut", "N", "rows of the matrix", std::to_string(fan_out),
                   fan_allowed, [&](auto& v) { fan_out = cli::to_integer(v, 1, max_fan); }, s});
  flags.push_back({"seed", "", "seed", "N", "seeds the draw (stream kSample)",
                   std::to_string(config.seed), int_range(0, std::numeric_limits<uint32_t>::max()),
                   [&](auto& v) {
                     config.seed = static_cast<uint32_t>(
                         cli::to_integer(v, 0, std::numeric_limits<uint32_t>::max()));
                   },
                   s});
  add_activation_flags(flags, config, "Gain (He's default and gain auto depend on these)");
  s = "Output";
  flags.push_back({"raw", "", "--raw", "", "also print every value (row-major)", "", "",
                   [&](auto&) { raw = true; }, s});
  flags.push_back(choice_flag("format", "output format", format, {"json", "text"}, s));

  cli::Parsed parsed;
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
          std::printf("%s\n", cli::format_float(w.data()[i]).c_str());
        return 0;
      }
      auto line = [](const char* name, const std::string& value) {
        std::printf("%-18s%s\n", name, value.c_str());
      };
      using cli::format_double;
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

// ---------------------------------------------------------------------------------------------
// dump

const char* kDumpUsage =
    "initscope dump: print exactly what a run starts from, for comparing the native build with\n"
    "the wasm engine bit for bit (tests/node) or for plotting elsewhere.\n"
    "\n"
    "Usage: initscope dump --what dataset|weights [config flags]\n"
    "\n"
    "Output: JSON { config, ... }. dataset: inputDim, classes, bounds [x0min, x0max, x1min,\n"
    "x1max], xTrain (flat, [nTrain][inputDim] row-major), yTrain, xTest, yTest. weights: layers:\n"
    "[ { fanIn, fanOut, weights (flat, [fanOut][fanIn] row-major), biases } ], the values after\n"
    "initialization (lsuv: after its rescale). Floats are the shortest text that reads back to\n"
    "the same float32 (Math.fround / np.float32 of the parsed number).\n";

int cmd_dump(const std::vector<std::string>& args) {
  Config config;
  std::vector<Init> inits{config.init};
  std::string what;
  std::string data_dir;
  std::vector<Flag> flags = config_flags(config, inits, false, data_dir);
  const std::vector<std::string> whats = {"dataset", "weights"};
  flags.push_back(choice_flag("what", "what to print (required)", what, whats, "Output"));

  cli::Parsed parsed;
  if (!parse_or_help("dump", kDumpUsage, flags, args, parsed)) return 0;
  if (what.empty()) throw UsageError("--what", "(not given)", one_of(whats));
  return with_flag_hints(flags, parsed, [&] {
    validate(config);  // a bad flag is reported before a missing data file
    load_data_file(config, data_dir);
    const Run run(config);  // builds exactly what the browser's createRun builds
    JsonWriter j(stdout);
    j.begin_object();
    j.key("config").begin_object();
    write_config(j, config, inits, false);
    j.end_object();
    if (what == "dataset") {
      const Dataset& d = run.dataset();
      j.key("inputDim").integer(d.input_dim);
      j.key("classes").integer(d.classes);
      j.key("bounds").begin_array();
      for (double b : d.bounds) j.number(b);
      j.end_array();
      j.floats("xTrain", d.x_train.data(), d.x_train.size());
      j.integers("yTrain", d.y_train);
      j.floats("xTest", d.x_test.data(), d.x_test.size());
      j.integers("yTest", d.y_test);
    } else {
      j.key("layers").begin_array();
      for (const Layer& layer : run.net().layers) {
        j.begin_object();
        j.key("fanIn").integer(static_cast<int64_t>(layer.fan_in()));
        j.key("fanOut").integer(static_cast<int64_t>(layer.fan_out()));
        j.floats("weights", layer.W.data(), layer.W.size());
        j.floats("biases", layer.b.data(), layer.b.size());
        j.end_object();
      }
      j.end_array();
    }
    j.end_object();
    return 0;
  });
}

// ---------------------------------------------------------------------------------------------

const char* kUsage =
    "initscope: a laboratory for neural-network weight initialization (native CLI; the browser\n"
    "runs the same core as WebAssembly and gives the same numbers for the same seed).\n"
    "\n"
    "Usage: initscope <command> [flags]\n"
    "\n"
    "Commands:\n"
    "  run       train one network per initializer and print per-step records (JSON or CSV)\n"
    "  sample    draw one weight matrix and print its statistics\n"
    "  dump      print the exact dataset or initial weights of a configuration\n"
    "\n"
    "  initscope <command> --help   every flag of a command, its default and allowed values\n"
    "  initscope --version\n"
    "\n"
    "Exit status: 0 success, 2 invalid command line or configuration (the message names the\n"
    "field, the value and what is allowed), 1 failure while running.\n";

int dispatch(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  if (command == "run") return cmd_run(args);
  if (command == "sample") return cmd_sample(args);
  if (command == "dump") return cmd_dump(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("initscope %s\n", kVersion);
    return 0;
  }
  if (command.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  throw UsageError("command", quote(command), "run, sample or dump (see 'initscope --help')");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0) g_argv0 = argv[0];
  int code;
  try {
    code = dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "initscope: %s\n", e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "initscope: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "initscope: error: %s\n", e.what());
    return 1;
  }
  // A full disk or a closed pipe must not look like success.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "initscope: error: cannot write the output: %s\n", std::strerror(errno));
    return 1;
  }
  return code;
}
