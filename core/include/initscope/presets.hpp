// initscope/presets.hpp: the ready-made experiments, the ONE list that the page's menu, the CLI
// (`initscope run --preset ID`, `initscope presets`) and the JS API (engine.presets()) read.
//
// Each preset is a whole experiment: a Config for every field, the initializers compared (one
// run each, as in Experiment::compare_inits), the paper it reproduces, and the two sentences a
// student reads (`what`, `watch`). Every number or comparison those sentences state is measured,
// over 5 seeds at exactly this configuration, in tests/native/test_presets.cpp: change a preset
// here and that file tells you whether its sentences are still true.
//
// The list is in course order (chapter by chapter: symmetry -> variance -> saturating
// activations -> depth -> theory), which is the order of the page's menu and its "Next" button.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/coordcheck.hpp"
#include "initscope/fields.hpp"
#include "initscope/sweep.hpp"

namespace initscope {

// A sweep preset: instead of runs to watch, a map to fill. The page opens it in its Sweep view
// (axes set, started by the reader); `initscope sweep --preset ID` prints the same grid. The
// base of every cell is the preset's config with its first initializer.
struct PresetSweep {
  std::string x, y;    // axes in the CLI's FIELD=SPEC form ("weightVar=1:4:13"); x empty = none
  int64_t steps = 0;   // updates per cell
  int seeds = 1;       // seeds per cell
  std::string metric;  // the page's heatmap: trainAccuracy, testAccuracy, trainLoss or testLoss
  // A third axis, FIELD=A,B ("parametrization=sp,mup"): the same x-y grid once per value, drawn
  // side by side over the same axes. Empty = none.
  std::string split;
};

// A coordinate-check preset: instead of runs to watch, the page's Width tab with these settings
// (run by the reader); `initscope coordcheck --preset ID` prints the same check. The runs' config
// is the preset's config with its first initializer (its hidden list gives the depth; the
// widths replace its width). widths empty = none.
struct PresetCoordCheck {
  std::vector<Parametrization> parametrizations;
  std::vector<int> widths;
  int steps = 0;
  int seeds = 1;
};

struct Preset {
  std::string id;       // public id: `--preset he2015`, `#preset=` links, engine.presets()[i].id
  std::string chapter;  // the course chapter it belongs to ("Symmetry", "Variance", ...)
  std::string label;    // the menu entry
  std::string source;   // authors, year, figure / equation
  std::string what;     // what the experiment is
  std::string watch;    // what to look at, with the numbers the tests check
  Config config;        // every field; config.init == inits.front()
  std::vector<Init> inits;  // one per run (repeats allowed when the runs differ in another field)
  // Fields the runs differ in besides the initializer: each a per-run field of the registry
  // (Field::per_run: weightVar, biasVar, parametrization, residualScale, residualGate, norm,
  // normPosition) with one value per run, as `run --norm-position pre,post`. Fields not listed
  // take the config's value in every run. presets() checks each entry.
  std::vector<std::pair<std::string, std::vector<FieldValue>>> per_run;
  PresetSweep sweep;            // sweep.x empty: an ordinary preset
  PresetCoordCheck coordcheck;  // coordcheck.widths empty: not a coordinate check
};

// In course order. Built once; every config passes validate().
const std::vector<Preset>& presets();
// The preset with that id; ConfigError("preset", id, "one of <ids>") otherwise.
const Preset& preset_by_id(const std::string& id);
std::vector<std::string> preset_ids();
// One Config per run: the preset's config with each run's initializer and per_run values.
std::vector<Config> preset_run_configs(const Preset& p);
// The sweep of a sweep preset (base = the first run's config); ConfigError if p has none.
SweepSpec preset_sweep_spec(const Preset& p);
// The coordinate check of a coordcheck preset, as `initscope coordcheck --preset ID` computes
// it (base hidden = the first width, parametrization = the first); ConfigError if p has none.
CoordCheckSpec preset_coordcheck_spec(const Preset& p);

}  // namespace initscope
