// Composite scores (--weights): normalisation by catalogue kind and direction, the weighted mean
// computed by hand, a missing metric making the composite absent, the seeded bootstrap interval,
// the weights file's errors, and a run with --weights end to end on the embedded simulator.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/composite.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/composite_weights.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

const metrics::Metric& metric(std::string_view scope, std::string_view key) { return *metrics::find_metric(scope, key); }

}  // namespace

TEST_CASE("composite: rates are taken as they are, judge scores map 1-5 onto 0-1, lower-is-better is inverted",
          "[composite]") {
  CHECK(metrics::normalise(metric("standard", "accuracy"), 0.8) == Approx(0.8));
  CHECK(metrics::normalise(metric("tier_2", "avg_faithfulness"), 4.0) == Approx(0.75));
  CHECK(metrics::normalise(metric("tier_2", "avg_faithfulness"), 1.0) == Approx(0.0));
  CHECK(metrics::normalise(metric("tier_2", "avg_rougeL_f"), 0.4) == Approx(0.4));
  CHECK(metrics::normalise(metric("standard", "over_refusal.rate"), 0.1) == Approx(0.9));
}

TEST_CASE("composite: metrics without a scale are relative to the run's best model", "[composite]") {
  const auto& p95 = metric("standard", "latency_ms.p95");  // lower is better
  CHECK(metrics::normalise(p95, 200, 100) == Approx(0.5));
  CHECK(metrics::normalise(p95, 100, 100) == Approx(1.0));
  CHECK(metrics::normalise(p95, 5, 0) == Approx(0.0));
  const auto& evaluated = metric("tier_2", "successful_evaluations");  // higher is better
  CHECK(metrics::normalise(evaluated, 30, 40) == Approx(0.75));
}

TEST_CASE("composite: the weighted mean of normalised metrics, computed by hand", "[composite]") {
  // accuracy 0.8 (weight 2) and a p95 twice the best's (0.5, weight 1): (2 x 0.8 + 0.5) / 3 = 0.7.
  const auto c = metrics::composite_score({{2, 0.8, {}}, {1, 0.5, {}}}, {});
  REQUIRE(c.value);
  CHECK(*c.value == Approx(0.7));
  CHECK_FALSE(c.ci95);  // no item-level metric: no interval
}

TEST_CASE("composite: a missing metric makes the composite absent, never zero", "[composite]") {
  const auto c = metrics::composite_score({{2, 0.8, {1, 1, 0}}, {1, std::nullopt, {}}}, {});
  CHECK_FALSE(c.value);
  CHECK_FALSE(c.ci95);
}

TEST_CASE("composite: the bootstrap interval is seeded, reproducible, and brackets the value", "[composite]") {
  std::vector<double> items;
  for (int i = 0; i < 200; ++i) items.push_back(i % 10 < 7 ? 1 : 0);  // 0.7
  const std::vector<metrics::CompositeTerm> terms = {{1, 0.7, items}, {1, 0.5, {}}};
  const auto a = metrics::composite_score(terms, {.rounds = 500, .seed = 7});
  const auto b = metrics::composite_score(terms, {.rounds = 500, .seed = 7});
  const auto other = metrics::composite_score(terms, {.rounds = 500, .seed = 8});
  REQUIRE(a.ci95);
  REQUIRE(other.ci95);
  CHECK(*a.value == Approx(0.6));
  CHECK(a.ci95->low == b.ci95->low);
  CHECK(a.ci95->high == b.ci95->high);
  CHECK((a.ci95->low != other.ci95->low || a.ci95->high != other.ci95->high));
  CHECK(a.ci95->low < 0.6);
  CHECK(a.ci95->high > 0.6);
  // Only the accuracy varies, at half weight: the interval is about half the accuracy's
  // (0.7 +- 1.96 x sqrt(0.21 / 200) = +- 0.064), so about +- 0.032 around 0.6.
  CHECK(a.ci95->high - a.ci95->low == Approx(0.064).margin(0.015));
}

