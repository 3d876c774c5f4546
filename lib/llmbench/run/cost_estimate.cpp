#include "llmbench/run/cost_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/run/model_matrix.hpp"

namespace llmbench::run {
namespace {

const config::ResolvedModel* find_model(const ModelMatrix& models, config::Role role, const std::string& id) {
  const std::vector<config::ResolvedModel>* list = nullptr;
  switch (role) {
    case config::Role::generation: list = &models.generation; break;
    case config::Role::judge: list = &models.judges; break;
    case config::Role::production_judge: list = &models.production_judges; break;
    case config::Role::embedding: list = &models.embedding; break;
  }
  for (const auto& m : *list) {
    if (m.id == id) return &m;
  }
  if (role == config::Role::judge && models.safety_judge && models.safety_judge->id == id) return &*models.safety_judge;
  return nullptr;
}

// The model's cap on completion tokens per request, if its params set one.
std::optional<double> max_output_tokens(const config::ResolvedModel& model) {
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    auto it = model.params.find(key);
    if (it != model.params.end() && it->is_number() && it->get<double>() >= 0) return it->get<double>();
  }
  return std::nullopt;
}

}  // namespace

std::vector<ModelCost> estimate_costs(const std::vector<PlannedLoad>& loads, const ModelMatrix& models) {
  std::vector<ModelCost> out;
  for (const auto& load : loads) {
    const config::ResolvedModel* model = find_model(models, load.role, load.model_id);
    if (model == nullptr || load.requests == 0) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const ModelCost& c) { return c.model_id == load.model_id; });
    if (it == out.end()) {
      out.push_back({load.model_id, 0, 0, 0.0, 0.0});
      it = out.end() - 1;
    }
    it->requests += load.requests;
    it->input_tokens += static_cast<double>(load.input_bytes) / kBytesPerToken;
    // Embeddings return vectors: no completion tokens to bound.
    const auto per_request = model->kind == config::ModelKind::embedding ? std::optional<double>(0)
                                                                         : max_output_tokens(*model);
    if (it->max_output_tokens && per_request) {
      *it->max_output_tokens += static_cast<double>(load.requests) * *per_request;
    } else {
      it->max_output_tokens.reset();
    }
    if (!model->price) it->usd.reset();
  }
  for (auto& c : out) {
    // Every role of one id is one model with one price.
    const config::ResolvedModel* model = nullptr;
    for (config::Role role : config::kAllRoles) {
      if (model == nullptr) model = find_model(models, role, c.model_id);
    }
    if (!c.usd || !c.max_output_tokens || model == nullptr || !model->price) {
      c.usd.reset();
      continue;
    }
    c.usd = c.input_tokens * model->price->input_per_mtok / 1e6 + *c.max_output_tokens * model->price->output_per_mtok / 1e6;
  }
  return out;
}

std::string render_cost_estimate(const std::vector<ModelCost>& costs) {
  if (std::none_of(costs.begin(), costs.end(), [](const ModelCost& c) { return c.usd.has_value(); })) return "";
  std::string out = fmt::format("  estimated cost, at most (input ~{} bytes a token; output at max_tokens):\n",
                                kBytesPerToken);
  double total = 0;
  bool complete = true;
  for (const auto& c : costs) {
    if (c.usd) {
      total += *c.usd;
      out += fmt::format("    {:<32} ${:.4f}  ({} requests, ~{:.0f} input tokens, <= {:.0f} output tokens)\n",
                         c.model_id, *c.usd, c.requests, c.input_tokens, *c.max_output_tokens);
    } else {
      complete = false;
      out += fmt::format("    {:<32} not estimated: {}\n", c.model_id,
                         !c.max_output_tokens ? "no max_tokens in its params, so output is unbounded"
                                              : "no price in the config");
    }
  }
  out += fmt::format("    {:<32} ${:.4f}{}\n", "total", total, complete ? "" : " (priced models only)");
  return out;
}

}  // namespace llmbench::run
