#pragma once
// Votes from many people on one arena run: `llmbench arena import` merges vote files cast
// elsewhere (a colleague's runs/<id>/votes.jsonl from `arena vote --voter NAME`, a form's
// export) into the run's vote log, and both it and `arena vote` store what the votes add to
// the arena record (arena_votes.hpp human_summary).
//
// A line of an imported file is a JSON object with:
//   voter        non-empty string: who cast the vote (required: votes are told apart by it)
//   key          the unit (arena_analysis.hpp unit_key); or, instead, prompt_id: the unit is
//                then (prompt_id, model_a, model_b)
//   model_a, model_b   the pair as shown, one of the run's pairs on that prompt, either order
//   vote         "a", "b", "tie" or "both_bad"
//   winner_model optional; when given, the model voted for or "tie" (both bad: "tie")
//   seed, timestamp    optional, kept as given
// Empty lines are skipped. A vote is a duplicate when its (voter, unit) already has a vote, in
// the run's log or earlier in the files: it is reported, never counted twice, and the earlier
// vote is the one that counts.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/voters.hpp"
#include "llmbench/records/battle_record.hpp"
#include "llmbench/records/vote_record.hpp"

namespace llmbench::arena {

struct VoteImport {
  std::vector<records::VoteRecord> added;  // new votes, in file order
  std::size_t duplicates = 0;              // (voter, unit) already voted
  std::size_t conflicting = 0;             // of them, with another outcome than the vote kept
  std::vector<std::string> duplicate_examples;  // the first few: "file:line: voter ... already voted ..."
};

// Reads and checks every line of `files` against the run's `battles` and the votes already in
// its log (`existing`, latest_votes). Throws InputError naming file:line and what is wrong on
// the first bad line (nothing is imported then), or when a file cannot be read.
VoteImport read_vote_files(const std::vector<std::filesystem::path>& files,
                           const std::vector<records::BattleRecord>& battles,
                           const std::vector<records::VoteRecord>& existing);

// Computes human_summary over `votes` (the run's latest votes) and stores it as the arena
// record's `human`, with each judge's human_agreement in judge_bias, in <output_dir>'s report
// (under its lock). `arena_record` is the run's record as read. Returns the summary.
nlohmann::json record_human_votes(const std::filesystem::path& output_dir, const nlohmann::json& arena_record,
                                  const std::vector<records::BattleRecord>& battles,
                                  const std::vector<records::VoteRecord>& votes, const VoterFilter& filter);

}  // namespace llmbench::arena
