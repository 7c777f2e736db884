// tests/native/test_config.cpp: ids, message helpers, derived sizes and validate()
// (core/include/initscope/config.hpp).
//
// Every rule of validate() has its own check: the ConfigError must name the public (camelCase)
// field and carry the offending value in the one message format
//   invalid <field> = <value>: expected <allowed>
// so the CLI, the JS error and the URL-hash error all read the same.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/fields.hpp"

using namespace initscope;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// validate(c) must throw a ConfigError whose field() is `field` and whose message starts with
// "invalid <field> = <value>: expected ", followed by a non-empty description.
void expect_invalid(const Config& c, const std::string& field, const std::string& value) {
  try {
    validate(c);
    FAIL("validate accepted an invalid " << field << " = " << value);
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    INFO("message: " << msg);
    CHECK(e.field() == field);
    const std::string head = "invalid " + field + " = " + value + ": expected ";
    CHECK(msg.rfind(head, 0) == 0);
    CHECK(msg.size() > head.size());
  }
}

std::string num(double v) { return format_number(v); }
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

// ---------------------------------------------------------------------------------------------
// Ids

TEST_CASE("config: every enum round-trips through its public id", "[config]") {
  for (const auto& info : initializer_infos()) {
    CHECK(std::string(to_string(info.id)) == info.name);
    CHECK(parse_init(info.name) == info.id);
  }
  CHECK(initializer_infos().size() == 17);  // the spec's 15 and mean_field
  for (const auto& info : dataset_infos()) {
    CHECK(std::string(to_string(info.id)) == info.name);
    CHECK(parse_dataset(info.name) == info.id);
  }
  CHECK(std::string(to_string(DatasetKind::xor_)) == "xor");
  for (const auto& name : activation_names()) CHECK(to_string(parse_activation(name)) == name);
  for (const auto& name : optimizer_names()) CHECK(to_string(parse_optimizer(name)) == name);
  for (const auto& name : loss_names()) CHECK(to_string(parse_loss(name)) == name);
  CHECK(parse_fan_mode("fan_in") == FanMode::fan_in);
  CHECK(parse_fan_mode("fan_out") == FanMode::fan_out);
  SECTION("the public id lists are the design's") {
    CHECK(activation_names() == std::vector<std::string>{"relu", "leaky_relu", "tanh", "sigmoid",
                                                         "linear", "selu", "gelu"});
    CHECK(optimizer_names() == std::vector<std::string>{"sgd", "momentum", "adam"});
    CHECK(loss_names() == std::vector<std::string>{"cross_entropy", "mse"});
    // The generated datasets come first in this order; file-backed ones (fashion_mnist) may
    // follow.
    std::vector<std::string> datasets;
    for (const auto& d : dataset_infos()) datasets.push_back(d.name);
    const std::vector<std::string> generated = {"spiral",    "circles", "xor",
                                                "gaussians", "moons",   "gaussian_nd"};
    REQUIRE(datasets.size() >= generated.size());
    CHECK(std::vector<std::string>(datasets.begin(), datasets.begin() + 6) == generated);
  }
  SECTION("dataset defaults: 2-D toys 2 inputs, gaussian_nd 64; 2 classes") {
    for (const auto& d : dataset_infos()) {
      if (std::string(d.name) == "fashion_mnist") continue;  // 784 inputs, 10 classes
      INFO(d.name);
      CHECK(d.input_dim == (d.id == DatasetKind::gaussian_nd ? 64 : 2));
      CHECK(d.classes == 2);
    }
  }
}

