#pragma once
// Blind human votes on an arena's battles (`llmbench arena vote`): which pairs to show, in
// which order, how votes are stored and what they add to the arena record. No terminal
// I/O here (apps/cmd_arena.cpp does that); only data and text layout.
//
// runs/<id>/votes.jsonl holds one line per vote (records::VoteRecord), appended and flushed as
// it is cast.
// A unit (prompt, pair) the voter (`--voter`; unnamed by default) already voted on is not shown
// again, so voting resumes where it stopped; if a voter has several lines on a unit the last
// one counts. Many people may vote on one run, each under their own name (or elsewhere, merged
// by `arena import`, vote_import.hpp).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/records/battle_record.hpp"
#include "llmbench/arena/voters.hpp"
#include "llmbench/records/vote_record.hpp"

namespace llmbench::arena {

struct VoteBattle {
  std::string key;  // unit_key(prompt_id, m1, m2), see arena_analysis.hpp
  std::string prompt_id;
  std::string category;
  std::string prompt;
  std::string model_a;  // shown as A
  std::string model_b;  // shown as B
  std::string answer_a;
  std::string answer_b;
};

// One VoteBattle per (prompt, pair) with both answers, in the order the battles first name
// them. Which model is shown as A is a hash of (seed, key): random-looking, the same for
// the same seed (so a resumed session agrees with itself).
std::vector<VoteBattle> vote_battles(const std::vector<records::BattleRecord>& battles, std::uint64_t seed);

enum class Vote { a, b, tie, both_bad };
std::string_view to_string(Vote vote);  // "a", "b", "tie", "both_bad"

records::VoteRecord vote_record(const VoteBattle& battle, Vote vote, std::uint64_t seed, const std::string& timestamp);

// The votes of a vote log's lines (read_journal's records): the last line for each (voter,
// key), in the order each (voter, key) first appears; a line that names no unit is skipped.
std::vector<records::VoteRecord> latest_votes(const std::vector<nlohmann::json>& lines);

// The votes as crowd votes (voters.hpp): the unit is the vote's key, "both bad" a tie.
std::vector<CrowdVote> crowd_votes(const std::vector<records::VoteRecord>& votes);

// What the votes add to the arena record (arena.human):
//   {votes, both_bad, leaderboard (as arena.leaderboard, from the votes `filter` keeps; "both
//    bad" counts as a tie), judge_agreement: {judge: share of units with a human majority
//    where the judge's outcome equals it, or null}}, and when any vote names a voter,
//   voter_stats and voter_filter (voters.hpp). The human outcome of a unit is the strict
//   majority of its kept votes (the winning model or "tie"); a unit without one is left out of
//   judge agreement. votes and both_bad count every vote, kept or not.
nlohmann::json human_summary(const std::vector<records::VoteRecord>& votes,
                             const std::vector<records::BattleRecord>& battles, const std::vector<std::string>& models,
                             const std::vector<std::string>& judges, int bootstrap_rounds, std::uint64_t seed,
                             const VoterFilter& filter = {});

// Columns `text` takes in a terminal: East Asian ideographs and kana 2, control characters 0,
// everything else 1 (per code point).
std::size_t display_width(std::string_view text);

// `text` laid out in lines of at most `width` columns: its own line breaks are kept, a line
// that fits is kept as it is (code keeps its indentation), a longer one is wrapped at spaces,
// and a word longer than the width is cut. Tabs become 4 spaces, other control characters and
// invalid UTF-8 are escaped as util::terminal_safe does (the text is a model's answer or a
// dataset's prompt: every line is safe to print). Never returns an empty vector (an empty
// text is one empty line).
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

}  // namespace llmbench::arena
