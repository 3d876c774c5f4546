// run/record_tally.cpp: the distinct items and the failures of an item log, each key counted
// once, last wins, whether the tally indexes the keys itself or its caller does.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/run/record_tally.hpp"
#include "llmbench/tiers/standard_metrics.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

json ok(const std::string& key, const std::string& model = "m1") {
  return {{"key", key}, {"generation_model", model}, {"error", nullptr}};
}

json failed(const std::string& key, const std::string& kind, int status = 0, const std::string& model = "m1") {
  json r = {{"key", key}, {"generation_model", model}, {"error_kind", kind}, {"error", "x"}};
  if (status != 0) r["http_status"] = status;
  return r;
}

}  // namespace

TEST_CASE("record_tally: a caller that indexes the keys itself gets the counts of a tally that indexes them",
          "[record_tally]") {
  const std::vector<json> log = {
      ok("a"),
      failed("t", "timeout"),
      ok("b"),
      failed("h", "http_status", 400),
      ok("h"),                            // resent with success: no failure
      failed("c", "http_status", 503),
      failed("c", "http_status", 503),    // failed again: counted once
      ok("d", "m2"),
      failed("d", "timeout", 0, "m2"),    // a success, then a failure: the failure wins
      failed("e", "timeout", 0, "m3"),
      ok("e", "m3"),                      // m3's only failure resent with success
  };
  run::RecordTally indexed;
  run::RecordTally seen;
  run::LatestByKey<char> keys;  // the caller's own index
  for (const json& r : log) {
    indexed.add(r);
    seen.add_seen(r, keys.put(r.at("key").get<std::string>(), 'x'));
  }
  CHECK(indexed.finished() == 7);  // a, t, b, h, c, d, e
  CHECK(seen.finished() == indexed.finished());
  const run::FailureCounts expected = indexed.failures();
  const run::FailureCounts counts = seen.failures();
  CHECK(counts.resendable == expected.resendable);
  CHECK(counts.permanent == expected.permanent);
  CHECK(counts.permanent.empty());  // the 400 was resent with success
  std::uint64_t resendable = 0;
  for (const auto& [kind, n] : counts.resendable) resendable += n;
  CHECK(resendable == 3);  // t, c and d
  for (const char* model : {"m1", "m2", "m3"}) {
    const json model_run = {{"generation_model", model}};
    INFO(model);
    CHECK(seen.has_errors(model_run) == indexed.has_errors(model_run));
  }
  CHECK(seen.has_errors({{"generation_model", "m2"}}));
  CHECK_FALSE(seen.has_errors({{"generation_model", "m3"}}));
}

TEST_CASE("record_tally: a tier aggregator says whether a record's key is new, so the sweep indexes each key once",
          "[record_tally][aggregation]") {
  run::LatestByKey<int> latest;
  CHECK(latest.put("a", 1));
  CHECK(latest.put("b", 2));
  CHECK_FALSE(latest.put("a", 3));
  const run::ModelMatrix models;
  const auto aggregator = tiers::standard_aggregator(models);
  const json record = {{"tier", "standard"}, {"key", "standard|mmlu/1|m"}, {"task", "mmlu"},
                       {"generation_model", "m"}, {"verdict", "correct"}};
  CHECK(aggregator->add(record));
  CHECK_FALSE(aggregator->add(record));
  json other = record;
  other["key"] = "standard|mmlu/2|m";
  CHECK(aggregator->add(other));
}
