// core/cli/common.cpp: flag tables, the data-file loader and the JSON form of a Config, shared
// by every verb of the CLI (common.hpp).
#include "common.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>

#include "initscope/fields.hpp"
#include "initscope/image_data.hpp"

namespace cli {

using namespace initscope;

// Numbers in messages read as in the core's and the engine's messages.
std::string num(double v) { return format_number(v); }
std::string one_of(const std::vector<std::string>& ids) { return "one of " + join_ids(ids); }

int to_int(const std::string& v) {
  return static_cast<int>(
      to_integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::string hidden_text(const std::vector<int>& hidden) {
  std::string out;
  for (std::size_t i = 0; i < hidden.size(); ++i) out += (i ? "," : "") + std::to_string(hidden[i]);
  return out;
}

// "128,64,32" (explicit widths) or "64x30" (30 layers of width 64). Widths are checked by
// validate(); the depth of the WxD form is capped here, before a vector of that size exists.
std::vector<int> parse_hidden(const std::string& v) {
  const std::size_t x = v.find('x');
  if (x != std::string::npos) {
    const int width = to_int(v.substr(0, x));
    const int depth = static_cast<int>(to_integer(v.substr(x + 1), 1, limits::kMaxDepth));
    return std::vector<int>(depth, width);
  }
  return parse_list(v, to_int);
}

// ---------------------------------------------------------------------------------------------
// Flag tables, generated from the core's field registry (initscope/fields.hpp): a field's flag,
// alias, help, allowed text and setter are its registry entry's. The defaults shown in --help
// are the Config's values when the table is built (after a --preset, the preset's).

namespace {

const char* metavar(const Field& f) {
  switch (f.kind) {
    case FieldKind::Integer:
      return "N";
    case FieldKind::Number:
      return "X";
    case FieldKind::Enum:
      return "ID";
    case FieldKind::IntList:
      return "LIST";
    case FieldKind::Boolean:
      return "";  // a switch: --readout-zero-init
  }
  return "X";
}

// Text -> FieldValue by the field's kind. Ranges are validate()'s (its messages name the flag);
// only what cannot be stored at all throws BadValue here.
FieldValue parse_value(const Field& f, const std::string& v) {
  switch (f.kind) {
    case FieldKind::Integer:
      return FieldValue::of(static_cast<double>(
          f.hi > std::numeric_limits<int>::max()
              ? to_integer(v, static_cast<int64_t>(f.lo), static_cast<int64_t>(f.hi))
              : to_integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max())));
    case FieldKind::Number:
      for (const std::string& w : f.words)
        if (v == w) return FieldValue::of(w);
      if (f.nullable && v == "default") return FieldValue::null();
      return FieldValue::of(to_number(v));
    case FieldKind::Enum:
      return FieldValue::of(v);  // set() parses: "expected one of ..."
    case FieldKind::IntList:
      return FieldValue::of(parse_hidden(v));
    case FieldKind::Boolean:
      return FieldValue::of_bool(true);  // a switch, given: true
  }
  throw BadValue{};
}

}  // namespace

Flag field_flag(const Field& fd, Config& c, const char* section) {
  Flag f;
  f.name = fd.flag;
  f.alias = fd.short_flag;
  f.field = fd.name;
  f.metavar = metavar(fd);
  f.help = fd.help;
  f.default_text = fd.default_note.empty() ? value_text(fd.get(c)) : fd.default_note;
  f.allowed = fd.allowed;
  if (fd.nullable && fd.kind == FieldKind::Number)  // gain: "a number in [0, 100], auto or default"
    f.allowed =
        fd.allowed.substr(0, fd.allowed.find(" or ")) + ", " + join_ids(fd.words) + " or default";
  const Field* field = &fd;
  f.set = [&c, field](const std::string& v) { field->set(c, parse_value(*field, v)); };
  f.section = section ? section : fd.group;
  return f;
}

namespace {
// A per-run field's flag: a comma list, one value per run (each parsed and checked as the single
// flag's value is; run_configs checks the count); the Config keeps the first for --help and
// for the checks that read one value.
Flag per_run_flag(const Field& fd, Config& c, PerRun& per_run) {
  Flag flag = field_flag(fd, c);
  flag.metavar = "LIST";
  flag.help += "; a comma list gives one value per run";
  std::vector<FieldValue>& list = per_run.values[fd.name];
  const Field* field = &fd;
  flag.set = [&c, &list, field](const std::string& v) {
    list = parse_list(v, [field](const std::string& x) { return parse_value(*field, x); });
    field->set(c, list.front());
  };
  return flag;
}
}  // namespace

void add_group_flags(std::vector<Flag>& f, Config& c, const std::string& group, PerRun* per_run) {
  for (const Field& fd : fields())
    if (group == fd.group)
      f.push_back(per_run && fd.per_run ? per_run_flag(fd, c, *per_run) : field_flag(fd, c));
}

// `data_dir`: where datasets read from a file (fashion_mnist) are looked for; see load_data_file.
void add_data_flags(std::vector<Flag>& f, Config& c, std::string& data_dir) {
  add_group_flags(f, c, "Data");
  f.push_back({"data-dir", "", "--data-dir", "DIR",
               "folder of the prepared data files (fashion_mnist: fashion-mnist.bin)",
               "$INITSCOPE_DATA_DIR, else build/data (../../data from this executable)",
               "a folder holding the file", [&data_dir](auto& v) { data_dir = v; }, "Data"});
}

void add_activation_flags(std::vector<Flag>& f, Config& c, const char* s) {
  f.push_back(field_flag(field("activation"), c, s));
  f.push_back(field_flag(field("leakySlope"), c, s));
}

void add_network_flags(std::vector<Flag>& f, Config& c) { add_group_flags(f, c, "Network"); }

// `many`: run compares a comma list of initializers; sample and dump take exactly one. With
// `per_run`, every per-run field takes a comma list (one value per run) into it.
void add_init_flags(std::vector<Flag>& f, Config& c, std::vector<Init>& inits, bool many,
                    PerRun* per_run) {
  for (const Field& fd : fields()) {
    if (std::string(fd.group) != "Initializer") continue;
    Flag flag = field_flag(fd, c);
    const std::string name = fd.name;
    if (name == "init") {
      flag.metavar = many ? "LIST" : "ID";
      if (many) {
        flag.help = "initializers to compare, comma-separated: one run each, same data and seed";
        flag.allowed = "ids from: " + join_ids(fd.ids);
      }
      flag.set = [&c, &inits, many](auto& v) {
        inits = many ? parse_list(v, [](const std::string& id) { return parse_init(id); })
                     : std::vector<Init>{parse_init(v)};
        c.init = inits.front();
      };
    } else if (fd.per_run && per_run) {
      // weightVar, biasVar: validate() checks every run's value and names the field.
      flag = per_run_flag(fd, c, *per_run);
    }
    f.push_back(flag);
  }
}

std::vector<Config> run_configs(const Config& base, const std::vector<Init>& inits,
                                const PerRun& per_run) {
  std::size_t n = std::max(inits.size(), std::size_t{1});
  for (const auto& [name, list] : per_run.values) n = std::max(n, list.size());
  auto check = [n](std::size_t size, const std::string& field) {
    if (size > 1 && size != n)
      throw UsageError(field, "a list of " + std::to_string(size),
                       "one value, or one per run (" + std::to_string(n) + ")");
  };
  check(inits.size(), "init");
  for (const Field& fd : fields())  // registry order, so the first bad field is reported
    if (per_run.values.count(fd.name)) check(per_run.values.at(fd.name).size(), fd.name);
  std::vector<Config> out(n, base);
  for (std::size_t i = 0; i < n; ++i) {
    if (!inits.empty()) out[i].init = inits[inits.size() == 1 ? 0 : i];
    for (const auto& [name, list] : per_run.values)
      if (!list.empty()) field(name).set(out[i], list[list.size() == 1 ? 0 : i]);
  }
  return out;
}

void add_training_flags(std::vector<Flag>& f, Config& c) { add_group_flags(f, c, "Training"); }

void add_stats_flags(std::vector<Flag>& f, Config& c) { add_group_flags(f, c, "Statistics"); }

std::vector<Flag> config_flags(Config& c, std::vector<Init>& inits, bool many_inits,
                               std::string& data_dir, PerRun* per_run) {
  std::vector<Flag> f;
  std::vector<std::string> groups;  // in registry order
  for (const Field& fd : fields())
    if (std::find(groups.begin(), groups.end(), fd.group) == groups.end())
      groups.push_back(fd.group);
  for (const std::string& g : groups) {
    if (g == "Data")
      add_data_flags(f, c, data_dir);
    else if (g == "Initializer")
      add_init_flags(f, c, inits, many_inits, per_run);
    else
      add_group_flags(f, c, g, per_run);
  }
  return f;
}

// A command's own option that takes one of a few words (--format, --what); its current value
// is the default shown in --help.
Flag choice_flag(const char* name, const char* help, std::string& target,
                 const std::vector<std::string>& allowed, const char* s) {
  auto set = [&target, allowed](const std::string& v) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) throw BadValue{};
    target = v;
  };
  return {name, "", std::string("--") + name, "ID", help, target, one_of(allowed), set, s};
}

