// core/cli/args.cpp: see args.hpp.
#include "args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "initscope/config.hpp"

namespace cli {

// ---------------------------------------------------------------------------------------------
// Values

double to_number(const std::string& text) {
  // from_chars, not strtod: it ignores the locale, skips no whitespace and reads no hex. It does
  // read "inf" and "nan", which the finiteness check rejects. A leading '+' is allowed by hand.
  const char* first = text.data();
  const char* last = first + text.size();
  if (first != last && *first == '+' && last - first > 1 && first[1] != '-') ++first;
  double v = 0;
  const auto result = std::from_chars(first, last, v);
  if (result.ec != std::errc() || result.ptr != last || !std::isfinite(v)) throw BadValue{};
  return v;
}

int64_t to_integer(const std::string& text, int64_t lo, int64_t hi) {
  // Read as a number so "1e3" works; the checks happen in double, before the cast, because
  // casting an out-of-range double to an integer is undefined behaviour.
  const double v = to_number(text);
  if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    throw BadValue{};
  return static_cast<int64_t>(v);
}

std::string shown(const std::string& text) {
  try {
    to_number(text);
    return text;
  } catch (const BadValue&) {
    return initscope::quote(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Flags

namespace {

const Flag* find_flag(const std::vector<Flag>& flags, const std::string& name) {
  for (const Flag& f : flags)
    if (name == f.name || (!f.alias.empty() && name == f.alias)) return &f;
  return nullptr;
}

// Levenshtein distance, for "did you mean" on a mistyped flag.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

UsageError unknown_flag(const std::string& command, const std::vector<Flag>& flags,
                        const std::string& arg, const std::string& name) {
  const Flag* best = nullptr;
  std::size_t best_distance = 3;  // suggest only near misses
  for (const Flag& f : flags) {
    const std::size_t d = edit_distance(name, f.name);
    if (d < best_distance) best = &f, best_distance = d;
  }
  const std::string listed = "a flag listed by 'initscope " + command + " --help'";
  return UsageError("flag", initscope::quote(arg),
                    best ? "--" + best->name + " or another " + listed.substr(2) : listed);
}

std::string hint_for(const Flag& f, const std::string& typed) {
  return f.field == f.name || f.field == typed ? "" : " (flag " + typed + ")";
}

}  // namespace

Parsed parse_flags(const std::string& command, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args) {
  Parsed parsed;
  // --help wins over everything else on the line, even over mistakes in other flags.
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") parsed.help = true;
  if (parsed.help) return parsed;

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      throw UsageError("argument", initscope::quote(arg),
                       "--flag value pairs (see 'initscope " + command + " --help')");
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Flag* flag = find_flag(flags, name);
    if (!flag) throw unknown_flag(command, flags, arg.substr(0, eq), name);
    const std::string typed = "--" + name;

    std::string value;
    if (flag->metavar.empty()) {  // a switch
      if (eq != std::string::npos)
        throw UsageError(typed, shown(arg.substr(eq + 1)), "no value (it is a switch)");
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0) {
      // Values may start with one '-' (negative numbers) but never with "--".
      value = args[++i];
    } else {
      throw UsageError(flag->field, "(missing)", flag->allowed + hint_for(*flag, typed));
    }

    try {
      flag->set(value);
    } catch (const BadValue&) {
      throw UsageError(flag->field, shown(value), flag->allowed + hint_for(*flag, typed));
    } catch (const initscope::ConfigError& e) {  // from the core's parse_* of ids
      throw UsageError(e.what() + hint_for(*flag, typed));
    }
    parsed.typed[flag->field] = typed;
  }
  return parsed;
}

std::string flag_hint(const std::string& field, const std::vector<Flag>& flags,
                      const Parsed& parsed) {
  // "hidden[3]" (one width of the list) is the --hidden flag.
  const std::string base = field.substr(0, field.find('['));
  for (const Flag& f : flags) {
    if (f.field != base) continue;
    const auto it = parsed.typed.find(base);
    return hint_for(f, it != parsed.typed.end() ? it->second : "--" + f.name);
  }
  return "";
}

namespace {
// Appends text word-wrapped to `width` columns, every line indented by `indent` spaces except
// the first, which continues wherever `out` is.
void append_wrapped(std::string& out, const std::string& text, std::size_t indent,
                    std::size_t width) {
  const std::size_t last_newline = out.rfind('\n');
  std::size_t column = out.size() - (last_newline == std::string::npos ? 0 : last_newline + 1);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    start = end + 1;
  }
  out += '\n';
}
}  // namespace

std::string flags_help(const std::vector<Flag>& flags) {
  constexpr std::size_t kIndent = 28, kWidth = 100;  // the project's column limit
  std::string out;
  std::string section;
  for (const Flag& f : flags) {
    if (f.section != section) {
      section = f.section;
      out += "\n" + section + ":\n";
    }
    std::string head = "  --" + f.name;
    if (!f.alias.empty()) head += ", --" + f.alias;
    if (!f.metavar.empty()) head += " " + f.metavar;
    if (head.size() + 2 > kIndent) {
      head += "\n" + std::string(kIndent, ' ');
    } else {
      head.resize(kIndent, ' ');
    }
    out += head;
    append_wrapped(out, f.help, kIndent, kWidth);
    std::string details;
    if (!f.default_text.empty()) details += "default " + f.default_text;
    if (!f.allowed.empty()) details += (details.empty() ? "" : "; ") + f.allowed;
    if (!details.empty()) {
      out += std::string(kIndent, ' ');
      append_wrapped(out, details, kIndent, kWidth);
    }
  }
  return out;
}

}  // namespace cli
