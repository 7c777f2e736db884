// tests/native/test_hostile.cpp: every input that the fuzzers (tests/fuzz) or the hostile-input
// tables (tests/node/hostile*.test.mjs) found to break the core, as a plain test, so the bug stays
// fixed without running either. Each case names what found it and the contract it guards.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "initscope/config.hpp"
#include "initscope/run.hpp"

using namespace initscope;

namespace {
// constant 100 through 30 ReLU layers of width 8: every unit of layer l is 800^l times the input
// scale, past float's 3.4e38 by layer 14, while every weight is a finite 100.
Config overflowing_at_init() {
  Config c;
  c.samples = 100;
  c.hidden.assign(30, 8);
  c.init = Init::constant;
  c.init_value = 100;
  c.batch_size = 10;
  return c;
}
}  // namespace

TEST_CASE("fuzz_train: finite weights whose forward pass overflows mark the run diverged at step 0",
          "[run][fuzz]") {
  // Found as constant 38.15 through 141 SELU layers of width 2 (fashion_mnist): evaluate()
  // reported an infinite loss with diverged unset, so the page and the CLI would show a
  // "healthy" run with NaN and Infinity in its numbers.
  Run run(overflowing_at_init());
  const Evaluation e = run.evaluate();
  INFO("trainLoss " << e.train_loss);
  REQUIRE_FALSE(std::isfinite(e.train_loss));
  REQUIRE(e.diverged_at.has_value());
  CHECK(*e.diverged_at == 0);
  CHECK(run.diverged_at() == e.diverged_at);
  // It stops like any diverged run: no updates, its step stays 0.
  CHECK(run.step(5).step == 0);
  CHECK(run.steps_done() == 0);
}

TEST_CASE("fuzz_train: layer_stats() and predict_grid() mark an overflowing run too",
          "[run][fuzz]") {
  // Whichever is called first (the worker calls evaluate first, a script may not), the run ends
  // up marked before any non-finite number is reported as healthy.
  {
    Run run(overflowing_at_init());
    const std::vector<LayerStats> stats = run.layer_stats();
    CHECK_FALSE(std::isfinite(stats.back().pre_var));
    REQUIRE(run.diverged_at().has_value());
    CHECK(*run.diverged_at() == 0);
  }
  {
    Run run(overflowing_at_init());
    const std::vector<float> probs = run.predict_grid(4);
    bool finite = true;
    for (float p : probs) finite = finite && std::isfinite(p);
    CHECK_FALSE(finite);
    REQUIRE(run.diverged_at().has_value());
    CHECK(*run.diverged_at() == 0);
  }
}

TEST_CASE("fuzz_train: an overflowing run beside healthy ones leaves them training",
          "[run][fuzz]") {
  Config healthy = overflowing_at_init();
  healthy.init = Init::he_normal;
  Experiment ex({overflowing_at_init(), healthy});
  for (Run& r : ex.runs()) r.evaluate();  // the step-0 record every front end takes
  ex.step(20);
  CHECK(ex.runs()[0].steps_done() == 0);
  CHECK(ex.runs()[1].steps_done() == 20);
  const Evaluation e = ex.runs()[1].evaluate();
  CHECK_FALSE(e.diverged_at);
  CHECK(std::isfinite(e.train_loss));
  CHECK(std::isfinite(e.test_loss));
}

TEST_CASE("hostile-cli: quote() escapes control characters and bytes that are not UTF-8",
          "[config]") {
  // Found by the CLI table: a data file starting with byte 0x89 (a PNG) was echoed raw, so the
  // message was not valid UTF-8 (the engine's Error showed U+FFFD) and a file or argument could
  // put terminal escape sequences on someone's screen.
  CHECK(quote(std::string("\x89PNG")) == "\"\\u0089PNG\"");
  CHECK(quote("\x1b[2J") == "\"\\u001b[2J\"");
  CHECK(quote("a\rb\x7f") == "\"a\\u000db\\u007f\"");
  CHECK(quote("\xc2\x9b") == "\"\\u009b\"");  // U+009B, the one-byte CSI of 8-bit terminals
  // Well-formed UTF-8 stays as typed.
  CHECK(quote("\xc3\xa4"
              "dam\xe2\x98\x83") ==
        "\"\xc3\xa4"
        "dam\xe2\x98\x83\"");
  CHECK(quote("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");
  // Overlong, surrogate, truncated and out-of-range sequences are bytes, not characters.
  CHECK(quote("\xc0\xaf") == "\"\\u00c0\\u00af\"");
  CHECK(quote("\xed\xa0\x80") == "\"\\u00ed\\u00a0\\u0080\"");
  CHECK(quote("\xe2\x98") == "\"\\u00e2\\u0098\"");
  CHECK(quote("\xf4\x90\x80\x80") == "\"\\u00f4\\u0090\\u0080\\u0080\"");
}
