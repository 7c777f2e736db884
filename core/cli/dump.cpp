// core/cli/dump.cpp: `initscope dump`: print the exact dataset or initial weights of a
// configuration.
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "initscope/run.hpp"

namespace cli {

using namespace initscope;

namespace {

const char* kDumpUsage =
    "initscope dump: print exactly what a run starts from, for comparing the native build with\n"
    "the wasm engine bit for bit (tests/node) or for plotting elsewhere.\n"
    "\n"
    "Usage: initscope dump --what dataset|weights [config flags]\n"
    "\n"
    "Output: JSON { config, ... }. dataset: inputDim, classes, bounds [x0min, x0max, x1min,\n"
    "x1max], xTrain (flat, [nTrain][inputDim] row-major), yTrain, xTest, yTest. weights: layers:\n"
    "[ { role, fanIn, fanOut, weights (flat, [fanOut][fanIn] row-major: the effective weights,\n"
    "multiplier x stored), biases, multiplier, lrScale: { weights, biases } } ], the values after\n"
    "initialization (lsuv: after its rescale). Residual nets add blocks: [ { layers, alpha,\n"
    "gate, gateTrained, fixupScale, fixupBiases } ]; nets with a norm add norms: [ { kind, at\n"
    "(layer | pre | post | final), index, gamma, beta, runningMean, runningVar } ]. Floats are\n"
    "the shortest text that reads back to the same float32 (Math.fround / np.float32).\n";

}  // namespace

int cmd_dump(const std::vector<std::string>& args) {
  Config config;
  std::vector<Init> inits{config.init};
  std::string what;
  std::string data_dir;
  std::vector<Flag> flags = config_flags(config, inits, false, data_dir);
  const std::vector<std::string> whats = {"dataset", "weights"};
  flags.push_back(choice_flag("what", "what to print (required)", what, whats, "Output"));

  Parsed parsed;
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
        j.key("role").string(to_string(layer.role));
        j.key("fanIn").integer(static_cast<int64_t>(layer.fan_in()));
        j.key("fanOut").integer(static_cast<int64_t>(layer.fan_out()));
        // The effective weights m x W (what the layer computes with; sp: the stored ones).
        std::vector<float> w(layer.W.begin(), layer.W.end());
        if (layer.multiplier != 1.f)
          for (float& x : w) x *= layer.multiplier;
        j.floats("weights", w.data(), w.size());
        j.floats("biases", layer.b.data(), layer.b.size());
        j.key("multiplier").number(layer.multiplier);
        j.key("lrScale").begin_object();
        j.key("weights").number(layer.lr_scale_w);
        j.key("biases").number(layer.lr_scale_b);
        j.end_object();
        j.end_object();
      }
      j.end_array();
      const Mlp& net = run.net();
      // Residual and normalized nets: everything else that is trained or kept, so the network
      // can be rebuilt elsewhere (README "The weights file").
      if (net.residual()) {
        j.key("blocks").begin_array();
        for (const Block& b : net.blocks) {
          j.begin_object();
          j.key("layers").begin_array();
          for (int k = 0; k < net.shape.block_layers; ++k)
            j.integer(static_cast<int64_t>(b.first + k));
          j.end_array();
          j.key("alpha").number(net.shape.alpha);
          j.key("gate").number(b.gate);
          j.key("gateTrained").boolean(net.shape.rezero);
          if (net.shape.fixup) {
            j.key("fixupScale").number(b.scale);
            j.floats("fixupBiases", b.bias.data(), b.bias.size());
          }
          j.end_object();
        }
        j.end_array();
      }
      if (!net.norms.empty()) {
        j.key("norms").begin_array();
        for (std::size_t k = 0; k < net.norms.size(); ++k) {
          const NormLayer<float>& n = net.norms[k];
          j.begin_object();
          j.key("kind").string(to_string(run.config().norm));
          // plain: after hidden Linear k; residual: block k's (pre or post), or the final one
          const bool final_norm = net.residual() && k == net.blocks.size();
          j.key("at").string(!net.residual() ? "layer"
                             : final_norm    ? "final"
                                             : to_string(net.shape.norm_position));
          j.key("index").integer(static_cast<int64_t>(k));
          j.floats("gamma", n.gamma.data(), n.gamma.size());
          if (n.kind != NormKind::rms) j.floats("beta", n.beta.data(), n.beta.size());
          if (n.kind == NormKind::batch) {
            j.floats("runningMean", n.running_mean.data(), n.running_mean.size());
            j.floats("runningVar", n.running_var.data(), n.running_var.size());
          }
          j.end_object();
        }
        j.end_array();
      }
    }
    j.end_object();
    return 0;
  });
}

}  // namespace cli
