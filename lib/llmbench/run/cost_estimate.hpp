#pragma once
// The plan's cost estimate: what each tier will ask of each model, priced before a request is
// sent. Pure functions over the planned load and the models' prices.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "llmbench/config/registry.hpp"

namespace llmbench::run {

struct ModelMatrix;  // run/model_matrix.hpp

// What one tier will ask of one model: its requests and the prompt text they carry in all.
struct PlannedLoad {
  config::Role role = config::Role::generation;
  std::string model_id;
  std::size_t requests = 0;
  std::size_t input_bytes = 0;  // UTF-8 bytes of every message of every request
};

// About four bytes of text a token: the rule of thumb for the BPE vocabularies of OpenAI-style
// models on English text (Cyrillic text runs nearer two); the estimate says it is one.
inline constexpr double kBytesPerToken = 4.0;

struct ModelCost {
  std::string model_id;
  std::size_t requests = 0;
  double input_tokens = 0;                  // estimated from the prompt bytes
  std::optional<double> max_output_tokens;  // requests x max_tokens; nullopt when unbounded
  std::optional<double> usd;                // input cost + output cost at max_tokens; nullopt without a price or bound
};

// One row per priced or unpriced model, in the order of `loads`' first mention. A model's
// output tokens are bounded by params.max_completion_tokens or params.max_tokens.
std::vector<ModelCost> estimate_costs(const std::vector<PlannedLoad>& loads, const ModelMatrix& models);

// Plan lines (each ending in '\n'); empty when no model has a price.
std::string render_cost_estimate(const std::vector<ModelCost>& costs);

}  // namespace llmbench::run
