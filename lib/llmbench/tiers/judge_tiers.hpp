#pragma once
// tier_judge (how reliable a benchmark judge is) and tier_judge_pipeline (the production
// "show this answer?" judge as a binary classifier).

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// tier_judge: each judge scores each item's reference answer (ground_truth_answer) against
// its question and gold context with the faithfulness prompt, max(2, --consistency-runs)
// times (repeat_index 0, 1, ...); items without a reference are left out. Independent of
// the generation models. Records: key "tier_judge|<item>|judge=<model>|r<r>", role judge,
// score, rationale. The repeat-0 request is the same as tier 2's faithfulness request on an
// answer that equals the reference, and is then sent once.
class JudgeReliabilityTier final : public Tier {
 public:
  explicit JudgeReliabilityTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_judge"; }
  std::vector<config::Role> roles() const override { return {config::Role::judge}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  std::vector<data::ItemSet> item_sets() const override;
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  // metrics.tier_judge: metrics::JudgeConsistency keys (consistency_score, error_rate,
  // avg_latency_ms, avg_score, total_items, total_verdicts, failed_verdicts, ...).
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;
  // The same from each record's RagEntry, kept as records stream by (rag_entries.hpp).
  std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const override;
  int repeats() const;

 private:
  // The record key of `judge`'s verdict on `item`'s reference, repeat `rep`.
  static std::string key(const data::RagItem& item, const config::ResolvedModel& judge, int rep);

  std::shared_ptr<RagContext> context_;
  const tasks::PromptTemplate* prompt_ = nullptr;
};

// tier_judge_pipeline: each production judge decides for each item of the judge-pipeline
// set whether the answer should be shown (prompt production_judge.txt; the reply must start with
// Yes or No). Records: key "tier_judge_pipeline|<item>|pj=<model>", role production_judge,
// gold / extracted ("Yes"/"No"), correct; an unreadable verdict is an error record
// (error_kind "unparsed_verdict") counted in failed_evaluations.
class JudgePipelineTier final : public Tier {
 public:
  explicit JudgePipelineTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_judge_pipeline"; }
  std::vector<config::Role> roles() const override { return {config::Role::production_judge}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  // The pipeline items are judged, not answered: nothing to teach the simulator.
  std::vector<data::ItemSet> item_sets() const override { return {}; }
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  // metrics.tier_judge_pipeline: pipeline_metrics().
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;
  // The same from each record's RagEntry, kept as records stream by (rag_entries.hpp).
  std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const override;

 private:
  std::shared_ptr<RagContext> context_;
  const tasks::PromptTemplate* prompt_ = nullptr;
};

// From one judge's tier_judge records (pure).
nlohmann::json judge_reliability_metrics(const std::vector<const nlohmann::json*>& records);
// From one production judge's records (pure): accuracy, precision, recall, f1_score,
// true/false positives/negatives, total_evaluations, failed_evaluations, avg_latency_ms
// (over answered requests, failed verdicts included).
nlohmann::json pipeline_metrics(const std::vector<const nlohmann::json*>& records);

}  // namespace llmbench::tiers
