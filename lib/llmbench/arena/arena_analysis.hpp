#pragma once
// From battle records (lines of runs/<id>/battles.jsonl, records::BattleRecord) to the "arena"
// section of an arena run's report record. Pure functions: no I/O.
//
// The fields of a battle this file reads: prompt_id, category, model_a, model_b (as shown: A
// first), judge_model, answer_a, answer_b, raw_winner ("a" | "b" | "tie" | null: the judge's
// verdict in the order shown), winner (the same after flip resolution; null when the battle
// failed), strong.
//
// The "arena" section (docs/report-format.md):
//   method "bradley_terry", rating_scale {base, scale, anchor}, bootstrap_rounds,
//   bootstrap_seed, pseudo_wins, strong_weight, generation_models, judge_models, baseline,
//   prompts, battles_total, battles_rated, battles_failed,
//   leaderboard: [{model, rating, ci95: {low, high}, rank, elo, wins, losses, ties, battles,
//                  score}] best first (score: share of points, ties half),
//   categories: {category: leaderboard} when any prompt has a category,
//   win_rate: {models, matrix}: matrix[i][j] = share of i's battles against j that i won
//             (ties half), null on the diagonal and for pairs that never met,
//   judge_bias: [{judge_model, n, n_failed, position_a_win_rate, tie_rate, flip_rate,
//                 swap_consistency, longer_answer_win_rate, self_win_rate, others_win_rate,
//                 self_preference, agreement: {other judge: rate}, human_agreement}],
//   judge_agreement: {judges, matrix}.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/records/battle_record.hpp"

namespace llmbench::arena {

// Virtual wins per side of every pair in the arena's fits (see metrics::BtOptions): enough
// to keep a model that lost every battle finite, too little to move a real result.
inline constexpr double kArenaPseudoWins = 0.1;
// With --strong, a strong win counts as this many battles in the fit (Arena-Hard).
inline constexpr int kStrongWinWeight = 3;

struct ArenaAnalysisOptions {
  std::vector<std::string> models;  // competing models, in the arena's order
  std::vector<std::string> judges;
  bool strong = false;  // weight strong wins by kStrongWinWeight
  int bootstrap_rounds = 1000;
  std::uint64_t bootstrap_seed = 0;
};

nlohmann::json analyze_arena(const std::vector<records::BattleRecord>& battles, const ArenaAnalysisOptions& options);
// The same, of a battle log's lines as read_journal returns them.
nlohmann::json analyze_arena(const std::vector<nlohmann::json>& battles, const ArenaAnalysisOptions& options);

// The leaderboard (rows as analyze_arena writes them) as a terminal table: rank, model, rating
// with its 95% interval, wins, losses and ties (with BattlesColumns::yes also battles and online
// Elo), headed by the catalogue's labels (scope "arena"); a missing number shows as "-". Model
// ids are made terminal-safe.
enum class BattlesColumns { no, yes };
std::string leaderboard_text(const nlohmann::json& leaderboard, BattlesColumns columns = BattlesColumns::no);

// One comparison unit: (prompt, pair of models). The key is "<prompt_id>\x1f<m1>\x1f<m2>"
// with m1 < m2 (byte order), so judges' and humans' outcomes can be matched.
std::string unit_key(const std::string& prompt_id, const std::string& model_x, const std::string& model_y);

// A judge's outcome per unit: the winning model id or "tie", from the mean of its final
// verdicts over both orders (ties half). Battles without a verdict are left out.
std::map<std::string, std::string> judge_unit_outcomes(const std::vector<records::BattleRecord>& battles,
                                                       const std::string& judge);

// Units two outcome maps (judge_unit_outcomes, or human votes keyed alike) both decided, and
// how many of those they decided the same way.
struct Agreement {
  std::size_t shared = 0;
  std::size_t same = 0;
};
Agreement agreement(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b);

// A leaderboard (the "leaderboard" shape above) from outcomes between named models.
struct NamedOutcome {
  std::string model_a;
  std::string model_b;
  std::string winner;  // "a", "b" or "tie"
  int weight = 1;      // copies in the fit (strong wins)
};
// `pseudo_wins`: virtual wins per side of every pair (metrics::BtOptions; 0 = the plain
// maximum-likelihood fit).
nlohmann::json leaderboard(const std::vector<NamedOutcome>& outcomes, const std::vector<std::string>& models,
                           int bootstrap_rounds, std::uint64_t bootstrap_seed,
                           double pseudo_wins = kArenaPseudoWins);

// The "win_rate" section ({models, matrix}) of outcomes, in the order of `board`'s rows (each
// outcome counted once, ties half).
nlohmann::json win_rate(const std::vector<NamedOutcome>& outcomes, const nlohmann::json& board);

}  // namespace llmbench::arena