TEST_CASE("config: unknown ids name the field, quote the value and list every valid id",
          "[config]") {
  auto check_unknown = [](auto parse, const std::string& field,
                          const std::vector<std::string>& valid) {
    try {
      parse("no_such\"id");
      FAIL("parse accepted an unknown id for " << field);
    } catch (const ConfigError& e) {
      const std::string msg = e.what();
      INFO("message: " << msg);
      CHECK(e.field() == field);
      CHECK(msg.rfind("invalid " + field + " = " + quote("no_such\"id") + ": expected ", 0) == 0);
      for (const auto& id : valid) CHECK(contains(msg, id));
      CHECK(contains(msg, join_ids(valid)));
    }
  };
  std::vector<std::string> inits, datasets;
  for (const auto& i : initializer_infos()) inits.push_back(i.name);
  for (const auto& d : dataset_infos()) datasets.push_back(d.name);
  check_unknown([](const std::string& s) { return parse_init(s); }, "init", inits);
  check_unknown([](const std::string& s) { return parse_dataset(s); }, "dataset", datasets);
  check_unknown([](const std::string& s) { return parse_activation(s); }, "activation",
                activation_names());
  check_unknown([](const std::string& s) { return parse_optimizer(s); }, "optimizer",
                optimizer_names());
  check_unknown([](const std::string& s) { return parse_loss(s); }, "loss", loss_names());
  check_unknown([](const std::string& s) { return parse_fan_mode(s); }, "fanMode",
                {"fan_in", "fan_out"});
  SECTION("the caller can name the field (e.g. a list element)") {
    try {
      parse_init("nope", "init[2]");
      FAIL("parse_init accepted nope");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "init[2]");
    }
  }
  SECTION("ids are case-sensitive and not trimmed") {
    CHECK_THROWS_AS(parse_init("He_Normal"), ConfigError);
    CHECK_THROWS_AS(parse_activation(" relu"), ConfigError);
    CHECK_THROWS_AS(parse_dataset(""), ConfigError);
  }
}

// ---------------------------------------------------------------------------------------------
// Message helpers

TEST_CASE("config: quote, format_number and join_ids", "[config]") {
  SECTION("quote is a JSON string literal") {
    CHECK(quote("abc") == "\"abc\"");
    CHECK(quote("a\"b") == "\"a\\\"b\"");
    CHECK(quote("a\\b") == "\"a\\\\b\"");
    CHECK(quote("a\nb") == "\"a\\nb\"");
    CHECK(quote("") == "\"\"");
  }
  SECTION("format_number: JavaScript-like text for the special values") {
    CHECK(format_number(kNaN) == "NaN");
    CHECK(format_number(kInf) == "Infinity");
    CHECK(format_number(-kInf) == "-Infinity");
  }
  SECTION("format_number: the shortest text that round-trips") {
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(20.0) == "20");
    CHECK(format_number(-2.5) == "-2.5");
    CHECK(format_number(0.0) == "0");
    // Like JavaScript's Number#toString (what a JS user sees): plain digits, no exponent, for
    // integers and ordinary decimals.
    CHECK(format_number(100.0) == "100");
    CHECK(format_number(4194304.0) == "4194304");
    CHECK(format_number(0.001) == "0.001");
    CHECK(format_number(1234.5) == "1234.5");
    // JavaScript switches to exponent notation below 1e-6 and from 1e21 (ECMA-262
    // Number::toString: fixed when the decimal exponent is in [-6, 21)).
    CHECK(format_number(0.000001) == "0.000001");
    CHECK(format_number(1e-7) == "1e-7");
    CHECK(format_number(1.5e-7) == "1.5e-7");
    CHECK(format_number(1e20) == "100000000000000000000");
    CHECK(format_number(1e21) == "1e+21");
    CHECK(format_number(-2.5e-8) == "-2.5e-8");
    for (double v : {0.1 + 0.2, 1.0 / 3.0, 6.02214076e23, 5e-324, -1e-7, 4194304.0}) {
      const std::string s = format_number(v);
      INFO(s);
      CHECK(std::strtod(s.c_str(), nullptr) == v);
      CHECK(s.size() <= 24u);
    }
  }
  SECTION("join_ids") {
    CHECK(join_ids({"a", "b", "c"}) == "a, b, c");
    CHECK(join_ids({"only"}) == "only");
    CHECK(join_ids({}).empty());
  }
  SECTION("ConfigError's message format") {
    const ConfigError e("learningRate", "20", "a number in (0, 10]");
    CHECK(std::string(e.what()) == "invalid learningRate = 20: expected a number in (0, 10]");
    CHECK(e.field() == "learningRate");
  }
}

// ---------------------------------------------------------------------------------------------
// Derived sizes

