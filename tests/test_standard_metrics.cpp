// tiers/standard_metrics.cpp: the packed entry a sweep keeps per standard item gives the
// numbers the record holds, and the streaming aggregator keeps one entry a key, last wins.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/run/model_matrix.hpp"
#include "llmbench/tiers/standard_metrics.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

json answer(const std::string& key, const std::string& model, const std::string& verdict, double latency_ms) {
  return {{"key", key},       {"generation_model", model}, {"task", "gsm8k"},
          {"verdict", verdict}, {"latency_ms", latency_ms},  {"usage", {{"prompt_tokens", 7}, {"completion_tokens", 3}}}};
}

}  // namespace

TEST_CASE("standard metrics: an item's entry is kept in 48 bytes, its model included", "[standard_tier][aggregation]") {
  // A sweep keeps one per standard item (62,028 in a full two-model sweep of every tier).
  CHECK(sizeof(tiers::StandardEntry) <= 48);
}

TEST_CASE("standard metrics: latencies, stream times, tokens and further verdicts come out as the records hold them",
          "[standard_tier][aggregation]") {
  json streamed = answer("a", "m1", "correct", 0.9458769999999959);
  streamed["ttft_ms"] = 0.1234567890123;
  streamed["stream"] = {{"tpot_ms", 0.0123456789012}};
  streamed["verdict_strict"] = "wrong";
  json big = answer("b", "m1", "wrong", 2.5);
  big["usage"] = {{"prompt_tokens", 2147483647}, {"completion_tokens", -5}};  // the most an int holds; none
  const json metrics = tiers::standard_metrics({&streamed, &big}, std::nullopt).at("gsm8k");
  CHECK(metrics.at("latency_ms").at("mean").get<double>() == (0.9458769999999959 + 2.5) / 2);
  CHECK(metrics.at("ttft_ms").at("p50").get<double>() == 0.1234567890123);
  CHECK(metrics.at("tpot_ms").at("p95").get<double>() == 0.0123456789012);
  CHECK(metrics.at("tokens").at("prompt").get<std::int64_t>() == 2147483647LL + 7);
  CHECK(metrics.at("tokens").at("completion").get<std::int64_t>() == 3);
  CHECK(metrics.at("strict_match").at("n").get<int>() == 1);
  CHECK(metrics.at("strict_match").at("n_correct").get<int>() == 0);
  CHECK(metrics.at("flexible_extract").at("n_correct").get<int>() == 1);

  const json plain = answer("c", "m1", "correct", 1.0);
  CHECK_FALSE(tiers::standard_metrics({&plain}, std::nullopt).at("gsm8k").contains("ttft_ms"));
}

TEST_CASE("standard metrics: the streaming aggregator counts a key once, its last record, per model",
          "[standard_tier][aggregation]") {
  const run::ModelMatrix models;
  const auto aggregator = tiers::standard_aggregator(models);
  json first = answer("k1", "m1", "wrong", 5.0);
  first["ttft_ms"] = 4.0;
  first["stream"] = json::object();
  CHECK(aggregator->add(first));
  CHECK(aggregator->add(answer("k2", "m2", "correct", 1.5)));
  CHECK_FALSE(aggregator->add(answer("k1", "m1", "correct", 2.0)));  // a retry: replaces the stream too
  json runs = json::array({{{"generation_model", "m1"}}, {{"generation_model", "m2"}}});
  aggregator->finish(runs);
  const json& m1 = runs.at(0).at("metrics").at("standard").at("gsm8k");
  CHECK(m1.at("n").get<int>() == 1);
  CHECK(m1.at("n_correct").get<int>() == 1);
  CHECK(m1.at("latency_ms").at("mean").get<double>() == 2.0);
  CHECK_FALSE(m1.contains("ttft_ms"));
  CHECK(runs.at(1).at("metrics").at("standard").at("gsm8k").at("latency_ms").at("p50").get<double>() == 1.5);
}
