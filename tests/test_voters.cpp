// Many voters (arena/voters.cpp): per-voter statistics worked by hand on small vote sets, the
// flag's exact binomial threshold, and the cap and exclusion of votes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "llmbench/arena/voters.hpp"

using namespace llmbench::arena;

namespace {

CrowdVote vote(const std::string& voter, const std::string& unit, const std::string& a, const std::string& b,
               VoteChoice choice) {
  return {voter, unit, a, b, choice};
}

const VoterStats& row_of(const std::vector<VoterStats>& stats, const std::string& voter) {
  for (const VoterStats& s : stats) {
    if (s.voter == voter) return s;
  }
  FAIL("no row for " << voter);
  static const VoterStats none;
  return none;
}

// Honest voters h1 and h2 pick X on every unit; mallory picks Y on every one of `units` units.
std::vector<CrowdVote> against_the_crowd(int units) {
  std::vector<CrowdVote> votes;
  for (int u = 0; u < units; ++u) {
    const std::string unit = "u" + std::to_string(u);
    votes.push_back(vote("h1", unit, "X", "Y", VoteChoice::a));
    votes.push_back(vote("h2", unit, "Y", "X", VoteChoice::b));
    votes.push_back(vote("mallory", unit, "X", "Y", VoteChoice::b));
  }
  return votes;
}

}  // namespace

TEST_CASE("voters: votes, A share, tie rate and agreement with the others' majority match a hand count", "[voters]") {
  // Three units between X and Y. carol sees Y first on u2 and u3, so her "b" there is X: the
  // outcome is compared by model, not by position. The unnamed vote takes no part.
  const std::vector<CrowdVote> votes = {
      vote("alice", "u1", "X", "Y", VoteChoice::a),  vote("bob", "u1", "X", "Y", VoteChoice::a),
      vote("carol", "u1", "X", "Y", VoteChoice::a),  vote("", "u1", "X", "Y", VoteChoice::b),
      vote("alice", "u2", "X", "Y", VoteChoice::b),  vote("bob", "u2", "X", "Y", VoteChoice::b),
      vote("carol", "u2", "Y", "X", VoteChoice::b),  vote("alice", "u3", "X", "Y", VoteChoice::tie),
      vote("bob", "u3", "X", "Y", VoteChoice::a),    vote("carol", "u3", "Y", "X", VoteChoice::b),
  };
  const std::vector<VoterStats> stats = voter_stats(votes);
  REQUIRE(stats.size() == 3);
  CHECK(stats[0].voter == "alice");  // by name

  // alice: u1 others X,X -> X (agrees, decisive); u2 others Y,X -> no majority; u3 others X,X ->
  // X, she said tie (disagrees, not decisive).
  const VoterStats& alice = row_of(stats, "alice");
  CHECK(alice.votes == 3);
  CHECK(alice.a_votes == 1);
  CHECK(alice.b_votes == 1);
  CHECK(alice.ties == 1);
  CHECK(alice.shared == 2);
  CHECK(alice.agreed == 1);
  CHECK(alice.decisive == 1);
  CHECK(alice.decisive_agreed == 1);
  CHECK(alice.p_value == 1.0);
  // bob: u1 agrees; u2 others Y,X and u3 others tie,X have no majority.
  const VoterStats& bob = row_of(stats, "bob");
  CHECK(bob.a_votes == 2);
  CHECK(bob.shared == 1);
  CHECK(bob.agreed == 1);
  // carol: u1 agrees; u2 others Y,Y -> Y, she chose X (decisive, disagrees); u3 no majority.
  // p = P(X <= 1), X ~ Binomial(2, 1/2) = 3/4.
  const VoterStats& carol = row_of(stats, "carol");
  CHECK(carol.a_votes == 1);
  CHECK(carol.b_votes == 2);
  CHECK(carol.shared == 2);
  CHECK(carol.agreed == 1);
  CHECK(carol.decisive == 2);
  CHECK(carol.decisive_agreed == 1);
  CHECK(carol.p_value == Approx(0.75));
  for (const VoterStats& s : stats) CHECK_FALSE(s.flagged);

  const auto json = voters_json(filter_votes(votes, {}), {});
  CHECK(json["voter_stats"][0]["a_share"] == Approx(0.5));
  CHECK(json["voter_stats"][0]["tie_rate"] == Approx(1.0 / 3));
  CHECK(json["voter_stats"][0]["agreement"] == Approx(0.5));
  CHECK(json["voter_filter"]["votes_rated"] == 10);
  CHECK(json["voter_filter"]["max_votes_per_voter"].is_null());
}

TEST_CASE("voters: a voter who always picks the crowd's loser is flagged from 7 decisive battles, not at 6",
          "[voters]") {
  const std::vector<VoterStats> eight = voter_stats(against_the_crowd(8));
  const VoterStats& mallory = row_of(eight, "mallory");
  CHECK(mallory.shared == 8);
  CHECK(mallory.agreed == 0);
  CHECK(mallory.p_value == Approx(1.0 / 256));  // 0 of 8 under a fair coin
  CHECK(mallory.flagged);
  // h1's others split one against one: no majority, nothing to flag.
  CHECK(row_of(eight, "h1").shared == 0);
  CHECK_FALSE(row_of(eight, "h1").flagged);

  CHECK(row_of(voter_stats(against_the_crowd(7)), "mallory").flagged);                     // 1/128 < 0.01
  CHECK_FALSE(row_of(voter_stats(against_the_crowd(6)), "mallory").flagged);               // 1/64 > 0.01
  CHECK(row_of(voter_stats(against_the_crowd(6)), "mallory").p_value == Approx(1.0 / 64));
}

TEST_CASE("voters: excluding flagged voters drops all their votes, the cap keeps each voter's first N", "[voters]") {
  const std::vector<CrowdVote> votes = against_the_crowd(8);
  const FilteredVotes excluded = filter_votes(votes, {.exclude_flagged = true});
  CHECK(excluded.excluded_voters == std::vector<std::string>{"mallory"});
  for (std::size_t i = 0; i < votes.size(); ++i) CHECK(excluded.keep[i] == (votes[i].voter != "mallory"));

  // Capped at 5 each: 9 votes left out, and on the 5 left mallory's p is 1/32: not flagged.
  const FilteredVotes capped = filter_votes(votes, {.exclude_flagged = true, .max_votes_per_voter = 5});
  CHECK(capped.capped == 9);
  CHECK(capped.excluded_voters.empty());
  CHECK(row_of(capped.stats, "mallory").votes == 5);
  CHECK(row_of(capped.stats, "mallory").p_value == Approx(1.0 / 32));
  for (std::size_t i = 0; i < votes.size(); ++i) CHECK(capped.keep[i] == (i < 15));

  const std::string table = voters_text(voters_json(excluded, {.exclude_flagged = true})["voter_stats"]);
  CHECK(table.find("mallory") != std::string::npos);
  CHECK(table.find("yes") != std::string::npos);
}
