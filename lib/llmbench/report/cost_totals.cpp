#include "llmbench/report/cost_totals.hpp"

#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/report/summary.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
namespace field = records::field;

// Which model a tier's cost blocks are charged to, and the model-run fields its records depend on.
struct CostBlocks {
  std::string_view tier;
  std::vector<const char*> answers_depend_on;   // "cost": charged to generation_model
  const char* judge;                            // "judge_cost": charged to this field's model
  std::vector<const char*> verdicts_depend_on;  // besides `judge`
};

const std::vector<CostBlocks>& cost_blocks() {
  static const std::vector<CostBlocks> blocks = {
      {"tier_2", {field::kGenerationModel}, field::kJudgeModel, {field::kGenerationModel}},
      {"tier_3", {field::kGenerationModel, field::kEmbeddingModel}, field::kJudgeModel,
       {field::kGenerationModel, field::kEmbeddingModel}},
      {"tier_judge", {}, field::kJudgeModel, {}},
      {"tier_judge_pipeline", {}, field::kProductionJudgeModel, {}},
      {"tier_ux", {}, field::kJudgeModel, {}},
  };
  return blocks;
}

std::string model_field(const json& mr, const char* name) {
  const auto it = mr.find(name);
  return it != mr.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* total_of(const json& block, std::string_view key) {
  const json* total = metrics::value_at(block, std::string(key) + ".total");
  return total != nullptr && total->is_number() ? total : nullptr;
}

class Totals {
 public:
  // Adds `block`'s <key>.total to `model` once per distinct `identity`.
  void add(const std::string& model, const json& block, std::string_view key, std::vector<std::string> identity,
           bool judge) {
    const json* total = total_of(block, key);
    if (model.empty() || total == nullptr || !seen_.insert(std::move(identity)).second) return;
    ModelCost& m = at(model);
    std::optional<double>& slot = judge ? m.judge_cost : m.cost;
    slot = slot.value_or(0.0) + total->get<double>();
  }
  ModelCost& at(const std::string& model) {
    const auto [it, inserted] = index_.emplace(model, out_.size());
    if (inserted) out_.push_back({model, std::nullopt, std::nullopt});
    return out_[it->second];
  }
  std::vector<ModelCost> take() {
    std::vector<ModelCost> out;
    for (auto& m : out_) {
      if (m.cost || m.judge_cost) out.push_back(std::move(m));
    }
    return out;
  }

 private:
  std::set<std::vector<std::string>> seen_;
  std::map<std::string, std::size_t> index_;
  std::vector<ModelCost> out_;
};

}  // namespace

std::vector<ModelCost> cost_by_model(const json& run) {
  Totals totals;
  for (const json& mr : run.value("model_runs", json::array())) {
    const auto metrics = mr.find("metrics");
    if (metrics == mr.end() || !metrics->is_object()) continue;
    const std::string generation = model_field(mr, field::kGenerationModel);
    if (!generation.empty()) totals.at(generation);  // keeps the order of model_runs
    if (const auto standard = metrics->find("standard"); standard != metrics->end() && standard->is_object()) {
      for (const auto& [task, block] : standard->items()) {
        totals.add(generation, block, "cost", {"standard", task, generation}, false);
      }
    }
    for (const CostBlocks& t : cost_blocks()) {
      const auto block = metrics->find(std::string(t.tier));
      if (block == metrics->end() || !block->is_object()) continue;
      std::vector<std::string> answers = {std::string(t.tier), "cost"};
      for (const char* f : t.answers_depend_on) answers.push_back(model_field(mr, f));
      totals.add(generation, *block, "cost", std::move(answers), false);
      const std::string judge = model_field(mr, t.judge);
      std::vector<std::string> verdicts = {std::string(t.tier), "judge_cost", judge};
      for (const char* f : t.verdicts_depend_on) verdicts.push_back(model_field(mr, f));
      totals.add(judge, *block, "judge_cost", std::move(verdicts), true);
    }
  }
  return totals.take();
}

json cost_by_model_json(const json& run) {
  json out = json::array();
  for (const ModelCost& m : cost_by_model(run)) {
    out.push_back({{"model", m.model},
                   {"cost", m.cost ? json(*m.cost) : json()},
                   {"judge_cost", m.judge_cost ? json(*m.judge_cost) : json()}});
  }
  return out;
}

std::string render_cost_by_model(const json& run) {
  const std::vector<ModelCost> costs = cost_by_model(run);
  if (costs.empty()) return {};
  auto dollars = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : std::string("-"); };
  std::vector<std::vector<std::string>> rows = {{"model", "cost $ (answers)", "judge cost $ (verdicts)"}};
  for (const ModelCost& m : costs) rows.push_back({m.model, dollars(m.cost), dollars(m.judge_cost)});
  return "\nCost per model (every tier and task; a model without a price shows -)\n" + render_table(std::move(rows));
}

}  // namespace llmbench::report
