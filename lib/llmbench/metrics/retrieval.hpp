#pragma once
// Ranking metrics for RAG tier_1: per query a ranked list of retrieved chunk ids and a
// set of relevant ids (binary relevance). Pure functions, no I/O.
//
// Conventions (each tested in tests/test_retrieval_metrics.cpp):
// - Ranks are 1-based; "top k" is the first min(k, retrieved.size()) entries.
// - A relevant id retrieved twice counts once (the first time), in every metric, so
//   recall and NDCG never exceed 1.
// - precision@k divides by k even when fewer than k chunks were retrieved.
// - MRR uses the whole ranked list (1 / rank of the first relevant id, 0 if none).
// - NDCG@k: DCG = sum over ranks i <= k of rel_i / log2(i + 1); IDCG is the DCG of
//   min(k, |relevant|) hits at ranks 1..; NDCG = DCG / IDCG.
// - Queries with no relevant ids cannot be scored: they are skipped and counted.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {

using RankedIds = std::vector<std::string>;

struct RetrievalQuery {
  RankedIds retrieved;                      // best first
  std::unordered_set<std::string> relevant;  // gold chunk ids
};

// Per-query metrics (precondition for the ratios: !relevant.empty()).
bool hit_at_k(const RankedIds& retrieved, const std::unordered_set<std::string>& relevant, std::size_t k);
double reciprocal_rank(const RankedIds& retrieved, const std::unordered_set<std::string>& relevant);
double recall_at_k(const RankedIds& retrieved, const std::unordered_set<std::string>& relevant, std::size_t k);
double precision_at_k(const RankedIds& retrieved, const std::unordered_set<std::string>& relevant, std::size_t k);
double ndcg_at_k(const RankedIds& retrieved, const std::unordered_set<std::string>& relevant, std::size_t k);

// Jaccard overlap |A n B| / |A u B| of two top-k sets; 1 when both are empty.
double jaccard_at_k(const RankedIds& a, const RankedIds& b, std::size_t k);

// retrieval_consistency: for each query with two or more retrieval runs (the same query
// retrieved again, e.g. re-embedded), the mean Jaccard overlap of the top-k sets over all
// pairs of runs; then the mean over those queries. 1 = every run returned the same
// top-k set (order ignored). nullopt if no query has two runs.
std::optional<double> retrieval_consistency(const std::vector<std::vector<RankedIds>>& runs_per_query,
                                            std::size_t k = 5);

inline constexpr std::size_t kHitRateKs[] = {1, 5, 10};
inline constexpr std::size_t kRecallPrecisionKs[] = {1, 3, 5, 10};
inline constexpr std::size_t kNdcgKs[] = {5, 10};

struct RetrievalMetrics {
  std::size_t evaluated_queries = 0;
  std::size_t skipped_queries = 0;  // no relevant ids
  // Means over evaluated queries; empty maps / nullopt when none was evaluated.
  std::map<std::size_t, double> hit_rate;   // k in kHitRateKs
  std::optional<double> mrr;
  std::map<std::size_t, double> recall;     // k in kRecallPrecisionKs
  std::map<std::size_t, double> precision;  // k in kRecallPrecisionKs
  std::map<std::size_t, double> ndcg;       // k in kNdcgKs
  std::optional<double> retrieval_consistency;  // set by the caller from retrieval_consistency()
};

RetrievalMetrics evaluate_retrieval(const std::vector<RetrievalQuery>& queries);

// Keys: hit_rate@1, hit_rate@5, hit_rate@10, mrr, recall@{1,3,5,10}, precision@{1,3,5,10},
// ndcg@5, ndcg@10, retrieval_consistency (absent when unset), evaluated_queries,
// skipped_queries.
nlohmann::json to_json(const RetrievalMetrics& metrics);

}  // namespace llmbench::metrics
