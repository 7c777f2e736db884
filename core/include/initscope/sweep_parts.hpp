// initscope/sweep_parts.hpp: the pieces of a sweep that outgrows one machine (issue 20): which
// shard computes which task, the part file a shard writes, and reading it back from a file that
// may be truncated, edited or not a part at all.
//
// A part file is JSON (see write_part for the layout and README "Sweeps on a cluster"):
//   { "format": "initscope-sweep-part", "version": 1, "shard": "K/N",
//     "definitionHash": "fnv1a64:<16 hex>", "definition": { config, steps, seeds, axes },
//     "command": [ the sweep's flags ], "taskFields": [ ... ], "tasks": [ [task, step, ...] ],
//     "tasksHash": "fnv1a64:<16 hex>" }
// Both hashes are FNV-1a 64 of the compact text of their member (compact_json below: members in
// file order, no spaces, numbers as written, strings re-escaped), so any tool can recompute them
// from the file alone. They catch a part of another sweep and accidental edits or corruption;
// they are not a signature.
//
// Header-only so that the CLI and the Catch2 tests share one copy without a new core source.
#pragma once
#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/sweep.hpp"

namespace initscope {
namespace parts {

constexpr int kVersion = 1;
constexpr int kMaxShards = 4096;
constexpr const char* kFormat = "initscope-sweep-part";

// ---------------------------------------------------------------------------------------------
// FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/): tiny, stable, specified by two
// constants; collisions only matter for accidents, which it makes vanishingly rare.
inline uint64_t fnv1a64(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

inline std::string hash_text(const std::string& text) {
  static const char* digits = "0123456789abcdef";
  const uint64_t h = fnv1a64(text);
  std::string out = "fnv1a64:";
  for (int shift = 60; shift >= 0; shift -= 4) out += digits[(h >> shift) & 15];
  return out;
}

// ---------------------------------------------------------------------------------------------
// A small strict JSON reader (RFC 8259): the whole text is one value, no trailing commas, no
// comments, no NaN, no duplicate keys, nesting at most kMaxDepth. Numbers keep their text, so a
// part's numbers are read back with strtod from exactly what was written (shortest round-trip
// text: the same double, bit for bit).
struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  std::string text;         // Number: the token as written; String: the decoded value
  std::vector<Json> items;  // Array
  std::vector<std::pair<std::string, Json>> members;  // Object, in file order

  const Json* find(const std::string& key) const {
    for (const auto& m : members)
      if (m.first == key) return &m.second;
    return nullptr;
  }
};

// Where and why a text is not JSON (byte offset from 0).
struct JsonSyntaxError {
  std::size_t at;
  std::string what;
};

namespace detail {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}

  Json document() {
    Json v = value(0);
    space();
    if (i_ != s_.size()) fail("text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw JsonSyntaxError{i_, what}; }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  char peek() {
    if (i_ >= s_.size()) fail("the text ends early (truncated?)");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void literal(const char* word) {
    for (const char* p = word; *p; ++p) {
      if (peek() != *p) fail(std::string("expected ") + word);
      ++i_;
    }
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than 64");
    space();
    Json v;
    const char c = peek();
    if (c == '{') {
      v.kind = Json::Object;
      ++i_;
      space();
      if (peek() == '}') {
        ++i_;
        return v;
      }
      for (;;) {
        space();
        if (peek() != '"') fail("expected a key");
        std::string key = string();
        for (const auto& m : v.members)
          if (m.first == key) fail("duplicate key " + quote(key));
        space();
        expect(':');
        v.members.emplace_back(std::move(key), value(depth + 1));
        space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Json::Array;
      ++i_;
      space();
      if (peek() == ']') {
        ++i_;
        return v;
      }
      for (;;) {
        v.items.push_back(value(depth + 1));
        space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Json::String;
      v.text = string();
      return v;
    }
    if (c == 't' || c == 'f') {
      v.kind = Json::Bool;
      v.boolean = c == 't';
      literal(v.boolean ? "true" : "false");
      return v;
    }
    if (c == 'n') {
      literal("null");
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Json::Number;
      v.text = number();
      return v;
    }
    fail(std::string("unexpected character ") + quote(std::string(1, c)));
  }

  bool digit() { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }
  std::string number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (!digit()) fail("a digit");
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digit()) fail("a digit after '.'");
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digit()) fail("a digit in the exponent");
      while (digit()) ++i_;
    }
    return s_.substr(start, i_ - start);
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = peek();
      ++i_;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= unsigned(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= unsigned(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= unsigned(c - 'A' + 10);
      } else {
        fail("a hex digit in \\u");
      }
    }
    return v;
  }
  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      const char c = peek();
      ++i_;
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++i_;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("a lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (peek() != '\\') fail("a high surrogate without its low half");
            ++i_;
            if (peek() != 'u') fail("a high surrogate without its low half");
            ++i_;
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("a high surrogate without its low half");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default:
          fail("an unknown escape");
      }
    }
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace detail

inline Json parse_json(const std::string& text) { return detail::Reader(text).document(); }

// The canonical text the hashes are taken over: no spaces, members in order, numbers as written,
// strings as quote() escapes them.
inline void compact_json(const Json& v, std::string& out) {
  switch (v.kind) {
    case Json::Null:
      out += "null";
      return;
    case Json::Bool:
      out += v.boolean ? "true" : "false";
      return;
    case Json::Number:
      out += v.text;
      return;
    case Json::String:
      out += quote(v.text);
      return;
    case Json::Array:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        compact_json(v.items[i], out);
      }
      out += ']';
      return;
    case Json::Object:
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i) out += ',';
        out += quote(v.members[i].first);
        out += ':';
        compact_json(v.members[i].second, out);
      }
      out += '}';
      return;
  }
}
inline std::string compact_json(const Json& v) {
  std::string out;
  compact_json(v, out);
  return out;
}