TEST_CASE("composite: apply_composite scores each model run and names what one lacks", "[composite]") {
  json model_runs = json::parse(R"([
    {"generation_model": "a", "metrics": {"standard": {"mmlu": {"accuracy": 0.8, "latency_ms": {"p95": 100}},
                                                       "gsm8k": {"accuracy": 0.5}}}},
    {"generation_model": "b", "metrics": {"standard": {"mmlu": {"accuracy": 0.6, "latency_ms": {"p95": 400}}}}}
  ])");
  const std::string dir = test::temp_dir();
  const std::string file = test::write_text_file(
      dir, "weights.yaml", "weights:\n  standard.mmlu.accuracy: 2\n  standard.mmlu.latency_ms.p95: 1\n");
  const auto weights = run::load_weights(file);
  REQUIRE(weights.size() == 2);
  const json block = run::apply_composite(weights, file, model_runs, dir + "/no-log.jsonl", 1);
  // a: (2 x 0.8 + 1 x 1) / 3; b: (2 x 0.6 + 1 x 100/400) / 3.
  CHECK(model_runs[0]["composite"]["value"].get<double>() == Approx(2.6 / 3));
  CHECK(model_runs[1]["composite"]["value"].get<double>() == Approx(1.45 / 3));
  CHECK(model_runs[0]["composite"]["missing"].empty());
  CHECK(block.at("weights").at(0) == json({{"metric", "standard.mmlu.accuracy"}, {"weight", 2.0}}));

  const std::string with_gsm8k = test::write_text_file(
      dir, "weights2.yaml", "weights:\n  standard.mmlu.accuracy: 1\n  standard.gsm8k.accuracy: 1\n");
  run::apply_composite(run::load_weights(with_gsm8k), with_gsm8k, model_runs, dir + "/no-log.jsonl", 1);
  CHECK(model_runs[0]["composite"]["value"].get<double>() == Approx(0.65));
  CHECK(model_runs[1]["composite"]["value"].is_null());
  CHECK(model_runs[1]["composite"]["missing"] == json::array({"standard.gsm8k.accuracy"}));
}

TEST_CASE("composite: judge scores and latency percentiles are resampled from the item log, a metric without "
          "per-item values held fixed, by hand",
          "[composite]") {
  // Model a's two faithfulness verdicts score 1 and 5 (normalised 0 and 1): a resample's mean
  // is 0, 0.5 or 1 (a quarter, half, a quarter of the rounds). Its exact-match rate 0.6 has no
  // per-item values and is held. Composite (0.5 + 0.6) / 2 = 0.55; its 95% interval is the
  // 2.5% and 97.5% points of {0.3, 0.55, 0.8}: [0.3, 0.8]. Model b's verdicts are 3 and 3: its
  // interval is [0.55, 0.55]. Their standard latencies (all 100 ms) are resampled too and never move.
  const std::string dir = test::temp_dir();
  {
    std::ofstream log(dir + "/items.jsonl");
    auto verdict = [&](const char* gen, const char* item, int score) {
      log << json{{"tier", "tier_2"}, {"key", fmt::format("tier_2|{}|gen={}|judge=j|faithfulness", item, gen)},
                  {"role", "judge"}, {"model", "j"}, {"generation_model", gen}, {"judge_model", "j"},
                  {"metric", "faithfulness"}, {"score", score}, {"error", nullptr}}.dump() << "\n";
    };
    verdict("a", "q1", 1);
    verdict("a", "q2", 5);
    verdict("b", "q1", 3);
    verdict("b", "q2", 3);
    for (const char* gen : {"a", "b"}) {
      for (int i = 0; i < 3; ++i) {
        log << json{{"tier", "standard"}, {"task", "mmlu"}, {"key", fmt::format("mmlu/{}/{}", gen, i)},
                    {"role", "generation"}, {"generation_model", gen}, {"latency_ms", 100.0}, {"correct", true},
                    {"error", nullptr}}.dump() << "\n";
      }
    }
  }
  json model_runs = json::parse(R"([
    {"generation_model": "a", "judge_model": "j", "metrics": {
      "tier_2": {"avg_faithfulness": 3, "response_exact_match_rate": 0.6},
      "standard": {"mmlu": {"latency_ms": {"p50": 100}}}}},
    {"generation_model": "b", "judge_model": "j", "metrics": {
      "tier_2": {"avg_faithfulness": 3, "response_exact_match_rate": 0.6},
      "standard": {"mmlu": {"latency_ms": {"p50": 100}}}}}
  ])");
  const std::string file = test::write_text_file(dir, "weights.yaml",
                                                 "weights:\n  tier_2.avg_faithfulness: 1\n"
                                                 "  tier_2.response_exact_match_rate: 1\n"
                                                 "  standard.mmlu.latency_ms.p50: 2\n");
  const auto weights = run::load_weights(file);
  const json block = run::apply_composite(weights, file, model_runs, dir + "/items.jsonl", 42);
  // With the latency (normalised 1 for both, weight 2): a = (0.5 + 0.6 + 2) / 4.
  const json& a = model_runs[0]["composite"];
  CHECK(a["value"].get<double>() == Approx(3.1 / 4));
  REQUIRE(a["ci95"].is_object());
  CHECK(a["ci95"]["low"].get<double>() == Approx(2.6 / 4));
  CHECK(a["ci95"]["high"].get<double>() == Approx(3.6 / 4));
  const json& b = model_runs[1]["composite"];
  CHECK(b["ci95"]["low"].get<double>() == Approx(3.1 / 4));
  CHECK(b["ci95"]["high"].get<double>() == Approx(3.1 / 4));
  CHECK(block.at("bootstrap").at("resampled") == json({"tier_2.avg_faithfulness", "standard.mmlu.latency_ms.p50"}));
  CHECK(block.at("bootstrap").at("fixed") == json({"tier_2.response_exact_match_rate"}));
  // Seeded: the same log and seed give the same interval.
  json again = json::parse(R"([{"generation_model": "a", "judge_model": "j", "metrics": {
      "tier_2": {"avg_faithfulness": 3, "response_exact_match_rate": 0.6},
      "standard": {"mmlu": {"latency_ms": {"p50": 100}}}}}])");
  run::apply_composite(weights, file, again, dir + "/items.jsonl", 42);
  CHECK(again[0]["composite"]["ci95"] == a["ci95"]);
}

