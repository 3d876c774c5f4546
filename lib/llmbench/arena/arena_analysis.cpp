#include "llmbench/arena/arena_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/ratings.hpp"
#include "llmbench/util/terminal.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::arena {

namespace {

using nlohmann::json;
using records::BattleRecord;

// A finite number as JSON (rounded to 1e-4), NaN/inf as null.
json number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return std::round(value * 10000.0) / 10000.0;
}

json ratio(double part, double whole) { return whole > 0 ? number(part / whole) : json(nullptr); }

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < s.size(); ++n) util::decode_utf8(s, pos);
  return n;
}

// The model a final or raw winner ("a", "b" or "tie") names, or "tie"; "" when there is none.
std::string winner_model(const BattleRecord& battle, const std::optional<std::string>& winner) {
  const std::string w = winner.value_or("");
  if (w == "a") return battle.model_a;
  if (w == "b") return battle.model_b;
  return w == "tie" ? "tie" : "";
}

std::vector<NamedOutcome> outcomes_of(const std::vector<const BattleRecord*>& battles, bool strong) {
  std::vector<NamedOutcome> out;
  for (const BattleRecord* b : battles) {
    const std::string w = b->winner.value_or("");
    if (w.empty()) continue;
    const bool is_strong = strong && w != "tie" && b->strong;
    out.push_back({b->model_a, b->model_b, w, is_strong ? kStrongWinWeight : 1});
  }
  return out;
}

json judge_bias_row(const std::vector<BattleRecord>& battles, const std::string& judge,
                    const std::vector<std::string>& models, const std::vector<std::string>& judges) {
  std::size_t n = 0, failed = 0, first = 0, decisive = 0, ties = 0, longer = 0, length_decisive = 0;
  double self_points = 0, self_n = 0, other_points = 0, other_n = 0;
  const bool competes = std::find(models.begin(), models.end(), judge) != models.end();
  // (prompt, pair) -> the winners by model of the orders seen
  std::map<std::string, std::vector<std::string>> orders;
  for (const BattleRecord& b : battles) {
    const bool mine = b.judge_model == judge;
    const std::string final_winner = winner_model(b, b.winner);
    if (competes && !final_winner.empty() && (b.model_a == judge || b.model_b == judge)) {
      const double points = final_winner == judge ? 1.0 : final_winner == "tie" ? 0.5 : 0.0;
      (mine ? self_points : other_points) += points;
      (mine ? self_n : other_n) += 1;
    }
    if (!mine) continue;
    const std::string raw = b.raw_winner.value_or("");
    if (raw.empty()) {
      ++failed;
      continue;
    }
    ++n;
    if (raw == "tie") {
      ++ties;
    } else {
      ++decisive;
      if (raw == "a") ++first;
      const std::size_t la = code_points(b.answer_a);
      const std::size_t lb = code_points(b.answer_b);
      if (la != lb) {
        ++length_decisive;
        if ((raw == "a") == (la > lb)) ++longer;
      }
    }
    orders[unit_key(b.prompt_id, b.model_a, b.model_b)].push_back(winner_model(b, b.raw_winner));
  }
  std::size_t units = 0, flips = 0, consistent = 0;
  for (const auto& [key, winners] : orders) {
    if (winners.size() != 2) continue;
    ++units;
    if (winners[0] == winners[1]) ++consistent;
    else if (winners[0] != "tie" && winners[1] != "tie") ++flips;
  }
  json row = {{"judge_model", judge},
              {"n", n},
              {"n_failed", failed},
              {"position_a_win_rate", ratio(static_cast<double>(first), static_cast<double>(decisive))},
              {"tie_rate", ratio(static_cast<double>(ties), static_cast<double>(n))},
              {"flip_rate", ratio(static_cast<double>(flips), static_cast<double>(units))},
              {"swap_consistency", ratio(static_cast<double>(consistent), static_cast<double>(units))},
              {"longer_answer_win_rate", ratio(static_cast<double>(longer), static_cast<double>(length_decisive))},
              {"self_win_rate", competes ? ratio(self_points, self_n) : json(nullptr)},
              {"others_win_rate", competes ? ratio(other_points, other_n) : json(nullptr)},
              {"self_preference", competes && self_n > 0 && other_n > 0
                                      ? number(self_points / self_n - other_points / other_n)
                                      : json(nullptr)},
              {"human_agreement", nullptr}};
  json agreement = json::object();
  const auto mine = judge_unit_outcomes(battles, judge);
  for (const auto& other : judges) {
    if (other == judge) continue;
    const Agreement a = arena::agreement(mine, judge_unit_outcomes(battles, other));
    agreement[other] = ratio(static_cast<double>(a.same), static_cast<double>(a.shared));
  }
  row["agreement"] = std::move(agreement);
  return row;
}

}  // namespace

