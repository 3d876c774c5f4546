#pragma once
// The actual cost of a sweep per model, summed over every tier and task that records one
// (metrics.standard.<task>.cost, metrics.<tier>.cost and metrics.<tier>.judge_cost;
// tiers/tier_cost.hpp): what the terminal summary's "Cost per model" table and the HTML
// report's Overview and leaderboard show.
//
// The sweep repeats a tier's metrics on every model run sharing the models its records depend
// on (tier 2's answers on every judge and embedding model of the generation model), so each
// block is counted once per (tier, task, the models it depends on).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::report {

struct ModelCost {
  std::string model;
  std::optional<double> cost;        // its answers, as a generation model
  std::optional<double> judge_cost;  // its verdicts, as a judge or production judge
};

// In the order the models first appear in run.model_runs; models with neither cost left out
// (a model without a price has none: never a 0).
std::vector<ModelCost> cost_by_model(const nlohmann::json& run);

// [{model, cost, judge_cost}] (each cost null when absent).
nlohmann::json cost_by_model_json(const nlohmann::json& run);

// "" when no model has a cost; else a "Cost per model" table.
std::string render_cost_by_model(const nlohmann::json& run);

}  // namespace llmbench::report