TEST_CASE("config: derived sizes", "[config]") {
  Config c;
  SECTION("defaults resolve per dataset") {
    CHECK(resolved_input_dim(c) == 2);
    CHECK(resolved_classes(c) == 2);
    c.dataset = DatasetKind::gaussian_nd;
    CHECK(resolved_input_dim(c) == 64);
    c.input_dim = 300;
    c.classes = 7;
    CHECK(resolved_input_dim(c) == 300);
    CHECK(resolved_classes(c) == 7);
  }
  SECTION("train/test split sizes add up to samples") {
    c.samples = 1000;
    c.test_fraction = 0.5;
    CHECK(train_count(c) == 500);
    CHECK(test_count(c) == 500);
    c.test_fraction = 0.25;
    CHECK(train_count(c) == 750);
    CHECK(test_count(c) == 250);
    c.test_fraction = 0.0;
    CHECK(train_count(c) == 1000);
    CHECK(test_count(c) == 0);
    c.samples = 10;
    c.test_fraction = 0.9;
    CHECK(train_count(c) == 1);
    CHECK(test_count(c) == 9);
  }
  SECTION("train is round(samples * (1 - testFraction)) as dataset.hpp states, ties included") {
    // 15 * 0.5 = 7.5 exactly: round() gives 8 training rows (and 7 test rows).
    c.samples = 15;
    c.test_fraction = 0.5;
    CHECK(train_count(c) == 8);
    CHECK(test_count(c) == 7);
  }
  SECTION("parameter_count: sum of (fan_in + 1) fan_out over hidden and output layers") {
    c.hidden = {64, 64, 64};
    CHECK(parameter_count(c) == 3 * 64 + 65 * 64 + 65 * 64 + 65 * 2);
    c.dataset = DatasetKind::gaussian_nd;
    c.input_dim = 10;
    c.classes = 3;
    c.hidden = {5};
    CHECK(parameter_count(c) == 11 * 5 + 6 * 3);
  }
}

// ---------------------------------------------------------------------------------------------
// validate(): one section per rule

TEST_CASE("config: defaults and the limits themselves are valid", "[config]") {
  Config c;
  CHECK_NOTHROW(validate(c));
  for (DatasetKind kind : {DatasetKind::spiral, DatasetKind::circles, DatasetKind::xor_,
                           DatasetKind::gaussians, DatasetKind::moons, DatasetKind::gaussian_nd}) {
    Config k;
    k.dataset = kind;
    INFO(to_string(kind));
    CHECK_NOTHROW(validate(k));
  }
  SECTION("every boundary value is accepted") {
    Config b;
    b.samples = limits::kMinSamples;
    b.test_fraction = limits::kMaxTestFraction;
    b.batch_size = 1;
    CHECK_NOTHROW(validate(b));
    b = Config{};
    b.samples = limits::kMaxSamples;
    b.test_fraction = 0.0;
    b.noise = limits::kMaxNoise;
    b.learning_rate = limits::kMaxLearningRate;
    b.momentum = 0.0;
    b.probe_size = limits::kMaxProbe;
    b.hist_bins = limits::kMinHistBins;
    b.leaky_slope = 0.0;
    b.batch_size = 0;
    CHECK_NOTHROW(validate(b));
    b = Config{};
    b.hist_bins = limits::kMaxHistBins;
    b.gain_mode = GainMode::Value;
    b.gain = limits::kMaxGain;
    b.hidden = std::vector<int>(limits::kMaxDepth, 8);
    b.leaky_slope = 1.0;
    CHECK_NOTHROW(validate(b));
    b = Config{};
    b.dataset = DatasetKind::gaussian_nd;
    b.input_dim = limits::kMaxInputDim;
    b.classes = limits::kMaxClasses;
    b.hidden = {1024};
    CHECK_NOTHROW(validate(b));
    b.input_dim = 0;  // 64
    b.hidden = {limits::kMaxWidth};
    CHECK_NOTHROW(validate(b));
  }
}

