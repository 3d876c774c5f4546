#pragma once
// The actual cost of a tier's requests, from each item record's `usage` at its model's price:
// one computation for every tier, so `cost` reads the same in metrics.standard.<task> and in
// metrics.tier_2 / tier_3 / tier_judge / tier_judge_pipeline / tier_ux.
//
// A model run's generation requests (records of role "generation", and the standard tier's
// answers) are its `cost`; its judges' verdicts (role "judge" or "production_judge") are its
// `judge_cost`, kept apart, never added into `cost`. Embedding requests are not costed.
// A block whose records carry no usage has no tokens key; a block with a model without a price
// has no cost key (never a 0).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/run/model_matrix.hpp"

namespace llmbench::tiers {

// Prompt and completion tokens summed over records; `known` once one record carried usage.
struct TokenTotals {
  bool known = false;
  std::int64_t prompt = 0;
  std::int64_t completion = 0;
  void add(std::int64_t prompt_tokens, std::int64_t completion_tokens);
  void add(const TokenTotals& other);
  // A record's "usage" {prompt_tokens, completion_tokens}; nothing when it has none.
  void add_usage(const nlohmann::json& record);
};

// A cost in the price's currency. `total` is kept as its own sum (input + output of each part,
// added up) so that a group's total reads exactly as the sum of its models' totals.
struct Cost {
  double input = 0.0;
  double output = 0.0;
  double total = 0.0;
  Cost& operator+=(const Cost& other);
  nlohmann::json to_json() const;  // {input, output, total}
};

// tokens x price per million tokens.
Cost cost_of(const TokenTotals& tokens, const config::Price& price);

// out[tokens_key] = {prompt, completion} when known, and out[cost_key] = cost_of().to_json()
// when `price` is set too.
void put_tokens_and_cost(nlohmann::json& out, const TokenTotals& tokens, const std::optional<config::Price>& price,
                         std::string_view tokens_key, std::string_view cost_key);

// The price of model `id` in whichever role `models` lists it (nullopt: unpriced or unknown).
std::optional<config::Price> price_of(const run::ModelMatrix& models, std::string_view id);

// Sets "tokens"/"cost" from the generation records and "judge_tokens"/"judge_cost" from the
// verdict records of `records` (one model run's), each record at the price of its "model".
void put_request_costs(nlohmann::json& out, const std::vector<const nlohmann::json*>& records,
                       const run::ModelMatrix& models);

// `compute` (a tier's metrics of one model run's records) with put_request_costs added.
template <typename Compute>
auto with_costs(Compute compute, const run::ModelMatrix& models) {
  return [compute, &models](const std::vector<const nlohmann::json*>& records) {
    nlohmann::json out = compute(records);
    put_request_costs(out, records, models);
    return out;
  };
}

}  // namespace llmbench::tiers
