#pragma once
// Judge metrics (pure functions, no I/O):
// - tier_judge_pipeline: the production judge's show/hide decisions against ground
//   truth, as a confusion matrix with positive class = "show";
// - tier_judge: the stability of a benchmark judge that scores each item several times.
//
// A failed verdict (request error, or an answer the parser could not read) is never
// dropped silently: it is counted apart (failed_evaluations / failed_verdicts) and kept
// out of the confusion matrix and the score statistics.

#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {

// ---- tier_judge_pipeline ----

enum class Show { no, yes };

struct ShowEvaluation {
  Show ground_truth = Show::no;
  std::optional<Show> predicted;  // nullopt: the judge failed or its verdict was unparseable
};

struct ConfusionMatrix {
  std::size_t true_positives = 0;
  std::size_t false_positives = 0;
  std::size_t false_negatives = 0;
  std::size_t true_negatives = 0;
  std::size_t total() const { return true_positives + false_positives + false_negatives + true_negatives; }
};

struct BinaryClassification {
  ConfusionMatrix matrix;
  std::size_t total_evaluations = 0;   // every evaluation, failed ones included
  std::size_t failed_evaluations = 0;  // not in the matrix
  // Undefined ratios are nullopt, never 0 (a judge that never says "show" has no
  // precision, which is different from a precision of 0):
  std::optional<double> accuracy;   // (TP + TN) / matrix total; nullopt if the matrix is empty
  std::optional<double> precision;  // TP / (TP + FP); nullopt if nothing was predicted "show"
  std::optional<double> recall;     // TP / (TP + FN); nullopt if nothing should be shown
  std::optional<double> f1_score;   // 2PR / (P + R); nullopt if P or R is; 0 if P + R == 0
};

BinaryClassification classify(const ConfusionMatrix& matrix, std::size_t failed_evaluations = 0);
BinaryClassification classify(const std::vector<ShowEvaluation>& evaluations);

// Keys: accuracy, precision, recall, f1_score (absent when undefined), true_positives,
// false_positives, false_negatives, true_negatives, total_evaluations, failed_evaluations.
nlohmann::json to_json(const BinaryClassification& result);

// ---- tier_judge ----

// One judge verdict on one item. `score` is nullopt when the request failed or the
// verdict was unparseable (an error); `latency_ms` is nullopt when no response arrived.
struct JudgeVerdict {
  std::optional<double> score;
  std::optional<double> latency_ms;
};

inline constexpr double kConsistentScoreRange = 0.5;

struct JudgeConsistency {
  std::size_t total_items = 0;
  std::size_t total_verdicts = 0;
  std::size_t failed_verdicts = 0;
  std::size_t consistency_items = 0;  // items with >= 2 valid scores
  std::size_t consistent_items = 0;   // of those, max - min <= kConsistentScoreRange
  std::optional<double> consistency_score;  // consistent_items / consistency_items
  std::optional<double> error_rate;         // failed_verdicts / total_verdicts
  std::optional<double> avg_latency_ms;     // over verdicts with a latency, failed ones included
  std::optional<double> avg_score;          // over valid scores
};

// `verdicts_per_item[i]` holds the repeated verdicts on item i (normally >= 2).
JudgeConsistency judge_consistency(const std::vector<std::vector<JudgeVerdict>>& verdicts_per_item);

// Keys: consistency_score, error_rate, avg_latency_ms, avg_score (absent when undefined),
// total_items, total_verdicts, failed_verdicts, consistency_items, consistent_items.
nlohmann::json to_json(const JudgeConsistency& result);

}  // namespace llmbench::metrics