TEST_CASE("composite: a standard task's judge score is resampled from that judge's verdicts in every model run",
          "[composite]") {
  // Judge j2 scored model a's two answers 2 and 4 (normalised 0.25 and 0.75); the model run
  // names judge j1, yet holds j2's score: j2's verdicts are resampled. Mean 3 -> 0.5, interval
  // [0.25, 0.75].
  const std::string dir = test::temp_dir();
  {
    std::ofstream log(dir + "/items.jsonl");
    for (int i = 0; i < 2; ++i) {
      log << json{{"tier", "standard"}, {"task", "open"}, {"key", fmt::format("open/{}/a|judge=j2", i)},
                  {"role", "judge"}, {"generation_model", "a"}, {"judge_model", "j2"}, {"score", 2 + 2 * i},
                  {"error", nullptr}}.dump() << "\n";
    }
  }
  json model_runs = json::parse(R"([{"generation_model": "a", "judge_model": "j1", "metrics": {
      "standard": {"open": {"judges": {"j2": {"score": 3}}}}}}])");
  const std::string file = test::write_text_file(dir, "weights.yaml", "weights:\n  standard.open.judges.j2.score: 1\n");
  const json block = run::apply_composite(run::load_weights(file), file, model_runs, dir + "/items.jsonl", 5);
  const json& c = model_runs[0]["composite"];
  CHECK(c["value"].get<double>() == Approx(0.5));
  REQUIRE(c["ci95"].is_object());
  CHECK(c["ci95"]["low"].get<double>() == Approx(0.25));
  CHECK(c["ci95"]["high"].get<double>() == Approx(0.75));
  CHECK(block.at("bootstrap").at("resampled") == json({"standard.open.judges.j2.score"}));
}

