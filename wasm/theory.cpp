// wasm/theory.cpp: engine.meanField, engine.criticalWeightVar, engine.phaseDiagram and their
// field tables.
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "fields.hpp"
#include "initscope/config.hpp"
#include "initscope/meanfield.hpp"

namespace js {

using initscope::Config;
using initscope::Field;
using initscope::FieldValue;

// ---------------------------------------------------------------------------------------------
// engine.meanField, engine.criticalWeightVar

namespace {
// The network fields of the theory (the registry's, named as in createRun) and its own: depth,
// q0, c0.
const std::vector<Field>& theory_fields(bool with_input) {
  static const std::vector<Field> full = [] {
    std::vector<Field> f = registry_fields({"activation", "leakySlope", "weightVar", "biasVar"});
    f.push_back(integer_input("depth", 1, initscope::kMaxTheoryDepth));
    f.push_back(number_input("q0", 0, 1e6, true, false, "a number in (0, 1e6]"));
    f.push_back(number_input("c0", -1, 1, false, false));
    return f;
  }();
  static const std::vector<Field> critical =
      registry_fields({"activation", "leakySlope", "biasVar"});
  return with_input ? full : critical;
}

// engine.phaseDiagram: the activation and the grid.
const std::vector<Field>& phase_fields() {
  static const std::vector<Field> f = [] {
    using initscope::limits::kMaxWeightVar;
    std::vector<Field> out = registry_fields({"activation", "leakySlope"});
    out.push_back(number_input("wMax", 0, kMaxWeightVar, true, false));
    out.push_back(number_input("bMax", 0, kMaxWeightVar, true, false));
    out.push_back(integer_input("nx", 2, initscope::kMaxPhaseCells));
    out.push_back(integer_input("ny", 2, initscope::kMaxPhaseCells));
    return out;
  }();
  return f;
}

val numbers_or_null(double v) { return std::isfinite(v) ? val(v) : val::null(); }
}  // namespace

val mean_field(val options) {
  return guarded([&] {
    initscope::MeanFieldQuery q;
    const Config c = read_fields(options, theory_fields(true), "meanField",
                                 [&](const Field& f, const FieldValue& v) {
                                   const std::string n = f.name;
                                   if (n == "depth")
                                     q.depth = static_cast<int>(v.number);
                                   else if (n == "q0")
                                     q.q0 = v.number;
                                   else
                                     q.c0 = v.number;
                                 });
    q.params = {c.activation, c.leaky_slope, c.weight_var, c.bias_var};
    const initscope::MeanFieldResult r = initscope::mean_field(q);
    val o = val::object();
    o.set("q", copy_out(r.q));
    o.set("c", copy_out(r.c));
    // Infinity is meaningful here (a diverging length, xi at criticality) and JS has it; NaN
    // (xiQ when q* is infinite) becomes null so no chart draws it.
    auto number = [](double v) { return std::isnan(v) ? val::null() : val(v); };
    o.set("qStar", number(r.q_star));
    o.set("cStar", number(r.c_star));
    o.set("chi1", number(r.chi_1));
    o.set("chiC", number(r.chi_c));
    o.set("xiQ", number(r.xi_q));
    o.set("xiC", number(r.xi_c));
    o.set("phase", std::string(initscope::to_string(r.phase)));
    return o;
  });
}

val phase_diagram(val options) {
  return guarded([&] {
    initscope::PhaseGridQuery q;
    const Config c = read_fields(options, phase_fields(), "phaseDiagram",
                                 [&](const Field& f, const FieldValue& v) {
                                   const std::string n = f.name;
                                   if (n == "wMax")
                                     q.w_max = v.number;
                                   else if (n == "bMax")
                                     q.b_max = v.number;
                                   else if (n == "nx")
                                     q.nx = static_cast<int>(v.number);
                                   else
                                     q.ny = static_cast<int>(v.number);
                                 });
    q.activation = c.activation;
    q.leaky_slope = c.leaky_slope;
    const initscope::PhaseGrid g = initscope::phase_grid(q);
    val o = val::object();
    o.set("chi1", copy_out(g.chi_1));
    o.set("xiC", copy_out(g.xi_c));  // Infinity at criticality, as meanField's
    return o;
  });
}

val phase_field_table() { return fields_to_js(phase_fields()); }

val mean_field_field_table() { return fields_to_js(theory_fields(true)); }
val critical_field_table() { return fields_to_js(theory_fields(false)); }

val critical_weight_var(val options) {
  return guarded([&] {
    const Config c = read_fields(options, theory_fields(false), "criticalWeightVar");
    return numbers_or_null(initscope::critical_weight_var(c.activation, c.leaky_slope, c.bias_var));
  });
}

}  // namespace js
