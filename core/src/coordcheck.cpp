// core/src/coordcheck.cpp: see initscope/coordcheck.hpp.
#include "initscope/coordcheck.hpp"

#include <cmath>
#include <limits>

#include "initscope/pmath.hpp"
#include "initscope/run.hpp"
#include "initscope/sweep.hpp"

namespace initscope {

namespace {

std::size_t depth_of(const CoordCheckSpec& s) { return s.base.hidden.size(); }

// mean |x| in double, in index order (the same bits on every build).
double mean_abs(const float* x, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(x[i]));
  return n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

double mean_abs_diff(const float* x, const float* y, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
    sum += std::fabs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
  return n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

void validate_coordcheck(const CoordCheckSpec& s) {
  const int cap = size_caps().max_width;
  if (s.widths.empty() || s.widths.size() > static_cast<std::size_t>(kMaxCoordWidths))
    throw ConfigError("widths", "a list of " + std::to_string(s.widths.size()) + " widths",
                      "1.." + std::to_string(kMaxCoordWidths) + " widths");
  for (std::size_t i = 0; i < s.widths.size(); ++i) {
    const int w = s.widths[i];
    if (w < 1 || w > cap)
      throw ConfigError("widths", std::to_string(w), int_range(1, cap) + size_caps().note);
    if (i > 0 && w <= s.widths[i - 1])
      throw ConfigError("widths", std::to_string(w),
                        "increasing widths (after " + std::to_string(s.widths[i - 1]) + ")");
  }
  if (s.steps < 0 || s.steps > kMaxCoordSteps)
    throw ConfigError("steps", std::to_string(s.steps), int_range(0, kMaxCoordSteps));
  if (s.seeds < 1 || s.seeds > kMaxCoordSeeds)
    throw ConfigError("seeds", std::to_string(s.seeds), int_range(1, kMaxCoordSeeds));
  if (s.parametrizations.empty() || s.parametrizations.size() > 3)
    throw ConfigError("parametrizations", "a list of " + std::to_string(s.parametrizations.size()),
                      "1..3 of sp, ntk, mup");
  for (std::size_t i = 0; i < s.parametrizations.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (s.parametrizations[i] == s.parametrizations[j])
        throw ConfigError("parametrizations", to_string(s.parametrizations[i]),
                          "each of sp, ntk, mup at most once");
  validate(s.base);
  // The widest network of each parametrization is the one that can break a cap.
  for (std::size_t p = 0; p < s.parametrizations.size(); ++p)
    validate(coord_task_config(
        s, (p * s.widths.size() + s.widths.size() - 1) * static_cast<std::size_t>(s.seeds)));
}

std::size_t coord_task_count(const CoordCheckSpec& s) {
  return s.parametrizations.size() * s.widths.size() * static_cast<std::size_t>(s.seeds);
}

Config coord_task_config(const CoordCheckSpec& s, std::size_t task) {
  const std::size_t seeds = static_cast<std::size_t>(s.seeds);
  const std::size_t seed = task % seeds;
  const std::size_t width = (task / seeds) % s.widths.size();
  const std::size_t p = task / seeds / s.widths.size();
  Config c = s.base;
  c.hidden.assign(depth_of(s), s.widths.at(width));
  c.parametrization = s.parametrizations.at(p);
  c.seed = sweep_seed(s.base.seed, static_cast<int>(seed));
  return c;
}

std::vector<CoordRow> coord_task(const CoordCheckSpec& s, std::size_t task) {
  const Config c = coord_task_config(s, task);
  Run run(c);
  run.fix_batch();
  const std::size_t layers = depth_of(s) + 1;
  std::vector<std::vector<float>> start = run.batch_pre_activations();
  std::vector<CoordRow> rows;
  rows.reserve(static_cast<std::size_t>(s.steps + 1) * layers);
  for (int t = 0; t <= s.steps; ++t) {
    if (t > 0) run.step(1);
    const std::vector<std::vector<float>>& pre = run.batch_pre_activations();
    for (std::size_t l = 0; l < layers; ++l) {
      const std::size_t n = run.batch_rows() * run.net().layers[l].fan_out();
      rows.push_back({c.parametrization, c.hidden.front(), c.seed, t, static_cast<int>(l + 1),
                      mean_abs(pre[l].data(), n),
                      mean_abs_diff(pre[l].data(), start[l].data(), n)});
    }
  }
  return rows;
}

std::vector<CoordSlope> coord_slopes(const CoordCheckSpec& s, const std::vector<CoordRow>& rows) {
  const std::size_t W = s.widths.size(), S = static_cast<std::size_t>(s.seeds);
  const std::size_t T = static_cast<std::size_t>(s.steps + 1), L = depth_of(s) + 1;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // rows are task-major (p, width, seed), then step, then layer.
  auto at = [&](std::size_t p, std::size_t w, std::size_t seed, std::size_t t, std::size_t l) {
    return rows.at((((p * W + w) * S + seed) * T + t) * L + l);
  };
  const double kInvLn2 = 1.0 / pm::log(2.0);  // log2 via pmath: same bits in CLI and wasm
  auto fit = [&](const std::vector<double>& y) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t w = 0; w < W; ++w) {
      if (!(std::isfinite(y[w]) && y[w] > 0)) return nan;
      const double x = pm::log(static_cast<double>(s.widths[w])) * kInvLn2;
      const double ly = pm::log(y[w]) * kInvLn2;
      sx += x;
      sy += ly;
      sxx += x * x;
      sxy += x * ly;
    }
    const double n = static_cast<double>(W), d = n * sxx - sx * sx;
    return W < 2 || d == 0 ? nan : (n * sxy - sx * sy) / d;
  };
  std::vector<CoordSlope> out;
  for (std::size_t p = 0; p < s.parametrizations.size(); ++p)
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t l = 0; l < L; ++l) {
        std::vector<double> size(W, 0), change(W, 0);
        for (std::size_t w = 0; w < W; ++w) {
          for (std::size_t seed = 0; seed < S; ++seed) {
            size[w] += at(p, w, seed, t, l).size;
            change[w] += at(p, w, seed, t, l).change;
          }
          size[w] /= static_cast<double>(S);
          change[w] /= static_cast<double>(S);
        }
        out.push_back({s.parametrizations[p], static_cast<int>(t), static_cast<int>(l + 1),
                       fit(size), fit(change)});
      }
  return out;
}

}  // namespace initscope
