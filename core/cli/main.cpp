// core/cli/main.cpp: the initscope command line, the native face of the same core the browser runs.
//
//   initscope run     train one network per initializer on the same data, print per-step records
//   initscope sample  draw one weight matrix from an initializer, print its statistics
//   initscope dump    print the exact dataset or initial weights (the Node parity tests read it)
//   initscope theory  mean-field signal propagation: q and c maps, chi_1, critical sigma_w^2
//   initscope presets list the ready-made experiments (the page's menu) with their sources
//   initscope sweep   train every cell of a one- or two-axis grid of configurations
//
// Each verb lives in its own file (run.cpp, sample.cpp, dump.cpp, ...); this file only
// dispatches. What the CLI is not: a second implementation of anything. Every number comes from
// the core (Experiment, Run, init_weights, validate); the verbs only turn flags into a Config and
// results into text. Exit codes: 0 ok, 2 bad input (message on stderr in the core's format
// "invalid <field> = <value>: expected <allowed>"), 1 anything that failed at run time.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.hpp"

namespace {

using cli::UsageError;
using initscope::ConfigError;

constexpr const char* kVersion = INITSCOPE_VERSION;  // project(... VERSION) in CMakeLists.txt

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
    "  theory    mean-field maps (q, c), chi_1, phase, depth scales, critical weightVar\n"
    "  presets   list the ready-made experiments (run one with 'run --preset ID')\n"
    "  sweep     train every cell of a grid over one or two fields; final losses per cell\n"
    "  coordcheck  the coordinate check: each layer's size and change against width, per\n"
    "            parametrization (sp, ntk, mup), after each of a few updates\n"
    "  fields    the config-field registry as JSON: every field's name, flag, kind, range,\n"
    "            allowed values, default and help (the same table engine.configFields() gives)\n"
    "\n"
    "  initscope <command> --help   every flag of a command, its default and allowed values\n"
    "  initscope --version\n"
    "\n"
    "Exit status: 0 success, 2 invalid command line or configuration (the message names the\n"
    "field, the value and what is allowed), 1 failure while running.\n";

int dispatch(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  if (command == "run") return cli::cmd_run(args);
  if (command == "sample") return cli::cmd_sample(args);
  if (command == "dump") return cli::cmd_dump(args);
  if (command == "theory") return cli::cmd_theory(args);
  if (command == "presets") return cli::cmd_presets(args);
  if (command == "sweep") return cli::cmd_sweep(args);
  if (command == "fields") return cli::cmd_fields(args);
  if (command == "coordcheck") return cli::cmd_coordcheck(args);
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
  throw UsageError(
      "command", initscope::quote(command),
      "run, sample, dump, theory, presets, sweep, coordcheck or fields (see 'initscope "
      "--help')");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0) cli::g_argv0 = argv[0];
  // Natively, networks may be larger than in the page (config.hpp: SizeCaps).
  initscope::set_size_caps(initscope::native_caps());
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
