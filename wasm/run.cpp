// wasm/run.cpp: engine.createRun and the RunHandle's methods.
#include "initscope/run.hpp"

#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "initscope/activation.hpp"
#include "initscope/config.hpp"
#include "initscope/mlp.hpp"

namespace js {

using initscope::Config;
using initscope::int_range;

// ---------------------------------------------------------------------------------------------
// RunHandle

RunHandle::RunHandle(const Config& config) : run_(new initscope::Run(config)) {}

val create_run(val config) {
  return guarded([&] {
    const Config c = config_from_js(config);
    // JS owns it (Embind wraps the released pointer): engine.js calls .delete() in dispose().
    return val(std::make_unique<RunHandle>(c));
  });
}

val RunHandle::step(val n) {
  return guarded([&] {
    const auto k = read_int("n", n, 0, 2147483647.0, int_range(0, 2147483647));
    const initscope::StepResult r = run_->step(static_cast<int>(k));
    val o = val::object();
    o.set("step", static_cast<double>(r.step));
    o.set("loss", r.loss);
    return o;
  });
}

val RunHandle::evaluate() {
  return guarded([&] {
    const initscope::Evaluation e = run_->evaluate();
    val o = val::object();
    o.set("step", static_cast<double>(e.step));
    o.set("trainLoss", e.train_loss);
    o.set("testLoss", e.test_loss);
    o.set("trainAccuracy", e.train_accuracy);
    o.set("testAccuracy", e.test_accuracy);
    o.set("diverged", e.diverged_at ? val(static_cast<double>(*e.diverged_at)) : val::null());
    return o;
  });
}

val RunHandle::layer_stats() {
  return guarded([&] {
    const std::vector<initscope::LayerStats> stats = run_->layer_stats();
    using Member = double initscope::LayerStats::*;
    const std::pair<const char*, Member> columns[] = {
        {"preMean", &initscope::LayerStats::pre_mean},
        {"preVar", &initscope::LayerStats::pre_var},
        {"postMean", &initscope::LayerStats::post_mean},
        {"postVar", &initscope::LayerStats::post_var},
        {"deadFraction", &initscope::LayerStats::dead_fraction},
        {"gradVar", &initscope::LayerStats::grad_var},
        {"weightGradVar", &initscope::LayerStats::weight_grad_var},
        {"weightVar", &initscope::LayerStats::weight_var},
        {"theoryVar", &initscope::LayerStats::theory_var},
        {"corr", &initscope::LayerStats::corr},
        {"theoryCorr", &initscope::LayerStats::theory_corr},
        {"theoryGradVar", &initscope::LayerStats::theory_grad_var},
    };
    val o = val::object();
    std::vector<double> column(stats.size());
    for (const auto& [name, member] : columns) {
      for (std::size_t l = 0; l < stats.size(); ++l) column[l] = stats[l].*member;
      o.set(name, copy_out(column));
    }
    val symmetric = val::array();
    val counts = val::array();
    for (const auto& s : stats) {
      symmetric.call<void>("push", s.symmetric);
      counts.call<void>("push", copy_out(s.histogram));
    }
    o.set("symmetric", symmetric);
    o.set("theoryExact", initscope::theory_is_exact(run_->config().activation));
    const initscope::HistogramSpec& spec = run_->hist_spec();
    std::vector<double> lo(stats.size()), hi(stats.size()), below(stats.size()),
        above(stats.size());
    for (std::size_t l = 0; l < stats.size(); ++l) {
      lo[l] = spec.lo_at(l), hi[l] = spec.hi_at(l);
      below[l] = stats[l].below, above[l] = stats[l].above;
    }
    val hist = val::object();
    hist.set("lo",
             copy_out(lo));  // per layer, fixed at step 0 (stats.hpp histogram_spec_from_data)
    hist.set("hi", copy_out(hi));
    hist.set("bins", spec.bins);
    hist.set("counts", counts);
    hist.set("below", copy_out(below));  // values outside [lo, hi], per layer
    hist.set("above", copy_out(above));
    o.set("histogram", hist);
    // Where finite weights first overflowed float (Run::overflow): null, or { point (index into
    // these arrays), pass: 'forward' | 'backward', step }. Not a column: the export keeps its
    // shape.
    const std::optional<initscope::Overflow> of = run_->overflow();
    if (of) {
      val v = val::object();
      v.set("point", static_cast<double>(of->point));
      v.set("pass", std::string(of->backward ? "backward" : "forward"));
      v.set("step", static_cast<double>(of->step));
      o.set("overflow", v);
    } else {
      o.set("overflow", val::null());
    }
    return o;
  });
}

namespace {
std::size_t read_layer(const val& layer, const initscope::Run& run) {
  const double last = static_cast<double>(run.net().num_layers() - 1);
  return static_cast<std::size_t>(read_int("layer", layer, 0, last, int_range(0, int64_t(last))));
}
}  // namespace

// The effective weights m x W (what the layer computes with; sp: the stored ones), multiplied
// in float as `initscope dump --what weights` does, so the two give the same bits.
val RunHandle::weights(val layer) {
  return guarded([&] {
    const initscope::Layer& l = run_->net().layers[read_layer(layer, *run_)];
    if (l.multiplier == 1.f) return copy_out(l.W.data(), l.W.size());
    std::vector<float> w(l.W.begin(), l.W.end());
    for (float& x : w) x *= l.multiplier;
    return copy_out(w);
  });
}

val RunHandle::layer_info(val layer) {
  return guarded([&] {
    const initscope::Layer& l = run_->net().layers[read_layer(layer, *run_)];
    val o = val::object();
    o.set("role", std::string(initscope::to_string(l.role)));
    o.set("fanIn", static_cast<double>(l.fan_in()));
    o.set("fanOut", static_cast<double>(l.fan_out()));
    o.set("multiplier", static_cast<double>(l.multiplier));
    val lr = val::object();
    lr.set("weights", static_cast<double>(l.lr_scale_w));
    lr.set("biases", static_cast<double>(l.lr_scale_b));
    o.set("lrScale", lr);
    return o;
  });
}

val RunHandle::biases(val layer) {
  return guarded([&] {
    const initscope::Vector& b = run_->net().layers[read_layer(layer, *run_)].b;
    return copy_out(b.data(), b.size());
  });
}

val RunHandle::dataset() {
  return guarded([&] {
    const initscope::Dataset& d = run_->dataset();
    val o = val::object();
    o.set("xTrain", copy_out(d.x_train.data(), d.x_train.size()));
    o.set("yTrain", copy_out(d.y_train));
    o.set("xTest", copy_out(d.x_test.data(), d.x_test.size()));
    o.set("yTest", copy_out(d.y_test));
    o.set("inputDim", d.input_dim);
    o.set("classes", d.classes);
    val bounds = val::array();
    for (double b : d.bounds) bounds.call<void>("push", b);
    o.set("bounds", bounds);
    return o;
  });
}

val RunHandle::predict_grid(val resolution) {
  return guarded([&] {
    // Only the type is checked here; Run::predict_grid owns the range (2..256) and says so.
    const auto res =
        read_int("resolution", resolution, -2147483648.0, 2147483647.0, "an integer in 2..256");
    return copy_out(run_->predict_grid(static_cast<int>(res)));
  });
}

val RunHandle::jacobian_spectrum() {
  return guarded([&] {
    const initscope::JacobianSpectrum s = run_->jacobian_spectrum();
    val values = val::array();
    for (const auto& v : s.singular_values) values.call<void>("push", copy_out(v));
    val o = val::object();
    o.set("singularValues", values);
    o.set("meanSquared", s.mean_squared);
    o.set("theoryMeanSquared", s.theory_mean_squared);
    o.set("firstLayer", s.first_layer);
    o.set("lastLayer", s.last_layer);
    return o;
  });
}

val RunHandle::predict_test(val n) {
  return guarded([&] {
    const auto k = read_int("n", n, 0, 2147483647.0, int_range(0, 2147483647));
    return copy_out(run_->predict_test(static_cast<int>(k)));
  });
}

val RunHandle::class_accuracy() {
  return guarded([&] { return copy_out(run_->class_accuracy()); });
}

double RunHandle::step_count() const { return static_cast<double>(run_->steps_done()); }

val RunHandle::config() const {
  // Reported: inputDim and classes are the dataset's actual sizes, never 0.
  return config_to_js(run_->config(), true);
}

}  // namespace js
