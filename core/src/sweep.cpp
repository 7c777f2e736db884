// core/src/sweep.cpp: axis parsing, the field -> Config setter table, and cell evaluation
// (sweep.hpp). No threads here: the callers schedule tasks by index.
#include "initscope/sweep.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>

#include "initscope/fields.hpp"
#include "initscope/run.hpp"

namespace initscope {

namespace {

// ---------------------------------------------------------------------------------------------
// The axes: every sweepable field of the registry (fields.hpp), plus `depth` and `width`, which
// are derived from `hidden`. Numeric fields take a double (integer fields check integrality
// here, ranges are validate()'s); enum fields take the public id and use the field's setter,
// so their messages are the usual ones.

struct NumericField {
  std::string name;
  bool integer;
  std::function<void(Config&, double)> set;
  // The registry's entry (its words, such as residualScale's `one`, and its allowed text), or
  // nullptr for depth and width.
  const Field* field = nullptr;
};
struct CategoricalField {
  std::string name;
  std::function<void(Config&, const std::string&)> set;
};

const std::vector<NumericField>& numeric_fields() {
  static const std::vector<NumericField> t = [] {
    std::vector<NumericField> t = {
        {"depth", true,
         [](Config& c, double v) {
           const int width = c.hidden.empty() ? 64 : c.hidden.front();
           c.hidden.assign(static_cast<std::size_t>(v), width);
         }},
        {"width", true, [](Config& c, double v) { c.hidden.assign(c.hidden.size(), int(v)); }},
    };
    for (const Field& f : fields()) {
      if (!f.sweepable || (f.kind != FieldKind::Integer && f.kind != FieldKind::Number)) continue;
      const Field* field = &f;
      t.push_back({f.name, f.kind == FieldKind::Integer,
                   [field](Config& c, double v) { field->set(c, FieldValue::of(v)); }, field});
    }
    return t;
  }();
  return t;
}

const std::vector<CategoricalField>& categorical_fields() {
  static const std::vector<CategoricalField> t = [] {
    std::vector<CategoricalField> t;
    for (const Field& f : fields()) {
      if (!f.sweepable || f.kind != FieldKind::Enum) continue;
      const Field* field = &f;
      t.push_back(
          {f.name, [field](Config& c, const std::string& v) { field->set(c, FieldValue::of(v)); }});
    }
    return t;
  }();
  return t;
}

const NumericField* find_numeric(const std::string& name) {
  for (const NumericField& f : numeric_fields())
    if (name == f.name) return &f;
  return nullptr;
}
const CategoricalField* find_categorical(const std::string& name) {
  for (const CategoricalField& f : categorical_fields())
    if (name == f.name) return &f;
  return nullptr;
}

// Strict: the whole text is one finite number (no spaces, no "1e400", no "nan").
bool read_number(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(out);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// A value as messages show it: a number as typed, anything else quoted.
std::string shown(const std::string& text) {
  double v;
  return read_number(text, v) ? text : quote(text);
}

void add_number(SweepAxis& axis, const NumericField& f, double v) {
  if (f.integer && (v != std::floor(v) || std::fabs(v) > std::numeric_limits<int>::max()))
    throw ConfigError(axis.field, format_number(v), "an integer");
  axis.numbers.push_back(v);
  axis.labels.push_back(format_number(v));
}

}  // namespace

const std::vector<std::string>& sweep_numeric_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const NumericField& f : numeric_fields()) n.push_back(f.name);
    return n;
  }();
  return names;
}

const std::vector<std::string>& sweep_categorical_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const CategoricalField& f : categorical_fields()) n.push_back(f.name);
    return n;
  }();
  return names;
}

std::vector<std::string> sweep_field_names() {
  std::vector<std::string> all = sweep_numeric_fields();
  for (const std::string& n : sweep_categorical_fields()) all.push_back(n);
  return all;
}