TEST_CASE("config: validate rejects each invalid data field by name and value", "[config]") {
  Config c;
  SECTION("samples") {
    c.samples = limits::kMinSamples - 1;
    expect_invalid(c, "samples", "9");
    c.samples = limits::kMaxSamples + 1;
    expect_invalid(c, "samples", "20001");
  }
  SECTION("noise") {
    c.noise = -0.25;
    expect_invalid(c, "noise", "-0.25");
    c.noise = 2.5;
    expect_invalid(c, "noise", "2.5");
    c.noise = kNaN;
    expect_invalid(c, "noise", "NaN");
  }
  SECTION("testFraction") {
    c.test_fraction = -0.5;
    expect_invalid(c, "testFraction", "-0.5");
    c.test_fraction = 0.95;
    expect_invalid(c, "testFraction", "0.95");
    c.test_fraction = kInf;
    expect_invalid(c, "testFraction", "Infinity");
  }
  SECTION("inputDim: 1..2048 for gaussian_nd, only 2 for the 2-D toys") {
    c.dataset = DatasetKind::gaussian_nd;
    c.input_dim = limits::kMaxInputDim + 1;
    expect_invalid(c, "inputDim", "2049");
    c.input_dim = -3;
    expect_invalid(c, "inputDim", "-3");
    c.dataset = DatasetKind::spiral;
    c.input_dim = 3;
    expect_invalid(c, "inputDim", "3");
  }
  SECTION("classes: 2..10 where free, only 2 for circles, xor and moons") {
    c.classes = limits::kMaxClasses + 1;
    expect_invalid(c, "classes", "11");
    c.classes = 1;
    expect_invalid(c, "classes", "1");
    for (DatasetKind k : {DatasetKind::circles, DatasetKind::xor_, DatasetKind::moons}) {
      c.dataset = k;
      c.classes = 3;
      INFO(to_string(k));
      expect_invalid(c, "classes", "3");
    }
  }
}

TEST_CASE("config: validate rejects each invalid network and init field by name and value",
          "[config]") {
  Config c;
  SECTION("hidden: empty, too deep, a width out of range (field names the element)") {
    c.hidden = {};
    try {
      validate(c);
      FAIL("empty hidden accepted");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "hidden");
      CHECK(contains(e.what(), "invalid hidden = "));
    }
    c.hidden = std::vector<int>(limits::kMaxDepth + 1, 4);
    try {
      validate(c);
      FAIL("201 hidden layers accepted");
    } catch (const ConfigError& e) {
      CHECK(e.field() == "hidden");
      CHECK(contains(e.what(), "201"));
    }
    c.hidden = {64, 0, 64};
    expect_invalid(c, "hidden[1]", "0");
    c.hidden = {64, 64, limits::kMaxWidth + 1};
    expect_invalid(c, "hidden[2]", "2049");
  }
  SECTION("leakySlope") {
    c.leaky_slope = -0.1;
    expect_invalid(c, "leakySlope", "-0.1");
    c.leaky_slope = 1.5;
    expect_invalid(c, "leakySlope", "1.5");
    c.leaky_slope = kNaN;
    expect_invalid(c, "leakySlope", "NaN");
  }
  SECTION("gain: a number within the cap, and no 'auto' for gelu") {
    c.gain_mode = GainMode::Value;
    c.gain = -1.0;
    expect_invalid(c, "gain", "-1");
    c.gain = 101.0;
    expect_invalid(c, "gain", "101");
    c.gain = kNaN;
    expect_invalid(c, "gain", "NaN");
    c.gain = 1.0;
    c.gain_mode = GainMode::Auto;
    c.activation = Activation::gelu;
    expect_invalid(c, "gain", "\"auto\"");
    c.gain_mode = GainMode::Default;  // He's default gain needs no calculate_gain(gelu)
    CHECK_NOTHROW(validate(c));
  }
  SECTION("gain is not checked unless it is used (GainMode::Value)") {
    c.gain = kNaN;
    CHECK_NOTHROW(validate(c));
  }
  SECTION("initValue, initStd, initBound") {
    c.init_value = kNaN;
    expect_invalid(c, "initValue", "NaN");
    c.init_value = 0.1;
    c.init_std = -0.05;
    expect_invalid(c, "initStd", "-0.05");
    c.init_std = 0.05;
    c.init_bound = -0.5;
    expect_invalid(c, "initBound", "-0.5");
    c.init_bound = kInf;
    expect_invalid(c, "initBound", "Infinity");
  }
}

