#pragma once
// tier_2 (answers on the gold context, judged) and tier_3 (retrieve top-k chunks, answer,
// judge end to end). Record shapes: rag_answer_jobs.hpp; metrics: rag_answer_metrics.hpp.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/tiers/rag_answer_jobs.hpp"
#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// tier_2: each generation model answers each question from its gold chunk (rag_system +
// rag_user prompts, --consistency-runs answers); each judge scores the first answer for
// faithfulness, relevance and (with a reference) correctness. With R > 1 answers and an
// embedding model in the sweep, the answers are embedded for response_semantic_consistency.
// Keys start "tier_2|<item>|gen=<model>".
class AnswerQualityTier final : public Tier {
 public:
  // Loads the dataset and the prompt templates.
  explicit AnswerQualityTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_2"; }
  std::vector<config::Role> roles() const override { return {config::Role::generation, config::Role::judge}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  std::vector<data::ItemSet> item_sets() const override;
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;
  // The same from each record's RagEntry, kept as records stream by (rag_entries.hpp).
  std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const override;

 private:
  std::shared_ptr<RagContext> context_;
  std::vector<JudgeAsk> asks_with_reference_, asks_without_reference_;
};

// tier_3: per embedding model, the --top-k chunks most cosine-similar to the question (the
// same embedding requests tier 1 sends) become the context; each generation model answers;
// each judge gives the e2e score (question, answer, reference); the answers and the reference
// are embedded for avg_semantic_similarity / dot / euclidean and semantic consistency.
// Keys start "tier_3|<item>|gen=<model>|emb=<model>".
class EndToEndTier final : public Tier {
 public:
  // Loads the dataset, the chunk corpus and the prompt templates.
  explicit EndToEndTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_3"; }
  std::vector<config::Role> roles() const override {
    return {config::Role::generation, config::Role::judge, config::Role::embedding};
  }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  std::vector<data::ItemSet> item_sets() const override;
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;
  // The same from each record's RagEntry, kept as records stream by (rag_entries.hpp).
  std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const override;

 private:
  // The group of (gen, item) with embedding model `emb`, before its retrieval is known.
  std::shared_ptr<AnswerGroup> group(const config::ResolvedModel& gen, const data::RagItem& item,
                                     const config::ResolvedModel& emb, const run::ModelMatrix& models) const;

  std::shared_ptr<RagContext> context_;
  JudgeAsk e2e_;
};

// The answer request: rag_system as the system message, rag_user (question, context) as the user's.
std::vector<http::ChatMessage> rag_answer_messages(RagContext& context, const data::RagItem& item,
                                                   const std::string& context_text);

// Retrieved chunks as the model reads them: "[1] <text>\n\n[2] <text>...".
std::string format_retrieved(const std::vector<const data::Chunk*>& chunks);

}  // namespace llmbench::tiers