SweepAxis parse_axis(const std::string& spec, const std::string& what) {
  const std::size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw ConfigError(what, quote(spec), "FIELD=START:STOP:COUNT or FIELD=A,B,...");
  SweepAxis axis;
  axis.field = spec.substr(0, eq);
  const std::string rest = spec.substr(eq + 1);
  const NumericField* nf = find_numeric(axis.field);
  const CategoricalField* cf = find_categorical(axis.field);
  if (!nf && !cf)
    throw ConfigError(what + " field", quote(axis.field),
                      "one of " + join_ids(sweep_field_names()));

  if (cf) {
    axis.numeric = false;
    for (const std::string& item : split(rest, ',')) {
      Config probe;
      cf->set(probe, item);  // the core's parser: "invalid init = "foo": expected one of ..."
      axis.labels.push_back(item);
    }
    return axis;
  }

  if (rest.find(':') != std::string::npos) {
    const std::vector<std::string> parts = split(rest, ':');
    double start, stop, count_d;
    if (parts.size() != 3 || !read_number(parts[0], start) || !read_number(parts[1], stop))
      throw ConfigError(axis.field, quote(rest), "START:STOP:COUNT (two numbers and a count)");
    if (!read_number(parts[2], count_d) || count_d != std::floor(count_d) || count_d < 1 ||
        count_d > limits::kMaxAxisCount)
      throw ConfigError(axis.field + " count", shown(parts[2]),
                        int_range(1, limits::kMaxAxisCount));
    const int count = static_cast<int>(count_d);
    for (int i = 0; i < count; ++i) {
      // The same expression in web/js/sweep-grid.js: both sides must produce the same doubles.
      const double v = i == count - 1 && count > 1
                           ? stop
                           : start + (stop - start) * static_cast<double>(i) / (count - 1);
      add_number(axis, *nf, count == 1 ? start : v);
    }
    return axis;
  }

  const std::vector<std::string> items = split(rest, ',');
  if (items.size() > static_cast<std::size_t>(limits::kMaxAxisCount))
    throw ConfigError(axis.field + " count", std::to_string(items.size()),
                      int_range(1, limits::kMaxAxisCount));
  // A number field's words (residualScale=one,inv_sqrt_depth; gain=auto,1) are list items too.
  // Such an axis is not numeric: its values are its labels (the words as typed, the numbers in
  // shortest form), as the output prints them; set_axis_value reads each back.
  const std::vector<std::string> no_words;
  const std::vector<std::string>& words = nf->field ? nf->field->words : no_words;
  const auto is_word = [&](const std::string& item) {
    return std::find(words.begin(), words.end(), item) != words.end();
  };
  for (const std::string& item : items) {
    if (is_word(item)) {
      axis.numeric = false;
      axis.labels.push_back(item);
      continue;
    }
    double v;
    if (!read_number(item, v))
      throw ConfigError(axis.field, shown(item), words.empty() ? "a number" : nf->field->allowed);
    add_number(axis, *nf, v);
  }
  if (!axis.numeric) axis.numbers.clear();
  return axis;
}

void set_axis_value(Config& c, const SweepAxis& axis, std::size_t i) {
  if (!axis.numeric) {
    const std::string& text = axis.labels.at(i);
    if (const CategoricalField* cf = find_categorical(axis.field)) {
      cf->set(c, text);
      return;
    }
    // A number field's list with words: each label is a word or a number's shortest form.
    const NumericField& nf = *find_numeric(axis.field);
    double v;
    if (read_number(text, v)) {
      nf.set(c, v);
    } else {
      nf.field->set(c, FieldValue::of(text));
    }
    return;
  }
  const double v = axis.numbers.at(i);
  // depth and width become `hidden`, whose messages would not name the axis: check them here.
  if (axis.field == "depth" && (v < 1 || v > limits::kMaxDepth))
    throw ConfigError("depth", format_number(v), int_range(1, limits::kMaxDepth));
  if (axis.field == "width" && (v < 1 || v > size_caps().max_width))
    throw ConfigError("width", format_number(v),
                      int_range(1, size_caps().max_width) + size_caps().note);
  find_numeric(axis.field)->set(c, v);
}

