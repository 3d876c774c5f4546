#pragma once
// One line of an arena run's battle log (runs/<id>/battles.jsonl), typed: one judge's verdict
// on one pair of answers to one prompt, in one order. Field names are those of
// records/fields.hpp; docs/report-format.md says what each holds.
//
// The round trip is exact: to_json(from_json(line)) dumps to the bytes of the line, for every
// battle the arena writes. from_json takes a field when it has the type given here; anything
// else stays in `extra` as it was, and to_json writes `extra` over the typed fields. A battle
// that lacks a field the arena always writes gains it with its default.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::records {

struct BattleRecord {
  std::string battle_id;  // "<prompt_id>|<m1>|<m2>|<judge>|ab" (or "ba": swapped)
  std::string item_id;    // the prompt's id (as prompt_id)
  std::string prompt_id;
  std::string category;
  std::string prompt;
  std::array<std::string, 2> pair;  // the pair in the arena's order
  std::string model_a;              // as shown: A first
  std::string model_b;
  bool swapped = false;  // model_a is pair[1]
  std::string judge_model;
  std::string answer_a;
  std::string answer_b;
  // Null (nullopt) until the judge's verdict is read.
  std::optional<std::string> verdict;     // tasks::to_string(PairwiseVerdict)
  bool strong = false;                    // a "much better" verdict
  std::optional<std::string> raw_winner;  // "a", "b" or "tie", in the order shown
  std::optional<std::string> winner;      // raw_winner after flip resolution; null when failed
  bool flip = false;                      // the two orders named different models: both ties
  std::string status = "failed";          // "judged" or "failed"
  std::optional<std::string> rationale;   // the judge's reply
  std::optional<std::string> error_kind;  // records/fields.hpp error_kind, or a request outcome
  std::optional<std::string> error;
  std::optional<double> latency_ms;                 // the verdict request's; absent when none was sent
  nlohmann::json extra = nlohmann::json::object();  // fields of other types or names

  bool failed() const { return error_kind.has_value(); }
};

// nlohmann's conversions. from_json of a value that is not an object throws Error.
void to_json(nlohmann::json& out, const BattleRecord& battle);
void from_json(const nlohmann::json& in, BattleRecord& battle);

// The battles of a battle log's lines (read_journal's records), in order.
std::vector<BattleRecord> battle_records(const std::vector<nlohmann::json>& lines);

}  // namespace llmbench::records
