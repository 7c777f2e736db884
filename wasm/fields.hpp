// wasm/fields.hpp: the field tables JS input is read against (namespace js), shared by the
// adapters of createRun, sampleInit and the theory functions. Exported to web/js/validate.js
// through fields_to_js, so the two sides can never disagree on a name or a message.
#pragma once
#include <emscripten/val.h>

#include <functional>
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace js {

using emscripten::val;

enum class Kind { Int, Number, Enum, Hidden, Gain };

struct Field {
  const char* name;
  Kind kind;
  std::string allowed;           // the "expected ..." text of a type error
  double lo = 0, hi = 0;         // Int: the integer range accepted before the core's validate()
  std::vector<std::string> ids;  // Enum: the valid ids
};

Field int_field(const char* name, long long lo, long long hi, const std::string& note = "");
Field number_field(const char* name, const std::string& allowed);
Field enum_field(const char* name, const std::vector<std::string>& ids);

// createRun's fields, in initscope::Config's order.
const std::vector<Field>& config_fields();

// One value of the field's kind, or a ConfigError in the core's wording.
double read_number(const Field& f, const val& v);
long long read_int(const Field& f, const val& v);
std::string read_enum(const Field& f, const val& v);

// A Config from the fields of `object` that are the Config's (missing ones keep the defaults);
// the others (sampleInit's fanIn, meanField's depth) go to `extra`. Unknown keys are refused;
// `what` names the object in messages.
initscope::Config read_fields(const val& object, const std::vector<Field>& fields, const char* what,
                              const std::function<void(const Field&, const val&)>& extra = {});

// [{ name, kind, allowed, min?, max?, ids? }] for web/js/validate.js.
val fields_to_js(const std::vector<Field>& fields);

}  // namespace js
