// core/cli/theory.cpp: `initscope theory`, the mean-field maps of an infinitely wide network
// (core/include/initscope/meanfield.hpp), or with --critical the critical sigma_w^2 for a list
// of sigma_b^2.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common.hpp"
#include "initscope/meanfield.hpp"

namespace cli {

using namespace initscope;

namespace {

const char* kTheoryUsage =
    "initscope theory: mean-field signal propagation at initialization (Poole et al. 2016,\n"
    "Schoenholz et al. 2017) for W ~ N(0, weightVar/fan_in), b ~ N(0, biasVar): the length map\n"
    "q (pre-activation variance) and the correlation map c of two inputs, layer by layer, their\n"
    "fixed points, chi_1, the phase and the depth scales xi_q and xi_c.\n"
    "\n"
    "Usage: initscope theory [--activation ID] [--weight-var X] [--bias-var X] [--depth N]\n"
    "                        [--q0 X] [--c0 X] [--format json|csv]\n"
    "       initscope theory --critical [--activation ID] [--bias-var LIST]\n"
    "  e.g. initscope theory --activation tanh --weight-var 1.76 --bias-var 0.05 --depth 50\n"
    "       initscope theory --critical --activation tanh --bias-var 0,0.05,0.1,0.5\n"
    "\n"
    "Output: JSON { activation, leakySlope, weightVar, biasVar, depth, q0, c0,\n"
    "criticalWeightVar, qStar, cStar, chi1, chiC, xiQ, xiC, phase, q: [...], c: [...] } (q[0] =\n"
    "q0 is the input's second moment, q[l] layer l's pre-activation variance; non-finite\n"
    "numbers, e.g. xiC at criticality, are null), or CSV rows layer,q,c. With --critical: JSON\n"
    "{ activation, leakySlope, critical: [ { biasVar, weightVar } ] } or CSV biasVar,weightVar\n"
    "(null / NaN where no weightVar in (0, 100] is critical).\n";

}  // namespace

int cmd_theory(const std::vector<std::string>& args) {
  Config config;  // activation, leaky slope, weightVar, biasVar and their flags' texts
  config.activation = Activation::tanh;
  MeanFieldQuery query;
  std::vector<double> bias_vars;
  bool critical = false;
  std::string format = "json";
  std::vector<Flag> flags;
  const char* s = "Network";
  add_activation_flags(flags, config, s);
  flags.push_back({"weight-var", "", "weightVar", "X", "sigma_w^2", num(config.weight_var),
                   "a number in (0, " + num(limits::kMaxWeightVar) + "]",
                   [&](auto& v) { config.weight_var = to_number(v); }, s});
  flags.push_back({"bias-var", "", "biasVar", "LIST", "sigma_b^2 (--critical: a comma list)",
                   num(config.bias_var), "a number in [0, " + num(limits::kMaxWeightVar) + "]",
                   [&](auto& v) {
                     bias_vars = parse_list(v, [](const std::string& x) { return to_number(x); });
                   },
                   s});
  s = "Input";
  flags.push_back(
      {"depth", "", "depth", "N", "layers", std::to_string(query.depth),
       int_range(1, kMaxTheoryDepth),
       [&](auto& v) { query.depth = static_cast<int>(to_integer(v, 1, kMaxTheoryDepth)); }, s});
  flags.push_back({"q0", "", "q0", "X", "the input's second moment |x|^2 / n_0", num(query.q0),
                   "a number in (0, 1e6]", [&](auto& v) { query.q0 = to_number(v); }, s});
  flags.push_back({"c0", "", "c0", "X", "the cosine of the two inputs", num(query.c0),
                   "a number in [-1, 1]", [&](auto& v) { query.c0 = to_number(v); }, s});
  s = "Output";
  flags.push_back({"critical", "", "--critical", "", "print the critical weightVar per biasVar", "",
                   "", [&](auto&) { critical = true; }, s});
  flags.push_back(choice_flag("format", "output format", format, {"json", "csv"}, s));

  Parsed parsed;
  if (!parse_or_help("theory", kTheoryUsage, flags, args, parsed)) return 0;
  return with_flag_hints(flags, parsed, [&] {
    if (bias_vars.empty()) bias_vars.push_back(config.bias_var);
    if (!critical && bias_vars.size() > 1)
      throw UsageError("biasVar", "a list of " + std::to_string(bias_vars.size()),
                       "one number (a list only with --critical)");
    const Activation act = config.activation;
    const double slope = config.leaky_slope;
    if (critical) {
      std::vector<double> wv;
      for (double b : bias_vars) wv.push_back(critical_weight_var(act, slope, b));
      if (format == "csv") {
        std::puts("biasVar,weightVar");
        for (std::size_t i = 0; i < wv.size(); ++i)
          std::printf("%s,%s\n", format_double(bias_vars[i]).c_str(), format_double(wv[i]).c_str());
        return 0;
      }
      JsonWriter j(stdout);
      j.begin_object();
      j.key("activation").string(to_string(act));
      j.key("leakySlope").number(slope);
      j.key("critical").begin_array();
      for (std::size_t i = 0; i < wv.size(); ++i) {
        j.begin_object();
        j.key("biasVar").number(bias_vars[i]);
        j.key("weightVar").number(wv[i]);
        j.end_object();
      }
      j.end_array();
      j.end_object();
      return 0;
    }
    query.params = {act, slope, config.weight_var, bias_vars.front()};
    const MeanFieldResult r = mean_field(query);
    if (format == "csv") {
      std::puts("layer,q,c");
      for (std::size_t l = 0; l < r.q.size(); ++l)
        std::printf("%zu,%s,%s\n", l, format_double(r.q[l]).c_str(), format_double(r.c[l]).c_str());
      return 0;
    }
    JsonWriter j(stdout);
    j.begin_object();
    j.key("activation").string(to_string(act));
    j.key("leakySlope").number(slope);
    j.key("weightVar").number(query.params.weight_var);
    j.key("biasVar").number(query.params.bias_var);
    j.key("depth").integer(query.depth);
    j.key("q0").number(query.q0);
    j.key("c0").number(query.c0);
    j.key("criticalWeightVar").number(critical_weight_var(act, slope, query.params.bias_var));
    j.key("qStar").number(r.q_star);
    j.key("cStar").number(r.c_star);
    j.key("chi1").number(r.chi_1);
    j.key("chiC").number(r.chi_c);
    j.key("xiQ").number(r.xi_q);
    j.key("xiC").number(r.xi_c);
    j.key("phase").string(to_string(r.phase));
    j.key("q").begin_array();
    for (double v : r.q) j.number(v);
    j.end_array();
    j.key("c").begin_array();
    for (double v : r.c) j.number(v);
    j.end_array();
    j.end_object();
    return 0;
  });
}

}  // namespace cli