TEST_CASE("config: validate rejects each invalid training and statistics field", "[config]") {
  Config c;
  SECTION("learningRate: (0, 10]") {
    c.learning_rate = 0.0;
    expect_invalid(c, "learningRate", "0");
    c.learning_rate = -0.01;
    expect_invalid(c, "learningRate", "-0.01");
    c.learning_rate = 20.0;
    expect_invalid(c, "learningRate", "20");
    c.learning_rate = kNaN;
    expect_invalid(c, "learningRate", "NaN");
  }
  SECTION("momentum: [0, 1)") {
    c.momentum = 1.0;
    expect_invalid(c, "momentum", "1");
    c.momentum = -0.5;
    expect_invalid(c, "momentum", "-0.5");
  }
  SECTION("batchSize: 0 (full batch) .. the training rows") {
    c.batch_size = -1;
    expect_invalid(c, "batchSize", "-1");
    c.samples = 100;
    c.test_fraction = 0.5;
    c.batch_size = 51;
    expect_invalid(c, "batchSize", "51");
    c.batch_size = 50;
    CHECK_NOTHROW(validate(c));
  }
  SECTION("probeSize: 1..1024") {
    c.probe_size = 0;
    expect_invalid(c, "probeSize", "0");
    c.probe_size = limits::kMaxProbe + 1;
    expect_invalid(c, "probeSize", "1025");
  }
  SECTION("histBins: 4..200") {
    c.hist_bins = limits::kMinHistBins - 1;
    expect_invalid(c, "histBins", "3");
    c.hist_bins = limits::kMaxHistBins + 1;
    expect_invalid(c, "histBins", "201");
  }
}

TEST_CASE("config: the parameter and activation caps name hidden", "[config]") {
  SECTION("parameters: 2 -> 2048 -> 2048 -> 2 has more than 2^22") {
    Config c;
    c.hidden = {2048, 2048};
    const int64_t params = 3 * 2048 + 2049 * 2048 + 2049 * 2;  // 4206594 > 4194304
    REQUIRE(params > limits::kMaxParameters);
    CHECK(parameter_count(c) == params);
    try {
      validate(c);
      FAIL("over-cap network accepted");
    } catch (const ConfigError& e) {
      INFO(e.what());
      CHECK(e.field() == "hidden");
      CHECK(contains(e.what(), std::to_string(params)));
      CHECK(contains(e.what(), std::to_string(limits::kMaxParameters)));
    }
  }
  SECTION("activations: full batch of 10000 rows x 1026 units exceeds 2^23") {
    Config c;
    c.samples = 20000;
    c.test_fraction = 0.5;
    c.batch_size = 0;
    c.hidden = {512, 512};
    REQUIRE(parameter_count(c) <= limits::kMaxParameters);
    REQUIRE(int64_t{10000} * 1026 > limits::kMaxActivations);
    try {
      validate(c);
      FAIL("over-cap activations accepted");
    } catch (const ConfigError& e) {
      INFO(e.what());
      CHECK(e.field() == "hidden");
      CHECK(contains(e.what(), std::to_string(limits::kMaxActivations)));
    }
    c.batch_size = 32;  // the same network with minibatches fits
    CHECK_NOTHROW(validate(c));
  }
}

TEST_CASE("config: the native caps reach width 8192, and each cap's message names the other",
          "[config]") {
  // The tests run with the page's caps (the default); the CLI sets the native ones.
  REQUIRE(size_caps().max_width == limits::kMaxWidth);
  Config wide;
  wide.dataset = DatasetKind::gaussian_nd;
  wide.input_dim = 64;
  wide.hidden = {8192, 8192};  // 67.7 M parameters: over the page's 2^22, within 2^28
  try {
    validate(wide);
    FAIL("a width-8192 network passed the page's caps");
  } catch (const ConfigError& e) {
    INFO(e.what());
    CHECK(e.field() == "hidden[0]");
    CHECK(contains(e.what(), "an integer in 1..2048"));
    CHECK(contains(e.what(), "the native CLI allows width 8192"));
  }
  set_size_caps(native_caps());
  CHECK(field("hidden").hi == 8192);
  CHECK_NOTHROW(validate(wide));
  Config wider = wide;
  wider.hidden = {8193};
  try {
    validate(wider);
    FAIL("width 8193 accepted");
  } catch (const ConfigError& e) {
    INFO(e.what());
    CHECK(contains(e.what(), "an integer in 1..8192"));
    CHECK(contains(e.what(), "the page's are width 2048"));
  }
  Config huge = wide;
  huge.hidden = {8192, 8192, 8192, 8192, 8192};  // 268.6 M > 2^28
  CHECK_THROWS_WITH(validate(huge), Catch::Contains("at most 268435456 parameters"));
  set_size_caps(page_caps());
  CHECK(field("hidden").hi == limits::kMaxWidth);
  CHECK_THROWS_AS(validate(wide), ConfigError);
}
