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

// One weighted metric of one model. `items` (optional) are its per-item values already
// normalised (an accuracy's 0/1 answers: normalise() is affine for rates and scores, so the
// mean of normalised items is the normalised mean); empty for a model-level metric, which the
// bootstrap holds at `value`.
struct CompositeTerm {
  double weight = 0;                 // > 0
  std::optional<double> value;       // normalised; nullopt: the model lacks the metric
  std::vector<double> items;         // normalised per-item values, or empty
};

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
// rounds, seeded): each round resamples every item-level term's items with replacement,
// independently (items of different tasks are different items: a stratified bootstrap), holds
// model-level terms fixed, and takes the weighted mean. The same terms and seed give the same
// interval.
Composite composite_score(const std::vector<CompositeTerm>& terms, const CompositeBootstrap& options);

}  // namespace llmbench::metrics
