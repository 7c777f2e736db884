// wasm/coordcheck.cpp: engine.coordcheck*, the coordinate check (initscope/coordcheck.hpp) split
// into its tasks, so the page can compute them in a pool of workers and put together the bytes of
// `initscope coordcheck --format json|csv` (web/js/width/coordcheck-doc.js writes them).
//
// Every function takes the same spec object { config, parametrizations, widths, steps, seeds }:
// config holds run fields on top of the check's own defaults (coord_default_base(): gaussians,
// learningRate 0.001); the others default as the CLI's flags do. The config's hidden list gives
// the depth; as in the CLI, the config reported is the first task's (hidden = the first width,
// parametrization = the first one).
#include "initscope/coordcheck.hpp"

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "fields.hpp"
#include "initscope/config.hpp"
#include "initscope/fields.hpp"

namespace js {

using initscope::Config;
using initscope::ConfigError;
using initscope::CoordCheckSpec;
using initscope::Field;

namespace {

// The check's own inputs: integers, checked as an engine input (taken as double).
std::vector<int> read_int_list(const val& v, const char* name, double lo, double hi,
                               const std::string& allowed, std::size_t max_items) {
  if (!v.isArray()) type_error(name, v, allowed);
  const double n = v["length"].as<double>();
  if (n > static_cast<double>(max_items))
    throw ConfigError(name, "a list of " + initscope::format_number(n) + " items", allowed);
  std::vector<int> out;
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<int>(
        read_int(std::string(name) + "[" + std::to_string(i) + "]", v[i], lo, hi, allowed)));
  return out;
}

CoordCheckSpec read_spec(const val& options) {
  check_object(options, "coordcheck");
  static const char* known[] = {"config", "parametrizations", "widths", "steps", "seeds"};
  const val keys = val::global("Object").call<val>("keys", options);
  for (int i = 0; i < keys["length"].as<int>(); ++i) {
    const std::string key = keys[i].as<std::string>();
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok)
      throw ConfigError(
          key, describe(options[key]),
          "a coordcheck field, one of config, parametrizations, widths, steps, seeds");
  }
  CoordCheckSpec s;
  const val config = options["config"];
  if (!config.isUndefined()) {
    check_object(config, "config");
    // Field by field onto the check's defaults (read_fields would start from Config{}).
    Config probe = read_fields(config, initscope::fields(), "config");
    (void)probe;  // read once for its checks: unknown keys and each value's type
    for (const Field& f : initscope::fields()) {
      const val v = config[f.name];
      if (!v.isUndefined() && f.set) f.set(s.base, read_value(f, v));
    }
  }
  const val ps = options["parametrizations"];
  if (!ps.isUndefined()) {
    const std::string allowed = "a list of 1..3 of sp, ntk, mup, each at most once";
    if (!ps.isArray()) type_error("parametrizations", ps, allowed);
    if (ps["length"].as<double>() > 3) throw ConfigError("parametrizations", describe(ps), allowed);
    s.parametrizations.clear();
    for (int i = 0; i < ps["length"].as<int>(); ++i) {
      const val p = ps[i];
      const std::string name = "parametrizations[" + std::to_string(i) + "]";
      if (type_of(p) != "string") type_error(name, p, "one of sp, ntk, mup");
      const std::string id = p.as<std::string>();
      bool ok = false;
      for (const std::string& n : initscope::parametrization_names()) ok = ok || id == n;
      if (!ok) throw ConfigError(name, describe(p), "one of sp, ntk, mup");
      s.parametrizations.push_back(initscope::parse_parametrization(id));
    }
  }
  const val widths = options["widths"];
  if (!widths.isUndefined()) {
    const int cap = initscope::size_caps().max_width;
    s.widths = read_int_list(widths, "widths", 1, cap,
                             "a list of up to " + std::to_string(initscope::kMaxCoordWidths) +
                                 " increasing integers in 1.." + std::to_string(cap),
                             initscope::kMaxCoordWidths);
  }
  if (!options["steps"].isUndefined())
    s.steps = static_cast<int>(read_int("steps", options["steps"], 0, initscope::kMaxCoordSteps,
                                        initscope::int_range(0, initscope::kMaxCoordSteps)));
  if (!options["seeds"].isUndefined())
    s.seeds = static_cast<int>(read_int("seeds", options["seeds"], 1, initscope::kMaxCoordSeeds,
                                        initscope::int_range(1, initscope::kMaxCoordSeeds)));
  // As the CLI: the config it prints is the first task's.
  if (!s.widths.empty()) s.base.hidden.assign(s.base.hidden.size(), s.widths.front());
  if (!s.parametrizations.empty()) s.base.parametrization = s.parametrizations.front();
  initscope::validate_coordcheck(s);
  return s;
}