uint32_t sweep_seed(uint32_t base_seed, int seed_index) {
  return base_seed + static_cast<uint32_t>(seed_index);  // wraps mod 2^32 by definition
}

std::size_t cell_count(const SweepSpec& s) {
  std::size_t n = 1;
  for (const SweepAxis& a : s.axes) n *= a.size();
  return n;
}

std::size_t task_count(const SweepSpec& s) {
  return cell_count(s) * static_cast<std::size_t>(s.seeds);
}

std::size_t axis_index(const SweepSpec& s, std::size_t cell, std::size_t axis) {
  // x fastest, then y, then the split: cell = (iz * ny + iy) * nx + ix.
  for (std::size_t a = 0; a < axis; ++a) cell /= s.axes.at(a).size();
  return axis + 1 < s.axes.size() ? cell % s.axes.at(axis).size() : cell;
}

Config task_config(const SweepSpec& s, std::size_t task) {
  const std::size_t cell = task / static_cast<std::size_t>(s.seeds);
  const int seed_index = static_cast<int>(task % static_cast<std::size_t>(s.seeds));
  Config c = s.base;
  // y before x: with depth on y and width on x (or the reverse) the result is the same, since
  // each keeps the other's dimension.
  for (std::size_t a = s.axes.size(); a-- > 0;)
    set_axis_value(c, s.axes[a], axis_index(s, cell, a));
  c.seed = sweep_seed(s.base.seed, seed_index);
  return c;
}

void validate_sweep(const SweepSpec& s) {
  if (s.axes.empty() || s.axes.size() > 3)
    throw ConfigError("axes", std::to_string(s.axes.size()),
                      "one or two axes, and optionally a split");
  for (std::size_t a = 1; a < s.axes.size(); ++a)
    for (std::size_t b = 0; b < a; ++b)
      if (s.axes[a].field == s.axes[b].field)
        throw ConfigError("axes", quote(s.axes[a].field), "different fields");
  if (s.steps < 0 || s.steps > 1000000000)
    throw ConfigError("steps", std::to_string(s.steps), int_range(0, 1000000000));
  if (s.seeds < 1 || s.seeds > limits::kMaxSweepSeeds)
    throw ConfigError("seeds", std::to_string(s.seeds), int_range(1, limits::kMaxSweepSeeds));
  // Seeds differ only in the seed, which validate() accepts whatever it is: one per cell.
  for (std::size_t cell = 0; cell < cell_count(s); ++cell)
    validate(task_config(s, cell * static_cast<std::size_t>(s.seeds)));
}

CellResult evaluate_cell(const Config& config, int64_t steps) {
  Run run(config);
  for (int64_t done = 0; done < steps && !run.diverged_at();) {
    const int64_t n = std::min<int64_t>(steps - done, std::numeric_limits<int>::max());
    run.step(static_cast<int>(n));
    done += n;
  }
  const Evaluation e = run.evaluate();
  CellResult r;
  r.step = e.step;
  r.train_loss = e.train_loss;
  r.test_loss = e.test_loss;
  r.train_accuracy = e.train_accuracy;
  r.test_accuracy = e.test_accuracy;
  r.diverged_at = e.diverged_at;
  return r;
}

CellSummary summarize(const CellResult* seeds, int count) {
  CellSummary s{0, 0, 0, 0, 0};
  int live = 0;
  for (int i = 0; i < count; ++i) {
    const CellResult& r = seeds[i];
    if (r.diverged_at) {
      ++s.diverged;
      continue;
    }
    ++live;
    s.train_loss += r.train_loss;
    s.test_loss += r.test_loss;
    s.train_accuracy += r.train_accuracy;
    s.test_accuracy += r.test_accuracy;
  }
  // Summed in seed order, then divided: web/js/sweep-grid.js does the same, to the bit.
  const double n = live ? static_cast<double>(live) : std::numeric_limits<double>::quiet_NaN();
  s.train_loss /= n;
  s.test_loss /= n;
  s.train_accuracy /= n;
  s.test_accuracy /= n;
  return s;
}

}  // namespace initscope