// The layout of the CLI's JSON writer (one member per line, arrays of scalars on one line).
inline void pretty_json(const Json& v, std::string& out, int indent = 0) {
  const auto newline = [&out](int n) {
    out += '\n';
    out.append(static_cast<std::size_t>(2 * n), ' ');
  };
  if (v.kind == Json::Object) {
    if (v.members.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    for (std::size_t i = 0; i < v.members.size(); ++i) {
      if (i) out += ',';
      newline(indent + 1);
      out += quote(v.members[i].first) + ": ";
      pretty_json(v.members[i].second, out, indent + 1);
    }
    newline(indent);
    out += '}';
    return;
  }
  if (v.kind == Json::Array) {
    const bool multiline = std::any_of(v.items.begin(), v.items.end(), [](const Json& x) {
      return x.kind == Json::Array || x.kind == Json::Object;
    });
    out += '[';
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (i) out += multiline ? "," : ", ";
      if (multiline) newline(indent + 1);
      pretty_json(v.items[i], out, indent + 1);
    }
    if (multiline) newline(indent);
    out += ']';
    return;
  }
  compact_json(v, out);
}

inline Json json_string(const std::string& s) {
  Json j;
  j.kind = Json::String;
  j.text = s;
  return j;
}
inline Json json_token(const std::string& number_text) {
  Json j;
  j.kind = Json::Number;
  j.text = number_text;
  return j;
}
// A double as the shortest text that reads back to it; JSON has no NaN or infinities, so those
// are the strings "NaN", "Infinity", "-Infinity" (the CSV's spelling).
inline Json json_double(double v) {
  if (v == 0 && std::signbit(v)) return json_token("-0");  // format_number writes -0 as 0
  return std::isfinite(v) ? json_token(format_number(v)) : json_string(format_number(v));
}
inline Json json_integer(int64_t v) { return json_token(std::to_string(v)); }

// ---------------------------------------------------------------------------------------------
// Which shard runs which task.
//
// By estimated cost, so shards take similar time even when an axis is depth or width (dealt
// round-robin by index, an x axis of depth with N = its length would give each shard one depth):
// tasks in order of decreasing cost (ties: lower index first) each go to the shard with the least
// cost so far (ties: lower K), the longest-processing-time rule. With equal costs this is
// round-robin by task index. The estimate counts multiply-adds: weights x (rows trained +
// rows evaluated); a run that diverges early costs less than estimated.
inline double task_cost(const Config& c, int64_t steps) {
  const double rows = static_cast<double>(c.batch_size > 0 ? c.batch_size : train_count(c));
  const double evaluated = static_cast<double>(train_count(c) + test_count(c) + c.probe_size);
  return static_cast<double>(parameter_count(c)) * (static_cast<double>(steps) * rows + evaluated);
}

