#pragma once
// `run --weights FILE`: a composite score per model run from weighted metrics
// (metrics/composite.hpp says how each is normalised), e.g.
//
//   weights:
//     standard.mmlu.accuracy: 2
//     standard.gsm8k.accuracy: 1
//     standard.mmlu.latency_ms.p95: 0.5
//
// A key is a dotted path under a model run's `metrics`, as --baselines and --fail-if name them
// (the metric catalogue's keys under their scope); a weight is a number > 0.
//
// The interval: a seeded percentile bootstrap (1,000 rounds, the run's --sample-seed). Each
// round resamples, per weighted metric and apart, the per-item values of every metric that has
// them in the item log (run/composite_items.hpp lists which: accuracies, judge scores, ROUGE /
// BLEU, standard latencies, costs) and holds every other metric at its value; the record's
// composite.bootstrap lists the two ("resampled", "fixed"). The run's best value of a metric
// without a scale stays the run's in every round. With no resampled metric there is no interval.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {
struct Metric;  // metrics/catalogue.hpp
}

namespace llmbench::run {

struct Weight {
  std::string path;  // "standard.mmlu.accuracy"
  double weight = 0;
  const metrics::Metric* metric = nullptr;
};

// Reads a weights file. Throws InputError (exit 2) naming the file and line: no `weights:`
// mapping, a key that names no metric (with the nearest known name), a metric without a better
// direction, or a weight that is not a number > 0.
std::vector<Weight> load_weights(const std::string& file);

inline constexpr int kCompositeBootstrapRounds = 1000;

// Sets each model run's "composite" ({value, ci95, missing}: value and ci95 null when a weighted
// metric is missing, which `missing` lists) and returns the run's "composite" block
// ({file, weights: [{metric, weight}], bootstrap: {rounds, seed, resampled: [metric], fixed:
// [metric]}}). `item_log` is the run's
// item log (per-item answers of the weighted accuracies).
nlohmann::json apply_composite(const std::vector<Weight>& weights, const std::string& file, nlohmann::json& model_runs,
                               const std::filesystem::path& item_log, std::uint64_t seed);

}  // namespace llmbench::run
