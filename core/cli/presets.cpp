// core/cli/presets.cpp: `initscope presets`: the ready-made experiments (core presets.hpp), the
// same list the page's menu and engine.presets() show, with each one's source and settings;
// and `--preset ID` for `run`, which starts from one of them.
#include "initscope/presets.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"

namespace cli {

using namespace initscope;

namespace {

// RFC 4180: quoted, inner quotes doubled (the sentences contain commas).
std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string inits_text(const std::vector<Init>& inits) {
  std::string out;
  for (std::size_t i = 0; i < inits.size(); ++i)
    out += (i ? "," : "") + std::string(to_string(inits[i]));
  return out;
}

void write_json() {
  JsonWriter j(stdout);
  j.begin_object();
  j.key("presets").begin_array();
  for (const Preset& p : presets()) {
    j.begin_object();
    j.key("id").string(p.id);
    j.key("chapter").string(p.chapter);
    j.key("label").string(p.label);
    j.key("source").string(p.source);
    j.key("what").string(p.what);
    j.key("watch").string(p.watch);
    j.key("config").begin_object();
    const std::vector<Config> runs = preset_run_configs(p);
    write_config(j, p.config, p.inits, true, &runs);
    j.end_object();
    j.key("sweep");
    if (p.sweep.x.empty()) {
      j.null();
    } else {
      j.begin_object();
      j.key("x").string(p.sweep.x);
      j.key("y").string(p.sweep.y);
      j.key("steps").integer(p.sweep.steps);
      j.key("seeds").integer(p.sweep.seeds);
      j.key("metric").string(p.sweep.metric);
      if (!p.sweep.split.empty()) j.key("split").string(p.sweep.split);
      j.end_object();
    }
    j.key("coordcheck");
    if (p.coordcheck.widths.empty()) {
      j.null();
    } else {
      j.begin_object();
      j.key("parametrizations").begin_array();
      for (Parametrization x : p.coordcheck.parametrizations) j.string(to_string(x));
      j.end_array();
      j.integers("widths", p.coordcheck.widths);
      j.key("steps").integer(p.coordcheck.steps);
      j.key("seeds").integer(p.coordcheck.seeds);
      j.end_object();
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void write_csv() {
  std::fputs(
      "id,chapter,label,source,init,dataset,inputDim,activation,hidden,initStd,learningRate,"
      "batchSize,what,watch\n",
      stdout);
  for (const Preset& p : presets()) {
    const Config& c = p.config;
    std::printf("%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,%d,%s,%s\n", p.id.c_str(),
                csv_field(p.chapter).c_str(), csv_field(p.label).c_str(),
                csv_field(p.source).c_str(), csv_field(inits_text(p.inits)).c_str(),
                to_string(c.dataset), resolved_input_dim(c), to_string(c.activation),
                csv_field(hidden_text(c.hidden)).c_str(), format_double(c.init_std).c_str(),
                format_double(c.learning_rate).c_str(), c.batch_size, csv_field(p.what).c_str(),
                csv_field(p.watch).c_str());
  }
}

const char* kPresetsUsage =
    "initscope presets: the ready-made experiments, in course order (the page's menu shows the\n"
    "same list): id, chapter, label, the paper it reproduces (source), the two sentences the\n"
    "page shows (what, watch) and every config field. Run one with 'initscope run --preset ID';\n"
    "a sweep preset (its `sweep` is not null) with 'initscope sweep --preset ID', a coordinate\n"
    "check (its `coordcheck` is not null) with 'initscope coordcheck --preset ID'.\n"
    "\n"
    "Usage: initscope presets [--format json|csv]\n"
    "\n"
    "Output (stdout): JSON { presets: [ { id, chapter, label, source, what, watch, config, sweep,\n"
    "coordcheck } ] } where config has the fields of 'initscope run' (init: the list of compared\n"
    "initializers), sweep is null or { x, y, steps, seeds, metric[, split] } (axes as FIELD=SPEC)\n"
    "and coordcheck null or { parametrizations, widths, steps, seeds };\n"
    "CSV: one row per preset with its main settings, strings quoted.\n";

}  // namespace

// `--preset ID` / `--preset=ID` anywhere on the line, or "" if absent (the last one wins, as for
// every flag). Read before the other flags so that they all override the preset.
std::string preset_arg(const std::vector<std::string>& args) {
  std::string id;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--preset" && i + 1 < args.size()) {
      id = args[++i];
    } else if (args[i].rfind("--preset=", 0) == 0) {
      id = args[i].substr(9);
    }
  }
  return id;
}

void apply_preset(const std::string& id, Config& config, std::vector<Init>& inits,
                  PerRun& per_run) {
  const Preset& p = preset_by_id(id);  // ConfigError: invalid preset = "x": expected one of ...
  config = p.config;
  inits = p.inits;
  per_run.values = {p.per_run.begin(), p.per_run.end()};
}

Flag preset_flag() {
  return {"preset",
          "",
          "preset",
          "ID",
          "start from a ready-made experiment ('initscope presets'); other flags override it",
          "none",
          one_of(preset_ids()),
          [](const std::string&) {},  // applied before the other flags: see preset_arg
          "Data"};
}

int cmd_presets(const std::vector<std::string>& args) {
  std::string format = "json";
  std::vector<Flag> flags;
  flags.push_back(choice_flag("format", "output format", format, {"json", "csv"}, "Output"));
  Parsed parsed;
  if (!parse_or_help("presets", kPresetsUsage, flags, args, parsed)) return 0;
  if (format == "csv") {
    write_csv();
  } else {
    write_json();
  }
  return 0;
}

}  // namespace cli
