// Judge metrics: the production judge's confusion matrix and the benchmark judge's
// consistency, against hand-computed tables.

#include <catch2/catch.hpp>

#include "llmbench/metrics/classification.hpp"

using namespace llmbench::metrics;

TEST_CASE("classification: P/R/F1 and accuracy from a confusion matrix", "[metrics][classification]") {
  // TP 8, FP 2, FN 4, TN 6: accuracy 14/20, precision 8/10, recall 8/12,
  // F1 = 2TP / (2TP + FP + FN) = 16/22 = 8/11.
  const BinaryClassification r = classify(ConfusionMatrix{8, 2, 4, 6});
  CHECK(*r.accuracy == Approx(0.7));
  CHECK(*r.precision == Approx(0.8));
  CHECK(*r.recall == Approx(2.0 / 3));
  CHECK(*r.f1_score == Approx(8.0 / 11));
  CHECK(r.total_evaluations == 20);
}

TEST_CASE("classification: failed verdicts are counted apart, outside the matrix", "[metrics][classification]") {
  std::vector<ShowEvaluation> evals{
      {Show::yes, Show::yes}, {Show::yes, Show::yes}, {Show::yes, Show::no},  // TP TP FN
      {Show::no, Show::yes},  {Show::no, Show::no},                           // FP TN
      {Show::yes, std::nullopt}, {Show::no, std::nullopt},                   // failed x2
  };
  const BinaryClassification r = classify(evals);
  CHECK(r.matrix.true_positives == 2);
  CHECK(r.matrix.false_negatives == 1);
  CHECK(r.matrix.false_positives == 1);
  CHECK(r.matrix.true_negatives == 1);
  CHECK(r.failed_evaluations == 2);
  CHECK(r.total_evaluations == 7);
  CHECK(*r.accuracy == Approx(3.0 / 5));  // failures are not counted as wrong
  const nlohmann::json j = to_json(r);
  for (const char* key : {"accuracy", "precision", "recall", "f1_score", "true_positives", "false_positives",
                          "false_negatives", "true_negatives", "total_evaluations", "failed_evaluations"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["failed_evaluations"] == 2);
}

TEST_CASE("classification: precision is missing, not 0, when nothing is predicted show", "[metrics][classification]") {
  // TP 0, FP 0, FN 3, TN 2: precision undefined, recall 0, F1 undefined.
  const BinaryClassification r = classify(ConfusionMatrix{0, 0, 3, 2});
  CHECK_FALSE(r.precision.has_value());
  CHECK(*r.recall == 0.0);
  CHECK_FALSE(r.f1_score.has_value());
  CHECK(*r.accuracy == Approx(0.4));
  const nlohmann::json j = to_json(r);
  CHECK_FALSE(j.contains("precision"));
  CHECK_FALSE(j.contains("f1_score"));
  // Both defined but zero: F1 is 0.
  CHECK(*classify(ConfusionMatrix{0, 1, 1, 0}).f1_score == 0.0);
  // Every verdict failed: no ratio at all.
  const BinaryClassification none = classify(std::vector<ShowEvaluation>{{Show::yes, std::nullopt}});
  CHECK_FALSE(none.accuracy.has_value());
  CHECK(none.failed_evaluations == 1);
}

TEST_CASE("judge consistency: items within 0.5 points count as consistent", "[metrics][classification]") {
  // item 1: 4, 4.5        -> range 0.5, consistent
  // item 2: 3, 5          -> range 2, inconsistent
  // item 3: 2, failed     -> one valid score: not judged for consistency
  // item 4: 5, 5, 5       -> consistent
  // consistency 2/3; error_rate 1/9; avg_score (4+4.5+3+5+2+5+5+5)/8 = 4.1875;
  // latency over the 8 verdicts that have one: 1800/8 = 225 ms.
  const std::vector<std::vector<JudgeVerdict>> items{
      {{4.0, 100.0}, {4.5, 200.0}},
      {{3.0, 300.0}, {5.0, 400.0}},
      {{2.0, 500.0}, {std::nullopt, std::nullopt}},
      {{5.0, 100.0}, {5.0, 100.0}, {5.0, 100.0}},
  };
  const JudgeConsistency r = judge_consistency(items);
  CHECK(r.total_items == 4);
  CHECK(r.total_verdicts == 9);
  CHECK(r.failed_verdicts == 1);
  CHECK(r.consistency_items == 3);
  CHECK(r.consistent_items == 2);
  CHECK(*r.consistency_score == Approx(2.0 / 3));
  CHECK(*r.error_rate == Approx(1.0 / 9));
  CHECK(*r.avg_score == Approx(4.1875));
  CHECK(*r.avg_latency_ms == Approx(225.0));
  const nlohmann::json j = to_json(r);
  CHECK(j["consistency_score"].get<double>() == Approx(2.0 / 3));
  CHECK(j.contains("error_rate"));
  CHECK(j.contains("avg_latency_ms"));
  CHECK(j.contains("avg_score"));
}

TEST_CASE("judge consistency: all verdicts failed gives error rate 1 and no score", "[metrics][classification]") {
  const JudgeConsistency r = judge_consistency({{{std::nullopt, 50.0}, {std::nullopt, std::nullopt}}});
  CHECK(*r.error_rate == 1.0);
  CHECK_FALSE(r.consistency_score.has_value());
  CHECK_FALSE(r.avg_score.has_value());
  CHECK(*r.avg_latency_ms == Approx(50.0));
  CHECK_FALSE(to_json(r).contains("consistency_score"));
}
