// wasm/sample.cpp: engine.sampleInit, one initializer's weight matrix outside any run.
#include <emscripten/val.h>

#include <cstddef>
#include <string>
#include <vector>

#include "adapters.hpp"
#include "conversions.hpp"
#include "fields.hpp"
#include "initscope/config.hpp"
#include "initscope/init.hpp"
#include "initscope/rng.hpp"

namespace js {

using initscope::Config;
using initscope::ConfigError;
using initscope::Field;
using initscope::FieldValue;

namespace {

// engine.sampleInit: the initializer's fields only. fanIn x fanOut is capped like a network.
const std::vector<Field>& sample_fields() {
  using initscope::limits::kMaxParameters;
  static const std::vector<Field> fields = [] {
    std::vector<Field> f =
        registry_fields({"init", "seed", "activation", "leakySlope", "gain", "fanMode", "initValue",
                         "initStd", "initBound", "weightVar"});
    f.insert(f.begin() + 1, integer_input("fanIn", 1, kMaxParameters));
    f.insert(f.begin() + 2, integer_input("fanOut", 1, kMaxParameters));
    return f;
  }();
  return fields;
}

}  // namespace

val sample_field_table() { return fields_to_js(sample_fields()); }

// ---------------------------------------------------------------------------------------------
// engine.sampleInit

val sample_init(val options) {
  return guarded([&] {
    long long fan_in = 1, fan_out = 1;
    bool has_in = false, has_out = false;
    Config c = read_fields(options, sample_fields(), "sampleInit",
                           [&](const Field& f, const FieldValue& v) {
                             if (std::string(f.name) == "fanIn")
                               fan_in = static_cast<long long>(v.number), has_in = true;
                             else
                               fan_out = static_cast<long long>(v.number), has_out = true;
                           });
    if (!has_in) throw ConfigError("fanIn", "undefined", sample_fields()[1].allowed);
    if (!has_out) throw ConfigError("fanOut", "undefined", sample_fields()[2].allowed);
    const long long cap = initscope::limits::kMaxParameters;
    if (fan_in * fan_out > cap)
      throw ConfigError("fanOut", std::to_string(fan_out),
                        "an integer with fanIn x fanOut <= " + std::to_string(cap) + " (at most " +
                            std::to_string(cap / fan_in) + " for fanIn " + std::to_string(fan_in) +
                            ")");
    if (c.init == initscope::Init::lsuv)
      throw ConfigError("init", "\"lsuv\"",
                        "a data-free initializer: lsuv rescales each layer on a batch of data, "
                        "so it exists only inside a run (use createRun)");
    initscope::validate(c);  // gain, slope, std, bound (the data and network fields are defaults)
    initscope::Rng rng(c.seed, initscope::stream::kSample);
    const initscope::Matrix w =
        initscope::init_weights(c.init, std::size_t(fan_out), std::size_t(fan_in), c, rng);
    return copy_out(w.data(), w.size());
  });
}

}  // namespace js