std::string unit_key(const std::string& prompt_id, const std::string& model_x, const std::string& model_y) {
  const bool ordered = model_x < model_y;
  return prompt_id + '\x1f' + (ordered ? model_x : model_y) + '\x1f' + (ordered ? model_y : model_x);
}

std::map<std::string, std::string> judge_unit_outcomes(const std::vector<BattleRecord>& battles,
                                                       const std::string& judge) {
  struct Sum {
    std::string low_model, high_model;
    double low_points = 0;
    int n = 0;
  };
  std::map<std::string, Sum> sums;
  for (const BattleRecord& b : battles) {
    if (b.judge_model != judge) continue;
    const std::string w = winner_model(b, b.winner);
    if (w.empty()) continue;
    const std::string& a = b.model_a;
    const std::string& bm = b.model_b;
    Sum& s = sums[unit_key(b.prompt_id, a, bm)];
    s.low_model = std::min(a, bm);
    s.high_model = std::max(a, bm);
    s.low_points += w == s.low_model ? 1.0 : w == "tie" ? 0.5 : 0.0;
    ++s.n;
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, s] : sums) {
    const double mean = s.low_points / s.n;
    out[key] = mean > 0.5 ? s.low_model : mean < 0.5 ? s.high_model : "tie";
  }
  return out;
}

Agreement agreement(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  Agreement out;
  for (const auto& [key, outcome] : a) {
    auto it = b.find(key);
    if (it == b.end()) continue;
    ++out.shared;
    if (it->second == outcome) ++out.same;
  }
  return out;
}

json leaderboard(const std::vector<NamedOutcome>& outcomes, const std::vector<std::string>& models,
                 int bootstrap_rounds, std::uint64_t bootstrap_seed, double pseudo_wins) {
  std::map<std::string, std::uint32_t> index;
  for (std::size_t i = 0; i < models.size(); ++i) index.emplace(models[i], static_cast<std::uint32_t>(i));
  std::vector<metrics::Battle> once, weighted;
  for (const auto& o : outcomes) {
    auto a = index.find(o.model_a), b = index.find(o.model_b);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    const metrics::BattleResult result = o.winner == "a"   ? metrics::BattleResult::a_wins
                                         : o.winner == "b" ? metrics::BattleResult::b_wins
                                                           : metrics::BattleResult::tie;
    once.push_back({a->second, b->second, result});
    for (int k = 0; k < std::max(1, o.weight); ++k) weighted.push_back(once.back());
  }
  const std::size_t n = models.size();
  metrics::BtOptions fit;
  fit.pseudo_wins = pseudo_wins;
  const auto ratings = metrics::fit_bradley_terry(metrics::count_pairs(weighted, n), fit);
  metrics::BootstrapOptions boot;
  boot.rounds = bootstrap_rounds;
  boot.seed = bootstrap_seed;
  boot.fit = fit;
  const auto intervals = metrics::bootstrap_intervals(weighted, n, boot);
  const auto ranks = metrics::ranks_from_intervals(intervals);
  const auto elo = metrics::online_elo(weighted, n);
  const auto tallies = metrics::tally(once, n);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const double rx = std::isfinite(ratings[x]) ? ratings[x] : -1e300;
    const double ry = std::isfinite(ratings[y]) ? ratings[y] : -1e300;
    return rx > ry;
  });
  json board = json::array();
  for (std::size_t i : order) {
    const auto& t = tallies[i];
    const bool played = t.battles() > 0;
    json row = {{"model", models[i]},
                {"rating", number(ratings[i])},
                {"ci95", std::isfinite(intervals[i].low)
                             ? json{{"low", number(intervals[i].low)}, {"high", number(intervals[i].high)}}
                             : json(nullptr)},
                {"rank", ranks[i] > 0 ? json(ranks[i]) : json(nullptr)},
                {"elo", played ? number(elo[i]) : json(nullptr)},
                {"wins", t.wins},
                {"losses", t.losses},
                {"ties", t.ties},
                {"battles", t.battles()},
                {"score", ratio(static_cast<double>(t.wins) + 0.5 * static_cast<double>(t.ties),
                                static_cast<double>(t.battles()))}};
    board.push_back(std::move(row));
  }
  return board;
}

json win_rate(const std::vector<NamedOutcome>& outcomes, const json& board) {
  std::vector<std::string> ordered;
  for (const json& row : board) ordered.push_back(row["model"].get<std::string>());
  std::vector<metrics::Battle> once;
  std::map<std::string, std::uint32_t> index;
  for (std::size_t i = 0; i < ordered.size(); ++i) index[ordered[i]] = static_cast<std::uint32_t>(i);
  for (const auto& o : outcomes) {
    auto a = index.find(o.model_a), b = index.find(o.model_b);
    if (a == index.end() || b == index.end()) continue;
    once.push_back({a->second, b->second,
                    o.winner == "a"   ? metrics::BattleResult::a_wins
                    : o.winner == "b" ? metrics::BattleResult::b_wins
                                      : metrics::BattleResult::tie});
  }
  const auto rates = metrics::win_rate_matrix(once, ordered.size());
  json matrix = json::array();
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    json row = json::array();
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      const auto& v = rates[i * ordered.size() + j];
      row.push_back(v ? number(*v) : json(nullptr));
    }
    matrix.push_back(std::move(row));
  }
  return {{"models", ordered}, {"matrix", std::move(matrix)}};
}