TEST_CASE("composite: a resampled latency percentile is the nearest rank of the draw, against the run's best",
          "[composite]") {
  // Items 100 and 300 ms, p50 at rank ceil(0.5 x 2) = 1: a draw's p50 is 100 unless both draws
  // are 300 (a quarter of the rounds). Normalised against the run's best 100: 1 or 1/3.
  metrics::CompositeTerm term{1, 1.0, {100, 300}, metrics::Statistic::nearest_rank, 0.5,
                              [](double x) { return metrics::normalise(metric("standard", "latency_ms.p50"), x, 100); }};
  const auto c = metrics::composite_score({term}, {.rounds = 1000, .seed = 3});
  REQUIRE(c.ci95);
  CHECK(c.ci95->low == Approx(1.0 / 3));
  CHECK(c.ci95->high == Approx(1.0));
  CHECK(metrics::statistic_of({300, 100}, metrics::Statistic::nearest_rank, 0.5) == 100);
  CHECK(metrics::statistic_of({300, 100, 200}, metrics::Statistic::sum) == 600);
}

TEST_CASE("composite: a weights key that names no metric is refused with its file, line and the nearest name",
          "[composite]") {
  const std::string dir = test::temp_dir();
  const std::string file =
      test::write_text_file(dir, "weights.yaml", "# weights\nweights:\n  standard.mmlu.accuracy: 1\n  standard.mmlu.acuracy: 2\n");
  try {
    run::load_weights(file);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.line() == 4);
    CHECK(std::string(e.what()).find(file + ":4:") != std::string::npos);
    CHECK(std::string(e.what()).find("did you mean \"accuracy\"") != std::string::npos);
  }
  const std::string zero = test::write_text_file(dir, "zero.yaml", "weights:\n  standard.mmlu.accuracy: 0\n");
  CHECK_THROWS_WITH(run::load_weights(zero), Catch::Contains("zero.yaml:2:") && Catch::Contains("a number > 0"));
  const std::string no_direction = test::write_text_file(dir, "none.yaml", "weights:\n  standard.mmlu.n: 1\n");
  CHECK_THROWS_WITH(run::load_weights(no_direction), Catch::Contains("none.yaml:2:") && Catch::Contains("no better direction"));
}

TEST_CASE("composite: run --weights stores the composite per model with its interval and prints it beside the weights",
          "[composite][sweep]") {
  const std::string dir = test::temp_dir();
  const std::string weights =
      test::write_text_file(dir, "weights.yaml", "weights:\n  standard.mmlu.accuracy: 2\n  standard.gsm8k.accuracy: 1\n");
  const std::string env = test::write_text_file(dir, "empty.env", "");
  const std::vector<std::string> args = {"run", "--env-file", env, "--tasks", "mmlu,gsm8k", "--limit", "20",
                                         "--generation-models", "sim-small,sim-large", "--output-dir", dir + "/out",
                                         "--progress", "none", "--weights", weights};
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("Composite (weighted mean of normalised metrics") != std::string::npos);
  CHECK(result.out.find("standard.mmlu.accuracy x 2, standard.gsm8k.accuracy x 1") != std::string::npos);
  const json run = report::read_runs(fs::path(dir) / "out" / report::kReportFileName).at(0);
  CHECK(run.at("composite").at("bootstrap").at("seed") == 1234);
  for (const json& mr : run.at("model_runs")) {
    const json& standard = mr.at("metrics").at("standard");
    const double expected = (2 * standard.at("mmlu").at("accuracy").get<double>() +
                             standard.at("gsm8k").at("accuracy").get<double>()) / 3;
    CHECK(mr.at("composite").at("value").get<double>() == Approx(expected));
    CHECK(mr.at("composite").at("ci95").at("low").get<double>() <= expected);
    CHECK(mr.at("composite").at("ci95").at("high").get<double>() >= expected);
  }
  // The same run again (its answers now cached) gives the same interval: the bootstrap is seeded.
  auto again = args;
  again[std::find(again.begin(), again.end(), dir + "/out") - again.begin()] = dir + "/out2";
  again.insert(again.end(), {"--cache-dir", dir + "/out/cache"});
  REQUIRE(test::run_cli(again).exit_code == 0);
  const json second = report::read_runs(fs::path(dir) / "out2" / report::kReportFileName).at(0);
  CHECK(second.at("model_runs").at(0).at("composite") == run.at("model_runs").at(0).at("composite"));
}
