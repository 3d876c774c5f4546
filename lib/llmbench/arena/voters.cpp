#include "llmbench/arena/voters.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "llmbench/metrics/paired.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::arena {
namespace {

using nlohmann::json;

// The outcome in model terms, so votes that showed the pair in different orders compare: the
// winning model, or "" for a tie.
const std::string& winner_of(const CrowdVote& v) {
  static const std::string tie;
  return v.choice == VoteChoice::a ? v.model_a : v.choice == VoteChoice::b ? v.model_b : tie;
}

json share(std::size_t part, std::size_t whole) {
  return whole == 0 ? json(nullptr) : json(static_cast<double>(part) / static_cast<double>(whole));
}

// The strict majority outcome of `counts` (outcome -> votes), or nullptr when two outcomes
// share the most votes or there are none.
const std::string* majority(const std::map<std::string, std::size_t>& counts) {
  const std::string* best = nullptr;
  std::size_t best_n = 0;
  bool unique = false;
  for (const auto& [outcome, n] : counts) {
    if (n > best_n) {
      best = &outcome;
      best_n = n;
      unique = true;
    } else if (n == best_n) {
      unique = false;
    }
  }
  return unique ? best : nullptr;
}

}  // namespace

std::vector<VoterStats> voter_stats(std::span<const CrowdVote> votes) {
  // unit -> outcome -> voter -> votes, so a voter's own votes can be taken out of the majority.
  std::map<std::string, std::map<std::string, std::map<std::string, std::size_t>>> by_unit;
  std::map<std::string, VoterStats> stats;
  for (const CrowdVote& v : votes) {
    if (v.voter.empty()) continue;
    VoterStats& s = stats[v.voter];
    s.voter = v.voter;
    ++s.votes;
    if (v.choice == VoteChoice::a) ++s.a_votes;
    else if (v.choice == VoteChoice::b) ++s.b_votes;
    else ++s.ties;
    if (!v.unit.empty()) ++by_unit[v.unit][winner_of(v)][v.voter];
  }
  for (const CrowdVote& v : votes) {
    if (v.voter.empty() || v.unit.empty()) continue;
    std::map<std::string, std::size_t> others;
    for (const auto& [outcome, voters] : by_unit[v.unit]) {
      for (const auto& [voter, n] : voters) {
        if (voter != v.voter) others[outcome] += n;
      }
    }
    const std::string* crowd = majority(others);
    if (crowd == nullptr) continue;
    VoterStats& s = stats[v.voter];
    const bool same = *crowd == winner_of(v);
    ++s.shared;
    s.agreed += same ? 1 : 0;
    if (!crowd->empty() && v.choice != VoteChoice::tie) {
      ++s.decisive;
      s.decisive_agreed += same ? 1 : 0;
    }
  }
  std::vector<VoterStats> out;
  for (auto& [name, s] : stats) {
    s.p_value = metrics::binomial_cdf(static_cast<std::int64_t>(s.decisive_agreed), static_cast<std::int64_t>(s.decisive), 0.5);
    s.flagged = s.p_value < kVoterFlagAlpha;
    out.push_back(std::move(s));
  }
  return out;
}

FilteredVotes filter_votes(std::span<const CrowdVote> votes, const VoterFilter& filter) {
  FilteredVotes out;
  out.keep.assign(votes.size(), true);
  std::map<std::string, std::size_t> seen;
  std::vector<CrowdVote> capped;
  for (std::size_t i = 0; i < votes.size(); ++i) {
    const CrowdVote& v = votes[i];
    if (!v.voter.empty() && filter.max_votes_per_voter > 0 && ++seen[v.voter] > filter.max_votes_per_voter) {
      out.keep[i] = false;
      ++out.capped;
      continue;
    }
    capped.push_back(v);
  }
  out.stats = voter_stats(capped);
  if (!filter.exclude_flagged) return out;
  for (const VoterStats& s : out.stats) {
    if (s.flagged) out.excluded_voters.push_back(s.voter);
  }
  for (std::size_t i = 0; i < votes.size(); ++i) {
    if (std::binary_search(out.excluded_voters.begin(), out.excluded_voters.end(), votes[i].voter)) out.keep[i] = false;
  }
  return out;
}

json voters_json(const FilteredVotes& filtered, const VoterFilter& filter) {
  json rows = json::array();
  for (const VoterStats& s : filtered.stats) {
    rows.push_back({{"voter", s.voter},
                    {"votes", s.votes},
                    {"a_share", share(s.a_votes, s.a_votes + s.b_votes)},
                    {"tie_rate", share(s.ties, s.votes)},
                    {"shared", s.shared},
                    {"agreement", share(s.agreed, s.shared)},
                    {"decisive", s.decisive},
                    {"decisive_agreed", s.decisive_agreed},
                    {"p_value", s.p_value},
                    {"flagged", s.flagged}});
  }
  const auto rated = static_cast<std::size_t>(std::count(filtered.keep.begin(), filtered.keep.end(), true));
  return {{"voter_stats", std::move(rows)},
          {"voter_filter",
           {{"exclude_flagged", filter.exclude_flagged},
            {"max_votes_per_voter", filter.max_votes_per_voter > 0 ? json(filter.max_votes_per_voter) : json(nullptr)},
            {"capped", filtered.capped},
            {"excluded_voters", filtered.excluded_voters},
            {"flag_alpha", kVoterFlagAlpha},
            {"votes_rated", rated}}}};
}

std::string voters_text(const json& voter_stats) {
  const auto pct = [](const json& v) { return v.is_number() ? fmt::format("{:.0f}%", v.get<double>() * 100) : std::string("-"); };
  std::size_t width = 5;
  for (const json& row : voter_stats) width = std::max(width, util::terminal_safe(row.value("voter", "")).size());
  std::string out = fmt::format("Voters ({}; flagged: agreement with the others' majority below a fair coin's, one-sided "
                                "exact binomial p < {})\n",
                                voter_stats.size(), kVoterFlagAlpha);
  out += fmt::format("{:<{}}  {:>6}  {:>16}  {:>7}  {:>5}  {:>8}  {}\n", "voter", width, "votes",
                                "agreement (n)", "A share", "ties", "p", "flagged");
  for (const json& row : voter_stats) {
    out += fmt::format("{:<{}}  {:>6}  {:>16}  {:>7}  {:>5}  {:>8.3g}  {}\n", util::terminal_safe(row.value("voter", "")),
                       width, row.value("votes", 0), fmt::format("{} ({})", pct(row["agreement"]), row.value("shared", 0)),
                       pct(row["a_share"]), pct(row["tie_rate"]), row.value("p_value", 1.0),
                       row.value("flagged", false) ? "yes" : "");
  }
  return out;
}

}  // namespace llmbench::arena
