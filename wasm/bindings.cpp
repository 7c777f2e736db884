// wasm/bindings.cpp: the Embind registrations, nothing else. C++ names are snake_case, JS names
// camelCase. Every entry returns its result or a JS Error object (never throws; see
// adapters.hpp); web/js/engine.js is the only caller and turns returned Errors into throws.
#include <emscripten/bind.h>

#include "adapters.hpp"

EMSCRIPTEN_BINDINGS(initscope) {
  using namespace emscripten;

  function("initializers", &js::initializers);
  function("activations", &js::activations);
  function("datasets", &js::datasets);
  function("optimizers", &js::optimizers);
  function("losses", &js::losses);
  function("limits", &js::limits);
  function("defaultConfig", &js::default_config);
  function("presets", &js::presets);
  function("configFields", &js::config_field_table);
  function("sampleFields", &js::sample_field_table);
  function("sampleInit", &js::sample_init);
  function("loadDataset", &js::load_dataset);
  function("heapBytes", &js::heap_bytes);
  function("heapUsedBytes", &js::heap_used_bytes);
  function("createRun", &js::create_run);
  function("meanField", &js::mean_field);
  function("criticalWeightVar", &js::critical_weight_var);
  function("meanFieldFields", &js::mean_field_field_table);
  function("criticalWeightVarFields", &js::critical_field_table);
  function("phaseDiagram", &js::phase_diagram);
  function("phaseDiagramFields", &js::phase_field_table);
  function("coordcheckDefaults", &js::coordcheck_defaults);
  function("coordcheckPlan", &js::coordcheck_plan);
  function("coordcheckTask", &js::coordcheck_task);
  function("coordcheckSlopes", &js::coordcheck_slopes);

  class_<js::RunHandle>("RunHandle")
      .function("step", &js::RunHandle::step)
      .function("evaluate", &js::RunHandle::evaluate)
      .function("layerStats", &js::RunHandle::layer_stats)
      .function("weights", &js::RunHandle::weights)
      .function("biases", &js::RunHandle::biases)
      .function("layerInfo", &js::RunHandle::layer_info)
      .function("dataset", &js::RunHandle::dataset)
      .function("predictGrid", &js::RunHandle::predict_grid)
      .function("jacobianSpectrum", &js::RunHandle::jacobian_spectrum)
      .function("predictTest", &js::RunHandle::predict_test)
      .function("classAccuracy", &js::RunHandle::class_accuracy)
      .function("stepCount", &js::RunHandle::step_count)
      .function("config", &js::RunHandle::config);
}
