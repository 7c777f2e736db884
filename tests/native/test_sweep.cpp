// tests/native/test_sweep.cpp: axis parsing, cell configs and cell determinism
// (core/include/initscope/sweep.hpp).
//
// Every axis error has its own check on the whole message, since the CLI prints it as is.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "initscope/run.hpp"
#include "initscope/sweep.hpp"

using namespace initscope;

namespace {

std::string error_of(const std::string& spec) {
  try {
    parse_axis(spec, "--x");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A small, fast base: 2 layers of 8 on 60 spiral points.
Config tiny() {
  Config c;
  c.samples = 60;
  c.hidden = {8, 8};
  c.batch_size = 10;
  c.probe_size = 16;
  return c;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("sweep axis: a range is an inclusive linspace with exact ends", "[sweep]") {
  const SweepAxis a = parse_axis("learningRate=1:4:13");
  CHECK(a.field == "learningRate");
  CHECK(a.numeric);
  REQUIRE(a.size() == 13);
  for (std::size_t i = 0; i < 13; ++i) CHECK(a.numbers[i] == 1 + 0.25 * i);  // exact in binary
  CHECK(a.labels[1] == "1.25");

  SECTION("the last value is STOP itself, even when the steps do not add up to it exactly") {
    const SweepAxis b = parse_axis("noise=0.1:0.7:7");
    CHECK(b.numbers.back() == 0.7);
    CHECK(b.numbers.front() == 0.1);
  }
  SECTION("a count of 1 is START; a descending range runs downwards") {
    CHECK(parse_axis("momentum=0.5:0.9:1").numbers == std::vector<double>{0.5});
    CHECK(parse_axis("depth=30:10:3").numbers == std::vector<double>{30, 20, 10});
  }
  SECTION("integer fields take integral ranges: depth=10:100:10 is 10, 20, ..., 100") {
    const SweepAxis d = parse_axis("depth=10:100:10");
    REQUIRE(d.size() == 10);
    CHECK(d.numbers[0] == 10);
    CHECK(d.numbers[9] == 100);
    CHECK(d.labels[4] == "50");
  }
}

TEST_CASE("sweep axis: lists of numbers and of ids", "[sweep]") {
  CHECK(parse_axis("width=8,16,64").numbers == std::vector<double>{8, 16, 64});
  const SweepAxis i = parse_axis("init=he_normal,lecun_normal");
  CHECK_FALSE(i.numeric);
  CHECK(i.labels == std::vector<std::string>{"he_normal", "lecun_normal"});
  CHECK(parse_axis("activation=tanh").labels == std::vector<std::string>{"tanh"});
  CHECK(parse_axis("optimizer=sgd,adam").size() == 2);
  CHECK(parse_axis("weightVar=1:4:13").numbers[4] == 2);
}

// residualScale is a number field with words (one, inv_sqrt_depth, ...): the depth_transfer
// preset splits on residualScale=one,inv_sqrt_depth. Such an axis is not numeric (the output
// prints its labels, as for ids); a list of numbers alone stays numeric.
TEST_CASE("sweep axis: a number field's words are list items, labelled as typed", "[sweep]") {
  const SweepAxis r = parse_axis("residualScale=one,inv_sqrt_depth");
  CHECK(r.field == "residualScale");
  CHECK_FALSE(r.numeric);
  CHECK(r.numbers.empty());
  CHECK(r.labels == std::vector<std::string>{"one", "inv_sqrt_depth"});
  // A word beside numbers: the numbers are labelled in shortest form, as a numeric axis does.
  const SweepAxis m = parse_axis("residualScale=0.50,inv_depth,2");
  CHECK_FALSE(m.numeric);
  CHECK(m.labels == std::vector<std::string>{"0.5", "inv_depth", "2"});
  const SweepAxis n = parse_axis("residualScale=0.5,1");
  CHECK(n.numeric);
  CHECK(n.numbers == std::vector<double>{0.5, 1});
  CHECK_FALSE(parse_axis("gain=auto,1").numeric);  // gain's one word

  Config c;
  set_axis_value(c, r, 1);
  CHECK(c.residual_scale == ResidualScale::inv_sqrt_depth);
  set_axis_value(c, r, 0);
  CHECK(c.residual_scale == ResidualScale::one);
  set_axis_value(c, m, 0);
  CHECK(c.residual_scale == ResidualScale::value);
  CHECK(c.residual_scale_value == 0.5);
  set_axis_value(c, m, 1);
  CHECK(c.residual_scale == ResidualScale::inv_depth);
  set_axis_value(c, parse_axis("gain=auto,1"), 0);
  CHECK(c.gain_mode == GainMode::Auto);

  // As a split over a residual base: the cell configs get the words.
  SweepSpec s;
  s.base = tiny();
  s.base.architecture = Architecture::residual;
  s.axes = {parse_axis("learningRate=0.01,0.1"), parse_axis("depth=2,4"),
            parse_axis("residualScale=one,inv_sqrt_depth")};
  REQUIRE(cell_count(s) == 8);
  CHECK(task_config(s, 0).residual_scale == ResidualScale::one);
  const Config last = task_config(s, 7);  // lr 0.1, 4 blocks, 1/sqrt(B)
  CHECK(last.residual_scale == ResidualScale::inv_sqrt_depth);
  CHECK(last.hidden == std::vector<int>{8, 8, 8, 8});
  CHECK(last.learning_rate == 0.1);
  validate_sweep(s);
  // A number out of range among the words is validate()'s, as on a numeric axis.
  s.axes[2] = parse_axis("residualScale=one,20");
  CHECK_THROWS_WITH(validate_sweep(s),
                    "invalid residualScale = 20: expected a number in (0, 10] or one of one, "
                    "inv_sqrt_depth, inv_sqrt_2depth, inv_depth");
}

TEST_CASE("sweep axis: every malformed spec is refused with its own message", "[sweep]") {
  CHECK(error_of("learningRate") ==
        "invalid --x = \"learningRate\": expected FIELD=START:STOP:COUNT or FIELD=A,B,...");
  CHECK(error_of("=1:2:3") ==
        "invalid --x = \"=1:2:3\": expected FIELD=START:STOP:COUNT or FIELD=A,B,...");
  CHECK(error_of("depth=") ==
        "invalid --x = \"depth=\": expected FIELD=START:STOP:COUNT or FIELD=A,B,...");
  CHECK(error_of("seed=1:3:3")
            .rfind("invalid --x field = \"seed\": expected one of depth, width,", 0) == 0);
  CHECK(error_of("learningRate=1:4") ==
        "invalid learningRate = \"1:4\": expected START:STOP:COUNT (two numbers and a count)");
  CHECK(error_of("learningRate=a:4:3") ==
        "invalid learningRate = \"a:4:3\": expected START:STOP:COUNT (two numbers and a count)");
  CHECK(error_of("learningRate=1:4:0") ==
        "invalid learningRate count = 0: expected an integer in 1..1000");
  CHECK(error_of("learningRate=1:4:2.5") ==
        "invalid learningRate count = 2.5: expected an integer in 1..1000");
  CHECK(error_of("learningRate=1:4:x") ==
        "invalid learningRate count = \"x\": expected an integer in 1..1000");
  CHECK(error_of("depth=10:20:4") == "invalid depth = 13.333333333333334: expected an integer");
  CHECK(error_of("depth=1.5") == "invalid depth = 1.5: expected an integer");
  CHECK(error_of("learningRate=0.1,,0.2") == "invalid learningRate = \"\": expected a number");
  CHECK(error_of("learningRate=nan") == "invalid learningRate = \"nan\": expected a number");
  // A field's words are taken only where it has them, and a bad item names what it allows.
  CHECK(error_of("learningRate=0.1,one") == "invalid learningRate = \"one\": expected a number");
  CHECK(error_of("residualScale=one,inv_sqrt") ==
        "invalid residualScale = \"inv_sqrt\": expected a number in (0, 10] or one of one, "
        "inv_sqrt_depth, inv_sqrt_2depth, inv_depth");
  CHECK(error_of("residualScale=one:2:3") ==
        "invalid residualScale = \"one:2:3\": expected START:STOP:COUNT (two numbers and a count)");
  CHECK(error_of("gain=1,Auto") ==
        "invalid gain = \"Auto\": expected a number in [0, 100] or \"auto\"");
  CHECK(error_of("init=he_normal,foo").rfind("invalid init = \"foo\": expected one of zeros,", 0) ==
        0);
  CHECK(error_of("activation=1:2:3").rfind("invalid activation = \"1:2:3\": expected one of", 0) ==
        0);
}

TEST_CASE("sweep: cell configs set the axes, seeds are base + index", "[sweep]") {
  SweepSpec s;
  s.base = tiny();
  s.base.seed = 4294967295u;  // the last seed: index 1 wraps to 0
  s.axes = {parse_axis("width=4,6,10"), parse_axis("depth=1,3")};
  s.seeds = 2;
  REQUIRE(cell_count(s) == 6);
  REQUIRE(task_count(s) == 12);
  // task 9 = cell 4 (x index 1, y index 1), seed index 1
  const Config c = task_config(s, 9);
  CHECK(c.hidden == std::vector<int>{6, 6, 6});
  CHECK(c.seed == 0u);
  CHECK(task_config(s, 0).hidden == std::vector<int>{4});
  CHECK(task_config(s, 0).seed == 4294967295u);

  SECTION("depth and width axes give the same cell whichever is x") {
    SweepSpec t = s;
    std::swap(t.axes[0], t.axes[1]);
    // cell (depth 3, width 6) is x index 1, y index 1 in t: cell 1 * 2 + 1 = 3, seed 0: task 6
    CHECK(task_config(t, 6).hidden == std::vector<int>{6, 6, 6});
  }
  SECTION("weightVar x depth sets mean_field's sigma_w^2 and the depth") {
    SweepSpec t = s;
    t.base.init = Init::mean_field;
    t.axes = {parse_axis("weightVar=1:4:13"), parse_axis("depth=10:100:10")};
    t.seeds = 1;
    const Config m = task_config(t, 13 * 2 + 4);  // x index 4, y index 2
    CHECK(m.weight_var == 2);
    CHECK(m.hidden.size() == 30);
    CHECK(m.init == Init::mean_field);
  }
  SECTION("a categorical axis uses the core's ids") {
    SweepSpec t = s;
    t.axes = {parse_axis("init=zeros,lecun_normal")};
    CHECK(task_config(t, 2).init == Init::lecun_normal);
  }
}

// A split (the third axis: the x-y grid once per value, the page's panels side by side).
TEST_CASE("sweep: a split is a third axis, x fastest then y then the split", "[sweep]") {
  SweepSpec s;
  s.base = tiny();
  s.axes = {parse_axis("learningRate=0.01,0.1,1"), parse_axis("width=4,8"),
            parse_axis("parametrization=sp,mup")};
  s.seeds = 2;
  REQUIRE(cell_count(s) == 12);
  REQUIRE(task_count(s) == 24);
  // cell 11 = (iz 1, iy 1, ix 2)
  CHECK(axis_index(s, 11, 0) == 2);
  CHECK(axis_index(s, 11, 1) == 1);
  CHECK(axis_index(s, 11, 2) == 1);
  CHECK(axis_index(s, 4, 0) == 1);
  CHECK(axis_index(s, 4, 1) == 1);
  CHECK(axis_index(s, 4, 2) == 0);
  const Config c = task_config(s, 2 * 7 + 1);  // cell 7: lr 0.1, width 4, mup; seed index 1
  CHECK(c.learning_rate == 0.1);
  CHECK(c.hidden == std::vector<int>{4, 4});
  CHECK(c.parametrization == Parametrization::mup);
  CHECK(c.seed == s.base.seed + 1);
  CHECK(task_config(s, 0).parametrization == Parametrization::sp);
  validate_sweep(s);
  s.axes[2] = parse_axis("width=4,8");
  try {
    validate_sweep(s);
    FAIL("a split on the y axis's field is refused");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "invalid axes = \"width\": expected different fields");
  }
  s.axes[2] = parse_axis("parametrization=sp,mup");
  s.axes.push_back(parse_axis("init=he_normal"));
  CHECK_THROWS_AS(validate_sweep(s), ConfigError);  // four axes
}

TEST_CASE("sweep: validate_sweep names the first bad cell and the sweep's own fields", "[sweep]") {
  SweepSpec s;
  s.base = tiny();
  s.axes = {parse_axis("learningRate=0:1:3")};
  CHECK_THROWS_WITH(validate_sweep(s), "invalid learningRate = 0: expected a number in (0, 10]");
  s.axes = {parse_axis("depth=100,300")};
  CHECK_THROWS_WITH(validate_sweep(s), "invalid depth = 300: expected an integer in 1..200");
  s.axes = {parse_axis("width=8,4096")};
  CHECK_THROWS_WITH(validate_sweep(s),
                    "invalid width = 4096: expected an integer in 1..2048" + page_caps().note);
  s.axes = {parse_axis("depth=1,2"), parse_axis("depth=3")};
  CHECK_THROWS_WITH(validate_sweep(s), "invalid axes = \"depth\": expected different fields");
  s.axes = {};
  CHECK_THROWS_WITH(validate_sweep(s),
                    "invalid axes = 0: expected one or two axes, and optionally a split");
  s.axes = {parse_axis("depth=1,2")};
  s.seeds = 0;
  CHECK_THROWS_WITH(validate_sweep(s), "invalid seeds = 0: expected an integer in 1..100");
  s.seeds = 1;
  CHECK_NOTHROW(validate_sweep(s));
}

TEST_CASE("sweep: a cell is the Run it names, to the bit, and the same every time", "[sweep]") {
  Config c = tiny();
  c.learning_rate = 0.1;
  const CellResult a = evaluate_cell(c, 25);
  const CellResult b = evaluate_cell(c, 25);
  Run run(c);
  run.step(10);
  run.step(15);  // stepping in pieces is the same training
  const Evaluation e = run.evaluate();
  CHECK(a.step == 25);
  for (const CellResult& r : {a, b}) {
    CHECK(same_bits(r.train_loss, e.train_loss));
    CHECK(same_bits(r.test_loss, e.test_loss));
    CHECK(same_bits(r.train_accuracy, e.train_accuracy));
    CHECK(same_bits(r.test_accuracy, e.test_accuracy));
    CHECK_FALSE(r.diverged_at);
  }
  SECTION("another seed gives other numbers (the seed reaches the run)") {
    Config d = c;
    d.seed = sweep_seed(c.seed, 1);
    CHECK_FALSE(same_bits(evaluate_cell(d, 25).train_loss, a.train_loss));
  }
}

TEST_CASE("sweep: a diverging cell stops and records where, and summaries skip it", "[sweep]") {
  Config c = tiny();
  c.init = Init::normal;
  c.init_std = 100;
  c.learning_rate = 10;
  c.hidden = {64, 64, 64, 64};
  const CellResult r = evaluate_cell(c, 200);
  REQUIRE(r.diverged_at);
  CHECK(r.step == *r.diverged_at);
  CHECK(r.step < 200);

  CellResult ok;
  ok.train_loss = 1;
  ok.test_loss = 2;
  ok.train_accuracy = 0.5;
  ok.test_accuracy = 0.25;
  CellResult ok2 = ok;
  ok2.train_loss = 2;
  const CellResult three[] = {ok, r, ok2};
  const CellSummary s = summarize(three, 3);
  CHECK(s.diverged == 1);
  CHECK(s.train_loss == 1.5);
  CHECK(s.test_accuracy == 0.25);
  const CellResult all_bad[] = {r};
  CHECK(std::isnan(summarize(all_bad, 1).train_loss));
}