// Parses, or prints the command's help and returns false.
bool parse_or_help(const char* command, const char* usage, const std::vector<Flag>& flags,
                   const std::vector<std::string>& args, Parsed& parsed) {
  parsed = parse_flags(command, flags, args);
  if (!parsed.help) return true;
  std::printf("%s%s", usage, flags_help(flags).c_str());
  return false;
}

// ---------------------------------------------------------------------------------------------
// Datasets read from a file (fashion_mnist). The page fetches them; the CLI reads the same file
// from build/data, which scripts/prepare-data.mjs writes (npm test and npm start run it).

const char* g_argv0 = "";

// build/data for build/native/bin/initscope: ../../data from the executable's folder.
std::filesystem::path default_data_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(g_argv0, ec);
  return (exe.parent_path() / ".." / ".." / "data").lexically_normal();
}

// Registers the dataset's file with the core when it needs one; the data directory is
// --data-dir, else $INITSCOPE_DATA_DIR, else default_data_dir(). Throws (exit 1) when the file
// is missing or not a valid pool, naming the path and how to make it.
void load_data_file(const Config& c, const std::string& data_dir) {
  const DatasetInfo& info = dataset_info(c.dataset);
  if (!info.data_file) return;
  const char* env = std::getenv("INITSCOPE_DATA_DIR");
  const std::filesystem::path dir = !data_dir.empty()     ? std::filesystem::path(data_dir)
                                    : env && *env != '\0' ? std::filesystem::path(env)
                                                          : default_data_dir();
  const std::string path = (dir / info.data_file).string();
  // A folder opens as a stream on Linux and then fails deep inside the read, without the path.
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in || folder)
    throw std::runtime_error("cannot read " + path + " (" +
                             (folder ? "a folder, not a file" : std::strerror(errno)) +
                             "), the data of " + info.name +
                             ": make it with 'node scripts/prepare-data.mjs' (npm test and npm "
                             "start do), or point --data-dir or INITSCOPE_DATA_DIR at its folder");
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  try {
    register_image_pool(
        c.dataset, std::make_shared<const ImagePool>(parse_image_pool(bytes.data(), bytes.size())));
  } catch (const ImageDataError& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Output pieces shared by run and dump

namespace {
void write_value(JsonWriter& j, const FieldValue& v) {
  switch (v.type) {
    case FieldValue::Type::Null:
      j.null();
      break;
    case FieldValue::Type::Number:
      j.number(v.number);
      break;
    case FieldValue::Type::Text:
      j.string(v.text);
      break;
    case FieldValue::Type::Boolean:
      j.boolean(v.boolean);
      break;
    case FieldValue::Type::IntList:
      j.begin_array();
      for (int x : v.list) j.integer(x);
      j.end_array();
      break;
  }
}
}  // namespace

// Every registry field under its JS name, in registry order, sizes resolved (inputDim,
// classes). Integers are written as integers. `inits` lists the compared initializers (run: an
// array) or holds the one initializer (dump: a string); per-run fields are arrays when `runs`
// is given.
void write_config(JsonWriter& j, const Config& c, const std::vector<Init>& inits, bool many,
                  const std::vector<Config>* runs) {
  for (const Field& fd : fields()) {
    j.key(fd.name);
    const std::string name = fd.name;
    const auto value = [&fd](const Config& x) { return fd.report ? fd.report(x) : fd.get(x); };
    const auto write = [&](const FieldValue& v) {
      if (fd.kind == FieldKind::Integer && v.type == FieldValue::Type::Number)
        j.integer(static_cast<int64_t>(v.number));
      else
        write_value(j, v);
    };
    if (name == "init") {
      if (!many) {
        j.string(to_string(inits.front()));
        continue;
      }
      j.begin_array();
      if (runs) {
        for (const Config& r : *runs) j.string(to_string(r.init));
      } else {
        for (Init i : inits) j.string(to_string(i));
      }
      j.end_array();
    } else if (fd.per_run && runs) {
      j.begin_array();
      for (const Config& r : *runs) write(value(r));
      j.end_array();
    } else {
      write(value(c));
    }
  }
}

// What `write` prints to a FILE, as a string (the JSON writer only writes to a FILE).
std::string capture(const std::function<void(std::FILE*)>& write) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&data, &size);
  if (!f) throw std::runtime_error("cannot allocate the output buffer");
  write(f);
  std::fclose(f);
  std::string text(data, size);
  std::free(data);
  return text;
}

}  // namespace cli
