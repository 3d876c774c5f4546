#pragma once
// What a sweep's record is judged and scored by beside its metrics: the baselines, the composite
// of --weights and what the --max-cost cap spent. Shared by `run` and `merge`.

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/run/baselines.hpp"
#include "llmbench/run/composite_weights.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::tiers {

// Read before any model is contacted: --baselines (the default file only when it exists) and
// --weights. Throws InputError for a bad file.
struct Scoring {
  std::vector<run::Baseline> baselines;
  std::vector<run::Weight> weights;
};
Scoring load_scoring(const run::RunOptions& options);

// What this session adds to the record beside the metrics, each gone when this session was not
// asked for it: the composite of --weights (over the item log at `item_log`), and what the
// --max-cost cap spent and whether it stopped the run (stop_reason "max_cost").
void add_session_results(nlohmann::json& run, const run::RunSession& session, const std::vector<run::Weight>& weights,
                         const run::RunOptions& options, const std::filesystem::path& item_log);

}  // namespace llmbench::tiers
