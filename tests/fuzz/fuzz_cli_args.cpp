// fuzz_cli_args: the CLI's flag parsing on arbitrary argument lists.
//
// Input: the argument list of one command, arguments separated by '\n' (so the seed corpus is
// readable: one flag or value per line). The first byte picks the verb: 0 run's config flags (a
// list of initializers), 1 and 2 sample's and dump's (one initializer), 3 `theory`, run whole,
// 4 a sweep's axes (and `--preset` ids): see run_sweep_axes.
// Exercised: parse_flags with the real flag tables
// (every value parser: numbers, integers, ids, comma lists, --hidden's WxD and list forms,
// --gain's words), the core's validate() on what the flags produced, and the flag hints added
// to the core's messages. Any exception other than the two documented input errors, or any
// sanitizer report, is a bug. Every message must have the project's format.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../core/cli/args.hpp"
#include "../../core/cli/common.hpp"
#include "initscope/config.hpp"
#include "initscope/presets.hpp"
#include "initscope/sweep.hpp"

namespace {
void check_message(const std::string& m) {
  // "invalid <field> = <value>: expected <allowed>"
  if (m.compare(0, 8, "invalid ") != 0 || m.find(" = ") == std::string::npos ||
      m.find(": expected ") == std::string::npos)
    std::abort();
}
}  // namespace

// `initscope theory` runs whole: its own flags (lists of biasVar, depth, q0, c0, --critical) and
// the mean-field code behind them; its output goes to /dev/null. But each layer of the maps and
// each critical point is a Gaussian quadrature (~25 ms natively, several times that sanitized),
// so the depth is overridden to 2 after the fuzzed flags (their values are still parsed and
// checked: a later flag only overrides the stored value) and at most 4 biasVar values are taken:
// at depth 1000 the fuzzer would manage one input a second and time out on a loaded machine.
int run_theory(std::vector<std::string> args) {
  std::size_t commas = 0;
  for (const std::string& a : args) commas += std::count(a.begin(), a.end(), ',');
  if (commas > 3) return 0;
  const bool help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                    std::find(args.begin(), args.end(), "-h") != args.end();
  if (!help) args.insert(args.end(), {"--depth", "2"});
  try {
    return cli::cmd_theory(args);
  } catch (const cli::UsageError& e) {
    check_message(e.what());
  } catch (const initscope::ConfigError& e) {
    check_message(e.what());
  }
  return 2;
}

// `initscope sweep`'s own inputs, without training a cell: line 1 is a preset id (looked up as
// `--preset` would, and a sweep preset's spec rebuilt), lines 2 and 3 the --x / --y axis specs.
// Every cell's config of the parsed sweep is built and validated (validate_sweep, as the CLI does
// before computing anything), as long as the grid has at most 4096 cells (the parser accepts
// 1000 x 1000; building a million configs per input would starve the fuzzer, and the cell
// count is a product the parser already bounds).
int run_sweep_axes(const std::vector<std::string>& args) {
  try {
    if (!args.empty() && !args[0].empty()) {
      const initscope::Preset& p = initscope::preset_by_id(args[0]);
      if (!p.sweep.x.empty()) initscope::validate_sweep(initscope::preset_sweep_spec(p));
    }
  } catch (const initscope::ConfigError& e) {
    check_message(e.what());
  }
  initscope::SweepSpec spec;
  spec.base.hidden = {8, 8};
  spec.steps = 1;
  try {
    if (args.size() > 1) spec.axes.push_back(initscope::parse_axis(args[1], "--x"));
    if (args.size() > 2) spec.axes.push_back(initscope::parse_axis(args[2], "--y"));
    for (const initscope::SweepAxis& a : spec.axes)
      if (a.size() == 0 || a.size() > static_cast<std::size_t>(initscope::limits::kMaxAxisCount))
        std::abort();
    if (spec.axes.empty() || initscope::cell_count(spec) > 4096) return 0;
    initscope::validate_sweep(spec);
    // validate_sweep passed: every cell builds a config the core accepts.
    for (std::size_t t = 0; t < initscope::task_count(spec); ++t)
      initscope::validate(initscope::task_config(spec, t));
  } catch (const initscope::ConfigError& e) {
    check_message(e.what());
  }
  return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int verb = data[0] % 5;
  std::vector<std::string> args(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\n')
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  if (verb == 3) return run_theory(args), 0;
  if (verb == 4) return run_sweep_axes(args);
  initscope::Config config;
  std::vector<initscope::Init> inits{config.init};
  std::string data_dir;
  std::vector<cli::Flag> flags = cli::config_flags(config, inits, verb == 0, data_dir);
  std::string format = "json";
  flags.push_back(cli::choice_flag("format", "output format", format, {"json", "csv"}, "Output"));
  const char* command = verb == 0 ? "run" : verb == 1 ? "sample" : "dump";
  try {
    const cli::Parsed parsed = cli::parse_flags(command, flags, args);
    if (parsed.help) return 0;
    cli::with_flag_hints(flags, parsed, [&] {
      initscope::validate(config);
      return 0;
    });
    // validate() passed: the sizes the CLI would allocate are within the caps.
    if (initscope::parameter_count(config) > initscope::limits::kMaxParameters) std::abort();
    if (inits.empty()) std::abort();
  } catch (const cli::UsageError& e) {
    check_message(e.what());
  } catch (const initscope::ConfigError& e) {
    check_message(e.what());
  }
  return 0;
}
