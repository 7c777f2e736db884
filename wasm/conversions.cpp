// wasm/conversions.cpp: see conversions.hpp.
#include "conversions.hpp"

#include <cmath>
#include <exception>
#include <new>

#include "initscope/config.hpp"

namespace js {

using initscope::ConfigError;

// ---------------------------------------------------------------------------------------------
// Error translation

val error_object(const std::string& message) { return val::global("Error").new_(message); }

val guarded(const std::function<val()>& body) {
  std::string message;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    message = "out of memory: the network or dataset does not fit in the page's memory";
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "internal error (unknown C++ exception)";
  }
  return error_object(message);
}

// ---------------------------------------------------------------------------------------------
// Small arrays

val string_array(const std::vector<std::string>& ids) {
  val out = val::array();
  for (const auto& s : ids) out.call<void>("push", s);
  return out;
}

val number_array(const std::vector<double>& v) {
  val out = val::array();
  for (double x : v) out.call<void>("push", x);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Type checks of one value

std::string type_of(const val& v) { return v.typeOf().as<std::string>(); }

// The value as the message shows it. Only primitives are spelled out: formatting an arbitrary
// object here could call back into user JS that throws (web/js/validate.js formats those).
std::string describe(const val& v) {
  const std::string t = type_of(v);
  if (t == "string") return initscope::quote(v.as<std::string>());
  if (t == "number") return initscope::format_number(v.as<double>());
  if (t == "boolean") return v.as<bool>() ? "true" : "false";
  if (t == "undefined") return "undefined";
  if (v.isNull()) return "null";
  if (v.isArray()) return "an array";
  return "a " + t;
}

[[noreturn]] void type_error(const std::string& name, const val& v, const std::string& allowed) {
  throw ConfigError(name, describe(v), allowed);
}

void check_object(const val& object, const char* what) {
  if (object.isNull() || type_of(object) != "object" || object.isArray())
    throw ConfigError(what, describe(object), "an object");
}

long long read_int(const std::string& name, const val& v, double lo, double hi,
                   const std::string& allowed) {
  if (type_of(v) != "number") type_error(name, v, allowed);
  const double x = v.as<double>();
  if (!std::isfinite(x) || std::floor(x) != x || x < lo || x > hi) type_error(name, v, allowed);
  return static_cast<long long>(x);
}

}  // namespace js
