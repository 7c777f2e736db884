// fuzz_cli_args: the CLI's flag parsing on arbitrary argument lists.
//
// Input: the argument list of one command, arguments separated by '\n' (so the seed corpus is
// readable: one flag or value per line). The first byte picks the verb: 0 run's config flags (a
// list of initializers), 1 and 2 sample's and dump's (one initializer), 3 `theory`, run whole.
// Exercised: parse_flags with the real flag tables
// (every value parser: numbers, integers, ids, comma lists, --hidden's WxD and list forms,
// --gain's words), the core's validate() on what the flags produced, and the flag hints added
// to the core's messages. Any exception other than the two documented input errors, or any
// sanitizer report, is a bug. Every message must have the project's format.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../core/cli/args.hpp"
#include "../../core/cli/common.hpp"
#include "initscope/config.hpp"

namespace {
void check_message(const std::string& m) {
  // "invalid <field> = <value>: expected <allowed>"
  if (m.compare(0, 8, "invalid ") != 0 || m.find(" = ") == std::string::npos ||
      m.find(": expected ") == std::string::npos)
    std::abort();
}
}  // namespace

// `initscope theory` is cheap (no training), so it runs whole: its own flags (lists of biasVar,
// depth, q0, c0, --critical) and the mean-field code behind them. Its output goes to /dev/null.
int run_theory(const std::vector<std::string>& args) {
  try {
    return cli::cmd_theory(args);
  } catch (const cli::UsageError& e) {
    check_message(e.what());
  } catch (const initscope::ConfigError& e) {
    check_message(e.what());
  }
  return 2;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int verb = data[0] % 4;
  std::vector<std::string> args(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\n')
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  if (verb == 3) return run_theory(args), 0;
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
