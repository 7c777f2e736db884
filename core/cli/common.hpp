// core/cli/common.hpp: what every verb of the CLI shares. Each verb lives in its own file
// (run.cpp, sample.cpp, dump.cpp, ...) and main.cpp only dispatches; this header holds the flag
// tables that fill a Config, the data-file loader, and the JSON form of a Config.
#pragma once
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "args.hpp"
#include "initscope/config.hpp"
#include "initscope/fields.hpp"
#include "json.hpp"

namespace cli {

// The verbs: each parses its arguments (what follows the command name) and returns the exit code.
int cmd_run(const std::vector<std::string>& args);
int cmd_sample(const std::vector<std::string>& args);
int cmd_dump(const std::vector<std::string>& args);
int cmd_theory(const std::vector<std::string>& args);
int cmd_presets(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_fields(const std::vector<std::string>& args);
int cmd_coordcheck(const std::vector<std::string>& args);

// Numbers in messages read as in the core's and the engine's messages.
std::string num(double v);
std::string one_of(const std::vector<std::string>& ids);
int to_int(const std::string& v);
std::string hidden_text(const std::vector<int>& hidden);

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

// "128,64,32" (explicit widths) or "64x30" (30 layers of width 64).
std::vector<int> parse_hidden(const std::string& v);

// ---------------------------------------------------------------------------------------------
// Flag tables. Each flag writes straight into a Config (defaults shown in --help come from the
// same default-constructed Config) or into the command's own options.
using initscope::Config;
using initscope::Field;
using initscope::FieldKind;
using initscope::FieldValue;
using initscope::Init;

struct PerRun;

// The CLI flag of one registry field (section: the --help heading, default the field's group).
Flag field_flag(const Field& field, Config& c, const char* section = nullptr);
// Every field of one registry group, in registry order; with `per_run`, a per-run field's flag
// takes a comma list (one value per run) into it.
void add_group_flags(std::vector<Flag>& f, Config& c, const std::string& group,
                     PerRun* per_run = nullptr);

// The fields one experiment may vary run by run besides the initializer (run --weight-var
// 1,1.76,4, run --norm-position pre,post): every registry field with Field::per_run, keyed by
// its JS name. An absent or empty list means "the Config's single value for every run".
struct PerRun {
  std::map<std::string, std::vector<FieldValue>> values;
};

// `data_dir`: where datasets read from a file (fashion_mnist) are looked for; see load_data_file.
void add_data_flags(std::vector<Flag>& f, Config& c, std::string& data_dir);
void add_activation_flags(std::vector<Flag>& f, Config& c, const char* section);
void add_network_flags(std::vector<Flag>& f, Config& c);
// `many`: run compares a comma list of initializers; sample and dump take exactly one.
// With `per_run`, --weight-var and --bias-var take comma lists (one value per run) into it.
void add_init_flags(std::vector<Flag>& f, Config& c, std::vector<Init>& inits, bool many,
                    PerRun* per_run = nullptr);
void add_training_flags(std::vector<Flag>& f, Config& c);
void add_stats_flags(std::vector<Flag>& f, Config& c);
// All of the above, in that order.
std::vector<Flag> config_flags(Config& c, std::vector<Init>& inits, bool many_inits,
                               std::string& data_dir, PerRun* per_run = nullptr);
// One Config per run: the longest of inits and the per-run lists sets the number of runs,
// a list of one value applies to every run, any other length is a UsageError.
std::vector<Config> run_configs(const Config& base, const std::vector<Init>& inits,
                                const PerRun& per_run);

// A command's own option that takes one of a few words (--format, --what); its current value
// is the default shown in --help.
Flag choice_flag(const char* name, const char* help, std::string& target,
                 const std::vector<std::string>& allowed, const char* section);

// `run --preset ID` (presets.cpp): the id given anywhere on the line ("" if none), applied to
// the Config before the flags are parsed so that every other flag overrides it; the flag's
// table entry (for --help and for the parser to accept it).
std::string preset_arg(const std::vector<std::string>& args);
void apply_preset(const std::string& id, Config& config, std::vector<Init>& inits, PerRun& per_run);
Flag preset_flag();

// What `write` prints to a FILE, as a string (the JSON writer only writes to a FILE; sweep and
// coordcheck keep their output in memory for --out and the shards).
std::string capture(const std::function<void(std::FILE*)>& write);

// Parses, or prints the command's help and returns false.
bool parse_or_help(const char* command, const char* usage, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args, Parsed& parsed);

// The core's ConfigError names a JS field; add the flag that set it, as typed.
template <typename Work>
int with_flag_hints(const std::vector<Flag>& flags, const cli::Parsed& parsed, Work work) {
  try {
    return work();
  } catch (const initscope::ConfigError& e) {
    throw UsageError(e.what() + flag_hint(e.field(), flags, parsed));
  }
}

// ---------------------------------------------------------------------------------------------
// Datasets read from a file (fashion_mnist).
extern const char* g_argv0;  // set in main(): the fallback when /proc/self/exe cannot be read
// Registers the dataset's file with the core when it needs one (see common.cpp).
void load_data_file(const Config& c, const std::string& data_dir);

// ---------------------------------------------------------------------------------------------
// Output pieces shared by the verbs
// Every Config field under its JS name, sizes resolved (inputDim, classes). `inits` lists the
// compared initializers (run: an array) or holds the one initializer (dump: a string).
// With `per_run` (run), weightVar and biasVar are arrays, one value per run.
void write_config(JsonWriter& j, const Config& c, const std::vector<Init>& inits, bool many,
                  const std::vector<Config>* runs = nullptr);

}  // namespace cli
