// `llmbench datasets list` end to end, through the real binary.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "llmbench/data/tasks.hpp"
#include "support/cli.hpp"

using llmbench::test::run_cli;

TEST_CASE("datasets_cli: list shows every standard task with its loaded item count",
          "[data][cli]") {
  const auto r = run_cli({"datasets", "list"});
  REQUIRE(r.exit_code == 0);
  for (const char* expected :
       {"mmlu", "14042", "285 (dev)", "gsm8k", "1319", "arc_challenge", "1172", "arc_easy", "2376",
        "truthfulqa_mc1", "790", "hellaswag", "10042", "medqa", "1273", "CC BY-SA 4.0",
        "Apache-2.0", "hellaswag/hellaswag_val_full.txt.bz2"}) {
    INFO(expected);
    CHECK(r.out.find(expected) != std::string::npos);
  }
}

TEST_CASE("datasets_cli: --format json lists tasks with counts and includes custom tasks",
          "[data][cli]") {
  const auto r = run_cli({"datasets", "list", "--format", "json", "--tasks-file",
                          "benchmarks/data/custom_example/tasks.yaml"});
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  const auto& tasks = doc.at("tasks");
  const std::size_t standard = llmbench::data::standard_tasks().size();  // then the file's three custom tasks
  REQUIRE(tasks.size() == standard + 3);
  CHECK(tasks[0]["name"] == "mmlu");
  CHECK(tasks[0]["items"] == 14042);
  CHECK(tasks[0]["fewshot_items"] == 285);
  for (const auto& t : tasks) {
    if (t["origin"] == "standard") CHECK(t["items"] == t["items_expected"]);
  }
  CHECK(tasks[standard]["name"] == "example_capitals");
  CHECK(tasks[standard]["origin"] == "custom");
  CHECK(tasks[standard]["items"] == 5);
}

TEST_CASE("datasets_cli: a missing --data-dir exits 2 naming the directory", "[data][cli]") {
  const auto r = run_cli({"datasets", "list", "--data-dir", "/no/such/data"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("llmbench: error: /no/such/data: --data-dir") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("datasets_cli: without ./benchmarks/data the source tree's data is used",
          "[data][cli]") {
  const auto r = run_cli({"datasets", "list", "--format", "json"}, llmbench::test::temp_dir());
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["tasks"][1]["items"] == 1319);
}

TEST_CASE("datasets_cli: a bad --format value exits 2", "[data][cli]") {
  const auto r = run_cli({"datasets", "list", "--format", "xml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--format") != std::string::npos);
}
