// core/cli/args.hpp: the CLI's flag parser, hand-written and table-driven.
//
// Why not getopt_long: it cannot say *which* value was wrong and what is allowed, and the core
// already words every error as
//   invalid <field> = <value>: expected <allowed>
// so the parser words its own errors the same way. One table per command drives parsing, the
// error messages and --help, so the three never disagree.
//
// Accepted: `--name value`, `--name=value`, switches (`--raw`), `--help` / `-h` anywhere.
// A later flag overrides an earlier one (scripts can append overrides). No positional arguments.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

// Bad command-line input: exit code 2, message in the core's format.
class UsageError : public std::invalid_argument {
 public:
  explicit UsageError(const std::string& message) : std::invalid_argument(message) {}
  UsageError(const std::string& field, const std::string& value, const std::string& allowed)
      : std::invalid_argument("invalid " + field + " = " + value + ": expected " + allowed) {}
};

// Thrown by the value parsers below; parse_flags turns it into a UsageError naming the flag, the
// value and the flag's `allowed` text (the parsers themselves know none of these).
struct BadValue {};

struct Flag {
  std::string name;     // typed as --name
  std::string alias;    // another spelling (--lr for --learning-rate), or empty
  std::string field;    // name in messages: the JS camelCase Config field, or "--name"
  std::string metavar;  // placeholder in --help ("N", "X", "ID"); empty = a switch, no value
  std::string help;     // one line: what it does
  std::string default_text;
  std::string allowed;  // the accepted values; also the "expected ..." of error messages
  // Parses the value (throwing BadValue) and stores it; a switch gets an empty string.
  std::function<void(const std::string& value)> set;
  std::string section;  // heading this flag is listed under in --help
};

struct Parsed {
  bool help = false;
  // Message field -> the flag as the user typed it ("learningRate" -> "--lr"), so an error
  // found later (validate()) can point at what was typed.
  std::map<std::string, std::string> typed;
};

// Parses the arguments that follow the command name. Throws UsageError (unknown flag, missing
// value, BadValue) and, for the core's own parsers used in Flag::set, a UsageError carrying the
// ConfigError's message plus the flag.
Parsed parse_flags(const std::string& command, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args);

// " (flag --lr)" when the message field differs from what was typed, else "".
std::string flag_hint(const std::string& field, const std::vector<Flag>& flags,
                      const Parsed& parsed);

// Every flag with its default and allowed values, grouped by section.
std::string flags_help(const std::vector<Flag>& flags);

// Strict value parsers (throw BadValue): the whole string must parse, no surrounding spaces,
// the result must be finite; integers must be integral and within [lo, hi] before any cast.
double to_number(const std::string& text);
int64_t to_integer(const std::string& text, int64_t lo, int64_t hi);

// A value as messages show it: a number as typed, anything else quoted ("abc", "").
std::string shown(const std::string& text);

}  // namespace cli
