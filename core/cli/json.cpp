// core/cli/json.cpp: see json.hpp.
#include "json.hpp"

#include <charconv>
#include <cmath>

#include "initscope/config.hpp"  // quote(): JSON string escaping, shared with the core

namespace cli {

namespace {
template <typename T>
std::string shortest(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  // to_chars without a format or precision is the shortest text that round-trips in T
  // (C++17 [utility.to.chars]); %.17g / %.9g would round-trip too but print 0.1 as
  // 0.10000000000000001.
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}
}  // namespace

std::string format_double(double v) { return shortest(v); }
std::string format_float(float v) { return shortest(v); }

// ---------------------------------------------------------------------------------------------

JsonWriter::~JsonWriter() {
  if (done_) std::fputc('\n', out_);
}

void JsonWriter::newline_indent() {
  std::fputc('\n', out_);
  for (std::size_t i = 0; i < stack_.size(); ++i) std::fputs("  ", out_);
}

void JsonWriter::before_value(bool is_container) {
  if (after_key_) {  // the key already placed us
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;  // the document's root
  Level& level = stack_.back();
  // Objects only take values after key(); here we are in an array.
  if (!level.empty) std::fputc(',', out_);
  if (is_container) level.multiline = true;
  if (level.multiline) {
    newline_indent();
  } else if (!level.empty) {
    std::fputc(' ', out_);
  }
  level.empty = false;
}

JsonWriter& JsonWriter::key(const char* name) {
  Level& level = stack_.back();
  if (!level.empty) std::fputc(',', out_);
  level.empty = false;
  newline_indent();
  raw(initscope::quote(name));
  std::fputs(": ", out_);
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value(true);
  std::fputc('{', out_);
  stack_.push_back({false});
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value(true);
  std::fputc('[', out_);
  stack_.push_back({true});
  return *this;
}

void JsonWriter::close(char bracket) {
  const Level level = stack_.back();
  stack_.pop_back();
  // Objects with members and multi-line arrays close on their own line.
  if (!level.empty && (!level.array || level.multiline)) newline_indent();
  std::fputc(bracket, out_);
  if (stack_.empty()) done_ = true;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::number(double v) {
  before_value(false);
  raw(std::isfinite(v) ? format_double(v) : "null");
  return *this;
}
JsonWriter& JsonWriter::number_f(float v) {
  before_value(false);
  raw(std::isfinite(v) ? format_float(v) : "null");
  return *this;
}
JsonWriter& JsonWriter::integer(int64_t v) {
  before_value(false);
  std::fprintf(out_, "%lld", static_cast<long long>(v));
  return *this;
}
JsonWriter& JsonWriter::boolean(bool v) {
  before_value(false);
  std::fputs(v ? "true" : "false", out_);
  return *this;
}
JsonWriter& JsonWriter::string(const std::string& s) {
  before_value(false);
  raw(initscope::quote(s));
  return *this;
}
JsonWriter& JsonWriter::null() {
  before_value(false);
  std::fputs("null", out_);
  return *this;
}

JsonWriter& JsonWriter::doubles(const char* name, const std::vector<double>& values) {
  key(name).begin_array();
  for (double v : values) number(v);
  return end_array();
}
JsonWriter& JsonWriter::floats(const char* name, const float* values, std::size_t n) {
  key(name).begin_array();
  for (std::size_t i = 0; i < n; ++i) number_f(values[i]);
  return end_array();
}
JsonWriter& JsonWriter::integers(const char* name, const std::vector<int>& values) {
  key(name).begin_array();
  for (int v : values) integer(v);
  return end_array();
}

}  // namespace cli
