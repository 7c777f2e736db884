// core/cli/fields.cpp: `initscope fields`, the config-field registry as JSON (fields.hpp). The
// same text the wasm engine's configFields() parses, so a script can read every field's flag,
// range and default without a browser.
#include "initscope/fields.hpp"

#include <cstdio>

#include "common.hpp"

namespace cli {

int cmd_fields(const std::vector<std::string>& args) {
  const std::vector<Flag> flags;
  Parsed parsed;
  if (!parse_or_help("fields",
                     "Usage: initscope fields\n"
                     "Prints the config-field registry as one JSON object: {\"version\": 1, "
                     "\"fields\": [{name,\n"
                     "flag, short, group, kind, ids, words, nullable, min, max, minOpen, "
                     "maxOpen, allowed,\n"
                     "help, defaultNote, default, data, sweepable, perRun}, ...]} in Config "
                     "order.\n",
                     flags, args, parsed))
    return 0;
  std::printf("%s\n", initscope::fields_json().c_str());
  return 0;
}

}  // namespace cli
