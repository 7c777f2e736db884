// wasm/fields.hpp: JS values <-> config fields, through the core's one registry
// (initscope/fields.hpp; namespace js). Nothing here lists a Config field: reading a JS config
// object, engine.configFields() and the JS writer are loops over initscope::fields().
//
// An engine function's inputs that are not the Config's (sampleInit's fanIn, meanField's depth)
// are initscope::Field values too, without get/set: they are read, checked and listed the same
// way, and handed to the caller instead of stored in a Config.
#pragma once
#include <emscripten/val.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/fields.hpp"

namespace js {

using emscripten::val;

// The registry's entries of these names, in this order (std::out_of_range for an unknown name).
std::vector<initscope::Field> registry_fields(std::initializer_list<const char*> names);
// An input of an engine function's own: an integer in [lo, hi], or a number in lo..hi whose
// allowed text is the registry's wording unless `allowed` says otherwise.
initscope::Field integer_input(const char* name, long long lo, long long hi);
initscope::Field number_input(const char* name, double lo, double hi, bool lo_open, bool hi_open,
                              const std::string& allowed = "");

// The JS value as a value of the field's kind, checked by initscope::check_type: a ConfigError
// `invalid <name> = <value>: expected <allowed>` otherwise. Numbers are taken as double (Embind
// would turn NaN into 0 and 1.5 into 1); null and undefined are the null value (refused unless
// the field is nullable); an intList's elements are checked one by one (`hidden[1]`).
initscope::FieldValue read_value(const initscope::Field& f, const val& v);
val to_js(const initscope::FieldValue& v);

// A Config from `object`: each field present is read_value'd, then stored with the field's set()
// or, for an input without set(), handed to `extra`. Missing (undefined) fields keep the
// defaults; keys not in `fields` are refused. `what` names the object in messages.
initscope::Config read_fields(
    const val& object, const std::vector<initscope::Field>& fields, const char* what,
    const std::function<void(const initscope::Field&, const initscope::FieldValue&)>& extra = {});

// The table in the registry's JSON shape (initscope::fields_json(), which engine.configFields()
// returns as parsed): the registry's own entries from there, an input's with the same keys.
val fields_to_js(const std::vector<initscope::Field>& fields);
// initscope::fields_json() parsed: { version, fields: [...] }.
val registry_json();

}  // namespace js
