#include "llmbench/metrics/classification.hpp"

#include <algorithm>

namespace llmbench::metrics {
namespace {

std::optional<double> ratio(std::size_t numerator, std::size_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

template <typename T>
void put_if(nlohmann::json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}

}  // namespace

BinaryClassification classify(const ConfusionMatrix& m, std::size_t failed_evaluations) {
  BinaryClassification r;
  r.matrix = m;
  r.failed_evaluations = failed_evaluations;
  r.total_evaluations = m.total() + failed_evaluations;
  r.accuracy = ratio(m.true_positives + m.true_negatives, m.total());
  r.precision = ratio(m.true_positives, m.true_positives + m.false_positives);
  r.recall = ratio(m.true_positives, m.true_positives + m.false_negatives);
  if (r.precision && r.recall) {
    const double sum = *r.precision + *r.recall;
    r.f1_score = sum > 0 ? 2 * *r.precision * *r.recall / sum : 0.0;
  }
  return r;
}

BinaryClassification classify(const std::vector<ShowEvaluation>& evaluations) {
  ConfusionMatrix m;
  std::size_t failed = 0;
  for (const auto& e : evaluations) {
    if (!e.predicted) {
      ++failed;
      continue;
    }
    const bool truth = e.ground_truth == Show::yes;
    const bool predicted = *e.predicted == Show::yes;
    if (truth && predicted) ++m.true_positives;
    if (!truth && predicted) ++m.false_positives;
    if (truth && !predicted) ++m.false_negatives;
    if (!truth && !predicted) ++m.true_negatives;
  }
  return classify(m, failed);
}

nlohmann::json to_json(const BinaryClassification& r) {
  nlohmann::json out = nlohmann::json::object();
  put_if(out, "accuracy", r.accuracy);
  put_if(out, "precision", r.precision);
  put_if(out, "recall", r.recall);
  put_if(out, "f1_score", r.f1_score);
  out["true_positives"] = r.matrix.true_positives;
  out["false_positives"] = r.matrix.false_positives;
  out["false_negatives"] = r.matrix.false_negatives;
  out["true_negatives"] = r.matrix.true_negatives;
  out["total_evaluations"] = r.total_evaluations;
  out["failed_evaluations"] = r.failed_evaluations;
  return out;
}

JudgeConsistency judge_consistency(const std::vector<std::vector<JudgeVerdict>>& verdicts_per_item) {
  JudgeConsistency r;
  r.total_items = verdicts_per_item.size();
  double score_sum = 0;
  std::size_t scores = 0;
  double latency_sum = 0;
  std::size_t latencies = 0;
  for (const auto& verdicts : verdicts_per_item) {
    std::vector<double> valid;
    for (const auto& v : verdicts) {
      ++r.total_verdicts;
      if (v.latency_ms) {
        latency_sum += *v.latency_ms;
        ++latencies;
      }
      if (!v.score) {
        ++r.failed_verdicts;
        continue;
      }
      valid.push_back(*v.score);
      score_sum += *v.score;
      ++scores;
    }
    if (valid.size() >= 2) {
      ++r.consistency_items;
      const auto [lo, hi] = std::minmax_element(valid.begin(), valid.end());
      // The tolerance absorbs rounding of fractional scores (4.5 - 4.0 must count).
      if (*hi - *lo <= kConsistentScoreRange + 1e-9) ++r.consistent_items;
    }
  }
  r.consistency_score = ratio(r.consistent_items, r.consistency_items);
  r.error_rate = ratio(r.failed_verdicts, r.total_verdicts);
  if (latencies > 0) r.avg_latency_ms = latency_sum / static_cast<double>(latencies);
  if (scores > 0) r.avg_score = score_sum / static_cast<double>(scores);
  return r;
}

nlohmann::json to_json(const JudgeConsistency& r) {
  nlohmann::json out = nlohmann::json::object();
  put_if(out, "consistency_score", r.consistency_score);
  put_if(out, "error_rate", r.error_rate);
  put_if(out, "avg_latency_ms", r.avg_latency_ms);
  put_if(out, "avg_score", r.avg_score);
  out["total_items"] = r.total_items;
  out["total_verdicts"] = r.total_verdicts;
  out["failed_verdicts"] = r.failed_verdicts;
  out["consistency_items"] = r.consistency_items;
  out["consistent_items"] = r.consistent_items;
  return out;
}

}  // namespace llmbench::metrics
