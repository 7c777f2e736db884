// core/cli/sweep.cpp: `initscope sweep`: train one run per (cell, seed) of a one- or two-axis
// grid of configurations and print the final numbers of each. The cells are independent Runs,
// computed on --jobs threads by task index; the output is written in task order afterwards, so
// it is the same bytes whatever the job count.
#include "initscope/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "gemm_flag.hpp"
#include "initscope/presets.hpp"

namespace cli {

using namespace initscope;

namespace {

struct SweepOptions {
  std::string x, y;
  std::string format = "json";
  int jobs = 0;  // 0 = std::thread::hardware_concurrency()
};

// Every task on `jobs` threads, each taking the next task index; results land at their index.
// The first exception (by task index, so the message does not depend on scheduling) is rethrown.
std::vector<CellResult> compute(const SweepSpec& spec, int jobs) {
  const std::size_t n = task_count(spec);
  std::vector<CellResult> results(n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t t; (t = next.fetch_add(1)) < n;) {
      try {
        results[t] = evaluate_cell(task_config(spec, t), spec.steps);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(jobs), n);
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();  // the calling thread is one of the jobs
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  return results;
}

void axis_value(JsonWriter& j, const SweepAxis& a, std::size_t i) {
  if (a.numeric) {
    j.number(a.numbers[i]);
  } else {
    j.string(a.labels[i]);
  }
}

void write_result(JsonWriter& j, const CellResult& r) {
  j.key("step").integer(r.step);
  j.key("trainLoss").number(r.train_loss);
  j.key("testLoss").number(r.test_loss);
  j.key("trainAccuracy").number(r.train_accuracy);
  j.key("testAccuracy").number(r.test_accuracy);
  j.key("diverged");
  if (r.diverged_at) {
    j.integer(*r.diverged_at);
  } else {
    j.null();
  }
}

void write_sweep_json(const SweepSpec& spec, const GemmOptions& g,
                      const std::vector<CellResult>& results) {
  JsonWriter j(stdout);
  j.begin_object();
  j.key("config").begin_object();
  write_config(j, spec.base, {spec.base.init}, false);
  j.end_object();
  write_gemm_json(j, g);
  j.key("steps").integer(spec.steps);
  j.key("seeds").integer(spec.seeds);
  j.key("axes").begin_array();
  for (const SweepAxis& a : spec.axes) {
    j.begin_object();
    j.key("field").string(a.field);
    j.key("values").begin_array();
    for (std::size_t i = 0; i < a.size(); ++i) axis_value(j, a, i);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("cells").begin_array();
  const std::size_t seeds = static_cast<std::size_t>(spec.seeds);
  for (std::size_t cell = 0; cell < cell_count(spec); ++cell) {
    const CellResult* r = &results[cell * seeds];
    const CellSummary s = summarize(r, spec.seeds);
    j.begin_object();
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      j.key(a == 0 ? "x" : "y");
      axis_value(j, spec.axes[a], axis_index(spec, cell, a));
    }
    j.key("trainLoss").number(s.train_loss);
    j.key("testLoss").number(s.test_loss);
    j.key("trainAccuracy").number(s.train_accuracy);
    j.key("testAccuracy").number(s.test_accuracy);
    j.key("diverged").integer(s.diverged);
    j.key("runs").begin_array();
    for (std::size_t k = 0; k < seeds; ++k) {
      j.begin_object();
      j.key("seed").integer(sweep_seed(spec.base.seed, static_cast<int>(k)));
      write_result(j, r[k]);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

// One row per (cell, seed), in task order; the axis columns are named after their fields.
void write_sweep_csv(const SweepSpec& spec, const std::vector<CellResult>& results) {
  std::string head;
  for (const SweepAxis& a : spec.axes) head += a.field + ",";
  std::fprintf(stdout, "%sseed,step,trainLoss,testLoss,trainAccuracy,testAccuracy,diverged\n",
               head.c_str());
  const std::size_t seeds = static_cast<std::size_t>(spec.seeds);
  for (std::size_t t = 0; t < results.size(); ++t) {
    const std::size_t cell = t / seeds;
    std::string row;
    for (std::size_t a = 0; a < spec.axes.size(); ++a)
      row += spec.axes[a].labels[axis_index(spec, cell, a)] + ",";
    const CellResult& r = results[t];
    row += std::to_string(sweep_seed(spec.base.seed, static_cast<int>(t % seeds))) + "," +
           std::to_string(r.step) + "," + format_double(r.train_loss) + "," +
           format_double(r.test_loss) + "," + format_double(r.train_accuracy) + "," +
           format_double(r.test_accuracy) + "," +
           (r.diverged_at ? std::to_string(*r.diverged_at) : std::string());
    std::fprintf(stdout, "%s\n", row.c_str());
  }
}

const char* kSweepUsage =
    "initscope sweep: train one network per cell of a one- or two-axis grid of configurations\n"
    "(and per seed), and print each run's final losses and accuracies and whether it diverged.\n"
    "Every other flag sets the fields the sweep keeps fixed, as in `initscope run`.\n"
    "\n"
    "Usage: initscope sweep --x FIELD=SPEC [--y FIELD=SPEC] [flags]\n"
    "  e.g. initscope sweep --x learningRate=0.001:0.1:5 --y depth=2:10:5 --steps 300 --seeds 3\n"
    "       initscope sweep --preset edge_of_chaos_sweep --seeds 3   (a sweep preset: its axes,\n"
    "       steps and seeds; any other preset gives the base config; flags override either)\n"
    "\n"
    "SPEC: START:STOP:COUNT (COUNT values from START to STOP inclusive, evenly spaced) or a list\n"
    "A,B,C. Numeric fields: depth (layers of the first --hidden width), width (every layer of\n"
    "--hidden), weightVar, biasVar (mean_field's sigma_w^2, sigma_b^2), learningRate, batchSize, "
    "momentum, gain, initStd, initBound, initValue, "
    "leakySlope,\n"
    "noise, samples, testFraction, inputDim, classes, probeSize, histBins. Lists only: init,\n"
    "activation, optimizer, dataset, loss, fanMode.\n"
    "Seed index s runs with seed (--seed + s) mod 2^32: `initscope run` with that seed and the\n"
    "cell's fields gives the same run. The output does not depend on --jobs.\n"
    "\n"
    "Output (stdout): JSON { config, gemm, steps, seeds, axes: [ { field, values } ], cells: [ { "
    "x, y,\n"
    "trainLoss, testLoss, trainAccuracy, testAccuracy (means over the seeds that did not\n"
    "diverge; null if none), diverged (how many did), runs: [ { seed, step, trainLoss, testLoss,\n"
    "trainAccuracy, testAccuracy, diverged: null | step } ] } ] }, cells x-fastest. CSV: one row\n"
    "per (cell, seed) in the same order: <x field>,<y field>,seed,step,trainLoss,testLoss,\n"
    "trainAccuracy,testAccuracy,diverged (the step, or empty).\n";

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  SweepSpec spec;
  std::vector<Init> inits{spec.base.init};
  SweepOptions o;
  std::string data_dir;
  // `--preset ID`: a sweep preset's whole sweep (its axes, steps and seeds too), or any preset's
  // first run as the base; every other flag overrides it.
  const std::string preset = preset_arg(args);
  if (!preset.empty()) {
    const Preset& p = preset_by_id(preset);
    if (!p.sweep.x.empty()) {
      spec = preset_sweep_spec(p);
      o.x = p.sweep.x;
      o.y = p.sweep.y;
      spec.axes.clear();
    } else {
      spec.base = preset_run_configs(p).front();
    }
    inits = {spec.base.init};
  }
  std::vector<Flag> flags = config_flags(spec.base, inits, false, data_dir);
  flags.insert(flags.begin(), preset_flag());
  const char* s = "Sweep";
  const std::string fields = join_ids(sweep_field_names());
  flags.push_back({"x", "", "--x", "FIELD=SPEC", "the first axis (required)", "",
                   "FIELD=START:STOP:COUNT or FIELD=A,B,... with FIELD one of " + fields,
                   [&o](auto& v) { o.x = v; }, s});
  flags.push_back({"y", "", "--y", "FIELD=SPEC", "the second axis", "none", "as --x",
                   [&o](auto& v) { o.y = v; }, s});
  flags.push_back({"steps", "", "--steps", "N", "updates per run", std::to_string(spec.steps),
                   int_range(0, 1000000000),
                   [&spec](auto& v) { spec.steps = to_integer(v, 0, 1000000000); }, s});
  flags.push_back({"seeds", "", "--seeds", "N", "runs per cell, seeds --seed, --seed + 1, ...",
                   std::to_string(spec.seeds), int_range(1, limits::kMaxSweepSeeds),
                   [&spec](auto& v) {
                     spec.seeds = static_cast<int>(to_integer(v, 1, limits::kMaxSweepSeeds));
                   },
                   s});
  flags.push_back({"jobs", "", "--jobs", "N", "threads computing cells", "the number of cores",
                   int_range(1, 1024),
                   [&o](auto& v) { o.jobs = static_cast<int>(to_integer(v, 1, 1024)); }, s});
  flags.push_back(choice_flag("format", "output format", o.format, {"json", "csv"}, s));
  GemmOptions gemm;
  add_gemm_flags(flags, gemm);

  Parsed parsed;
  if (!parse_or_help("sweep", kSweepUsage, flags, args, parsed)) return 0;
  if (o.x.empty()) throw UsageError("--x", "(missing)", "FIELD=START:STOP:COUNT or FIELD=A,B,...");
  spec.base.init = inits.front();
  // Axis errors name the axis's field and value; a flag hint would point at the wrong flag
  // (--learning-rate for --x learningRate=...), so only the base config gets hints.
  spec.axes.push_back(parse_axis(o.x, "--x"));
  if (!o.y.empty()) spec.axes.push_back(parse_axis(o.y, "--y"));
  with_flag_hints(flags, parsed, [&] {
    validate(spec.base);
    return 0;
  });
  validate_sweep(spec);  // every cell, before any is computed
  return with_flag_hints(flags, parsed, [&] {
    load_data_file(spec.base, data_dir);
    for (const SweepAxis& a : spec.axes)  // a dataset axis may need another file
      if (a.field == "dataset")
        for (std::size_t i = 0; i < a.size(); ++i) {
          Config c = spec.base;
          set_axis_value(c, a, i);
          load_data_file(c, data_dir);
        }
    const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    apply_gemm(gemm);
    const std::vector<CellResult> results = compute(spec, jobs);
    if (o.format == "csv") {
      write_sweep_csv(spec, results);
    } else {
      write_sweep_json(spec, gemm, results);
    }
    return 0;
  });
}

}  // namespace cli
