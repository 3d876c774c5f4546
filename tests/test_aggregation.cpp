// Metrics aggregated as records stream by: the same, byte for byte, as aggregating every
// record held in memory at the end, with "a key seen twice counts once, last wins".

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "llmbench/run/latest_by_key.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench;
namespace fs = std::filesystem;

TEST_CASE("aggregation: the latest value of each key is kept, in the order of each key's last put", "[aggregation]") {
  run::LatestByKey<int> latest;
  latest.put("a", 1);
  latest.put("b", 2);
  latest.put("a", 3);
  latest.put("c", 4);
  latest.put("b", 5);
  std::vector<int> seen;
  latest.for_each([&](int v) { seen.push_back(v); });
  CHECK(seen == std::vector<int>{3, 4, 5});
  CHECK(latest.size() == 3);
}

TEST_CASE("aggregation: keys replaced across the store's blocks keep the order of their last put", "[aggregation]") {
  // More puts than one block holds (4,096), with keys put again from an earlier block.
  run::LatestByKey<int> latest;
  for (int i = 0; i < 10000; ++i) latest.put("k" + std::to_string(i), i);
  for (int i = 0; i < 10000; i += 3) latest.put("k" + std::to_string(i), 10000 + i);
  std::vector<int> seen;
  latest.for_each([&](int v) { seen.push_back(v); });
  std::vector<int> expected;
  for (int i = 0; i < 10000; ++i) {
    if (i % 3 != 0) expected.push_back(i);
  }
  for (int i = 0; i < 10000; i += 3) expected.push_back(10000 + i);
  CHECK(seen == expected);
  CHECK(latest.size() == 10000);
}

TEST_CASE("aggregation: the store's key index costs at most 56 bytes a key however many keys stream by",
          "[aggregation]") {
  // A sweep of every tier puts some 83,000 keys in each of several stores; a node-based map
  // cost some 60 bytes a key and more while it rehashed.
  run::LatestByKey<char> latest;
  std::size_t most = 0;  // the most index bytes a key, once there are 64 keys
  for (int i = 0; i < 200000; ++i) {
    latest.put("standard|mmlu/" + std::to_string(i) + "|sim-small", 'x');
    if (i % 7 == 0) latest.put("standard|mmlu/" + std::to_string(i / 2) + "|sim-small", 'y');  // a key put again
    if (i >= 64) most = std::max(most, latest.index_bytes() / latest.size());
  }
  CHECK(most <= 56);
  CHECK(latest.size() == 200000);
  std::size_t again = 0;
  latest.for_each([&](char v) { again += v == 'y' ? 1 : 0; });
  CHECK(again == 200000 / 7 + 1);
}

TEST_CASE("aggregation: a resumed sweep of every tier gives the metrics the build that held every record gave",
          "[aggregation][sweep]") {
  const fs::path fixture = fs::path(LLMBENCH_SOURCE_DIR) / "tests" / "data" / "sweep_aggregation";
  const std::string dir = test::temp_dir("aggregation");
  std::ofstream(dir + "/empty.env");
  json runs = json::parse(std::ifstream(fixture / "benchmark_runs.json"));
  // The checkout's config: its sim models (the simulator only answers the model check).
  runs.at(0)["flags"]["config"] = LLMBENCH_SOURCE_DIR "/configs/models.yaml";
  fs::create_directories(dir + "/out/runs/aggregation");
  std::ofstream(dir + "/out/benchmark_runs.json") << runs.dump(1);
  fs::copy_file(fixture / "items.jsonl", dir + "/out/runs/aggregation/items.jsonl");

  // Every item is in the log: nothing is sent, the metrics come from the log alone.
  const test::CliResult r = test::run_cli({"run", "--resume", "aggregation", "--output-dir", dir + "/out",
                                           "--env-file", dir + "/empty.env", "--progress", "none"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // the tier_2 answer whose last record is an HTTP 503
  CHECK(r.out.find("1 item failed with errors a resend can fix (http 503 1)") != std::string::npos);
  CHECK(r.out.find("81 items kept from before the resume") != std::string::npos);
  const json run = json::parse(std::ifstream(dir + "/out/benchmark_runs.json")).back();
  CHECK(run.at("status") == "completed");
  const json expected = json::parse(std::ifstream(fixture / "expected_model_runs.json"));
  CHECK(run.at("model_runs").dump(1) == expected.dump(1));
}
