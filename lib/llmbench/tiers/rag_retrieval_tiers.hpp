#pragma once
// tier_0 (embedding geometry of the dataset questions) and tier_1 (exact cosine retrieval
// over the chunk corpus), plus the retrieval step tier_3 shares with tier_1.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/vector_math.hpp"
#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

struct Retrieval {
  std::vector<std::vector<metrics::ScoredIndex>> ranked;  // per question: best chunks first
  std::string error_kind;  // "" = ok; else the failed embedding request's outcome
  std::string error;
  RequestSummary requests;  // of the embedding requests
  bool ok() const { return error_kind.empty(); }
};

// Embeds `questions` (request repeat_index `repeat`) and the context's chunk corpus
// (repeat 0) with `model`, then ranks the `k` most cosine-similar chunks per question.
// Embedding requests go through the context's SharedRequests (tiers 0, 1 and 3 share them).
void retrieve(RagContext& context, http::Executor& executor, const config::ResolvedModel& model,
              std::vector<std::string> questions, std::size_t k, int repeat,
              std::function<void(const Retrieval&)> done);

// Chunks ranked per question in tier 1 (the largest k of its metrics).
inline constexpr std::size_t kTier1Depth = 10;

class EmbeddingGeometryTier final : public Tier {
 public:
  explicit EmbeddingGeometryTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_0"; }
  std::vector<config::Role> roles() const override { return {config::Role::embedding}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  // One record per embedding model, key "tier_0|emb=<model>", holding `geometry` of every
  // question of the plan; with --shard, only in the shard of kTier0ShardKey (none elsewhere).
  std::size_t job_count(const run::ModelMatrix& models) const override {
    return in_shard() ? models.embedding.size() : 0;
  }
  nlohmann::json datasets_json() const override;
  std::vector<data::ItemSet> item_sets() const override;
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  // metrics.tier_0: the metrics::EmbeddingGeometry keys (total_samples, avg_nn_distance, ...).
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;

 private:
  bool in_shard() const { return context_->options().shard.holds(kTier0ShardKey); }
  std::shared_ptr<RagContext> context_;
};

class RetrievalTier final : public Tier {
 public:
  // Loads the dataset and the chunk corpus.
  explicit RetrievalTier(std::shared_ptr<RagContext> context);
  std::string name() const override { return "tier_1"; }
  std::vector<config::Role> roles() const override { return {config::Role::embedding}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  // One record per (question, embedding model), key "tier_1|<item>|emb=<model>": the top-10
  // chunk ids (`retrieved`), the top-10 of a second retrieval with the question embedded
  // again (`retrieved_rerun`, repeat_index 1) and the gold ids (`relevant`).
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  std::vector<data::ItemSet> item_sets() const override;
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  void requests_finished() override { context_->end_requests(); }
  // metrics.tier_1: metrics::RetrievalMetrics keys (hit_rate@k, mrr, recall@k, precision@k,
  // ndcg@k, retrieval_consistency over the two runs at k=5) plus `errors`.
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;

 private:
  std::shared_ptr<RagContext> context_;
};

// metrics.tier_1 from tier_1 records of one embedding model (pure; tested alone).
nlohmann::json retrieval_metrics(const std::vector<const nlohmann::json*>& records);

// The datasets entry of a RAG tier: {task "rag", tier, split (mode), files, items_total, items_selected}.
nlohmann::json rag_datasets_entry(RagContext& context, const std::string& tier, bool with_chunks);

}  // namespace llmbench::tiers
