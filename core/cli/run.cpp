// core/cli/run.cpp: `initscope run`: train one network per initializer and print per-step records.
#include "initscope/run.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "gemm_flag.hpp"
#include "initscope/activation.hpp"
#include "initscope/init.hpp"

namespace cli {

using namespace initscope;

namespace {

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

void write_run_json(const Config& c, const std::vector<Init>& inits,
                    const std::vector<Config>& configs, const RunOptions& o, const GemmOptions& g,
                    std::vector<Run>& runs, const std::vector<RunLog>& logs) {
  JsonWriter j(stdout);
  j.begin_object();
  j.key("config").begin_object();
  write_config(j, c, inits, true, &configs);
  j.key("steps").integer(o.steps);
  j.key("logEvery").integer(o.log_every);
  j.end_object();
  write_gemm_json(j, g);
  j.key("runs").begin_array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const Run& run = runs[r];
    j.begin_object();
    j.key("init").string(to_string(run.config().init));
    j.key("gain").number(resolve_gain(run.config().init, run.config()));
    j.key("weightVar").number(run.config().weight_var);
    j.key("biasVar").number(run.config().bias_var);
    j.key("diverged");
    if (run.diverged_at()) {
      j.integer(*run.diverged_at());
    } else {
      j.null();
    }
    // Where finite weights overflowed float (Run::overflow; the page's layerStats().overflow):
    // null, or { point (index into layerStats), pass, step }.
    j.key("overflow");
    if (const auto of = run.overflow()) {
      j.begin_object();
      j.key("point").integer(static_cast<int64_t>(of->point));
      j.key("pass").string(of->backward ? "backward" : "forward");
      j.key("step").integer(of->step);
      j.end_object();
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
      layer_column(j, "corr", L, [](auto& s) { return s.corr; });
      layer_column(j, "theoryCorr", L, [](auto& s) { return s.theory_corr; });
      layer_column(j, "theoryGradVar", L, [](auto& s) { return s.theory_grad_var; });
      j.key("symmetric").begin_array();
      for (const LayerStats& s : L) j.boolean(s.symmetric);
      j.end_array();
      j.key("theoryExact").boolean(theory_is_exact(run.config().activation));
      if (o.histograms) {  // the JS API's shape: fixed bin edges, then counts per layer
        const HistogramSpec& spec = run.hist_spec();
        j.key("histogram").begin_object();
        j.key("lo").begin_array();
        for (std::size_t l = 0; l < L.size(); ++l) j.number(spec.lo_at(l));
        j.end_array();
        j.key("hi").begin_array();
        for (std::size_t l = 0; l < L.size(); ++l) j.number(spec.hi_at(l));
        j.end_array();
        j.key("bins").integer(spec.bins);
        j.key("counts").begin_array();
        for (const LayerStats& s : L) {
          j.begin_array();
          for (uint32_t count : s.histogram) j.integer(count);
          j.end_array();
        }
        j.end_array();
        j.key("below").begin_array();
        for (const LayerStats& s : L) j.integer(s.below);
        j.end_array();
        j.key("above").begin_array();
        for (const LayerStats& s : L) j.integer(s.above);
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
  std::fputs(
      "init,step,trainLoss,testLoss,trainAccuracy,testAccuracy,layer,preMean,preVar,postMean,"
      "postVar,deadFraction,gradVar,weightGradVar,weightVar,theoryVar,corr,theoryCorr,"
      "theoryGradVar,symmetric,run\n",
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
                         s.grad_var, s.weight_grad_var, s.weight_var, s.theory_var, s.corr,
                         s.theory_corr, s.theory_grad_var})
          std::fprintf(stdout, ",%s", format_double(v).c_str());
        std::fprintf(stdout, ",%s,%zu\n", s.symmetric ? "true" : "false", r);
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
    "       initscope run --preset he2015 --seed 7   (a preset, then overrides)\n"
    "\n"
    "Output (stdout): JSON { config, gemm, runs: [ { init, gain, weightVar, biasVar, diverged:\n"
    "null | step, overflow: null | { point, pass: forward | backward, step } (where finite\n"
    "weights overflowed float: point indexes layerStats), records: [ { step, trainLoss,\n"
    "testLoss, trainAccuracy, testAccuracy, layerStats } ] } ] }, where\n"
    "layerStats is the page's run.layerStats(): { preMean, preVar, postMean, postVar,\n"
    "deadFraction, gradVar, weightGradVar, weightVar, theoryVar, corr, theoryCorr,\n"
    "theoryGradVar, symmetric, theoryExact,\n"
    "histogram: { lo, hi, bins, counts, below, above } }, one array entry per layer (hidden\n"
    "layers, then the output layer; a layer's bins cover [lo, hi], fixed at step 0: tanh\n"
    "[-1, 1], sigmoid [0, 1], other activations and the logits the step-0 [min, max] + 5%\n"
    "each side, relu from 0; below / above count the values outside). Numbers are the shortest\n"
    "text that reads back to the same\n"
    "double; JSON has no NaN or Infinity, so a non-finite number (a diverged loss, the test\n"
    "loss of an empty test split) is null. CSV: one row per (run, record, layer), histograms\n"
    "omitted, non-finite numbers as NaN / Infinity / -Infinity.\n"
    "\n"
    "Speed: --gemm exact (the default) computes the page's bits on every CPU (AVX2 or SSE2\n"
    "kernels picked at run time, same numbers); --gemm fast uses OpenBLAS (--threads N) and\n"
    "is there for wide nets (4-6x on 256-1024 wide layers; rounding differs from the page, by\n"
    "~1e-8 relative in the loss after 50 steps). JSON says which: \"gemm\": \"exact\" | "
    "\"fast\".\n";

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  Config config;
  std::vector<Init> inits{config.init};
  RunOptions o;
  std::string data_dir;
  PerRun per_run;
  const std::string preset = preset_arg(args);
  if (!preset.empty()) apply_preset(preset, config, inits, per_run);
  std::vector<Flag> flags = config_flags(config, inits, true, data_dir, &per_run);
  flags.insert(flags.begin(), preset_flag());
  const char* s = "Output";
  flags.push_back({"steps", "", "--steps", "N", "updates per run", std::to_string(o.steps),
                   int_range(0, 1000000000),
                   [&o](auto& v) { o.steps = to_integer(v, 0, 1000000000); }, s});
  flags.push_back({"log-every", "", "--log-every", "N", "updates between records",
                   std::to_string(o.log_every), int_range(1, 1000000000),
                   [&o](auto& v) { o.log_every = to_integer(v, 1, 1000000000); }, s});
  flags.push_back(choice_flag("format", "output format", o.format, {"json", "csv"}, s));
  flags.push_back({"no-histograms", "", "--no-histograms", "", "leave the histograms out of JSON",
                   "", "", [&o](auto&) { o.histograms = false; }, s});
  GemmOptions gemm;
  add_gemm_flags(flags, gemm);

  Parsed parsed;
  if (!parse_or_help("run", kRunUsage, flags, args, parsed)) return 0;
  return with_flag_hints(flags, parsed, [&] {
    validate(config);  // a bad flag is reported before a missing data file
    load_data_file(config, data_dir);
    apply_gemm(gemm);
    const std::vector<Config> configs = run_configs(config, inits, per_run);
    Experiment experiment(configs);
    const std::vector<RunLog> logs = train(experiment, o);
    if (o.format == "csv") {
      write_run_csv(experiment.runs(), logs);
    } else {
      write_run_json(config, inits, configs, o, gemm, experiment.runs(), logs);
    }
    return 0;
  });
}

}  // namespace cli
