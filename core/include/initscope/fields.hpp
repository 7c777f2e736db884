// initscope/fields.hpp: the one registry of Config fields.
//
// Every entry point reads this table and nothing else for a field's name, CLI flag, kind, range,
// allowed-values text, default, help, and how to read and write it on a Config:
//   validate()             per-field checks (cross-field rules stay as code in config.cpp)
//   the CLI                flags, --help, the config JSON and CSV columns (core/cli/common.cpp)
//   sweeps                 the axes (sweepable fields; plus the derived `depth` and `width`)
//   the wasm engine        reading a JS config object, engine.configFields(), the JS writer
//   fields.json            the same table as JSON, for web modules that have no engine
// Adding a field: one entry in fields.cpp (and its meaning in the core: the Config member and
// whatever computes with it). Nothing else lists fields.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "initscope/config.hpp"

namespace initscope {

enum class FieldKind {
  Integer,  // a whole number in [lo, hi]
  Number,   // a finite number in lo..hi (open or closed ends); may also take `words`
  Enum,     // one of `ids`
  IntList,  // a list of integers, each in [lo, hi] (hidden)
  Boolean,  // true / false
};
const char* to_string(FieldKind);  // "integer", "number", "enum", "intList", "boolean"

// A field's value outside a Config: what a CLI flag parsed, what JS passed, what a sweep sets.
struct FieldValue {
  enum class Type { Null, Number, Text, IntList, Boolean };
  Type type = Type::Null;
  double number = 0;      // Number (Integer fields too: exact up to 2^53)
  std::string text;       // Text: an Enum id, or one of a Number field's words ("auto")
  std::vector<int> list;  // IntList
  bool boolean = false;   // Boolean

  static FieldValue null() { return {}; }
  static FieldValue of(double v);
  static FieldValue of(const std::string& v);
  static FieldValue of(const std::vector<int>& v);
  static FieldValue of_bool(bool v);
  bool operator==(const FieldValue& o) const;
};

struct Field {
  const char* name;        // public JS (camelCase) name, used in every message: "learningRate"
  const char* flag;        // CLI flag without the dashes: "learning-rate"
  const char* short_flag;  // another spelling ("lr" for --lr), or ""
  const char* group;       // --help section: Data, Network, Initializer, Training, Statistics
  FieldKind kind;
  std::vector<std::string> ids;    // Enum: the public ids, in order
  std::vector<std::string> words;  // Number: words taken besides a number ("auto")
  bool nullable = false;           // null / unset = the default behaviour (gain)
  double lo = 0, hi = 0;           // Integer, Number, IntList (each element): the range
  bool lo_open = false, hi_open = false;
  std::string allowed;       // the "expected ..." of every message about this field
  std::string help;          // one line for --help and the page's tooltips
  std::string default_note;  // --help's default when the value alone says too little, or ""
  bool data = false;         // changes the dataset (not only the network or its training)
  bool sweepable = false;    // can be a sweep axis
  bool per_run = false;      // `initscope run` takes a comma list, one value per run
  FieldValue (*get)(const Config&) = nullptr;
  // Stores a value of the field's type. Enum ids and words are checked here (ConfigError naming
  // the field); ranges are validate()'s.
  void (*set)(Config&, const FieldValue&) = nullptr;
  // The value reported in the config JSON and CSV when it differs from get() (inputDim and
  // classes report the resolved size), or nullptr.
  FieldValue (*report)(const Config&) = nullptr;
};

// In Config order: the order of the config JSON's keys, --help and engine.configFields().
const std::vector<Field>& fields();
const Field* find_field(const std::string& name);  // by public name, or nullptr
const Field& field(const std::string& name);       // throws std::out_of_range

// Throws ConfigError when the value stored in `c` is outside the field's range.
void check_field(const Field& f, const Config& c);
// Throws ConfigError when `v` is not of the field's kind (a text for a number, 1.5 for an
// integer, an unknown id); a value of the right kind may still be out of range.
void check_type(const Field& f, const FieldValue& v, const std::string& shown_value);

// What each element of a list field may be ("an integer in 1..2048", with the size caps' note
// for hidden), as the message for hidden[1] says it.
std::string list_item_allowed(const Field& f);

// The value as a CLI argument, a CSV cell and a message show it: numbers in shortest round-trip
// form, lists comma-separated, ids and words as they are, null as "default".
std::string value_text(const FieldValue& v);

// The registry as JSON (fields.json and engine.configFields()): {"version":1,"fields":[{...}]}.
std::string fields_json();

}  // namespace initscope
