// llmbench arena rate: a Bradley-Terry leaderboard (bootstrap intervals, interval-aware ranks,
// online Elo) from battles gathered elsewhere, one JSON line each (arena/battle_file.hpp).
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "llmbench/arena/arena_rate.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {
namespace {

struct RateFlags {
  std::string battles;
  arena::RateOptions options;
  bool skip_bad = false;
  std::string format = "table";
  std::string output_dir;  // "" = no record
};

int run_arena_rate(const RateFlags& flags) {
  const arena::BattleFile file =
      arena::read_battle_file(flags.battles, flags.skip_bad ? arena::BadLines::skip : arena::BadLines::refuse);
  if (file.bad_lines > 0) {
    std::fprintf(stderr, "llmbench: skipped %zu bad line%s of %s; the first:\n", file.bad_lines,
                 file.bad_lines == 1 ? "" : "s", util::terminal_safe(flags.battles).c_str());
    for (const std::string& e : file.bad_examples) std::fprintf(stderr, "  %s\n", util::terminal_safe(e).c_str());
  }
  nlohmann::json arena = arena::rate_battles(file, flags.battles, flags.options);
  std::string run_id;
  if (!flags.output_dir.empty()) {
    const nlohmann::json record_flags = {{"battles", flags.battles},
                                         {"bootstrap_rounds", flags.options.bootstrap_rounds},
                                         {"bootstrap_seed", flags.options.bootstrap_seed},
                                         {"pseudo_wins", flags.options.pseudo_wins},
                                         {"skip_bad", flags.skip_bad}};
    run_id = arena::save_rate_record(flags.output_dir, flags.battles, arena, record_flags);
  }
  std::string text;
  if (flags.format == "json") {
    text = arena.dump(2) + "\n";
  } else if (flags.format == "csv") {
    text = arena::rate_csv(arena);
  } else {
    text = fmt::format("{} battles between {} models from {} (Bradley-Terry, pseudo-wins {}, {} bootstrap rounds, "
                       "seed {}; rank = 1 + models whose 95% interval lies wholly above)\n",
                       file.battles.size(), arena["generation_models"].size(), util::terminal_safe(flags.battles),
                       flags.options.pseudo_wins, flags.options.bootstrap_rounds, flags.options.bootstrap_seed);
    text += arena::leaderboard_text(arena["leaderboard"], arena::BattlesColumns::yes);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!run_id.empty()) {
    std::fprintf(stderr, "llmbench: recorded as arena run %s in %s/benchmark_runs.json (llmbench report shows it)\n",
                 run_id.c_str(), util::terminal_safe(flags.output_dir).c_str());
  }
  return 0;
}

}  // namespace

Runner setup_arena_rate(CLI::App& arena) {
  auto flags = std::make_shared<RateFlags>();
  CLI::App* cmd = arena.add_subcommand(
      "rate", "Rate battles gathered elsewhere (JSONL: model_a, model_b, winner): Bradley-Terry with bootstrap "
              "intervals, ranks, online Elo");
  cmd->add_option("--battles", flags->battles,
                  "JSONL file, a battle a line: model_a, model_b, winner (a, b, tie, \"tie (bothbad)\", model_a, "
                  "model_b); optional voter, category, prompt_id, language, tstamp")
      ->required();
  cmd->add_option("--bootstrap", flags->options.bootstrap_rounds, "Bootstrap resamples for the 95% intervals (0-100000)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", flags->options.bootstrap_seed, "Seed of the bootstrap resampling")
      ->capture_default_str()
      ->check(non_negative_integer());
  cmd->add_option("--pseudo-wins", flags->options.pseudo_wins,
                  "Virtual wins per side of every pair that met; 0 = the plain maximum-likelihood fit")
      ->capture_default_str()
      ->check(non_negative_number());
  cmd->add_flag("--skip-bad", flags->skip_bad, "Count and skip bad lines instead of stopping at the first (default: off)");
  cmd->add_option("--format", flags->format, "table (default), json (the arena section) or csv (the leaderboard)")
      ->check(one_of({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("--output-dir", flags->output_dir,
                  "Also append the leaderboard as an arena record to DIR/benchmark_runs.json (the report's Arena "
                  "tab); default: none");
  return [flags] { return run_arena_rate(*flags); };
}

}  // namespace llmbench::app
