// tests/native/test_fields.cpp: the config-field registry (core/include/initscope/fields.hpp).
//
// The registry is the only list of fields, so these tests walk it: every entry must be complete,
// its default must be the Config's, its range must be what validate() enforces (with the
// entry's own `allowed` text in the message), and every sweepable field must be a sweep axis.
// A field added without one of these parts fails here.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>

#include "initscope/config.hpp"
#include "initscope/fields.hpp"
#include "initscope/sweep.hpp"

using namespace initscope;

namespace {

std::string kebab(const std::string& camel) {
  std::string out;
  for (char ch : camel) {
    if (ch >= 'A' && ch <= 'Z') {
      out += '-';
      out += static_cast<char>(ch - 'A' + 'a');
    } else {
      out += ch;
    }
  }
  return out;
}

// validate() must name `name` and give `allowed` for the value `shown`.
void expect_message(const Config& c, const std::string& name, const std::string& shown,
                    const std::string& allowed) {
  try {
    validate(c);
    FAIL("validate accepted " << name << " = " << shown);
  } catch (const ConfigError& e) {
    CHECK(e.field() == name);
    CHECK(std::string(e.what()) == "invalid " + name + " = " + shown + ": expected " + allowed);
  }
}

}  // namespace

TEST_CASE("fields: every entry is complete and named as the CLI and JS spell it", "[fields]") {
  std::set<std::string> names, flags;
  const std::set<std::string> groups = {"Data",       "Network",         "Initializer", "Training",
                                        "Statistics", "Parametrization", "Depth"};
  for (const Field& f : fields()) {
    INFO("field " << f.name);
    CHECK(names.insert(f.name).second);
    CHECK(flags.insert(f.flag).second);
    CHECK(std::string(f.flag) == kebab(f.name));
    CHECK(groups.count(f.group) == 1);
    CHECK_FALSE(f.allowed.empty());
    CHECK_FALSE(f.help.empty());
    CHECK(f.get != nullptr);
    CHECK(f.set != nullptr);
    CHECK(find_field(f.name) == &f);
    if (f.kind == FieldKind::Enum) CHECK_FALSE(f.ids.empty());
    if (f.kind == FieldKind::Integer || f.kind == FieldKind::Number) CHECK(f.lo <= f.hi);
  }
  CHECK(find_field("noSuchField") == nullptr);
  CHECK_THROWS_AS(field("noSuchField"), std::out_of_range);
}

TEST_CASE("fields: get and set round-trip the default Config, which validates", "[fields]") {
  const Config defaults;
  REQUIRE_NOTHROW(validate(defaults));
  for (const Field& f : fields()) {
    INFO("field " << f.name);
    Config c;
    f.set(c, f.get(defaults));
    CHECK(f.get(c) == f.get(defaults));
    CHECK_NOTHROW(check_field(f, c));
  }
}

TEST_CASE("fields: validate() enforces each numeric field's range with its allowed text",
          "[fields]") {
  for (const Field& f : fields()) {
    if (f.kind != FieldKind::Integer && f.kind != FieldKind::Number) continue;
    INFO("field " << f.name);
    // Just outside each end (the smallest step for integers, a clear margin for numbers).
    const double step = f.kind == FieldKind::Integer ? 1 : std::max(1e-3, (f.hi - f.lo) * 1e-3);
    for (double bad : {f.lo_open ? f.lo : f.lo - step, f.hi_open ? f.hi : f.hi + step}) {
      Config c;
      f.set(c, FieldValue::of(bad));
      const FieldValue stored = f.get(c);
      // A value the Config's type cannot hold (seed is uint32) is refused before it is stored.
      if (stored.type != FieldValue::Type::Number || stored.number != bad) continue;
      INFO("value " << bad);
      const std::string name = f.name;
      if (name == "batchSize") {
        // Cross-field: the training split bounds it (0..500 for the default 1000 samples).
        expect_message(c, name, format_number(bad), int_range(0, train_count(c)));
      } else if (name == "testFraction" && bad > f.hi) {
        CHECK_THROWS_AS(validate(c), ConfigError);
      } else {
        expect_message(c, name, format_number(bad), f.allowed);
      }
    }
    Config nan;
    if (f.kind == FieldKind::Number) {
      f.set(nan, FieldValue::of(std::nan("")));
      expect_message(nan, f.name, "NaN", f.allowed);
    }
  }
}

TEST_CASE("fields: an unknown enum id names the field and lists every id", "[fields]") {
  for (const Field& f : fields()) {
    if (f.kind != FieldKind::Enum) continue;
    INFO("field " << f.name);
    Config c;
    try {
      f.set(c, FieldValue::of(std::string("nope")));
      FAIL("set accepted nope");
    } catch (const ConfigError& e) {
      CHECK(e.field() == f.name);
      CHECK(std::string(e.what()) ==
            "invalid " + std::string(f.name) + " = \"nope\": expected " + f.allowed);
    }
    for (const std::string& id : f.ids) {
      f.set(c, FieldValue::of(id));
      CHECK(f.get(c).text == id);
    }
  }
}

TEST_CASE("fields: check_type refuses a value of the wrong kind with the field's message",
          "[fields]") {
  for (const Field& f : fields()) {
    INFO("field " << f.name);
    const FieldValue wrong =
        f.kind == FieldKind::Enum ? FieldValue::of(1.0) : FieldValue::of(std::string("nope"));
    try {
      check_type(f, wrong, "X");
      FAIL("check_type accepted a wrong kind");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()) ==
            "invalid " + std::string(f.name) + " = X: expected " + f.allowed);
    }
    CHECK_NOTHROW(check_type(f, f.get(Config{}), "default"));
    if (f.kind == FieldKind::Integer)
      CHECK_THROWS_AS(check_type(f, FieldValue::of(f.lo + 0.5), "x"), ConfigError);
  }
}

TEST_CASE("fields: the sweep axes are exactly the sweepable fields plus depth and width",
          "[fields][sweep]") {
  std::set<std::string> expected = {"depth", "width"};
  for (const Field& f : fields())
    if (f.sweepable) expected.insert(f.name);
  const std::vector<std::string> names = sweep_field_names();
  CHECK(std::set<std::string>(names.begin(), names.end()) == expected);
  CHECK(names.size() == expected.size());
  // Each axis sets its field: a one-value axis changes the Config as the field's setter does.
  for (const Field& f : fields()) {
    if (!f.sweepable) continue;
    INFO("field " << f.name);
    FieldValue v = f.get(Config{});
    if (v.type == FieldValue::Type::Null)
      v = FieldValue::of(f.lo);  // gain: its default is no number
    // residualScale: its default is a word, which an axis also takes (test_sweep.cpp); here a
    // number, the other kind of item
    if (v.type == FieldValue::Type::Text && f.kind == FieldKind::Number) v = FieldValue::of(f.hi);
    const SweepAxis axis = parse_axis(std::string(f.name) + "=" + value_text(v));
    Config c;
    set_axis_value(c, axis, 0);
    CHECK(f.get(c) == v);
  }
}

TEST_CASE("fields: the JSON form lists every field in registry order", "[fields]") {
  const std::string json = fields_json();
  CHECK(json.rfind("{\"version\":1,\"fields\":[{\"name\":", 0) == 0);
  std::size_t at = 0;
  for (const Field& f : fields()) {
    const std::size_t next = json.find("{\"name\":\"" + std::string(f.name) + "\"", at);
    INFO("field " << f.name);
    REQUIRE(next != std::string::npos);
    at = next + 1;
  }
  CHECK(json.back() == '}');
}
