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
// A battle's verdict is read in the order shown. When the two orders of the same pair and
// judge name different winners (the verdict followed the position, not the answer), both
// battles count as ties and are marked "flip": true.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/run/options.hpp"

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

}  // namespace llmbench::arena
