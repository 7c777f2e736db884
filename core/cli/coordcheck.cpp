// core/cli/coordcheck.cpp: `initscope coordcheck`, the coordinate check of
// spec/parametrizations.md (initscope/coordcheck.hpp computes it). JSON or CSV, one row per
// parametrization, width, seed, step and layer. The page's Width tab computes the same bytes
// (web/js/views/width.js, tests/node/coordcheck.test.mjs).
#include "initscope/coordcheck.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "gemm_flag.hpp"
#include "initscope/presets.hpp"
#include "shard.hpp"

namespace cli {

using namespace initscope;

namespace {

const char* kUsage =
    "initscope coordcheck: the coordinate check (mup's coord_check.py). For each\n"
    "parametrization, width and seed, a network of --hidden's depth with every hidden layer\n"
    "that wide trains --steps updates on one fixed minibatch (of --batch-size rows). Before the\n"
    "first update and after each one it records every layer's mean |pre-activation| (size) and\n"
    "its mean |pre(t) - pre(0)| (change); the last layer is the logits. 'slopes' fits log2 of\n"
    "the mean over seeds against log2 width: under sp the logits' change grows about like\n"
    "width (slope 1); under mup every line is flat (slope 0); under ntk the hidden layers'\n"
    "change shrinks (lazy training).\n"
    "\n"
    "Two run defaults differ from initscope run's: --dataset gaussians (labels that follow the\n"
    "input: on spiral the first updates' signal cancels over a batch and finite-width noise\n"
    "bends the slopes) and --lr 0.001 (at 0.01 the widest sp logits saturate the softmax after\n"
    "one update and the later steps' slopes fall).\n"
    "\n"
    "Usage: initscope coordcheck [--widths 128,256,512,1024,2048] [--parametrization sp,mup]\n"
    "                            [--steps 3] [--seeds 3] [run flags] [--format json|csv]\n"
    "       initscope coordcheck --preset coordcheck_sp_vs_mup   (a coordcheck preset: its\n"
    "       widths, parametrizations, steps and seeds; flags override them)\n"
    "\n"
    "Widths go to 8192 natively (the page stops at 2048); --gemm fast speeds up the widest.\n";

std::vector<Parametrization> parse_parametrizations(const std::string& v) {
  return parse_list(v, [](const std::string& id) {
    for (const std::string& n : parametrization_names())
      if (id == n) return parse_parametrization(id);
    throw BadValue{};
  });
}

std::string parametrization_list(const std::vector<Parametrization>& ps) {
  std::string out;
  for (std::size_t i = 0; i < ps.size(); ++i) out += (i ? "," : "") + std::string(to_string(ps[i]));
  return out;
}

std::vector<CoordRow> compute(const CoordCheckSpec& s, int jobs, Progress& progress) {
  const std::size_t n = coord_task_count(s);
  std::vector<std::vector<CoordRow>> out(n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  auto worker = [&] {
    for (std::size_t t; (t = next.fetch_add(1)) < n;) {
      try {
        out[t] = coord_task(s, t);
        const std::lock_guard<std::mutex> hold(lock);
        progress.finished_one();
      } catch (...) {
        errors[t] = std::current_exception();
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(jobs), n);
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (std::size_t t = 0; t < n; ++t)
    if (errors[t]) std::rethrow_exception(errors[t]);
  std::vector<CoordRow> rows;
  for (const auto& r : out) rows.insert(rows.end(), r.begin(), r.end());
  return rows;
}

void write_json(std::FILE* f, const CoordCheckSpec& s, const GemmOptions& g,
                const std::vector<CoordRow>& rows) {
  JsonWriter j(f);
  j.begin_object();
  j.key("config").begin_object();
  write_config(j, s.base, {s.base.init}, false);
  j.end_object();
  write_gemm_json(j, g);
  j.key("parametrizations").begin_array();
  for (Parametrization p : s.parametrizations) j.string(to_string(p));
  j.end_array();
  j.integers("widths", s.widths);
  j.key("steps").integer(s.steps);
  j.key("seeds").integer(s.seeds);
  j.key("rows").begin_array();
  for (const CoordRow& r : rows) {
    j.begin_object();
    j.key("parametrization").string(to_string(r.parametrization));
    j.key("width").integer(r.width);
    j.key("seed").integer(r.seed);
    j.key("step").integer(r.step);
    j.key("layer").integer(r.layer);
    j.key("size").number(r.size);
    j.key("change").number(r.change);
    j.end_object();
  }
  j.end_array();
  j.key("slopes").begin_array();
  for (const CoordSlope& sl : coord_slopes(s, rows)) {
    j.begin_object();
    j.key("parametrization").string(to_string(sl.parametrization));
    j.key("step").integer(sl.step);
    j.key("layer").integer(sl.layer);
    j.key("size").number(sl.size_slope);
    j.key("change").number(sl.change_slope);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void write_csv(std::FILE* f, const std::vector<CoordRow>& rows) {
  std::fputs("parametrization,width,seed,step,layer,size,change\n", f);
  for (const CoordRow& r : rows)
    std::fprintf(f, "%s,%d,%u,%d,%d,%s,%s\n", to_string(r.parametrization), r.width,
                 static_cast<unsigned>(r.seed), r.step, r.layer, format_double(r.size).c_str(),
                 format_double(r.change).c_str());
}

}  // namespace

int cmd_coordcheck(const std::vector<std::string>& args) {
  CoordCheckSpec spec;
  // `--preset ID`: a coordcheck preset's whole check (parametrizations, widths, steps, seeds),
  // or any preset's first run as the base; every other flag overrides it.
  const std::string preset = preset_arg(args);
  if (!preset.empty()) {
    const Preset& p = preset_by_id(preset);
    if (!p.coordcheck.widths.empty()) {
      spec = preset_coordcheck_spec(p);
    } else {
      spec.base = preset_run_configs(p).front();
    }
  }
  std::vector<Init> inits{spec.base.init};
  std::string data_dir, format = "json", out;
  int jobs = 0;
  bool progress_on = false, quiet = false;
  GemmOptions gemm;
  std::vector<Flag> flags = config_flags(spec.base, inits, false, data_dir);
  flags.insert(flags.begin(), preset_flag());
  // --parametrization compares a list here (the runs set it one by one).
  for (Flag& f : flags)
    if (f.field == "parametrization") {
      f.metavar = "LIST";
      f.help = "the parametrizations compared, side by side";
      f.default_text = parametrization_list(spec.parametrizations);
      f.allowed = "a comma list of " + one_of(parametrization_names()) + ", each at most once";
      f.set = [&spec](const std::string& v) { spec.parametrizations = parse_parametrizations(v); };
    }
  const char* s = "Coordinate check";
  flags.push_back({"widths", "", "widths", "LIST", "the hidden widths, increasing",
                   "128,256,512,1024,2048",
                   "a comma list of up to " + std::to_string(kMaxCoordWidths) +
                       " increasing integers in 1.." + std::to_string(size_caps().max_width),
                   [&spec](const std::string& v) {
                     spec.widths = parse_list(v, [](const std::string& w) {
                       return static_cast<int>(to_integer(w, 1, size_caps().max_width));
                     });
                   },
                   s});
  flags.push_back({"steps", "", "steps", "N", "updates on the fixed batch (rows for 0..N)",
                   std::to_string(spec.steps), int_range(0, kMaxCoordSteps),
                   [&spec](const std::string& v) {
                     spec.steps = static_cast<int>(to_integer(v, 0, kMaxCoordSteps));
                   },
                   s});
  flags.push_back({"seeds", "", "seeds", "N", "runs per width, seeds --seed, --seed + 1, ...",
                   std::to_string(spec.seeds), int_range(1, kMaxCoordSeeds),
                   [&spec](const std::string& v) {
                     spec.seeds = static_cast<int>(to_integer(v, 1, kMaxCoordSeeds));
                   },
                   s});
  flags.push_back(
      {"jobs", "", "--jobs", "N", "threads computing runs", "the number of cores",
       int_range(1, 1024),
       [&jobs](const std::string& v) { jobs = static_cast<int>(to_integer(v, 1, 1024)); }, s});
  flags.push_back(choice_flag("format", "output format", format, {"json", "csv"}, s));
  flags.push_back({"out", "", "--out", "FILE", "write the output to FILE, atomically", "stdout",
                   "a file name", [&out](const std::string& v) { out = v; }, s});
  flags.push_back({"progress", "", "--progress", "",
                   "progress on stderr even when it is not a terminal", "on a terminal only", "",
                   [&progress_on](const std::string&) { progress_on = true; }, s});
  flags.push_back({"quiet", "", "--quiet", "", "no progress on stderr", "off", "",
                   [&quiet](const std::string&) { quiet = true; }, s});
  add_gemm_flags(flags, gemm);

  Parsed parsed;
  if (!parse_or_help("coordcheck", kUsage, flags, args, parsed)) return 0;
  return with_flag_hints(flags, parsed, [&] {
    spec.base.init = inits.front();
    // The config printed is the first run's: its hidden widths and parametrization are the
    // first of --widths and --parametrization (each run replaces them).
    if (!spec.widths.empty()) spec.base.hidden.assign(spec.base.hidden.size(), spec.widths.front());
    if (!spec.parametrizations.empty()) spec.base.parametrization = spec.parametrizations.front();
    validate_coordcheck(spec);
    load_data_file(spec.base, data_dir);
    apply_gemm(gemm);
    const bool show = !quiet && (progress_on || ::isatty(STDERR_FILENO) == 1);
    Progress progress(show, "coordcheck", coord_task_count(spec), 0);
    const std::vector<CoordRow> rows = compute(
        spec, jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
        progress);
    progress.end();
    const std::string text = capture([&](std::FILE* f) {
      if (format == "csv") {
        write_csv(f, rows);
      } else {
        write_json(f, spec, gemm, rows);
      }
    });
    if (out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
      write_file_atomic(out, text);
    }
    return 0;
  });
}

}  // namespace cli
