#include "llmbench/arena/arena_votes.hpp"

#include <algorithm>
#include <set>

#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/util/hash.hpp"
#include "llmbench/util/terminal.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::arena {

namespace error_kind = records::error_kind;
namespace {

using nlohmann::json;

std::size_t width_of(char32_t cp) {
  if (cp < 0x20 || cp == 0x7f) return 0;
  if (cp >= 0x300 && cp < 0x370) return 0;  // combining diacritics
  return util::is_cjk(cp) || (cp >= 0xAC00 && cp < 0xD7A4) || (cp >= 0xFF01 && cp < 0xFF61) ? 2 : 1;
}

// Appends `word` to `lines`, cutting it into pieces of at most `width` columns.
void cut_long_word(std::string_view word, std::size_t width, std::vector<std::string>& lines) {
  std::string piece;
  std::size_t used = 0;
  for (std::size_t pos = 0; pos < word.size();) {
    const std::size_t start = pos;
    const std::size_t w = width_of(util::decode_utf8(word, pos));
    if (used + w > width && !piece.empty()) {
      lines.push_back(std::move(piece));
      piece.clear();
      used = 0;
    }
    piece.append(word.substr(start, pos - start));
    used += w;
  }
  lines.push_back(std::move(piece));
}

}  // namespace

std::vector<VoteBattle> vote_battles(const std::vector<records::BattleRecord>& battles, std::uint64_t seed) {
  std::vector<VoteBattle> out;
  std::set<std::string> seen;
  for (const records::BattleRecord& b : battles) {
    if (b.error_kind == error_kind::kAnswerFailed) continue;
    const std::string& ma = b.model_a;
    const std::string& mb = b.model_b;
    const std::string key = unit_key(b.prompt_id, ma, mb);
    if (ma.empty() || mb.empty() || !seen.insert(key).second) continue;
    VoteBattle v;
    v.key = key;
    v.prompt_id = b.prompt_id;
    v.category = b.category;
    v.prompt = b.prompt;
    const bool keep = (util::Hasher(seed).add(key).value() >> 17) & 1;
    v.model_a = keep ? ma : mb;
    v.model_b = keep ? mb : ma;
    v.answer_a = keep ? b.answer_a : b.answer_b;
    v.answer_b = keep ? b.answer_b : b.answer_a;
    out.push_back(std::move(v));
  }
  return out;
}

std::string_view to_string(Vote vote) {
  switch (vote) {
    case Vote::a: return "a";
    case Vote::b: return "b";
    case Vote::tie: return "tie";
    case Vote::both_bad: return "both_bad";
  }
  return "tie";
}

records::VoteRecord vote_record(const VoteBattle& battle, Vote vote, std::uint64_t seed, const std::string& timestamp) {
  records::VoteRecord record;
  record.key = battle.key;
  record.prompt_id = battle.prompt_id;
  record.model_a = battle.model_a;
  record.model_b = battle.model_b;
  record.vote = to_string(vote);
  record.winner_model = vote == Vote::a ? battle.model_a : vote == Vote::b ? battle.model_b : "tie";
  record.seed = seed;
  record.timestamp = timestamp;
  return record;
}

std::vector<records::VoteRecord> latest_votes(const std::vector<json>& lines) {
  std::vector<records::VoteRecord> out;
  std::map<std::pair<std::string, std::string>, std::size_t> index;  // (voter, key) -> position in out
  for (const json& line : lines) {
    if (!line.is_object()) continue;
    auto vote = line.get<records::VoteRecord>();
    if (vote.key.empty()) continue;
    auto [it, added] = index.try_emplace({vote.voter, vote.key}, out.size());
    if (added) out.push_back(std::move(vote));
    else out[it->second] = std::move(vote);
  }
  return out;
}

