// wasm/catalog.cpp: what the engine offers (initializers, activations, datasets, optimizers,
// losses, limits, presets), loading a dataset's file, and the heap counters.
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "fields.hpp"
#include "initscope/activation.hpp"
#include "initscope/config.hpp"
#include "initscope/image_data.hpp"
#include "initscope/init.hpp"
#include "initscope/presets.hpp"

namespace js {

using initscope::Config;

// ---------------------------------------------------------------------------------------------
// Engine-level lists

val initializers() {
  val out = val::array();
  for (const auto& i : initscope::initializer_infos()) {
    val o = val::object();
    o.set("id", std::string(i.name));
    o.set("label", std::string(i.label));
    o.set("formula", std::string(i.formula));
    out.call<void>("push", o);
  }
  return out;
}

val activations() { return string_array(initscope::activation_names()); }
val optimizers() { return string_array(initscope::optimizer_names()); }
val losses() { return string_array(initscope::loss_names()); }

namespace {
val dataset_to_js(const initscope::DatasetInfo& d) {
  using initscope::limits::kMaxSamples;
  val o = val::object();
  o.set("id", std::string(d.name));
  o.set("label", std::string(d.label));
  o.set("inputDim", d.input_dim);
  o.set("classes", d.classes);
  o.set("needsLoad", d.data_file != nullptr);
  const auto pool = d.data_file ? initscope::image_pool(d.id) : nullptr;
  o.set("loaded", d.data_file == nullptr || pool != nullptr);
  o.set("file", d.data_file ? val(std::string(d.data_file)) : val::null());
  if (!d.data_file)
    o.set("maxSamples", kMaxSamples);
  else
    o.set("maxSamples", pool ? val(std::min(pool->count, kMaxSamples)) : val::null());
  return o;
}
}  // namespace

val datasets() {
  val out = val::array();
  for (const auto& d : initscope::dataset_infos()) out.call<void>("push", dataset_to_js(d));
  return out;
}

val limits() {
  using namespace initscope::limits;
  val o = val::object();
  o.set("maxDepth", kMaxDepth);
  o.set("maxWidth", kMaxWidth);
  o.set("minSamples", kMinSamples);
  o.set("maxSamples", kMaxSamples);
  o.set("maxInputDim", kMaxInputDim);
  o.set("maxClasses", kMaxClasses);
  o.set("maxParameters", static_cast<double>(kMaxParameters));
  o.set("maxActivations", static_cast<double>(kMaxActivations));
  o.set("maxLearningRate", kMaxLearningRate);
  o.set("maxNoise", kMaxNoise);
  o.set("maxTestFraction", kMaxTestFraction);
  o.set("maxProbe", kMaxProbe);
  o.set("minHistBins", kMinHistBins);
  o.set("maxHistBins", kMaxHistBins);
  o.set("maxGain", kMaxGain);
  return o;
}

val presets() {
  val out = val::array();
  for (const initscope::Preset& p : initscope::presets()) {
    val o = val::object();
    o.set("id", p.id);
    o.set("chapter", p.chapter);
    o.set("label", p.label);
    o.set("source", p.source);
    o.set("what", p.what);
    o.set("watch", p.watch);
    val inits = val::array();
    for (initscope::Init i : p.inits)
      inits.call<void>("push", std::string(initscope::to_string(i)));
    o.set("inits", inits);
    o.set("config", config_to_js(p.config));
    val runs = val::array();
    for (const Config& c : initscope::preset_run_configs(p))
      runs.call<void>("push", config_to_js(c));
    o.set("runs", runs);
    // The fields the runs differ in besides init: { field: [one value per run] }, read off runs.
    val per_run = val::object();
    for (const auto& [name, values] : p.per_run) {
      val list = val::array();
      for (std::size_t i = 0; i < values.size(); ++i) list.call<void>("push", runs[i][name]);
      per_run.set(name, list);
    }
    o.set("perRun", per_run);
    // A sweep preset's axes in the shape views/sweep.js configure() takes; null otherwise.
    if (p.sweep.x.empty()) {
      o.set("sweep", val::null());
    } else {
      val s = val::object();
      const auto axis = [&s](const std::string& spec, const char* field, const char* values) {
        const std::size_t eq = spec.find('=');
        s.set(field, spec.substr(0, eq));
        s.set(values, spec.substr(eq + 1));
      };
      axis(p.sweep.x, "xField", "xSpec");
      if (!p.sweep.y.empty()) axis(p.sweep.y, "yField", "ySpec");
      // The split (a third axis, panels side by side) as one FIELD=A,B spec; absent if none.
      if (!p.sweep.split.empty()) s.set("split", p.sweep.split);
      s.set("steps", static_cast<double>(p.sweep.steps));
      s.set("seeds", p.sweep.seeds);
      s.set("metric", p.sweep.metric);
      s.set("fixed", val::object());
      o.set("sweep", s);
    }
    // A coordinate-check preset's check (the Width tab's settings take the rest from config).
    if (p.coordcheck.widths.empty()) {
      o.set("coordcheck", val::null());
    } else {
      val c = val::object();
      val ps = val::array();
      for (initscope::Parametrization x : p.coordcheck.parametrizations)
        ps.call<void>("push", std::string(initscope::to_string(x)));
      c.set("parametrizations", ps);
      val ws = val::array();
      for (int w : p.coordcheck.widths) ws.call<void>("push", w);
      c.set("widths", ws);
      c.set("steps", p.coordcheck.steps);
      c.set("seeds", p.coordcheck.seeds);
      o.set("coordcheck", c);
    }
    out.call<void>("push", o);
  }
  return out;
}

double heap_bytes() { return static_cast<double>(emscripten_get_heap_size()); }
double heap_used_bytes() { return static_cast<double>(mallinfo().uordblks); }

// ---------------------------------------------------------------------------------------------
// engine.loadDataset

val load_dataset(val id, val bytes) {
  return guarded([&] {
    const initscope::DatasetKind kind =
        initscope::parse_dataset(read_value(initscope::field("dataset"), id).text);
    if (!bytes.instanceof (val::global("Uint8Array")))
      type_error("bytes", bytes, "a Uint8Array (the bytes of the dataset's file)");
    const std::vector<uint8_t> data = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    auto pool = std::make_shared<const initscope::ImagePool>(
        initscope::parse_image_pool(data.data(), data.size()));
    initscope::register_image_pool(kind, std::move(pool));
    return dataset_to_js(initscope::dataset_info(kind));
  });
}

}  // namespace js
