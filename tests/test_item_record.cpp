// ItemRecord: the typed form of an item-log line reproduces the line byte for byte, for every
// record every tier writes, and its envelope holds what the line says.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "llmbench/records/fields.hpp"
#include "llmbench/records/item_record.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line as JournalWriter writes it.
std::string journal_line(const json& record) { return record.dump(-1, ' ', false, json::error_handler_t::replace); }

// Every line of `log` goes through ItemRecord and back to the same bytes; returns the records.
std::vector<records::ItemRecord> round_trip(const fs::path& log) {
  std::vector<records::ItemRecord> out;
  for (const std::string& line : lines_of(log)) {
    INFO(line);
    const records::ItemRecord record = json::parse(line).get<records::ItemRecord>();
    CHECK(journal_line(json(record)) == line);
    CHECK(journal_line(json(records::item_record_from_json(json::parse(line)))) == line);
    out.push_back(record);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "item_record: every line of a sweep of every tier (answers ok, truncated, failed, cached) round-trips byte for "
    "byte",
    "[item_record][sweep]") {
  const std::string dir = test::temp_dir("item-record");
  // sim-mute's four-token budget cuts its answers (truncated, scored) and its verdicts (failed).
  const std::string config = test::write_text_file(dir, "models.yaml",
                                                   "providers:\n  sim:\n    base_url: sim://\n"
                                                   "models:\n"
                                                   "  - {id: sim-small, provider: sim, sim_accuracy: 0.45}\n"
                                                   "  - {id: sim-medium, provider: sim, sim_accuracy: 0.65}\n"
                                                   "  - {id: sim-mute, provider: sim, model: sim-medium, "
                                                   "params: {max_tokens: 4}}\n"
                                                   "  - {id: sim-embed, provider: sim, kind: embedding}\n");
  const std::vector<std::string> args = {"run",
                                         "--config",
                                         config,
                                         "--tier",
                                         "all",
                                         "--tasks",
                                         "mmlu,gsm8k",
                                         "--limit",
                                         "2",
                                         "--consistency-runs",
                                         "2",
                                         "--generation-models",
                                         "sim-small,sim-mute",
                                         "--judge-models",
                                         "sim-medium,sim-mute",
                                         "--production-judge-models",
                                         "sim-mute",
                                         "--embedding-models",
                                         "sim-embed",
                                         "--output-dir",
                                         dir,
                                         "--progress",
                                         "none",
                                         "--run-id",
                                         "records"};
  const auto first = test::run_cli(args);
  INFO(first.out << first.err);
  REQUIRE((first.exit_code == 0 || first.exit_code == 1));
  // The same sweep again under another id: its answers come from the cache.
  std::vector<std::string> again = args;
  again.back() = "records-cached";
  const auto second = test::run_cli(again);
  INFO(second.out << second.err);
  REQUIRE((second.exit_code == 0 || second.exit_code == 1));

  std::vector<records::ItemRecord> all = round_trip(fs::path(dir) / "runs/records/items.jsonl");
  const auto cached = round_trip(fs::path(dir) / "runs/records-cached/items.jsonl");
  all.insert(all.end(), cached.begin(), cached.end());
  std::set<std::string> tiers;
  bool truncated = false, failed = false, from_cache = false;
  for (const records::ItemRecord& r : all) {
    tiers.insert(r.tier);
    CHECK_FALSE(r.key.empty());
    truncated = truncated || r.error_kind == records::error_kind::kTruncated;
    failed = failed || r.failed();
    from_cache = from_cache || (r.request && r.request->timings && r.request->timings->cached);
  }
  CHECK(tiers ==
        std::set<std::string>{"standard", "tier_0", "tier_1", "tier_2", "tier_3", "tier_judge", "tier_judge_pipeline",
                              "tier_ux"});
  CHECK(truncated);
  CHECK(failed);
  CHECK(from_cache);
}

TEST_CASE(
    "item_record: a failed item's envelope holds its error, kind, status and models, the tier's fields stay "
    "in the payload",
    "[item_record]") {
  // The aggregation fixture's log: a real sweep of every tier, with a timeout and an HTTP 503.
  const fs::path log = fs::path(LLMBENCH_SOURCE_DIR) / "tests/data/sweep_aggregation/items.jsonl";
  const auto all = round_trip(log);
  std::size_t failed = 0;
  for (const records::ItemRecord& r : all) {
    if (!r.failed()) continue;
    ++failed;
    REQUIRE(r.error_kind.has_value());
    REQUIRE(r.request.has_value());
    if (*r.error_kind == "http_status") CHECK(r.request->http_status == 503);
    CHECK(r.generation_model.has_value());
    CHECK_FALSE(r.payload.contains(records::field::kError));
    CHECK_FALSE(r.payload.contains(records::field::kGenerationModel));
  }
  CHECK(failed == 2);
}

TEST_CASE("item_record: a field of another type than the envelope's stays in the payload, as it was", "[item_record]") {
  const std::string line =
      R"({"attempts":"two","error":{"message":"odd"},"http_status":200,"key":"","latency_ms":5,"repeat":1.5,"tier":7})";
  const records::ItemRecord r = json::parse(line).get<records::ItemRecord>();
  CHECK(r.tier.empty());
  CHECK_FALSE(r.request.has_value());
  CHECK_FALSE(r.repeat.has_value());
  CHECK(r.payload.contains(records::field::kError));
  // "error_kind" was absent: it is written as null, as every tier writes it.
  CHECK(
      journal_line(json(r)) ==
      R"({"attempts":"two","error":{"message":"odd"},"error_kind":null,"http_status":200,"key":"","latency_ms":5,"repeat":1.5,"tier":7})");
}
