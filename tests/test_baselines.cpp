// Baselines (run/baselines.cpp): a bound, or a reference the metric must be no worse than in
// the direction the metric catalogue declares better.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/run/baselines.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

std::vector<run::Baseline> load(const std::string& yaml) {
  const std::string file = test::temp_dir("baselines") + "/baselines.yaml";
  std::ofstream(file) << "baselines:\n" << yaml;
  return run::load_baselines(file);
}

json model_run(double accuracy, double p95_ms, int errors) {
  return {{"generation_model", "m"},
          {"metrics",
           {{"standard", {{"mmlu", {{"accuracy", accuracy}, {"n_errors", errors}, {"latency_ms", {{"p95", p95_ms}}}}}}}}}};
}

}  // namespace

TEST_CASE("baselines: a reference is a floor for a metric where higher is better and a ceiling where lower is",
          "[baselines]") {
  const auto baselines =
      load("  standard.mmlu.accuracy: 0.6\n  standard.mmlu.latency_ms.p95: 1000\n  standard.mmlu.n_errors: 2\n");
  REQUIRE(baselines.size() == 3);
  CHECK(baselines[0].min == 0.6);
  CHECK_FALSE(baselines[0].max);
  CHECK(baselines[1].max == 1000);
  CHECK_FALSE(baselines[1].min);

  json better = json::array({model_run(0.7, 800, 0)});  // every metric better than its reference
  CHECK(run::apply_baselines(baselines, better) == "pass");

  json worse = json::array({model_run(0.5, 1500, 3)});  // accuracy fell, latency and errors rose
  CHECK(run::apply_baselines(baselines, worse) == "fail");
  const json& failures = worse[0].at("baseline_failures");
  REQUIRE(failures.size() == 3);
  CHECK(failures[0] == json{{"metric", "standard.mmlu.accuracy"}, {"value", 0.5}, {"min", 0.6}});
  CHECK(failures[1] == json{{"metric", "standard.mmlu.latency_ms.p95"}, {"value", 1500.0}, {"max", 1000.0}});
  CHECK(failures[2] == json{{"metric", "standard.mmlu.n_errors"}, {"value", 3.0}, {"max", 2.0}});
  CHECK(run::describe_baseline_failures(worse).find("standard.mmlu.latency_ms.p95 = 1500, above max 1000") !=
        std::string::npos);
}

TEST_CASE("baselines: a reference for a metric with no better direction is refused, naming min and max",
          "[baselines]") {
  CHECK_THROWS_WITH(load("  tier_judge.avg_score: 3\n"),
                    Catch::Contains("baselines.yaml:2: baselines: tier_judge.avg_score is neither better higher nor "
                                    "lower; give {min: X} and/or {max: Y}"));
}

TEST_CASE("baselines: a judge's score of a task scored by judges can be baselined", "[baselines]") {
  const auto baselines = load("  standard.open_why.judges.sim-j.score: 3.5\n");
  REQUIRE(baselines.size() == 1);
  CHECK(baselines[0].min == 3.5);
  json runs = json::array(
      {{{"metrics", {{"standard", {{"open_why", {{"judges", {{"sim-j", {{"score", 3.0}, {"n", 3}}}}}}}}}}}}});
  CHECK(run::apply_baselines(baselines, runs) == "fail");
  CHECK_THROWS_WITH(load("  standard.open_why.judges.sim-j.accuracy: 0.5\n"),
                    Catch::Contains("unknown metric \"judges.sim-j.accuracy\" of task open_why"));
}
