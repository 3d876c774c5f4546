#include "llmbench/tiers/sweep_scoring.hpp"

namespace llmbench::tiers {

namespace fs = std::filesystem;
using nlohmann::json;

Scoring load_scoring(const run::RunOptions& options) {
  Scoring scoring;
  if (options.baselines != "configs/baselines.yaml" || fs::exists(options.baselines)) {
    scoring.baselines = run::load_baselines(options.baselines);
  }
  if (!options.weights.empty()) scoring.weights = run::load_weights(options.weights);
  return scoring;
}

void add_session_results(json& run, const run::RunSession& session, const std::vector<run::Weight>& weights,
                         const run::RunOptions& options, const fs::path& item_log) {
  run.erase("composite");
  if (!weights.empty()) {
    run["composite"] = run::apply_composite(weights, options.weights, run["model_runs"], item_log, options.sample_seed);
  }
  run.erase("stop_reason");
  run.erase("cost_cap");
  if (const run::CostCap* cap = session.cost_cap()) {
    run["cost_cap"] = cap->to_json();
    if (cap->stopped()) run["stop_reason"] = "max_cost";
  }
}

}  // namespace llmbench::tiers
