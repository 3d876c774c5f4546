#pragma once
// Many voters: per-voter statistics of crowd votes, the flag for a voter who disagrees with the
// crowd more than chance allows, and which votes enter the ratings. Used by `arena vote`,
// `arena import` (votes on an arena run's battles) and `arena rate` (imported battles that name
// a voter). Pure functions: no I/O.
//
// Per voter (named voters only; a vote without a voter is rated but has no statistics and takes
// no part in majorities):
//   votes        the voter's votes (after --max-votes-per-voter)
//   a_share      votes for the answer shown first / decisive votes (position bias; null: none)
//   tie_rate     ties and "both bad" / votes
//   shared       battles the voter voted on where the OTHER voters have a majority outcome (the
//                winning model, or a tie, named by strictly more of their votes than any other)
//   agreement    votes on shared battles whose outcome is the majority's / shared (null: none)
//   decisive, decisive_agreed   shared battles where both the voter and the majority named a
//                winner, and of them those where they named the same model
//   p_value      the flag's test: P(X <= decisive_agreed), X ~ Binomial(decisive, 1/2)
//   flagged      p_value < kVoterFlagAlpha
// The null hypothesis of the flag: on a battle where the crowd named a winner, the voter picks
// between the two answers by a fair coin, whatever they say (agreement 1/2). A voter flagged
// agrees with the crowd significantly less often than that, one-sided exact binomial test at
// 0.01 (no correction for testing many voters: with 100 honest voters at most ~1 is flagged by
// chance). At least 7 decisive shared battles are needed before 0 agreements can be flagged.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::arena {

inline constexpr double kVoterFlagAlpha = 0.01;

enum class VoteChoice { a, b, tie };  // "both bad" counts as a tie

struct CrowdVote {
  std::string voter;             // "" = unnamed
  std::string unit;              // the battle voted on, the same for both orders; "" = none
  std::string model_a, model_b;  // as shown: A first
  VoteChoice choice = VoteChoice::tie;
};

struct VoterStats {
  std::string voter;
  std::size_t votes = 0, a_votes = 0, b_votes = 0, ties = 0;
  std::size_t shared = 0, agreed = 0;
  std::size_t decisive = 0, decisive_agreed = 0;
  double p_value = 1;
  bool flagged = false;
};

// One row per named voter, by name.
std::vector<VoterStats> voter_stats(std::span<const CrowdVote> votes);

struct VoterFilter {
  bool exclude_flagged = false;        // --exclude-flagged-voters
  std::size_t max_votes_per_voter = 0;  // --max-votes-per-voter; 0 = no cap
};

struct FilteredVotes {
  std::vector<bool> keep;                    // per vote: enters the ratings
  std::vector<VoterStats> stats;             // of the votes left after the cap
  std::size_t capped = 0;                    // votes past a voter's cap (the later ones)
  std::vector<std::string> excluded_voters;  // flagged voters left out (exclude_flagged only)
};

// The cap keeps each named voter's first `max_votes_per_voter` votes in the given order; the
// statistics and flags are computed on what the cap keeps; exclude_flagged then leaves out
// every vote of a flagged voter. Unnamed votes are always kept.
FilteredVotes filter_votes(std::span<const CrowdVote> votes, const VoterFilter& filter);

// {"voter_stats": [{voter, votes, a_share, tie_rate, shared, agreement, decisive,
//   decisive_agreed, p_value, flagged}], "voter_filter": {exclude_flagged, max_votes_per_voter
//   (null: none), capped, excluded_voters, flag_alpha, votes_rated}}
nlohmann::json voters_json(const FilteredVotes& filtered, const VoterFilter& filter);

// The per-voter table for a terminal, under a line saying what "flagged" means: voter, votes, agreement (shared), A share, ties, p,
// flagged. Voter names are made terminal-safe.
std::string voters_text(const nlohmann::json& voter_stats);

}  // namespace llmbench::arena
