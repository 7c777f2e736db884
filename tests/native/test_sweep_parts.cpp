// tests/native/test_sweep_parts.cpp: the part file of a sharded sweep
// (core/include/initscope/sweep_parts.hpp): hash, shard assignment, and reading hostile text.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "initscope/sweep_parts.hpp"

using namespace initscope;
using namespace initscope::parts;

namespace {

std::string error_of(const std::string& text) {
  try {
    read_part(text, "p.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

Part sample_part() {
  Part p;
  p.k = 2;
  p.n = 3;
  p.definition = parse_json(R"({"config": {"seed": 42}, "steps": 5, "seeds": 2, "axes": []})");
  p.command = {"--x", "learningRate=0.1,0.2", "--name=\"quoted\"\n"};
  CellResult a;
  a.step = 5;
  a.train_loss = 0.1;  // not exact in binary: the text must still read back to the same bits
  a.test_loss = 1e-300;
  a.train_accuracy = -0.0;
  a.test_accuracy = 5e-324;  // the smallest subnormal
  CellResult b;
  b.step = 3;
  b.train_loss = std::numeric_limits<double>::quiet_NaN();
  b.test_loss = std::numeric_limits<double>::infinity();
  b.train_accuracy = -std::numeric_limits<double>::infinity();
  b.test_accuracy = 1.0 / 3;
  b.diverged_at = 3;
  p.tasks = {{1, a}, {7, b}};
  return p;
}

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

}  // namespace

TEST_CASE("sweep parts: FNV-1a 64 matches the published test vectors", "[sweep]") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
  CHECK(hash_text("a") == "fnv1a64:af63dc4c8601ec8c");
}

TEST_CASE("sweep parts: a part reads back exactly as written, every double to the bit", "[sweep]") {
  const Part p = sample_part();
  const std::string text = write_part(p);
  const Part q = read_part(text, "p.json");
  CHECK(q.k == 2);
  CHECK(q.n == 3);
  CHECK(q.command == p.command);
  CHECK(compact_json(q.definition) == compact_json(p.definition));
  REQUIRE(q.tasks.size() == 2);
  const CellResult& a = q.tasks[0].second;
  CHECK(q.tasks[0].first == 1);
  CHECK(same_bits(a.train_loss, 0.1));
  CHECK(same_bits(a.test_loss, 1e-300));
  CHECK(same_bits(a.train_accuracy, -0.0));
  CHECK(same_bits(a.test_accuracy, 5e-324));
  CHECK_FALSE(a.diverged_at);
  const CellResult& b = q.tasks[1].second;
  CHECK(std::isnan(b.train_loss));
  CHECK(b.test_loss == std::numeric_limits<double>::infinity());
  CHECK(b.train_accuracy == -std::numeric_limits<double>::infinity());
  CHECK(same_bits(b.test_accuracy, 1.0 / 3));
  CHECK(b.diverged_at == std::optional<int64_t>(3));
  CHECK(write_part(q) == text);  // and writes the same bytes again
}

TEST_CASE("sweep parts: truncated, edited and hostile parts are refused with a message",
          "[sweep]") {
  const std::string text = write_part(sample_part());
  SECTION("every truncation of the file") {
    for (std::size_t cut = 0; cut + 1 < text.size(); ++cut) {
      const std::string e = error_of(text.substr(0, cut));
      INFO(cut);
      CHECK(e.rfind("invalid part file \"p.json\"", 0) == 0);
    }
    CHECK(error_of(text.substr(0, 40)).find("truncated at byte 40") != std::string::npos);
  }
  SECTION("an edited number, an edited definition, an unknown key, another version") {
    std::string t = text;
    t.replace(t.find("0.1", t.find("\"tasks\"")), 3, "0.2");  // task 1's trainLoss
    CHECK(error_of(t).rfind("invalid part file \"p.json\" tasksHash = ", 0) == 0);
    t = text;
    t.replace(t.find("\"steps\": 5"), 10, "\"steps\": 6");
    CHECK(error_of(t).rfind("invalid part file \"p.json\" definitionHash = ", 0) == 0);
    t = text;
    t.replace(t.find("\"version\": 1"), 12, "\"version\": 2");
    CHECK(error_of(t) ==
          "invalid part file \"p.json\" version = 2: expected 1 (written by another initscope "
          "version)");
    t = text;
    t.insert(1, "\"extra\": 1,");
    CHECK(error_of(t) ==
          "invalid part file \"p.json\" key = \"extra\": expected only the keys a part file has");
    t = text;
    t.replace(t.find("\"2/3\""), 5, "\"4/3\"");
    CHECK(error_of(t) ==
          "invalid part file \"p.json\" shard = \"4/3\": expected K/N with N an integer in "
          "1..4096 and K in 1..N");
  }
  SECTION("not JSON, or JSON that is not a part") {
    CHECK(error_of("").find("truncated at byte 0") != std::string::npos);
    CHECK(error_of("[1, 2]") ==
          "invalid part file \"p.json\" = not a JSON object: expected a part file written by "
          "initscope sweep --shard or --checkpoint");
    CHECK(error_of("{\"a\": 1, \"a\": 2}").find("duplicate key") != std::string::npos);
    CHECK(error_of(std::string(100000, '[')).find("nested deeper than 64") != std::string::npos);
    CHECK(error_of("{\"format\": \"x\\ud800\"}").find("surrogate") != std::string::npos);
    CHECK(error_of("{} x").find("text after the JSON value") != std::string::npos);
    CHECK(error_of("{\"format\": NaN}").find("not JSON at byte 11") != std::string::npos);
    CHECK(error_of("{\"format\": 01}").find("not JSON") != std::string::npos);
    CHECK(error_of(std::string("{\"format\": \"a\0b\"}", 17)).find("control character") !=
          std::string::npos);
  }
  SECTION("tasks out of order, duplicated, negative or not integral") {
    // Rebuild the file around each hostile task list, with a correct hash, so only the rows
    // are wrong.
    const auto with_tasks = [&](const std::string& rows) {
      Json doc = parse_json(text);
      for (auto& m : doc.members) {
        if (m.first == "tasks") m.second = parse_json(rows);
        if (m.first == "tasksHash")
          m.second = json_string(hash_text(compact_json(parse_json(rows))));
      }
      std::string out;
      pretty_json(doc, out);
      return error_of(out);
    };
    const std::string ok = "[3, 5, 0.5, 0.5, 1, 1, null]";
    CHECK(with_tasks("[" + ok + "]") == "(no error)");
    CHECK(with_tasks("[" + ok + ", " + ok + "]") ==
          "invalid part file \"p.json\" tasks[1] task = 3: expected a task after 3 (tasks in "
          "increasing order, each once)");
    CHECK(with_tasks("[[-1, 5, 0.5, 0.5, 1, 1, null]]").find("tasks[0] task = -1") !=
          std::string::npos);
    CHECK(with_tasks("[[1.5, 5, 0.5, 0.5, 1, 1, null]]").find("tasks[0] task = 1.5") !=
          std::string::npos);
    CHECK(with_tasks("[[99999999999999999999, 5, 0.5, 0.5, 1, 1, null]]")
              .find("expected an integer in 0..2^53") != std::string::npos);
    CHECK(with_tasks("[[1, 5, 1e999, 0.5, 1, 1, null]]").find("tasks[0] trainLoss = 1e999") !=
          std::string::npos);
    CHECK(with_tasks("[[1, 5, \"nan\", 0.5, 1, 1, null]]").find("tasks[0] trainLoss") !=
          std::string::npos);
    CHECK(with_tasks("[[1, 5, 0.5]]").find("tasks[0] = [1,5,0.5]: expected an array of 7") !=
          std::string::npos);
  }
}

TEST_CASE("sweep parts: every task goes to exactly one shard, balanced by cost", "[sweep]") {
  SweepSpec s;
  s.base.samples = 100;
  s.base.hidden = {8};
  s.axes = {parse_axis("depth=1:8:8"), parse_axis("learningRate=0.1,0.2")};
  s.seeds = 3;
  for (int n : {1, 2, 3, 7, 48, 100}) {
    const auto shards = assign_shards(s, n);
    REQUIRE(shards.size() == static_cast<std::size_t>(n));
    std::vector<int> seen(task_count(s), 0);
    for (const auto& shard : shards)
      for (std::size_t t : shard) ++seen.at(t);
    for (int c : seen) CHECK(c == 1);
  }
  // Depth on x with N = 8 would give each shard one depth if dealt by index; by cost, the
  // costliest shard is within one task of the cheapest (the longest-processing-time bound).
  const auto shards = assign_shards(s, 8);
  double lo = 1e300, hi = 0, biggest = 0;
  for (const auto& shard : shards) {
    double sum = 0;
    for (std::size_t t : shard) {
      const double c = task_cost(task_config(s, t), s.steps);
      sum += c;
      biggest = std::max(biggest, c);
    }
    lo = std::min(lo, sum);
    hi = std::max(hi, sum);
  }
  CHECK(hi - lo <= biggest);
  SECTION("equal costs are dealt round-robin by task index") {
    SweepSpec e = s;
    e.axes = {parse_axis("learningRate=0.1,0.2,0.3,0.4,0.5")};
    e.seeds = 1;
    const auto r = assign_shards(e, 2);
    CHECK(r[0] == std::vector<std::size_t>{0, 2, 4});
    CHECK(r[1] == std::vector<std::size_t>{1, 3});
  }
}

TEST_CASE("sweep parts: K/N is parsed strictly", "[sweep]") {
  CHECK(parse_shard("1/1", "--shard") == std::make_pair(1, 1));
  CHECK(parse_shard("4096/4096", "--shard") == std::make_pair(4096, 4096));
  for (const char* bad : {"0/1", "2/1", "1/4097", "1", "/", "1/", "a/2", "01/2", " 1/2", "1/2 "})
    CHECK_THROWS_WITH(parse_shard(bad, "--shard"),
                      "invalid --shard = " + quote(bad) +
                          ": expected K/N with N an integer in 1..4096 and K in 1..N");
}
