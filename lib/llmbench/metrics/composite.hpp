#pragma once
// Composite scores: one number per model from several metrics, each normalised to 0..1 (1 is
// best) and weighted. Pure functions; the weights file and the run's values are
// run/composite_weights.hpp's.
//
// Normalisation, by the metric's catalogue kind and better direction:
//   rate                   a 0..1 share: x when higher is better, 1 - x when lower is;
//   score with an interval a judge's 1-5 score: (x - 1) / 4 (higher better), 1 - that (lower);
//   score without one      a 0..1 score (ROUGE, BLEU, MRR, nDCG, consistency): as a rate;
//   any other kind         (latency, cost, count, distance, ...: no fixed scale) relative to the
//                          best model of the run that holds it: x / best when higher is better,
//                          best / x when lower is (1 for the best; a lower-is-better value above
//                          a best of 0 is 0).
// A metric with no better direction cannot be weighted (the weights file is refused).
// The composite is sum(w_i * n_i) / sum(w_i) over the weighted metrics; when a model lacks any
// of them it has no composite (never a zero).

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace llmbench::metrics {

struct Metric;  // metrics/catalogue.hpp (declared apart: its Interval enum and ci.hpp's Interval
                // struct cannot meet in one translation unit)

// Whether `metric`'s normalisation needs the best value of the run (kinds without a scale).
bool normalised_relative(const Metric& metric);

// normalise.cpp:
// `value` normalised to 0..1 (1 best) by the rule above; `best` is the run's best value of the
// metric (read only when normalised_relative). Clamped to [0, 1].
double normalise(const Metric& metric, double value, double best = 0);

// How a resample of a term's per-item values becomes the metric (before normalisation): their
// mean (accuracy, a judge's score, ROUGE), their sum (cost), or their nearest-rank percentile
// (latency p50 / p95: the value at rank ceil(p * n), as the standard tier computes them).
enum class Statistic { mean, sum, nearest_rank };

// One weighted metric of one model. `items` (optional) are its per-item values in the metric's
// own unit; each bootstrap round draws items.size() of them with replacement, takes
// `statistic` over the draw and `normalise` of that (unset: the statistic as it is). Empty for
// a metric without per-item values, which the bootstrap holds at `value`.
struct CompositeTerm {
  double weight = 0;                 // > 0
  std::optional<double> value;       // normalised; nullopt: the model lacks the metric
  std::vector<double> items;         // per-item values, or empty
  Statistic statistic = Statistic::mean;
  double rank = 0.5;                 // nearest_rank's p (0 < p <= 1)
  std::function<double(double)> normalise;
};

// `statistic` of `values` (nearest_rank at `rank`); NaN when empty.
double statistic_of(std::vector<double> values, Statistic statistic, double rank = 0.5);

struct CompositeInterval {
  double low = 0, high = 0;
};

struct Composite {
  std::optional<double> value;              // nullopt when a term has no value
  std::optional<CompositeInterval> ci95;    // nullopt without item-level terms (or without a value)
};

struct CompositeBootstrap {
  int rounds = 1000;
  std::uint64_t seed = 0;
  double confidence = 0.95;
};

// composite.cpp:
// The weighted mean of the terms, and its percentile bootstrap interval (`options.rounds`
// rounds, seeded): each round resamples every term that has items, independently (items of
// different tasks and metrics are resampled apart: a stratified bootstrap), holds the terms
// without items fixed, and takes the weighted mean. No term with items: no interval. The same
// terms and seed give the same interval.
Composite composite_score(const std::vector<CompositeTerm>& terms, const CompositeBootstrap& options);

}  // namespace llmbench::metrics
