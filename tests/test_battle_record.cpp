// BattleRecord: the typed form of a battle-log line reproduces the line byte for byte, for
// judged battles and for each way a battle fails.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "llmbench/records/battle_record.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/vote_record.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench;

TEST_CASE("battle_record: every line of an arena's battle log, judged or failed, round-trips byte for byte",
          "[battle_record][arena]") {
  const std::string dir = test::temp_dir("battle-record");
  // Every way a battle ends: judged (sim-small against sim-large, by sim-large), an answer
  // missing (sim-broken's provider answers every request with a 500), a verdict cut off
  // (sim-mute's four-token budget ends every verdict before its [[A]]/[[B]]/[[C]]).
  const std::string config = test::write_text_file(
      dir, "models.yaml",
      "providers:\n  sim: {base_url: \"sim://\"}\n"
      "  broken: {base_url: \"sim://?server_error=1&first_attempt_only=false\"}\n"
      "models:\n"
      "  - {id: sim-small, provider: sim, sim_accuracy: 0.45}\n"
      "  - {id: sim-large, provider: sim, sim_accuracy: 0.85}\n"
      "  - {id: sim-broken, provider: broken, model: sim-large}\n"
      "  - {id: sim-mute, provider: sim, model: sim-large, params: {max_tokens: 4}}\n");
  const auto r = test::run_cli({"arena", "run", "--config", config, "--generation-models",
                                "sim-small,sim-large,sim-broken", "--judge-models", "sim-large,sim-mute", "--tasks",
                                "gsm8k", "--limit", "2", "--output-dir", dir, "--progress", "none",
                                "--bootstrap-rounds", "10", "--no-cache", "--retries", "0", "--run-id", "battles"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);  // some battles failed

  std::ifstream in(dir + "/runs/battles/battles.jsonl", std::ios::binary);
  std::set<std::string> kinds;
  std::size_t judged = 0, lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    INFO(line);
    const records::BattleRecord b = json::parse(line).get<records::BattleRecord>();
    CHECK(json(b).dump(-1, ' ', false, json::error_handler_t::replace) == line);
    CHECK(b.extra.empty());
    if (b.error_kind) kinds.insert(*b.error_kind);
    if (b.status == "judged") {
      ++judged;
      CHECK(b.winner.has_value());
      CHECK(b.latency_ms.has_value());
    }
  }
  CHECK(lines == 24);  // 3 pairs x 2 prompts x 2 orders x 2 judges
  CHECK(judged == 4);  // (sim-small, sim-large) by sim-large
  CHECK(kinds == std::set<std::string>{records::error_kind::kAnswerFailed, records::error_kind::kTruncated});
}

TEST_CASE("battle_record: a field the arena does not write, or of another type, is kept as it was", "[battle_record]") {
  json line = json(records::BattleRecord{});
  line["imported_from"] = "votes";
  line[records::field::kPair] = "a,b";
  const records::BattleRecord b = line.get<records::BattleRecord>();
  CHECK(b.extra.size() == 2);
  CHECK(json(b) == line);
}

TEST_CASE("vote_record: a field the vote log does not write, or of another type, is kept as it was", "[battle_record]") {
  json line = json(records::VoteRecord{});
  line["reviewer_note"] = "reviewer-3";
  line[records::field::kSeed] = -1;  // not a seed the tool writes: kept, not read
  const records::VoteRecord v = line.get<records::VoteRecord>();
  CHECK(v.extra.size() == 2);
  CHECK(v.seed == 0);
  CHECK(json(v) == line);
}

TEST_CASE("vote_record: a named voter is read and written back, an unnamed vote has no voter field", "[battle_record]") {
  json line = json(records::VoteRecord{});
  CHECK_FALSE(line.contains(records::field::kVoter));
  line[records::field::kVoter] = "reviewer-3";
  const records::VoteRecord v = line.get<records::VoteRecord>();
  CHECK(v.voter == "reviewer-3");
  CHECK(v.extra.empty());
  CHECK(json(v).dump() == line.dump());
}