std::vector<CrowdVote> crowd_votes(const std::vector<records::VoteRecord>& votes) {
  std::vector<CrowdVote> out;
  out.reserve(votes.size());
  for (const records::VoteRecord& v : votes) {
    const VoteChoice choice = v.vote == "a" ? VoteChoice::a : v.vote == "b" ? VoteChoice::b : VoteChoice::tie;
    out.push_back({v.voter, v.key, v.model_a, v.model_b, choice});
  }
  return out;
}

json human_summary(const std::vector<records::VoteRecord>& votes, const std::vector<records::BattleRecord>& battles,
                   const std::vector<std::string>& models, const std::vector<std::string>& judges,
                   int bootstrap_rounds, std::uint64_t seed, const VoterFilter& filter) {
  const std::vector<CrowdVote> crowd = crowd_votes(votes);
  const FilteredVotes filtered = filter_votes(crowd, filter);
  std::vector<NamedOutcome> outcomes;
  std::size_t both_bad = 0;
  bool named = false;
  std::map<std::string, std::map<std::string, std::size_t>> tally;  // key -> winner model or "tie" -> votes
  for (std::size_t i = 0; i < votes.size(); ++i) {
    const records::VoteRecord& v = votes[i];
    if (v.vote == "both_bad") ++both_bad;
    named = named || !v.voter.empty();
    if (!filtered.keep[i]) continue;
    outcomes.push_back({v.model_a, v.model_b, v.vote == "a" ? "a" : v.vote == "b" ? "b" : "tie", 1});
    ++tally[v.key][v.winner_model];
  }
  std::map<std::string, std::string> human;  // key -> the majority's winner model or "tie"
  for (const auto& [key, counts] : tally) {
    const auto best = std::max_element(counts.begin(), counts.end(),
                                       [](const auto& x, const auto& y) { return x.second < y.second; });
    const auto ties = std::count_if(counts.begin(), counts.end(), [&](const auto& c) { return c.second == best->second; });
    if (ties == 1) human[key] = best->first;
  }
  json agreement = json::object();
  for (const auto& judge : judges) {
    const Agreement a = arena::agreement(human, judge_unit_outcomes(battles, judge));
    agreement[judge] =
        a.shared > 0 ? json(static_cast<double>(a.same) / static_cast<double>(a.shared)) : json(nullptr);
  }
  json out = {{"votes", votes.size()},
              {"both_bad", both_bad},
              {"leaderboard", leaderboard(outcomes, models, bootstrap_rounds, seed)},
              {"judge_agreement", std::move(agreement)}};
  if (named) out.update(voters_json(filtered, filter));
  return out;
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t pos = 0; pos < s.size();) w += width_of(util::decode_utf8(s, pos));
  return w;
}

std::vector<std::string> wrap_text(std::string_view input, std::size_t width) {
  if (width == 0) width = 1;
  std::string tabs_expanded;
  for (char c : input) {
    if (c == '\t') tabs_expanded += "    ";
    else if (c != '\r') tabs_expanded += c;
  }
  const std::string expanded = util::terminal_safe(tabs_expanded, util::Newlines::keep);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = expanded.find('\n', start);
    std::string_view line = std::string_view(expanded).substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (display_width(line) <= width) {
      lines.emplace_back(line);
    } else {
      std::string current;
      std::size_t used = 0;
      std::size_t pos = 0;
      while (pos < line.size()) {
        const std::size_t space = line.find(' ', pos);
        const std::string_view word = line.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos);
        pos = space == std::string_view::npos ? line.size() : space + 1;
        if (word.empty()) continue;
        const std::size_t w = display_width(word);
        if (!current.empty() && used + 1 + w <= width) {
          current += ' ';
          current.append(word);
          used += 1 + w;
          continue;
        }
        if (!current.empty()) lines.push_back(std::move(current));
        current.clear();
        used = 0;
        if (w <= width) {
          current.assign(word);
          used = w;
        } else {
          cut_long_word(word, width, lines);
          current = std::move(lines.back());
          lines.pop_back();
          used = display_width(current);
        }
      }
      lines.push_back(std::move(current));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace llmbench::arena
