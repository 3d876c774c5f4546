#pragma once
// `llmbench arena run`: every generation model answers every prompt; every judge compares
// pairs of answers (all pairs, or each model against a baseline), each pair in both orders;
// the battles become a Bradley-Terry leaderboard with bootstrap intervals, pairwise win
// rates and per-judge bias figures.
//
// Files (under the output dir):
//   benchmark_runs.json        one record per arena run: {"kind": "arena", "arena": {...}}
//                              (see arena_analysis.hpp for the "arena" section)
//   runs/<id>/battles.jsonl    one line per battle (a prompt, two models in one order, one
//                              judge) with both answers, the verdict and the rationale,
//                              appended as both orders of a pair are judged.
//
// With --shard I/N (and --run-id), the arena battles over the prompts of shard I only (key
// prompt_shard_key(), hashed as run/shard.hpp says): every answer and verdict of a prompt is asked
// in its shard. `llmbench merge` makes the shards one arena run (arena_merge.hpp).
//
// A battle's verdict is read in the order shown. When the two orders of the same pair and
// judge name different winners (the verdict followed the position, not the answer), both
// battles count as ties and are marked "flip": true.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/arena_prompts.hpp"
#include "llmbench/records/battle_record.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::arena {

enum class StrongVerdicts { no, yes };

struct ArenaOptions : run::SessionOptions {
  std::vector<std::string> generation_models;  // empty: models.yaml roles.generation
  std::vector<std::string> judge_models;       // empty: models.yaml roles.judge
  std::string dataset;                         // JSONL: prompt, optional id and category
  std::vector<std::string> tasks;              // or standard tasks' questions as prompts
  std::string limit;                           // prompts per dataset/task ("" = all)
  std::uint64_t sample_seed = 1234;            // picks the --limit subset
  std::string baseline;                        // "" = all pairs; else each model vs this one
  // yes: judges may answer [[A>>B]] / [[B>>A]]; a strong win then counts as 3 battles in the
  // ratings (Arena-Hard's rule). Win/loss counts and win rates count each battle once.
  StrongVerdicts strong = StrongVerdicts::no;
  int bootstrap_rounds = 1000;
  std::uint64_t bootstrap_seed = 0;
};

// Runs an arena; returns the process exit code (ExitCode::ok, or failures when some
// answers or verdicts failed). Throws Error/InputError for setup problems (bad dataset,
// unknown model, fewer than two generation models, a baseline that is not competing),
// before any model is contacted. Plan and summary to stdout, progress and logs to stderr.
int run_arena(const ArenaOptions& options);

// The record of a new arena (status "running", no "arena" section yet): id, kind "arena",
// schema_version, timestamp, git, flags, dataset_file (null when ""), battles_log (left out
// when "": the Arena tab then lists no battles). `arena run` and `arena rate` write it.
nlohmann::json new_arena_record(const std::string& run_id, nlohmann::json flags, const std::string& dataset_file,
                                const std::string& battles_log);

// The key a prompt is sharded by: "arena/<prompt id>".
std::string prompt_shard_key(const ArenaPrompt& prompt);

// The "arena" section of a run whose battles are `battles`, in any order (they are rated in the
// order of (prompt, pair, judge, order), so the ratings and their bootstrap intervals do not
// depend on which answer came back first, nor on shards): analyze_arena with the models, judges,
// --strong and bootstrap of the record's `flags`, then "baseline", "battles_planned" and
// "battles_log". Throws json errors for flags without those fields.
nlohmann::json arena_results(std::vector<records::BattleRecord> battles, const nlohmann::json& flags,
                             std::size_t battles_planned, const std::string& battles_log);

// The leaderboard, then a line per judge on its biases, for a terminal.
std::string arena_text(const nlohmann::json& arena);

// The end of an arena run (or merge) whose record `run` (with its "arena" section) is saved: the
// outcome for people on session.human(), report.html when asked, the record on stdout with
// --output json. Returns the exit code: interrupted, failures (some battle failed) or ok.
int finish_arena(const run::RunSession& session, const nlohmann::json& run);

}  // namespace llmbench::arena
