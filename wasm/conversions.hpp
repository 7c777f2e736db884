// wasm/conversions.hpp: what every adapter shares: error translation, copies out of the wasm
// heap, small JS arrays, and the type checks of a single JS value (namespace js).
#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace js {

using emscripten::val;

// Runs `body` and turns any C++ exception into a returned JS Error (see adapters.hpp for why
// errors are returned rather than thrown).
val error_object(const std::string& message);
val guarded(const std::function<val()>& body);

// Copies out of the wasm heap (a typed_memory_view dies when memory grows; slice() copies).
template <typename T>
val copy_out(const T* p, std::size_t n) {
  return val(emscripten::typed_memory_view(n, p)).call<val>("slice");
}
template <typename T>
val copy_out(const std::vector<T>& v) {
  return copy_out(v.data(), v.size());
}

val string_array(const std::vector<std::string>& ids);
val number_array(const std::vector<double>& v);

// typeof v, and v as an error message shows it (primitives spelled out, anything else by type).
std::string type_of(const val& v);
std::string describe(const val& v);

// Throws ConfigError(name, describe(v), allowed).
[[noreturn]] void type_error(const std::string& name, const val& v, const std::string& allowed);
// Throws unless `object` is a non-null, non-array object; `what` names it in the message.
void check_object(const val& object, const char* what);
// An integer in [lo, hi] (taken as double: Embind would turn NaN into 0 and 1.5 into 1).
long long read_int(const std::string& name, const val& v, double lo, double hi,
                   const std::string& allowed);

}  // namespace js
