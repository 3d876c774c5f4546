#pragma once
// `llmbench arena rate`: ratings from battles gathered elsewhere (battle_file.hpp). The result
// has the shape of an arena run's "arena" section (arena_analysis.hpp), so the report's Arena
// tab shows it like any arena:
//   method "bradley_terry", source "imported", battles_file, rating_scale, bootstrap_rounds,
//   bootstrap_seed, pseudo_wins, generation_models (every model named, sorted), judge_models [],
//   prompts (distinct prompt_ids), voters (distinct voters), battles_total, battles_rated,
//   battles_failed 0, bad_lines, ties_bothbad,
//   leaderboard: [{model, rating, ci95: {low, high}, rank, battles, wins, losses, ties, elo,
//                  score}] best first,
//   categories: {category: leaderboard} when any battle has a category,
//   win_rate: {models, matrix}, judge_bias [], judge_agreement {judges: [], matrix: []}.
// Ties ("tie" and "tie (bothbad)") count half a win each way; online Elo runs over the battles
// in file order. Pure: no I/O except save_rate_record.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/battle_file.hpp"

namespace llmbench::arena {

struct RateOptions {
  int bootstrap_rounds = 1000;
  std::uint64_t bootstrap_seed = 0;
  double pseudo_wins = kArenaPseudoWins;  // 0 = the plain Bradley-Terry maximum-likelihood fit
};

// The "arena" section of `file`'s battles; `source` is what battles_file says.
nlohmann::json rate_battles(const BattleFile& file, const std::string& source, const RateOptions& options);

// The leaderboard as CSV: rank,model,rating,ci_low,ci_high,battles,wins,losses,ties,elo (a
// missing number is an empty cell; a model id with a comma or quote is quoted).
std::string rate_csv(const nlohmann::json& arena);

// Appends an arena record {"kind": "arena", "arena": section} to <output_dir>/benchmark_runs.json
// under a new run id, with a copy of the battles file at runs/<id>/imported_battles.jsonl (the
// section's battles_file names it). Returns the run id. Throws Error when output_dir cannot be
// written.
std::string save_rate_record(const std::filesystem::path& output_dir, const std::filesystem::path& battles_file,
                             nlohmann::json arena, const nlohmann::json& flags);

}  // namespace llmbench::arena
