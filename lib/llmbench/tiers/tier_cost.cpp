#include "llmbench/tiers/tier_cost.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "llmbench/records/fields.hpp"
#include "llmbench/tiers/rag_entries.hpp"

namespace llmbench::tiers {

namespace field = records::field;
using nlohmann::json;

void TokenTotals::add(std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  known = true;
  prompt += std::max<std::int64_t>(prompt_tokens, 0);
  completion += std::max<std::int64_t>(completion_tokens, 0);
}

void TokenTotals::add(const TokenTotals& other) {
  if (other.known) add(other.prompt, other.completion);
}

void TokenTotals::add_usage(const json& record) {
  const auto usage = record.find(field::kUsage);
  if (usage == record.end() || !usage->is_object()) return;
  add(usage->value("prompt_tokens", std::int64_t{0}), usage->value("completion_tokens", std::int64_t{0}));
}

Cost& Cost::operator+=(const Cost& other) {
  input += other.input;
  output += other.output;
  total += other.total;
  return *this;
}

json Cost::to_json() const { return {{"input", input}, {"output", output}, {"total", total}}; }

Cost cost_of(const TokenTotals& tokens, const config::Price& price) {
  const double input = static_cast<double>(tokens.prompt) * price.input_per_mtok / 1e6;
  const double output = static_cast<double>(tokens.completion) * price.output_per_mtok / 1e6;
  return {input, output, input + output};
}

namespace {

// The one writer of a tokens block and its cost (no cost key when `cost` is unset).
void put_block(json& out, const TokenTotals& tokens, const std::optional<Cost>& cost, std::string_view tokens_key,
               std::string_view cost_key) {
  if (!tokens.known) return;
  out[std::string(tokens_key)] = {{"prompt", tokens.prompt}, {"completion", tokens.completion}};
  if (cost) out[std::string(cost_key)] = cost->to_json();
}

}  // namespace

void put_tokens_and_cost(json& out, const TokenTotals& tokens, const std::optional<config::Price>& price,
                         std::string_view tokens_key, std::string_view cost_key) {
  put_block(out, tokens, price ? std::optional<Cost>(cost_of(tokens, *price)) : std::nullopt, tokens_key, cost_key);
}

std::optional<config::Price> price_of(const run::ModelMatrix& models, std::string_view id) {
  for (config::Role role : config::kAllRoles) {
    for (const auto& m : run::role_models(models, role)) {
      if (m.id == id) return m.price;
    }
  }
  if (models.safety_judge && models.safety_judge->id == id) return models.safety_judge->price;
  return std::nullopt;
}

namespace {

// One kind of request of a model run (its answers, or its verdicts), by model: a cost only when
// every model that used tokens has a price.
struct CostGroup {
  std::map<std::string, TokenTotals> by_model;
  void put(json& out, const run::ModelMatrix& models, std::string_view tokens_key, std::string_view cost_key) const {
    TokenTotals all;
    std::optional<Cost> cost = Cost{};  // unset once a model that used tokens has no price
    for (const auto& [model, tokens] : by_model) {
      if (!tokens.known) continue;
      all.add(tokens);
      const std::optional<config::Price> price = price_of(models, model);
      if (!price) cost.reset();
      else if (cost) *cost += cost_of(tokens, *price);
    }
    put_block(out, all, cost, tokens_key, cost_key);
  }
};

}  // namespace

void put_request_costs(json& out, const std::vector<const json*>& records, const run::ModelMatrix& models) {
  const RagEntries entries(records);
  put_request_costs(out, entries.pointers, entries.names, models);
}

void put_request_costs(json& out, const std::vector<const RagEntry*>& entries, const RagNames& names,
                       const run::ModelMatrix& models) {
  CostGroup answers, verdicts;
  for (const RagEntry* e : entries) {
    CostGroup* group = e->role == RagEntry::Role::generation ? &answers
                       : e->role == RagEntry::Role::judge || e->role == RagEntry::Role::production_judge ? &verdicts
                                                                                                          : nullptr;
    if (group == nullptr) continue;
    group->by_model[names.at(e->model)].add(e->tokens);
  }
  answers.put(out, models, "tokens", "cost");
  verdicts.put(out, models, "judge_tokens", "judge_cost");
}

}  // namespace llmbench::tiers
