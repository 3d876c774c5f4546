#include "llmbench/arena/vote_import.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/report/store.hpp"

namespace llmbench::arena {
namespace {

using nlohmann::json;
namespace field = records::field;

constexpr std::size_t kDuplicateExamples = 5;

// A string field; `required` says whether an absent or null one is an error. Returns the
// problem, or "" when the field is fine.
std::string text_field(const json& line, const char* name, bool required, std::string& to) {
  auto it = line.find(name);
  if (it == line.end() || it->is_null()) return required ? fmt::format("{} is missing", name) : "";
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
    return fmt::format("{} must be a {}string (got {})", name, required ? "non-empty " : "", it->dump());
  }
  to = it->get<std::string>();
  return "";
}

// The vote of one line, checked against the run's units (key -> the pair); throws InputError.
records::VoteRecord parse_vote(const json& line, const std::map<std::string, std::set<std::string>>& units,
                               const std::string& file, int line_no) {
  const auto fail = [&](const std::string& why) { throw InputError(file, line_no, why); };
  if (!line.is_object()) fail("a vote is a JSON object, not " + line.dump());
  records::VoteRecord v = line.get<records::VoteRecord>();
  v.voter.clear();
  for (const auto& [name, required, to] : {std::tuple{field::kVoter, true, &v.voter},
                                           std::tuple{field::kModelA, true, &v.model_a},
                                           std::tuple{field::kModelB, true, &v.model_b},
                                           std::tuple{field::kVote, true, &v.vote},
                                           std::tuple{field::kPromptId, false, &v.prompt_id},
                                           std::tuple{field::kKey, false, &v.key}}) {
    if (std::string why = text_field(line, name, required, *to); !why.empty()) fail(why);
  }
  if (v.vote != "a" && v.vote != "b" && v.vote != "tie" && v.vote != "both_bad") {
    fail(fmt::format("vote {} is not one of a, b, tie, both_bad", json(v.vote).dump()));
  }
  if (v.key.empty() && v.prompt_id.empty()) fail("key is missing (or give prompt_id: the unit is prompt_id and the pair)");
  if (v.key.empty()) v.key = unit_key(v.prompt_id, v.model_a, v.model_b);
  auto unit = units.find(v.key);
  if (unit == units.end()) fail(fmt::format("no battle of this arena run has key {}", json(v.key).dump()));
  if (v.model_a == v.model_b || !unit->second.count(v.model_a) || !unit->second.count(v.model_b)) {
    fail(fmt::format("model_a and model_b ({}, {}) are not the pair of battle {}", json(v.model_a).dump(),
                     json(v.model_b).dump(), json(v.key).dump()));
  }
  const std::string winner = v.vote == "a" ? v.model_a : v.vote == "b" ? v.model_b : "tie";
  if (line.contains(field::kWinnerModel) && v.winner_model != winner) {
    fail(fmt::format("winner_model {} does not match vote {} (expected {})",
                     line[field::kWinnerModel].dump(), json(v.vote).dump(), json(winner).dump()));
  }
  v.winner_model = winner;
  return v;
}

}  // namespace

VoteImport read_vote_files(const std::vector<std::filesystem::path>& files,
                           const std::vector<records::BattleRecord>& battles,
                           const std::vector<records::VoteRecord>& existing) {
  std::map<std::string, std::set<std::string>> units;
  for (const records::BattleRecord& b : battles) {
    if (b.model_a.empty() || b.model_b.empty()) continue;
    units[unit_key(b.prompt_id, b.model_a, b.model_b)] = {b.model_a, b.model_b};
  }
  std::map<std::pair<std::string, std::string>, std::string> kept;  // (voter, key) -> winner model
  for (const records::VoteRecord& v : existing) kept.emplace(std::pair{v.voter, v.key}, v.winner_model);
  VoteImport out;
  for (const std::filesystem::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string(), 0, fmt::format("cannot read the votes file: {}", std::strerror(errno)));
    int line_no = 0;
    for (std::string text; std::getline(in, text);) {
      ++line_no;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      json line;
      try {
        line = json::parse(text);
      } catch (const json::parse_error& e) {
        throw InputError(path.string(), line_no, fmt::format("not valid JSON ({})", e.what()));
      }
      records::VoteRecord v = parse_vote(line, units, path.string(), line_no);
      auto [it, added] = kept.try_emplace(std::pair{v.voter, v.key}, v.winner_model);
      if (added) {
        out.added.push_back(std::move(v));
        continue;
      }
      ++out.duplicates;
      const bool differs = it->second != v.winner_model;
      out.conflicting += differs ? 1 : 0;
      if (out.duplicate_examples.size() < kDuplicateExamples) {
        out.duplicate_examples.push_back(fmt::format("{}:{}: voter {} already voted on battle {}{}", path.string(), line_no,
                                                     json(v.voter).dump(), json(v.key).dump(),
                                                     differs ? " (with another outcome; the earlier vote counts)" : ""));
      }
    }
    if (in.bad()) throw InputError(path.string(), line_no, "read error");
  }
  return out;
}

json record_human_votes(const std::filesystem::path& output_dir, const json& arena_record,
                        const std::vector<records::BattleRecord>& battles, const std::vector<records::VoteRecord>& votes,
                        const VoterFilter& filter) {
  const json& arena = arena_record["arena"];
  const std::string id = arena_record["id"].get<std::string>();
  const std::vector<std::string> models = arena.value("generation_models", std::vector<std::string>());
  const std::vector<std::string> judges = arena.value("judge_models", std::vector<std::string>());
  json human = human_summary(votes, battles, models, judges, arena.value("bootstrap_rounds", 1000),
                             arena.value("bootstrap_seed", std::uint64_t{0}), filter);
  report::update_runs(output_dir / report::kReportFileName, [&](json& runs) {
    for (json& r : runs) {
      if (r.value("id", std::string()) != id || !r.contains("arena")) continue;
      r["arena"]["human"] = human;
      for (json& row : r["arena"]["judge_bias"]) {
        row["human_agreement"] = human["judge_agreement"].value(row.value("judge_model", std::string()), json(nullptr));
      }
    }
  });
  return human;
}

}  // namespace llmbench::arena