val parametrization_ids(const std::vector<initscope::Parametrization>& ps) {
  val out = val::array();
  for (auto p : ps) out.call<void>("push", std::string(initscope::to_string(p)));
  return out;
}

val int_array(const std::vector<int>& v) {
  val out = val::array();
  for (int x : v) out.call<void>("push", x);
  return out;
}

}  // namespace

val coordcheck_defaults() {
  return guarded([] {
    const CoordCheckSpec s;
    val o = val::object();
    o.set("config", config_to_js(s.base));
    o.set("parametrizations", parametrization_ids(s.parametrizations));
    o.set("widths", int_array(s.widths));
    o.set("steps", s.steps);
    o.set("seeds", s.seeds);
    return o;
  });
}

val coordcheck_plan(val options) {
  return guarded([&] {
    const CoordCheckSpec s = read_spec(options);
    val o = val::object();
    // The CLI's "config": every registry field's report() (inputDim, classes resolved).
    o.set("config", config_to_js(s.base, true));
    o.set("parametrizations", parametrization_ids(s.parametrizations));
    o.set("widths", int_array(s.widths));
    o.set("steps", s.steps);
    o.set("seeds", s.seeds);
    o.set("layers", static_cast<int>(s.base.hidden.size() + 1));
    val tasks = val::array();
    for (std::size_t t = 0; t < initscope::coord_task_count(s); ++t) {
      const Config c = initscope::coord_task_config(s, t);
      val task = val::object();
      task.set("parametrization", std::string(initscope::to_string(c.parametrization)));
      task.set("width", c.hidden.front());
      task.set("seed", static_cast<double>(c.seed));
      tasks.call<void>("push", task);
    }
    o.set("tasks", tasks);
    return o;
  });
}

val coordcheck_task(val options, val task) {
  return guarded([&] {
    const CoordCheckSpec s = read_spec(options);
    const std::size_t n = initscope::coord_task_count(s);
    const auto t = static_cast<std::size_t>(
        read_int("task", task, 0, static_cast<double>(n - 1), initscope::int_range(0, n - 1)));
    const std::vector<initscope::CoordRow> rows = initscope::coord_task(s, t);
    std::vector<double> size, change;
    for (const auto& r : rows) {
      size.push_back(r.size);
      change.push_back(r.change);
    }
    val o = val::object();
    o.set("task", static_cast<double>(t));
    o.set("size", copy_out(size));
    o.set("change", copy_out(change));
    return o;
  });
}

val coordcheck_slopes(val options, val size, val change) {
  return guarded([&] {
    const CoordCheckSpec s = read_spec(options);
    const std::size_t layers = s.base.hidden.size() + 1;
    const std::size_t per_task = static_cast<std::size_t>(s.steps + 1) * layers;
    const std::size_t n = initscope::coord_task_count(s) * per_task;
    const auto numbers = [n](const val& v, const char* name) {
      const std::string allowed = "a Float64Array of " + std::to_string(n) + " numbers";
      if (!v.instanceof (val::global("Float64Array"))) type_error(name, v, allowed);
      if (v["length"].as<double>() != static_cast<double>(n))
        throw ConfigError(
            name,
            "a Float64Array of " + initscope::format_number(v["length"].as<double>()) + " numbers",
            allowed);
      return emscripten::convertJSArrayToNumberVector<double>(v);
    };
    const std::vector<double> sz = numbers(size, "size"), ch = numbers(change, "change");
    // The rows as coord_task lays them out (task-major, then step, then layer).
    std::vector<initscope::CoordRow> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
      rows[i].size = sz[i];
      rows[i].change = ch[i];
    }
    val out = val::array();
    for (const auto& sl : initscope::coord_slopes(s, rows)) {
      val o = val::object();
      o.set("parametrization", std::string(initscope::to_string(sl.parametrization)));
      o.set("step", sl.step);
      o.set("layer", sl.layer);
      o.set("size", sl.size_slope);
      o.set("change", sl.change_slope);
      out.call<void>("push", o);
    }
    return out;
  });
}

}  // namespace js
