#include "llmbench/metrics/retrieval.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::metrics {
namespace {

using IdSet = std::unordered_set<std::string>;

std::size_t top(const RankedIds& retrieved, std::size_t k) { return std::min(k, retrieved.size()); }

// Distinct relevant ids among the first k retrieved.
std::size_t relevant_hits(const RankedIds& retrieved, const IdSet& relevant, std::size_t k) {
  IdSet seen;
  for (std::size_t i = 0; i < top(retrieved, k); ++i) {
    if (relevant.count(retrieved[i]) != 0) seen.insert(retrieved[i]);
  }
  return seen.size();
}

IdSet top_set(const RankedIds& ids, std::size_t k) {
  return IdSet(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(top(ids, k)));
}

}  // namespace

bool hit_at_k(const RankedIds& retrieved, const IdSet& relevant, std::size_t k) {
  return relevant_hits(retrieved, relevant, k) > 0;
}

double reciprocal_rank(const RankedIds& retrieved, const IdSet& relevant) {
  for (std::size_t i = 0; i < retrieved.size(); ++i) {
    if (relevant.count(retrieved[i]) != 0) return 1.0 / static_cast<double>(i + 1);
  }
  return 0;
}

double recall_at_k(const RankedIds& retrieved, const IdSet& relevant, std::size_t k) {
  if (relevant.empty()) return 0;
  return static_cast<double>(relevant_hits(retrieved, relevant, k)) / static_cast<double>(relevant.size());
}

double precision_at_k(const RankedIds& retrieved, const IdSet& relevant, std::size_t k) {
  if (k == 0) return 0;
  return static_cast<double>(relevant_hits(retrieved, relevant, k)) / static_cast<double>(k);
}

double ndcg_at_k(const RankedIds& retrieved, const IdSet& relevant, std::size_t k) {
  if (relevant.empty() || k == 0) return 0;
  IdSet seen;
  double dcg = 0;
  for (std::size_t i = 0; i < top(retrieved, k); ++i) {
    const std::string& id = retrieved[i];
    if (relevant.count(id) != 0 && seen.insert(id).second) dcg += 1.0 / std::log2(static_cast<double>(i) + 2);
  }
  double idcg = 0;
  const std::size_t ideal_hits = std::min(k, relevant.size());
  for (std::size_t i = 0; i < ideal_hits; ++i) idcg += 1.0 / std::log2(static_cast<double>(i) + 2);
  return dcg / idcg;
}

double jaccard_at_k(const RankedIds& a, const RankedIds& b, std::size_t k) {
  const IdSet sa = top_set(a, k);
  const IdSet sb = top_set(b, k);
  if (sa.empty() && sb.empty()) return 1;
  std::size_t common = 0;
  for (const auto& id : sa) common += sb.count(id);
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

std::optional<double> retrieval_consistency(const std::vector<std::vector<RankedIds>>& runs_per_query,
                                            std::size_t k) {
  double sum = 0;
  std::size_t queries = 0;
  for (const auto& runs : runs_per_query) {
    if (runs.size() < 2) continue;
    double pair_sum = 0;
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      for (std::size_t j = i + 1; j < runs.size(); ++j) {
        pair_sum += jaccard_at_k(runs[i], runs[j], k);
        ++pairs;
      }
    }
    sum += pair_sum / static_cast<double>(pairs);
    ++queries;
  }
  if (queries == 0) return std::nullopt;
  return sum / static_cast<double>(queries);
}

RetrievalMetrics evaluate_retrieval(const std::vector<RetrievalQuery>& queries) {
  RetrievalMetrics m;
  double rr_sum = 0;
  for (const auto& q : queries) {
    if (q.relevant.empty()) {
      ++m.skipped_queries;
      continue;
    }
    ++m.evaluated_queries;
    for (std::size_t k : kHitRateKs) m.hit_rate[k] += hit_at_k(q.retrieved, q.relevant, k) ? 1 : 0;
    rr_sum += reciprocal_rank(q.retrieved, q.relevant);
    for (std::size_t k : kRecallPrecisionKs) {
      m.recall[k] += recall_at_k(q.retrieved, q.relevant, k);
      m.precision[k] += precision_at_k(q.retrieved, q.relevant, k);
    }
    for (std::size_t k : kNdcgKs) m.ndcg[k] += ndcg_at_k(q.retrieved, q.relevant, k);
  }
  if (m.evaluated_queries == 0) return m;
  const auto n = static_cast<double>(m.evaluated_queries);
  for (auto* table : {&m.hit_rate, &m.recall, &m.precision, &m.ndcg}) {
    for (auto& entry : *table) entry.second /= n;
  }
  m.mrr = rr_sum / n;
  return m;
}

nlohmann::json to_json(const RetrievalMetrics& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : m.hit_rate) out["hit_rate@" + std::to_string(k)] = v;
  if (m.mrr) out["mrr"] = *m.mrr;
  for (const auto& [k, v] : m.recall) out["recall@" + std::to_string(k)] = v;
  for (const auto& [k, v] : m.precision) out["precision@" + std::to_string(k)] = v;
  for (const auto& [k, v] : m.ndcg) out["ndcg@" + std::to_string(k)] = v;
  if (m.retrieval_consistency) out["retrieval_consistency"] = *m.retrieval_consistency;
  out["evaluated_queries"] = m.evaluated_queries;
  out["skipped_queries"] = m.skipped_queries;
  return out;
}

}  // namespace llmbench::metrics
