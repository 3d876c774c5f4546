// ItemRecord: the typed form of an item-log line reproduces the line byte for byte, for every
// record every tier writes, and its envelope holds what the line says.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "llmbench/records/fields.hpp"
#include "llmbench/records/item_record.hpp"
#include "llmbench/run/request_fields.hpp"
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

namespace {

// What put_request_stats wrote before it filled its objects in place: operator[] and
// initializer lists (the reference its output must equal, byte for byte).
void put_request_stats_by_tree(json& out, const records::RequestStats& stats) {
  const auto nullable = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
  out[records::field::kHttpStatus] = stats.http_status;
  out[records::field::kAttempts] = stats.attempts;
  if (!stats.timings) return;
  const records::RequestTimings& t = *stats.timings;
  out["cached"] = t.cached;
  out["latency_ms"] = nullable(t.latency_ms);
  out["ttft_ms"] = nullable(t.ttft_ms);
  out["cached_latency_ms"] = nullable(t.cached_latency_ms);
  out["usage"] = t.usage ? json{{"prompt_tokens", t.usage->prompt_tokens},
                                {"completion_tokens", t.usage->completion_tokens}}
                         : json();
  if (t.stream) {
    const records::StreamStats& s = *t.stream;
    out["stream"] = {{"ttfo_ms", nullable(s.ttfo_ms)},
                     {"tpot_ms", nullable(s.tpot_ms)},
                     {"itl_ms", s.itl_ms},
                     {"output_tokens", s.output_tokens},
                     {"output_tokens_from", s.output_tokens_from}};
    if (!s.token_times_from.empty()) out["stream"]["token_times_from"] = s.token_times_from;
  }
}

}  // namespace

TEST_CASE("item_record: request stats are written as the tree would hold them, over any fields of the same name",
          "[item_record]") {
  records::StreamStats stream;
  stream.ttfo_ms = 0.125;
  stream.itl_ms = {1e-300, 3.0, 1e300};
  stream.output_tokens = INT64_MAX;
  stream.output_tokens_from = "usage \xff\"\n";  // invalid UTF-8 and escapes, as hostile as any
  stream.token_times_from = "kernel";
  std::vector<records::RequestStats> cases;
  cases.push_back({0, 0, std::nullopt});  // never sent
  cases.push_back({200, 1, records::RequestTimings{true, std::nullopt, std::nullopt, 12.5, std::nullopt, std::nullopt}});
  cases.push_back({200, 3, records::RequestTimings{false, 1e-7, 0.5, std::nullopt,
                                                   records::Usage{INT64_MIN, INT64_MAX}, stream}});
  stream.token_times_from.clear();  // a record written before token_times_from
  stream.tpot_ms = 1.0 / 3.0;
  cases.push_back({429, 2, records::RequestTimings{false, 2.0, std::nullopt, std::nullopt, records::Usage{7, 0}, stream}});
  for (const records::RequestStats& stats : cases) {
    // Into nothing, into an object holding the same names with other values, and beside other fields.
    const json stale = {{"usage", "stale"}, {"stream", 1}, {"cached", "no"}, {"http_status", nullptr},
                        {"response", "kept \x01"}, {"zzz", json::array({1, 2})}};
    for (const json& before : {json(), json::object(), stale}) {
      json written = before, expected = before;
      records::put_request_stats(written, stats);
      put_request_stats_by_tree(expected, stats);
      INFO(journal_line(expected));
      CHECK(journal_line(written) == journal_line(expected));
      CHECK(written == expected);
    }
  }
}

TEST_CASE("item_record: a prompt's messages are written as role and content objects, in order, any bytes as they were",
          "[item_record]") {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  const std::vector<http::ChatMessage> messages = {
      {"system", ""}, {"user", every_byte}, {"assistant", "caf\xc3\xa9 \xe2\x82"}, {"user \"quoted\"", "\x7f\n\t\\"}};
  for (const auto& list : {std::vector<http::ChatMessage>{}, messages}) {
    json want = json::array();
    for (const auto& m : list) want.push_back({{"role", m.role}, {"content", m.content}});
    const json got = run::messages_json(list);
    CHECK(got == want);
    CHECK(journal_line(got) == journal_line(want));
  }
  CHECK(run::messages_json(messages)[1]["content"].get<std::string>() == every_byte);
}