json analyze_arena(const std::vector<json>& battles, const ArenaAnalysisOptions& options) {
  return analyze_arena(records::battle_records(battles), options);
}

json analyze_arena(const std::vector<BattleRecord>& battles, const ArenaAnalysisOptions& options) {
  std::vector<const BattleRecord*> all;
  std::set<std::string> prompts, categories;
  std::size_t rated = 0, failed = 0;
  for (const BattleRecord& b : battles) {
    all.push_back(&b);
    prompts.insert(b.prompt_id);
    if (!b.category.empty()) categories.insert(b.category);
    if (b.winner.value_or("").empty()) ++failed;
    else ++rated;
  }
  json arena;
  arena["method"] = "bradley_terry";
  arena["rating_scale"] = {{"base", 1000}, {"scale", 400},
                           {"anchor", "the mean rating of the models that battled is 1000; 400 points = 10:1 odds"}};
  arena["bootstrap_rounds"] = options.bootstrap_rounds;
  arena["bootstrap_seed"] = options.bootstrap_seed;
  arena["pseudo_wins"] = kArenaPseudoWins;
  arena["strong_weight"] = options.strong ? kStrongWinWeight : 1;
  arena["generation_models"] = options.models;
  arena["judge_models"] = options.judges;
  arena["prompts"] = prompts.size();
  arena["battles_total"] = battles.size();
  arena["battles_rated"] = rated;
  arena["battles_failed"] = failed;
  arena["leaderboard"] = leaderboard(outcomes_of(all, options.strong), options.models, options.bootstrap_rounds,
                                     options.bootstrap_seed);
  if (!categories.empty()) {
    json per = json::object();
    for (const auto& category : categories) {
      std::vector<const BattleRecord*> mine;
      for (const BattleRecord* b : all) {
        if (b->category == category) mine.push_back(b);
      }
      per[category] = leaderboard(outcomes_of(mine, options.strong), options.models, options.bootstrap_rounds,
                                  options.bootstrap_seed);
    }
    arena["categories"] = std::move(per);
  }
  arena["win_rate"] = win_rate(outcomes_of(all, false), arena["leaderboard"]);
  json bias = json::array(), agreement = json::array();
  for (const auto& judge : options.judges) {
    bias.push_back(judge_bias_row(battles, judge, options.models, options.judges));
  }
  for (const json& row : bias) {
    json line = json::array();
    for (const auto& other : options.judges) {
      line.push_back(other == row["judge_model"] ? json(1.0) : row["agreement"].value(other, json(nullptr)));
    }
    agreement.push_back(std::move(line));
  }
  arena["judge_bias"] = std::move(bias);
  arena["judge_agreement"] = {{"judges", options.judges}, {"matrix", std::move(agreement)}};
  return arena;
}

std::string leaderboard_text(const nlohmann::json& leaderboard, BattlesColumns columns) {
  auto label = [](std::string_view key) { return std::string(metrics::find_metric("arena", key)->label); };
  auto num = [](const json& v) { return v.is_number() ? fmt::format("{:.1f}", v.get<double>()) : std::string("-"); };
  auto count = [](const json& v) { return v.is_number() ? std::to_string(v.get<long long>()) : std::string("-"); };
  const bool more = columns == BattlesColumns::yes;
  std::string out = fmt::format("{:<5} {:<28} {:>8}  {:<20} {:>6} {:>6} {:>6}", label("rank"), "model",
                                label("rating"), "95% interval", label("wins"), label("losses"), label("ties"));
  out += more ? fmt::format(" {:>7} {:>10}\n", label("battles"), label("elo")) : "\n";
  for (const json& row : leaderboard) {
    const json& ci = row.value("ci95", json());
    const std::string interval =
        ci.is_object() ? fmt::format("[{}, {}]", num(ci.value("low", json())), num(ci.value("high", json()))) : "-";
    out += fmt::format("{:<5} {:<28} {:>8}  {:<20} {:>6} {:>6} {:>6}", count(row.value("rank", json())),
                       util::terminal_safe(row.value("model", std::string())), num(row.value("rating", json())),
                       interval, count(row.value("wins", json())), count(row.value("losses", json())),
                       count(row.value("ties", json())));
    out += more ? fmt::format(" {:>7} {:>10}\n", count(row.value("battles", json())), num(row.value("elo", json())))
                : "\n";
  }
  return out;
}

}  // namespace llmbench::arena
