// wasm/fields.cpp: JS config objects <-> initscope::Config through the registry
// (engine.createRun's reader, engine.configFields(), engine.defaultConfig() and every Config
// handed back to JS).
#include "fields.hpp"

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "initscope/config.hpp"
#include "initscope/fields.hpp"

namespace js {

using initscope::Config;
using initscope::ConfigError;
using initscope::Field;
using initscope::FieldKind;
using initscope::FieldValue;

// ---------------------------------------------------------------------------------------------
// Tables

std::vector<Field> registry_fields(std::initializer_list<const char*> names) {
  std::vector<Field> out;
  for (const char* name : names) out.push_back(initscope::field(name));
  return out;
}

namespace {
Field input(const char* name, FieldKind kind, double lo, double hi, const std::string& allowed) {
  Field f{};
  f.name = name;
  f.flag = "";
  f.short_flag = "";
  f.group = "";
  f.kind = kind;
  f.lo = lo;
  f.hi = hi;
  f.allowed = allowed;
  return f;
}
}  // namespace

Field integer_input(const char* name, long long lo, long long hi) {
  return input(name, FieldKind::Integer, double(lo), double(hi), initscope::int_range(lo, hi));
}

Field number_input(const char* name, double lo, double hi, bool lo_open, bool hi_open,
                   const std::string& allowed) {
  // The registry's wording (core/src/fields.cpp), so an input reads like a config field.
  const std::string range = std::string("a number in ") + (lo_open ? "(" : "[") +
                            initscope::format_number(lo) + ", " + initscope::format_number(hi) +
                            (hi_open ? ")" : "]");
  Field f = input(name, FieldKind::Number, lo, hi, allowed.empty() ? range : allowed);
  f.lo_open = lo_open;
  f.hi_open = hi_open;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Reading

namespace {

bool is_list(const val& v) {
  return v.isArray() || (!v.isNull() && type_of(v) == "object" &&
                         val::global("ArrayBuffer").call<bool>("isView", v));
}

// Each element an integer in the field's range, checked (and named: hidden[1]) one by one, so a
// sparse array of 2^31 slots is refused at its first hole.
std::vector<int> read_list(const Field& f, const val& v) {
  const double n = v["length"].as<double>();
  if (n > 1e6)
    throw ConfigError(f.name, "an array of " + initscope::format_number(n) + " widths", f.allowed);
  const std::string each = initscope::list_item_allowed(f);
  std::vector<int> list;
  for (int i = 0; i < n; ++i) {
    const std::string name = std::string(f.name) + "[" + std::to_string(i) + "]";
    list.push_back(static_cast<int>(read_int(name, v[i], f.lo, f.hi, each)));
  }
  return list;  // an empty list is the core's to reject (its own message)
}

// Rejects keys not in the table, naming the first one and listing the known ones.
void check_known(const val& object, const std::vector<Field>& fields, const char* what) {
  const val keys = val::global("Object").call<val>("keys", object);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const std::string key = keys[i].as<std::string>();
    bool known = false;
    for (const auto& f : fields) known = known || key == f.name;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& f : fields) names.push_back(f.name);
      throw ConfigError(
          key, describe(object[key]),
          std::string("a known ") + what + " field, one of " + initscope::join_ids(names));
    }
  }
}

}  // namespace

FieldValue read_value(const Field& f, const val& v) {
  const std::string t = type_of(v);
  FieldValue x;
  if (v.isNull() || v.isUndefined())
    x = FieldValue::null();
  else if (t == "number")
    x = FieldValue::of(v.as<double>());
  else if (t == "string")
    x = FieldValue::of(v.as<std::string>());
  else if (t == "boolean")
    x = FieldValue::of_bool(v.as<bool>());
  else if (f.kind == FieldKind::IntList && is_list(v))
    x = FieldValue::of(read_list(f, v));
  else
    type_error(f.name, v, f.allowed);  // an object, a symbol, a BigInt: no field takes one
  initscope::check_type(f, x, describe(v));
  return x;
}

Config read_fields(const val& object, const std::vector<Field>& fields, const char* what,
                   const std::function<void(const Field&, const FieldValue&)>& extra) {
  Config c;
  if (object.isUndefined()) return c;
  check_object(object, what);
  check_known(object, fields, what);
  for (const Field& f : fields) {
    const val v = object[f.name];
    if (v.isUndefined()) continue;
    const FieldValue x = read_value(f, v);
    if (f.set)
      f.set(c, x);
    else
      extra(f, x);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Writing

val to_js(const FieldValue& v) {
  switch (v.type) {
    case FieldValue::Type::Null:
      return val::null();
    case FieldValue::Type::Number:
      return val(v.number);
    case FieldValue::Type::Text:
      return val(v.text);
    case FieldValue::Type::Boolean:
      return val(v.boolean);
    case FieldValue::Type::IntList: {
      val out = val::array();
      for (int x : v.list) out.call<void>("push", x);
      return out;
    }
  }
  return val::undefined();
}

val registry_json() { return val::global("JSON").call<val>("parse", initscope::fields_json()); }

val fields_to_js(const std::vector<Field>& fields) {
  const val registry = registry_json()["fields"];
  const int n = registry["length"].as<int>();
  val out = val::array();
  for (const Field& f : fields) {
    if (f.set) {
      for (int i = 0; i < n; ++i)
        if (registry[i]["name"].as<std::string>() == f.name) out.call<void>("push", registry[i]);
      continue;
    }
    val o = val::object();  // the keys of fields_json() that describe an input
    o.set("name", std::string(f.name));
    o.set("kind", std::string(initscope::to_string(f.kind)));
    o.set("ids", string_array(f.ids));
    o.set("words", string_array(f.words));
    o.set("nullable", f.nullable);
    o.set("min", f.lo);
    o.set("max", f.hi);
    o.set("minOpen", f.lo_open);
    o.set("maxOpen", f.hi_open);
    o.set("allowed", f.allowed);
    out.call<void>("push", o);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Config <-> JS

Config config_from_js(const val& object) {
  return read_fields(object, initscope::fields(), "config");
}

// Round-trips: createRun(run.config) builds the same run.
val config_to_js(const Config& c, bool reported) {
  val o = val::object();
  for (const Field& f : initscope::fields())
    o.set(f.name, to_js(reported && f.report ? f.report(c) : f.get(c)));
  return o;
}

val default_config() { return config_to_js(Config{}); }
val config_field_table() { return registry_json()["fields"]; }

}  // namespace js
