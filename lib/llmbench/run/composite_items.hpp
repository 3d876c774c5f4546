#pragma once
// The per-item values behind a weighted metric of one model run, read from the run's item log,
// for the composite's bootstrap (metrics/composite.hpp). A metric with per-item values is
// resampled; any other is held at its value in every round.
//
// Resampled (each key's latest record that applies to the model run, failed ones left out):
//   standard.<task>.accuracy             0/1 per answer, mean
//   standard.<task>.latency_ms.mean|p50|p95
//                                        the answer's latency_ms, mean or nearest-rank percentile
//   standard.<task>.judges.<judge>.score that judge's 1-5 score per answer, mean
//   <tier>.avg_faithfulness, avg_answer_relevance, avg_answer_correctness, avg_e2e_score
//     (tier_2, tier_3)                   the judge's 1-5 score per verdict of that metric, mean
//   <tier>.avg_rouge1_f, avg_rouge2_f, avg_rougeL_f, avg_bleu (tier_2, tier_3)
//                                        the repeat-0 answer against its reference, mean
//   standard.<task>.cost.*, <tier>.cost.*, <tier>.judge_cost.* (input, output, total)
//                                        the record's usage at the block's own price per token
//                                        (cost / tokens of the block), sum
// Held fixed: every other metric (counts, the retrieval and geometry tiers, exact-match and
// consistency rates, pipeline and UX rates, TTFT/TPOT, mean latency of the judge tiers).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/composite.hpp"
#include "llmbench/run/composite_weights.hpp"

namespace llmbench::run {

// Whether the bootstrap resamples the metric at `path` (see above).
bool resampled_metric(const std::string& path);

struct ItemValues {
  std::vector<double> items;  // in the metric's own unit
  metrics::Statistic statistic = metrics::Statistic::mean;
  double rank = 0.5;
};

class CompositeItems {
 public:
  // Keeps each key's latest record of the tiers `weights` resample (none when the file is missing).
  CompositeItems(const std::filesystem::path& item_log, const std::vector<Weight>& weights);
  // The per-item values of `weight` for `model_run`; nullopt when it is held fixed or has none.
  std::optional<ItemValues> values(const Weight& weight, const nlohmann::json& model_run) const;

 private:
  std::vector<nlohmann::json> records_;
};

}  // namespace llmbench::run