// shards[k - 1]: the tasks of shard k, in the order to compute them (costliest first).
inline std::vector<std::vector<std::size_t>> assign_shards(const SweepSpec& spec, int n) {
  const std::size_t tasks = task_count(spec);
  std::vector<double> cost(tasks);
  // Seeds change no size: one estimate per cell.
  const std::size_t seeds = static_cast<std::size_t>(spec.seeds);
  for (std::size_t cell = 0; cell < cell_count(spec); ++cell) {
    const double c = task_cost(task_config(spec, cell * seeds), spec.steps);
    for (std::size_t s = 0; s < seeds; ++s) cost[cell * seeds + s] = c;
  }
  std::vector<std::size_t> order(tasks);
  for (std::size_t t = 0; t < tasks; ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(),
                   [&cost](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  using Load = std::pair<double, int>;  // (cost so far, k - 1): the smallest pair is next
  std::priority_queue<Load, std::vector<Load>, std::greater<Load>> heap;
  for (int k = 0; k < n; ++k) heap.push({0.0, k});
  std::vector<std::vector<std::size_t>> shards(static_cast<std::size_t>(n));
  for (std::size_t t : order) {
    Load l = heap.top();
    heap.pop();
    shards[static_cast<std::size_t>(l.second)].push_back(t);
    l.first += cost[t];
    heap.push(l);
  }
  return shards;
}

// "K/N" with N in 1..4096 and K in 1..N; `what` names it in the message ("--shard").
inline std::pair<int, int> parse_shard(const std::string& text, const std::string& what) {
  const std::string allowed = "K/N with N an integer in 1..4096 and K in 1..N";
  const std::size_t slash = text.find('/');
  const auto whole = [](const std::string& s, int& out) {
    if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    out = std::atoi(s.c_str());
    return true;
  };
  int k = 0, n = 0;
  if (slash == std::string::npos || !whole(text.substr(0, slash), k) ||
      !whole(text.substr(slash + 1), n) || n < 1 || n > kMaxShards || k < 1 || k > n)
    throw ConfigError(what, quote(text), allowed);
  return {k, n};
}

// ---------------------------------------------------------------------------------------------
// The part file.

inline const std::vector<std::string>& task_fields() {
  static const std::vector<std::string> f = {
      "task", "step", "trainLoss", "testLoss", "trainAccuracy", "testAccuracy", "diverged"};
  return f;
}

struct Part {
  int k = 1, n = 1;
  std::string definition_hash;
  Json definition;                   // { config, steps, seeds, axes }, as the JSON output has it
  std::vector<std::string> command;  // the sweep's flags, without the run-only ones (--shard...)
  std::vector<std::pair<std::size_t, CellResult>> tasks;  // by increasing task index
};

inline Json tasks_json(const std::vector<std::pair<std::size_t, CellResult>>& tasks) {
  Json rows;
  rows.kind = Json::Array;
  for (const auto& t : tasks) {
    const CellResult& r = t.second;
    Json row;
    row.kind = Json::Array;
    row.items = {json_integer(static_cast<int64_t>(t.first)),
                 json_integer(r.step),
                 json_double(r.train_loss),
                 json_double(r.test_loss),
                 json_double(r.train_accuracy),
                 json_double(r.test_accuracy),
                 r.diverged_at ? json_integer(*r.diverged_at) : Json{}};
    rows.items.push_back(std::move(row));
  }
  return rows;
}

// The whole file, ending with a newline.
inline std::string write_part(const Part& p) {
  Json doc;
  doc.kind = Json::Object;
  Json command;
  command.kind = Json::Array;
  for (const std::string& a : p.command) command.items.push_back(json_string(a));
  Json fields;
  fields.kind = Json::Array;
  for (const std::string& f : task_fields()) fields.items.push_back(json_string(f));
  const Json tasks = tasks_json(p.tasks);
  doc.members = {
      {"format", json_string(kFormat)},
      {"version", json_integer(kVersion)},
      {"shard", json_string(std::to_string(p.k) + "/" + std::to_string(p.n))},
      {"definitionHash", json_string(hash_text(compact_json(p.definition)))},
      {"definition", p.definition},
      {"command", command},
      {"taskFields", fields},
      {"tasks", tasks},
      {"tasksHash", json_string(hash_text(compact_json(tasks)))},
  };
  std::string out;
  pretty_json(doc, out);
  out += '\n';
  return out;
}

// Reads a part file's text. Every refusal is a ConfigError naming the file:
//   invalid part file "p.json" = truncated at byte 812 (the text ends early (truncated?)): ...
//   invalid part file "p.json" tasksHash = "fnv1a64:...": expected fnv1a64:... (the hash of its
//   tasks; the results were edited or corrupted)
// What needs the sweep itself (tasks in range and in the shard) is check_part_tasks's.
inline Part read_part(const std::string& text, const std::string& file) {
  const std::string field = "part file " + quote(file);
  const std::string whole = "a part file written by initscope sweep --shard or --checkpoint";
  Json doc;
  try {
    doc = parse_json(text);
  } catch (const JsonSyntaxError& e) {
    const bool early = e.at >= text.size();
    throw ConfigError(field,
                      std::string(early ? "truncated" : "not JSON") + " at byte " +
                          std::to_string(e.at) + " (" + e.what + ")",
                      whole);
  }
  if (doc.kind != Json::Object) throw ConfigError(field, "not a JSON object", whole);
  const auto member = [&](const char* key, Json::Kind kind, const char* allowed) -> const Json& {
    const Json* m = doc.find(key);
    if (!m || m->kind != kind)
      throw ConfigError(field + " " + key, m ? compact_json(*m).substr(0, 80) : "(missing)",
                        allowed);
    return *m;
  };
  static const char* known[] = {"format",  "version",    "shard", "definitionHash", "definition",
                                "command", "taskFields", "tasks", "tasksHash"};
  for (const auto& m : doc.members)
    if (std::find_if(std::begin(known), std::end(known),
                     [&m](const char* k) { return m.first == k; }) == std::end(known))
      throw ConfigError(field + " key", quote(m.first), "only the keys a part file has");
  const Json& format = member("format", Json::String, quote(kFormat).c_str());
  if (format.text != kFormat)
    throw ConfigError(field + " format", quote(format.text), quote(kFormat));
  const Json& version = member("version", Json::Number, "1");
  if (version.text != std::to_string(kVersion))
    throw ConfigError(field + " version", version.text,
                      std::to_string(kVersion) + " (written by another initscope version)");
  Part p;
  const Json& shard = member("shard", Json::String, "\"K/N\"");
  const std::pair<int, int> kn = parse_shard(shard.text, field + " shard");
  p.k = kn.first;
  p.n = kn.second;
  p.definition = member("definition", Json::Object, "the sweep's { config, steps, seeds, axes }");
  for (const char* key : {"config", "steps", "seeds", "axes"})
    if (!p.definition.find(key))
      throw ConfigError(field + " definition", "without " + std::string(key),
                        "the sweep's { config, steps, seeds, axes }");
  p.definition_hash = member("definitionHash", Json::String, "\"fnv1a64:<16 hex digits>\"").text;
  const std::string expected_definition = hash_text(compact_json(p.definition));
  if (p.definition_hash != expected_definition)
    throw ConfigError(field + " definitionHash", quote(p.definition_hash),
                      expected_definition + " (the hash of its definition; the file was edited)");
  for (const Json& a : member("command", Json::Array, "the sweep's flags").items) {
    if (a.kind != Json::String)
      throw ConfigError(field + " command", compact_json(a).substr(0, 80), "strings");
    p.command.push_back(a.text);
  }
  const Json& fields = member("taskFields", Json::Array, "the names of a task's columns");
  std::string expected_fields = "[";
  for (const std::string& f : task_fields())
    expected_fields += (expected_fields.size() > 1 ? "," : "") + quote(f);
  expected_fields += "]";
  if (compact_json(fields) != expected_fields)
    throw ConfigError(field + " taskFields", compact_json(fields).substr(0, 120), expected_fields);
  const Json& tasks = member("tasks", Json::Array, "an array of tasks");
  const std::string tasks_hash = member("tasksHash", Json::String, "\"fnv1a64:...\"").text;
  const std::string expected_tasks = hash_text(compact_json(tasks));
  if (tasks_hash != expected_tasks)
    throw ConfigError(
        field + " tasksHash", quote(tasks_hash),
        expected_tasks + " (the hash of its tasks; the results were edited or corrupted)");

  // Integers: non-negative, at most 2^53 (exact in a double, as JavaScript reads them).
  const auto integer = [&](const Json& v, const std::string& what) -> int64_t {
    const std::string& t = v.text;
    if (v.kind != Json::Number || t.empty() || t.size() > 16 ||
        t.find_first_not_of("0123456789") != std::string::npos || (t.size() > 1 && t[0] == '0') ||
        std::strtoll(t.c_str(), nullptr, 10) > (int64_t(1) << 53))
      throw ConfigError(field + " " + what, compact_json(v).substr(0, 80), "an integer in 0..2^53");
    return std::strtoll(t.c_str(), nullptr, 10);
  };
  const auto real = [&](const Json& v, const std::string& what) -> double {
    if (v.kind == Json::String) {
      if (v.text == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (v.text == "Infinity") return std::numeric_limits<double>::infinity();
      if (v.text == "-Infinity") return -std::numeric_limits<double>::infinity();
    } else if (v.kind == Json::Number) {
      errno = 0;
      const double d = std::strtod(v.text.c_str(), nullptr);
      // strtod reports ERANGE for a subnormal result too (5e-324 is a valid double: keep it);
      // only an overflow to infinity is refused.
      if (std::isfinite(d) && (errno == 0 || (errno == ERANGE && std::fabs(d) <= DBL_MIN)))
        return d;
    }
    throw ConfigError(field + " " + what, compact_json(v).substr(0, 80),
                      "a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
  };
  for (std::size_t i = 0; i < tasks.items.size(); ++i) {
    const Json& row = tasks.items[i];
    const std::string at = "tasks[" + std::to_string(i) + "]";
    if (row.kind != Json::Array || row.items.size() != task_fields().size())
      throw ConfigError(
          field + " " + at, compact_json(row).substr(0, 80),
          "an array of " + std::to_string(task_fields().size()) + " " + expected_fields);
    const std::size_t task = static_cast<std::size_t>(integer(row.items[0], at + " task"));
    if (!p.tasks.empty() && task <= p.tasks.back().first)
      throw ConfigError(field + " " + at + " task", std::to_string(task),
                        "a task after " + std::to_string(p.tasks.back().first) +
                            " (tasks in increasing order, each once)");
    CellResult r;
    r.step = integer(row.items[1], at + " step");
    r.train_loss = real(row.items[2], at + " trainLoss");
    r.test_loss = real(row.items[3], at + " testLoss");
    r.train_accuracy = real(row.items[4], at + " trainAccuracy");
    r.test_accuracy = real(row.items[5], at + " testAccuracy");
    if (row.items[6].kind != Json::Null) r.diverged_at = integer(row.items[6], at + " diverged");
    p.tasks.emplace_back(task, r);
  }
  return p;
}

// Every task of the part is a task of its shard `shard_tasks` (assign_shards(...)[k - 1]) and,
// with `complete`, every task of the shard is there.
inline void check_part_tasks(const Part& p, const std::vector<std::size_t>& shard_tasks,
                             std::size_t total_tasks, bool complete, const std::string& file) {
  const std::string field = "part file " + quote(file);
  std::vector<std::size_t> mine = shard_tasks;
  std::sort(mine.begin(), mine.end());
  std::size_t j = 0;
  for (const auto& t : p.tasks) {
    if (t.first >= total_tasks)
      throw ConfigError(field + " task", std::to_string(t.first),
                        "a task index in 0.." + std::to_string(total_tasks - 1) +
                            " (the sweep has " + std::to_string(total_tasks) + " tasks)");
    while (j < mine.size() && mine[j] < t.first) ++j;
    if (j == mine.size() || mine[j] != t.first)
      throw ConfigError(field + " task", std::to_string(t.first),
                        "a task of shard " + std::to_string(p.k) + "/" + std::to_string(p.n));
  }
  if (complete && p.tasks.size() != mine.size())
    throw ConfigError(field + " tasks",
                      std::to_string(p.tasks.size()) + " of " + std::to_string(mine.size()),
                      "all " + std::to_string(mine.size()) + " tasks of shard " +
                          std::to_string(p.k) + "/" + std::to_string(p.n) +
                          " (an unfinished checkpoint? run its command again to finish it)");
}

}  // namespace parts
}  // namespace initscope
