// core/cli/sweep.cpp: `initscope sweep`: train one run per (cell, seed) of a one- or two-axis
// grid of configurations and print the final numbers of each. The cells are independent Runs,
// computed on --jobs threads by task index; the output is written in task order afterwards, so
// it is the same bytes whatever the job count.
//
// The same sweep can be cut into shards (--shard K/N, each writing a part file), the parts joined
// (`initscope sweep merge`), and any run resumed after a kill (--checkpoint): every path fills
// the same vector of CellResults with the same evaluate_cell and prints it with the same writer,
// so all of them give the unsharded sweep's bytes.
#include "initscope/sweep.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "gemm_flag.hpp"
#include "initscope/presets.hpp"
#include "initscope/sweep_parts.hpp"
#include "shard.hpp"

namespace cli {

using namespace initscope;

namespace {

using parts::Json;
using parts::Part;

struct SweepOptions {
  std::string x, y, split;
  std::string format = "json";
  int jobs = 0;            // 0 = std::thread::hardware_concurrency()
  std::string shard;       // "K/N", or empty: the whole sweep
  std::string out;         // the output file, or empty: stdout
  std::string checkpoint;  // the part file to resume from and keep up to date, or empty
  int checkpoint_every = 8;
  bool progress = false, quiet = false;
};

// The flags that say how to run a sweep, not which sweep it is: left out of a part's "command".
// (true: the flag takes a value)
const std::vector<std::pair<std::string, bool>>& run_only_flags() {
  static const std::vector<std::pair<std::string, bool>> f = {
      {"--jobs", true},      {"--format", true},     {"--shard", true},
      {"--out", true},       {"--checkpoint", true}, {"--checkpoint-every", true},
      {"--progress", false}, {"--quiet", false},     {"--data-dir", true}};
  return f;
}

std::vector<std::string> definition_command(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool skip = false;
    for (const auto& f : run_only_flags()) {
      if (args[i] == f.first) {
        skip = true;
        if (f.second) ++i;  // and its value
        break;
      }
      if (args[i].rfind(f.first + "=", 0) == 0) {
        skip = true;
        break;
      }
    }
    if (!skip) out.push_back(args[i]);
  }
  return out;
}

// The tasks `todo` on `jobs` threads, each taking the next one; results land at their task
// index. `done(task)` is called under a lock after each task (checkpoints, progress). The first
// exception (by task index, so the message does not depend on scheduling) is rethrown.
void compute(const SweepSpec& spec, const std::vector<std::size_t>& todo, int jobs,
             std::vector<CellResult>& results, const std::function<void(std::size_t)>& done) {
  const std::size_t n = todo.size();
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      const std::size_t t = todo[i];
      try {
        results[t] = evaluate_cell(task_config(spec, t), spec.steps);
        const std::lock_guard<std::mutex> hold(lock);
        done(t);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(jobs), n);
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();  // the calling thread is one of the jobs
  for (std::thread& t : pool) t.join();
  std::size_t first = n;
  for (std::size_t i = 0; i < n; ++i)
    if (errors[i] && (first == n || todo[i] < todo[first])) first = i;
  if (first < n) std::rethrow_exception(errors[first]);
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

// The sweep's definition: the members of the JSON output before "cells", and a part's
// "definition" (whose hash says which sweep a part belongs to). The GEMM path is part of it:
// exact and fast round differently, so parts computed by both do not merge.
void write_definition(JsonWriter& j, const SweepSpec& spec, const GemmOptions& g) {
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
}

Json definition_json(const SweepSpec& spec, const GemmOptions& g) {
  return parts::parse_json(capture([&spec, &g](std::FILE* f) {
    JsonWriter j(f);
    j.begin_object();
    write_definition(j, spec, g);
    j.end_object();
  }));
}

// The two writers take every task's result in task order, however it was computed (one process,
// a resumed checkpoint, or merged parts): the same vector gives the same bytes.
void write_sweep_json(std::FILE* out, const SweepSpec& spec, const GemmOptions& g,
                      const std::vector<CellResult>& results) {
  JsonWriter j(out);
  j.begin_object();
  write_definition(j, spec, g);
  j.key("cells").begin_array();
  const std::size_t seeds = static_cast<std::size_t>(spec.seeds);
  for (std::size_t cell = 0; cell < cell_count(spec); ++cell) {
    const CellResult* r = &results[cell * seeds];
    const CellSummary s = summarize(r, spec.seeds);
    j.begin_object();
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      j.key(a == 0 ? "x" : a == 1 ? "y" : "z");
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
void write_sweep_csv(std::FILE* out, const SweepSpec& spec,
                     const std::vector<CellResult>& results) {
  std::string head;
  for (const SweepAxis& a : spec.axes) head += a.field + ",";
  std::fprintf(out, "%sseed,step,trainLoss,testLoss,trainAccuracy,testAccuracy,diverged\n",
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
    std::fprintf(out, "%s\n", row.c_str());
  }
}

// The output (a sweep's JSON or CSV, or a part) to stdout, or replacing --out atomically so that
// a half-written file never looks like a finished one.
void emit(const std::string& out, const std::string& text) {
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    write_file_atomic(out, text);
  }
}

std::string sweep_text(const SweepSpec& spec, const GemmOptions& g,
                       const std::vector<CellResult>& results, const std::string& format) {
  return capture([&](std::FILE* f) {
    if (format == "csv") {
      write_sweep_csv(f, spec, results);
    } else {
      write_sweep_json(f, spec, g, results);
    }
  });
}

const char* kSweepUsageTemplate =
    "initscope sweep: train one network per cell of a one- or two-axis grid of configurations\n"
    "(and per seed), and print each run's final losses and accuracies and whether it diverged.\n"
    "Every other flag sets the fields the sweep keeps fixed, as in `initscope run`.\n"
    "\n"
    "Usage: initscope sweep --x FIELD=SPEC [--y FIELD=SPEC [--split FIELD=SPEC]] [flags]\n"
    "  e.g. initscope sweep --x learningRate=0.001:0.1:5 --y depth=2:10:5 --steps 300 --seeds 3\n"
    "       initscope sweep --preset edge_of_chaos_sweep --seeds 3   (a sweep preset: its axes,\n"
    "       steps and seeds; any other preset gives the base config; flags override either)\n"
    "\n"
    "SPEC: START:STOP:COUNT (COUNT values from START to STOP inclusive, evenly spaced) or a list\n"
    "A,B,C. depth is the number of layers (of the first --hidden width), width every layer's\n"
    "width; a number field with words also takes them in a list (residualScale=one,\n"
    "inv_sqrt_depth).\n"
    "%FIELDS%"
    "Seed index s runs with seed (--seed + s) mod 2^32: `initscope run` with that seed and the\n"
    "cell's fields gives the same run. The output does not depend on --jobs.\n"
    "\n"
    "Output (stdout): JSON { config, gemm, steps, seeds, axes: [ { field, values } ], cells: [ { "
    "x, y,\n"
    "trainLoss, testLoss, trainAccuracy, testAccuracy (means over the seeds that did not\n"
    "diverge; null if none), diverged (how many did), runs: [ { seed, step, trainLoss, testLoss,\n"
    "trainAccuracy, testAccuracy, diverged: null | step } ] } ] }, cells x-fastest. CSV: one row\n"
    "per (cell, seed) in the same order: <x field>,<y field>,seed,step,trainLoss,testLoss,\n"
    "trainAccuracy,testAccuracy,diverged (the step, or empty). With --split (a third axis, the\n"
    "x-y grid once per value: initscope sweep --preset mup_transfer) cells also have z, the\n"
    "split's value, and the CSV a third axis column; cells are x fastest, then y, then z.\n"
    "\n"
    "Sharded and resumable sweeps (README \"Sweeps on a cluster\"):\n"
    "  --shard K/N   run only shard K of N and write a part file (JSON: the sweep's definition,\n"
    "                its FNV-1a 64 hash, K/N and each finished task's results) instead of the\n"
    "                output. Tasks (cell, seed) are dealt by estimated cost (weights x rows\n"
    "                trained and evaluated), costliest first to the least-loaded shard, so shards\n"
    "                take similar time; with equal costs that is round-robin by task index.\n"
    "  --checkpoint FILE   keep the finished tasks in FILE (a part file, replaced atomically\n"
    "                every --checkpoint-every tasks); run the same command again after a crash\n"
    "                or kill and only the missing tasks are computed, to the same bytes. A FILE\n"
    "                of another sweep is refused, never overwritten.\n"
    "  initscope sweep merge PART... [--format json|csv] [--out FILE]   check that the parts are\n"
    "                every shard of one sweep, each task once, and print the sweep's output: the\n"
    "                same bytes as the unsharded sweep.\n";

// The usage text with the axes read off the registry (sweep.hpp), wrapped at 92 columns.
std::string sweep_usage() {
  std::string lists;
  const auto add = [&lists](const char* head, const std::vector<std::string>& names) {
    std::string line = head;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string item = names[i] + (i + 1 < names.size() ? "," : ".");
      if (line.size() + 1 + item.size() > 92) {
        lists += line + "\n";
        line = " ";
      }
      line += " " + item;
    }
    lists += line + "\n";
  };
  add("Numeric axes:", sweep_numeric_fields());
  std::vector<std::string> categorical;
  for (const std::string& n : sweep_field_names())
    if (std::find(sweep_numeric_fields().begin(), sweep_numeric_fields().end(), n) ==
        sweep_numeric_fields().end())
      categorical.push_back(n);
  add("Lists only:", categorical);
  std::string usage = kSweepUsageTemplate;
  usage.replace(usage.find("%FIELDS%"), 8, lists);
  return usage;
}

const char* kMergeUsage =
    "initscope sweep merge: join the part files of a sharded sweep (initscope sweep --shard K/N)\n"
    "into the output the unsharded sweep prints, byte for byte.\n"
    "\n"
    "Usage: initscope sweep merge PART... [--format json|csv] [--out FILE]\n"
    "\n"
    "The parts must all belong to one sweep (the same definition and hash), have the same format\n"
    "version and N, hold each shard 1..N once and every task of their shard exactly once, and be\n"
    "unedited (each carries a hash of its tasks). Otherwise nothing is written and the message\n"
    "names the part file (exit 2).\n"
    "  --format json|csv   output format (default json)\n"
    "  --out FILE          write FILE (replaced atomically) instead of stdout\n";

// A parsed `initscope sweep` command line. Not copyable: the flags' setters point into it.
struct SweepCommand {
  SweepSpec spec;
  std::vector<Init> inits{spec.base.init};
  SweepOptions o;
  std::string data_dir;
  std::vector<Flag> flags;
  Parsed parsed;
  GemmOptions gemm;
  SweepCommand() = default;
  SweepCommand(const SweepCommand&) = delete;
};

// Parses and validates a sweep's flags into c; false if it printed --help.
bool parse_sweep(const std::vector<std::string>& args, SweepCommand& c) {
  SweepSpec& spec = c.spec;
  SweepOptions& o = c.o;
  // `--preset ID`: a sweep preset's whole sweep (its axes, steps and seeds too), or any preset's
  // first run as the base; every other flag overrides it.
  const std::string preset = preset_arg(args);
  if (!preset.empty()) {
    const Preset& p = preset_by_id(preset);
    if (!p.sweep.x.empty()) {
      spec = preset_sweep_spec(p);
      o.x = p.sweep.x;
      o.y = p.sweep.y;
      o.split = p.sweep.split;
      spec.axes.clear();
    } else {
      spec.base = preset_run_configs(p).front();
    }
    c.inits = {spec.base.init};
  }
  std::vector<Flag>& flags = c.flags;
  flags = config_flags(spec.base, c.inits, false, c.data_dir);
  flags.insert(flags.begin(), preset_flag());
  const char* s = "Sweep";
  const std::string fields = join_ids(sweep_field_names());
  flags.push_back({"x", "", "--x", "FIELD=SPEC", "the first axis (required)", "",
                   "FIELD=START:STOP:COUNT or FIELD=A,B,... with FIELD one of " + fields,
                   [&o](auto& v) { o.x = v; }, s});
  flags.push_back({"y", "", "--y", "FIELD=SPEC", "the second axis", "none", "as --x",
                   [&o](auto& v) { o.y = v; }, s});
  flags.push_back({"split", "", "--split", "FIELD=SPEC",
                   "a third axis: the x-y grid once per value (the page: panels side by side)",
                   "none", "as --x; needs --y", [&o](auto& v) { o.split = v; }, s});
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
  const char* r = "Shards, checkpoints and progress";
  flags.push_back({"shard", "", "--shard", "K/N",
                   "run only shard K of N and write its part file (see above)", "the whole sweep",
                   "K/N with N an integer in 1..4096 and K in 1..N",
                   [&o](auto& v) {
                     parts::parse_shard(v, "--shard");
                     o.shard = v;
                   },
                   r});
  flags.push_back({"out", "", "--out", "FILE", "write the output (or part) to FILE, atomically",
                   "stdout", "a file name", [&o](auto& v) { o.out = v; }, r});
  flags.push_back({"checkpoint", "", "--checkpoint", "FILE",
                   "resume from and keep finished tasks in FILE (a part file)", "none",
                   "a file name", [&o](auto& v) { o.checkpoint = v; }, r});
  flags.push_back(
      {"checkpoint-every", "", "--checkpoint-every", "N",
       "rewrite the checkpoint after every N finished tasks", std::to_string(o.checkpoint_every),
       int_range(1, 1000000),
       [&o](auto& v) { o.checkpoint_every = static_cast<int>(to_integer(v, 1, 1000000)); }, r});
  flags.push_back({"progress", "", "--progress", "",
                   "progress on stderr even when it is not a terminal", "on a terminal only", "",
                   [&o](auto&) { o.progress = true; }, r});
  flags.push_back({"quiet", "", "--quiet", "", "no progress on stderr", "off", "",
                   [&o](auto&) { o.quiet = true; }, r});
  add_gemm_flags(flags, c.gemm);

  if (!parse_or_help("sweep", sweep_usage().c_str(), flags, args, c.parsed)) return false;
  if (o.x.empty()) throw UsageError("--x", "(missing)", "FIELD=START:STOP:COUNT or FIELD=A,B,...");
  if (!o.out.empty() && o.out == o.checkpoint && o.shard.empty())
    throw UsageError("--out", quote(o.out),
                     "a file other than --checkpoint (the checkpoint is a part file, the output "
                     "is not)");
  spec.base.init = c.inits.front();
  // Axis errors name the axis's field and value; a flag hint would point at the wrong flag
  // (--learning-rate for --x learningRate=...), so only the base config gets hints.
  spec.axes.push_back(parse_axis(o.x, "--x"));
  if (!o.y.empty()) spec.axes.push_back(parse_axis(o.y, "--y"));
  if (!o.split.empty()) {
    if (o.y.empty()) throw UsageError("--split", quote(o.split), "a --y axis as well");
    spec.axes.push_back(parse_axis(o.split, "--split"));
  }
  with_flag_hints(flags, c.parsed, [&] {
    validate(spec.base);
    return 0;
  });
  validate_sweep(spec);  // every cell, before any is computed
  return true;
}

// `initscope sweep merge PART... [--format json|csv] [--out FILE]`
int cmd_sweep_merge(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string format = "json", out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kMergeUsage, stdout);
      return 0;
    }
    std::string* target = nullptr;
    std::string name = a, value;
    const std::size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    }
    if (name == "--format") target = &format;
    if (name == "--out") target = &out;
    if (!target) {
      if (a.rfind("-", 0) == 0 && a.size() > 1)
        throw UsageError("flag", quote(a),
                         "--format or --out (see 'initscope sweep merge --help')");
      files.push_back(a);
      continue;
    }
    if (eq == std::string::npos) {
      if (i + 1 >= args.size()) throw UsageError(name, "(missing)", "a value");
      value = args[++i];
    }
    *target = value;
  }
  if (format != "json" && format != "csv")
    throw UsageError("--format", shown(format), "one of json, csv");
  if (files.empty()) throw UsageError("parts", "(none)", "one or more part files");

  std::vector<Part> ps;
  for (const std::string& f : files)
    ps.push_back(parts::read_part(read_whole_file(f, "part file " + quote(f)), f));

  // The sweep is rebuilt from the first part's command by the same code as `initscope sweep`,
  // and must have exactly the definition every part carries.
  const std::string first = quote(files[0]);
  SweepCommand c;
  try {
    if (!parse_sweep(ps[0].command, c)) throw UsageError("--help in the command");
  } catch (const std::exception& e) {
    throw UsageError("part file " + first + " command", quote(join_ids(ps[0].command)),
                     std::string("a sweep's flags (") + e.what() + ")");
  }
  const SweepSpec& spec = c.spec;
  if (parts::compact_json(definition_json(spec, c.gemm)) != parts::compact_json(ps[0].definition))
    throw UsageError("part file " + first + " definition", "not the sweep its command defines",
                     "the definition this initscope writes for it (written by another version?)");
  const int n = ps[0].n;
  std::vector<int> owner(static_cast<std::size_t>(n), -1);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const std::string field = "part file " + quote(files[i]);
    if (ps[i].definition_hash != ps[0].definition_hash ||
        parts::compact_json(ps[i].definition) != parts::compact_json(ps[0].definition))
      throw UsageError(field + " definitionHash", quote(ps[i].definition_hash),
                       ps[0].definition_hash + " as in " + first + " (a part of another sweep)");
    if (ps[i].n != n)
      throw UsageError(field + " shard", std::to_string(ps[i].k) + "/" + std::to_string(ps[i].n),
                       "K/" + std::to_string(n) + " as in " + first);
    int& o = owner[static_cast<std::size_t>(ps[i].k - 1)];
    if (o >= 0)
      throw UsageError(field + " shard", std::to_string(ps[i].k) + "/" + std::to_string(n),
                       "each shard once (" + std::to_string(ps[i].k) + "/" + std::to_string(n) +
                           " is also " + quote(files[static_cast<std::size_t>(o)]) + ")");
    o = static_cast<int>(i);
  }
  std::vector<std::string> missing;
  for (int k = 0; k < n; ++k)
    if (owner[static_cast<std::size_t>(k)] < 0)
      missing.push_back(std::to_string(k + 1) + "/" + std::to_string(n));
  if (!missing.empty()) {
    std::vector<std::string> given;
    for (const std::string& f : files) given.push_back(quote(f));
    throw UsageError("parts", join_ids(given),
                     "all " + std::to_string(n) + " shards of the sweep (missing: shard " +
                         join_ids(missing) + ")");
  }
  const std::vector<std::vector<std::size_t>> shards = parts::assign_shards(spec, n);
  const std::size_t total = task_count(spec);
  std::vector<CellResult> results(total);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const Part& p = ps[i];
    try {
      parts::check_part_tasks(p, shards[static_cast<std::size_t>(p.k - 1)], total, true, files[i]);
    } catch (const ConfigError& e) {
      throw UsageError(e.what());
    }
    for (const auto& t : p.tasks) results[t.first] = t.second;
  }
  emit(out, sweep_text(spec, c.gemm, results, format));
  return 0;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "merge")
    return cmd_sweep_merge(std::vector<std::string>(args.begin() + 1, args.end()));
  SweepCommand c;
  if (!parse_sweep(args, c)) return 0;
  const SweepSpec& spec = c.spec;
  const SweepOptions& o = c.o;
  return with_flag_hints(c.flags, c.parsed, [&] {
    load_data_file(spec.base, c.data_dir);
    for (const SweepAxis& a : spec.axes)  // a dataset axis may need another file
      if (a.field == "dataset")
        for (std::size_t i = 0; i < a.size(); ++i) {
          Config cfg = spec.base;
          set_axis_value(cfg, a, i);
          load_data_file(cfg, c.data_dir);
        }
    const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    apply_gemm(c.gemm);
    const std::pair<int, int> kn =
        o.shard.empty() ? std::make_pair(1, 1) : parts::parse_shard(o.shard, "--shard");
    const std::size_t total = task_count(spec);

    // This run's part: what a shard prints, and what a checkpoint holds.
    Part part;
    part.k = kn.first;
    part.n = kn.second;
    part.definition = definition_json(spec, c.gemm);
    part.definition_hash = parts::hash_text(parts::compact_json(part.definition));
    part.command = definition_command(args);
    const std::vector<std::size_t> mine =
        kn.second == 1 ? [total] {
          std::vector<std::size_t> all(total);
          for (std::size_t t = 0; t < total; ++t) all[t] = t;
          return all;
        }()
                       : parts::assign_shards(spec, kn.second)[static_cast<std::size_t>(kn.first - 1)];

    std::vector<CellResult> results(total);
    std::vector<bool> have(total, false);
    if (!o.checkpoint.empty() && file_exists(o.checkpoint)) {
      const std::string what = "--checkpoint " + quote(o.checkpoint);
      Part old;
      try {
        old = parts::read_part(read_whole_file(o.checkpoint, what), o.checkpoint);
      } catch (const ConfigError& e) {
        throw UsageError(std::string(e.what()) +
                         " (--checkpoint is not a part file: refusing to overwrite it)");
      }
      if (old.definition_hash != part.definition_hash)
        throw UsageError(what + " definitionHash", quote(old.definition_hash),
                         part.definition_hash +
                             ", this sweep's (it is a checkpoint of another sweep: delete it or "
                             "choose another file; it is not overwritten)");
      if (old.k != part.k || old.n != part.n)
        throw UsageError(what + " shard", std::to_string(old.k) + "/" + std::to_string(old.n),
                         std::to_string(part.k) + "/" + std::to_string(part.n) +
                             ", this run's shard (not overwritten)");
      try {
        parts::check_part_tasks(old, mine, total, false, o.checkpoint);
      } catch (const ConfigError& e) {
        throw UsageError(e.what());
      }
      for (const auto& t : old.tasks) {
        results[t.first] = t.second;
        have[t.first] = true;
      }
    }
    std::vector<std::size_t> todo;
    for (std::size_t t : mine)
      if (!have[t]) todo.push_back(t);

    const auto part_text = [&] {
      part.tasks.clear();
      for (std::size_t t = 0; t < total; ++t)
        if (have[t]) part.tasks.emplace_back(t, results[t]);
      return parts::write_part(part);
    };
    const bool show = !o.quiet && (o.progress || ::isatty(STDERR_FILENO) == 1);
    Progress progress(show, kn.second == 1 ? "sweep" : "sweep " + o.shard, mine.size(),
                      mine.size() - todo.size());
    int since_checkpoint = 0;
    compute(spec, todo, jobs, results, [&](std::size_t t) {
      have[t] = true;
      progress.finished_one();
      if (!o.checkpoint.empty() && ++since_checkpoint >= o.checkpoint_every) {
        write_file_atomic(o.checkpoint, part_text());
        since_checkpoint = 0;
      }
    });
    progress.end();
    if (!o.checkpoint.empty() && (since_checkpoint > 0 || !file_exists(o.checkpoint)))
      write_file_atomic(o.checkpoint, part_text());
    emit(o.out, o.shard.empty() ? sweep_text(spec, c.gemm, results, o.format) : part_text());
    return 0;
  });
}

}  // namespace cli
