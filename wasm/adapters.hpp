// wasm/adapters.hpp: every adapter bindings.cpp registers (namespace js), one concern per file:
//   conversions.{hpp,cpp}  error translation, copies out of the heap, type checks of one value
//   fields.{hpp,cpp}       JS config object <-> Config, the field tables (configFields,
//   defaultConfig) catalog.cpp            the lists (initializers, datasets, presets, limits),
//   loadDataset, heap sample.cpp             sampleInit run.cpp                createRun and the
//   RunHandle theory.cpp             meanField, criticalWeightVar, phaseDiagram
//   coordcheck.cpp         the coordinate check, task by task
//
// What this is: the thin layer between Embind and initscope's C++ API. JS objects become
// initscope::Config, results become plain JS objects whose arrays are typed-array COPIES taken
// out of the wasm heap (a view would die the next time memory grows).
//
// What it is not: a second validator. Field types are checked here (Embind would turn NaN into 0
// and 1.5 into 1 without a word); ranges are the core's validate().
//
// Errors are RETURNED, not thrown: every function catches std::exception and returns a JS Error
// object (`val::global("Error").new_(what)`), and web/js/engine.js throws it. Throwing a JS
// exception through C++ frames (TOOLCHAIN trap 7's `.throw_()`) skips every C++ destructor on the
// way out and Embind's cleanup of the arguments: measured here at 136 bytes of heap, 3 emval
// handles and 16 bytes of the C stack lost per error, for ever. Returning leaves nothing behind.
#pragma once
#include <emscripten/val.h>

#include <memory>

#include "initscope/run.hpp"

namespace js {

using emscripten::val;

// Lists for the UI: [{ id, label, formula }], ['relu', ...], and the datasets
// [{ id, label, inputDim, classes, needsLoad, loaded, file, maxSamples }] (needsLoad: read from
// `file`, which load_dataset must register first; maxSamples: null until it is loaded).
val initializers();
val activations();
val datasets();
val optimizers();
val losses();
// The ready-made experiments (core presets.hpp), in course order: [{ id, chapter, label, source,
// what, watch, inits, config, runs, perRun }] where config is the shared config (its init the
// first run's), runs one full config per run, perRun { field: [one value per run] } for the
// fields besides init the runs differ in ({} = none), sweep null or the Sweep view's settings,
// coordcheck null or { parametrizations, widths, steps, seeds } (the Width tab's check).
val presets();
// The core's caps ({ maxDepth, maxWidth, maxParameters, ... }) and the default config.
val limits();
val default_config();
// The field tables web/js/validate.js checks JS input against, in the registry's JSON shape
// (initscope::fields_json()'s `fields`: [{ name, kind, allowed, min, max, ids, words, nullable,
// ... }]): createRun's is the registry itself, sampleInit's a part of it plus fanIn and fanOut.
val config_field_table();
val sample_field_table();

// Float32Array [fanOut][fanIn] from Rng(seed, stream::kSample) and init_weights(), or an Error.
val sample_init(val options);

// Parses the bytes of a dataset's file (a Uint8Array) and registers them for every later run;
// returns the dataset's datasets() entry, or an Error (bad id, not a file-backed dataset, not a
// valid file).
val load_dataset(val id, val bytes);

// Bytes of linear memory (grows, never shrinks) and bytes currently malloc'd (what a leak moves).
double heap_bytes();
double heap_used_bytes();

// One training run. Held by web/js/engine.js, which calls .delete() in run.dispose().
class RunHandle {
 public:
  explicit RunHandle(const initscope::Config& config);

  val step(val n);
  val evaluate();
  val layer_stats();
  val weights(val layer);  // the effective weights, multiplier x stored (spec/parametrizations.md)
  val biases(val layer);
  // { role: 'input' | 'hidden' | 'readout', fanIn, fanOut, multiplier, lrScale: { weights,
  //   biases } }: what `initscope dump --what weights` reports beside each layer's values.
  val layer_info(val layer);
  val dataset();
  val predict_grid(val resolution);
  // { singularValues: [Float64Array per probe input], meanSquared, theoryMeanSquared,
  //   firstLayer, lastLayer } (run.hpp's JacobianSpectrum), or an Error.
  val jacobian_spectrum();
  val predict_test(val n);
  val class_accuracy();
  double step_count() const;
  val config() const;

 private:
  std::unique_ptr<initscope::Run> run_;
};

// engine.meanField({ activation, leakySlope, weightVar, biasVar, depth, q0, c0 }) -> { q, c
// (Float64Array, depth + 1), qStar, cStar, chi1, chiC, xiQ, xiC, phase }, and
// engine.criticalWeightVar({ activation, leakySlope, biasVar }) -> a number or null (none in
// (0, 100]); Errors for bad fields, in the core's wording.
val mean_field(val options);
val critical_weight_var(val options);
// engine.phaseDiagram({ activation, leakySlope, wMax, bMax, nx, ny }) -> { chi1, xiC:
// Float64Array [ny][nx] } at the cell centres (meanfield.hpp's phase_grid), or an Error.
val phase_diagram(val options);
// Their field tables, for web/js/validate.js (as config_field_table).
val mean_field_field_table();
val critical_field_table();
val phase_field_table();

// The coordinate check (initscope/coordcheck.hpp) task by task, each taking a spec { config,
// parametrizations, widths, steps, seeds } (missing: the CLI's defaults; config's fields go on
// top of coord_default_base()); Errors in the core's wording (wasm/coordcheck.cpp):
//   coordcheck_defaults()  -> { config, parametrizations, widths, steps, seeds }
//   coordcheck_plan(spec)  -> { config (the CLI's reported config), parametrizations, widths,
//                               steps, seeds, layers, tasks: [{ parametrization, width, seed }] }
//   coordcheck_task(spec, t) -> { task, size, change: Float64Array, step-major then layer }
//   coordcheck_slopes(spec, size, change) -> [{ parametrization, step, layer, size, change }]
//                               from every task's arrays end to end (NaN where no fit)
val coordcheck_defaults();
val coordcheck_plan(val options);
val coordcheck_task(val options, val task);
val coordcheck_slopes(val options, val size, val change);

// A RunHandle (owned by the caller, who must .delete() it) or an Error.
val create_run(val config);

// Exposed for tests of the adapter: JS config object -> Config (throws ConfigError) -> JS object
// (every registry field's get(), or with `reported` its report() where it has one: inputDim and
// classes resolved to the dataset's sizes).
initscope::Config config_from_js(const val& object);
val config_to_js(const initscope::Config& config, bool reported = false);

}  // namespace js
