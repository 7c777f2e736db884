// initscope/sweep.hpp: maps over configurations. One Run answers "what happens with this init";
// a sweep answers "over which range of a field (or two) does the network still train".
//
// A sweep varies one or two fields (axes) of a base Config, trains every cell for `steps`
// updates over `seeds` seeds, and records the final losses and accuracies and whether (when)
// the run diverged. Each (cell, seed) is an independent, deterministic Run, so the order in which
// cells are computed (threads in the CLI, a worker pool in the page) never changes a number.
//
// What this file is not: a scheduler. It has no threads (the wasm build has no pthreads); the CLI
// runs tasks on threads, the page in Web Workers, both by task index.
//
//   Axis spec:  FIELD=START:STOP:COUNT   inclusive linspace (weightVar=1:4:13 -> 1, 1.25, .., 4)
//               FIELD=A,B,C              a list (init=he_normal,lecun_normal; depth=10,20,50;
//                                        a number field's words too: residualScale=one,
//                                        inv_sqrt_depth, gain=auto,1)
//   Seeds:      seed index s of a sweep whose base seed is b runs with seed (b + s) mod 2^32, so
//               `initscope run --seed b+s` with the cell's fields reproduces that run exactly.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace initscope {

namespace limits {
constexpr int kMaxAxisCount = 1000;  // values on one axis
constexpr int kMaxSweepSeeds = 100;
}  // namespace limits

struct SweepAxis {
  std::string field;  // public name: a Config field (camelCase) or `depth` / `width`
  // false for an id list, and for a number field's list with one of its words in it
  // (residualScale=one,inv_sqrt_depth): its values are then its labels.
  bool numeric = true;
  std::vector<double> numbers;      // numeric axes: the values, in order
  std::vector<std::string> labels;  // every axis: the value as text (numbers: shortest round-trip)
  std::size_t size() const { return labels.size(); }
};

// The fields an axis can vary, numeric ones first (for messages and --help).
const std::vector<std::string>& sweep_numeric_fields();
const std::vector<std::string>& sweep_categorical_fields();
std::vector<std::string> sweep_field_names();

// Parses an axis spec (see above). Throws ConfigError: `what` names the spec as a whole in the
// messages about its shape (the CLI passes "--x" / "--y"); a value is reported under its field:
//   invalid --x = "weightVar": expected FIELD=START:STOP:COUNT or FIELD=A,B,...
//   invalid --x field = "foo": expected one of depth, width, ...
//   invalid weightVar = "1:4": expected START:STOP:COUNT (two numbers and a count)
//   invalid weightVar count = 0: expected an integer in 1..1000
//   invalid depth = 12.5: expected an integer
//   invalid residualScale = "foo": expected a number in (0, 10] or one of one, inv_sqrt_depth, ...
//   invalid init = "foo": expected one of zeros, constant, ...
// Whether a value is in range for its field is checked with the rest of the config
// (validate_sweep), where the base config is known.
SweepAxis parse_axis(const std::string& spec, const std::string& what = "axis");

// Sets one field of a Config to the axis's value number i. depth keeps the first hidden width
// (hidden = depth x hidden[0]); width keeps the depth (every hidden layer gets the width).
void set_axis_value(Config& c, const SweepAxis& axis, std::size_t i);

// Seed of seed index s (see above).
uint32_t sweep_seed(uint32_t base_seed, int seed_index);

struct SweepSpec {
  Config base;
  // one (x), two (x, y) or three (x, y, split): the split is a third axis that the page draws
  // as side-by-side panels over the same x and y (sp beside mup in the mup_transfer preset).
  std::vector<SweepAxis> axes;
  int64_t steps = 300;
  int seeds = 1;
};

// Cells are numbered y-major: cell = iy * nx + ix (with a split: (iz * ny + iy) * nx + ix). Tasks
// are (cell, seed index) pairs, numbered task = cell * seeds + s. Both orders are part of the
// output format (rows of the CSV).
std::size_t cell_count(const SweepSpec&);
std::size_t task_count(const SweepSpec&);
std::size_t axis_index(const SweepSpec&, std::size_t cell, std::size_t axis);
Config task_config(const SweepSpec&, std::size_t task);

// Throws ConfigError for the first invalid cell config (a range on an axis that leaves the
// allowed range, a depth x width over the parameter cap), the axes themselves (none, more than
// two, the same field twice), steps and seeds, before any cell is computed.
void validate_sweep(const SweepSpec&);

struct CellResult {
  int64_t step = 0;  // updates done (less than steps if the run diverged)
  double train_loss = 0, test_loss = 0, train_accuracy = 0, test_accuracy = 0;
  std::optional<int64_t> diverged_at;
};

// One Run of `config`: `steps` updates (stopping at divergence), then evaluate().
CellResult evaluate_cell(const Config& config, int64_t steps);

// A cell's seeds summarised: means over the seeds that did not diverge (NaN if all diverged),
// and how many diverged.
struct CellSummary {
  double train_loss, test_loss, train_accuracy, test_accuracy;
  int diverged;
};
CellSummary summarize(const CellResult* seeds, int count);

}  // namespace initscope
