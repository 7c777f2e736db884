// core/cli/json.hpp: a small streaming JSON writer and the CLI's number formatting.
//
// Why hand-written: the CLI writes a few fixed shapes (objects of named arrays of numbers) and
// needs full control over number text; a dependency would be larger than this file.
//
// Numbers: the shortest text that parses back to the same value (std::to_chars), for doubles and
// for floats separately, so a reader recovers the exact bits (a float32 after Math.fround or
// np.float32). JSON has no NaN or Infinity: non-finite numbers are written as null.
//
// Layout: objects put one member per line; arrays of scalars stay on one line, arrays that hold
// containers put one element per line. Readable by eye, still one number per token for tools.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace cli {

// Shortest round-trip text of a finite number; "NaN", "Infinity", "-Infinity" otherwise (the
// spelling JavaScript's Number() and Python's float() both read back, used in CSV).
std::string format_double(double v);
std::string format_float(float v);

class JsonWriter {
 public:
  explicit JsonWriter(std::FILE* out) : out_(out) {}
  ~JsonWriter();  // ends the document with a newline if it was completed

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const char* name);

  // Distinct names rather than overloads: an uint32_t or a size_t would otherwise be ambiguous
  // between the integer and floating overloads.
  JsonWriter& number(double v);   // null if not finite
  JsonWriter& number_f(float v);  // null if not finite
  JsonWriter& integer(int64_t v);
  JsonWriter& boolean(bool v);
  JsonWriter& string(const std::string& s);
  JsonWriter& null();

  // Shorthands for the common "key": [numbers] member.
  JsonWriter& doubles(const char* name, const std::vector<double>& values);
  JsonWriter& floats(const char* name, const float* values, std::size_t n);
  JsonWriter& integers(const char* name, const std::vector<int>& values);

 private:
  struct Level {
    bool array;
    bool empty = true;
    bool multiline = false;  // an array turns multi-line at its first container element
  };
  void before_value(bool is_container);
  void close(char bracket);
  void newline_indent();
  void raw(const std::string& text) { std::fputs(text.c_str(), out_); }

  std::FILE* out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
  bool done_ = false;
};

}  // namespace cli
