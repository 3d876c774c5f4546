#pragma once
// One line of an arena run's vote log (runs/<id>/votes.jsonl), typed: a person's blind vote on
// one (prompt, pair) unit, as `llmbench arena vote` appends it. Field names are those of
// records/fields.hpp; docs/report-format.md says what each holds.
//
// The round trip is exact, as for BattleRecord: to_json(from_json(line)) dumps to the bytes of
// the line for every vote the arena writes; a field of another type or name stays in `extra`.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::records {

struct VoteRecord {
  std::string key;        // arena::unit_key(prompt_id, m1, m2): the same for both orders
  std::string prompt_id;
  std::string model_a;    // as shown: A first
  std::string model_b;
  std::string vote;          // "a", "b", "tie" or "both_bad"
  std::string winner_model;  // the model voted for, or "tie" (for "tie" and "both_bad")
  std::uint64_t seed = 0;    // the session's seed, which chose who was shown as A
  std::string timestamp;     // UTC ISO 8601, when it was cast
  std::string voter;         // who cast it (`arena vote --voter`); "" = unnamed, not written
  nlohmann::json extra = nlohmann::json::object();  // fields of other types or names
};

// nlohmann's conversions. from_json of a value that is not an object throws Error.
void to_json(nlohmann::json& out, const VoteRecord& vote);
void from_json(const nlohmann::json& in, VoteRecord& vote);

}  // namespace llmbench::records
