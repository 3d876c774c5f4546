#include "llmbench/metrics/composite.hpp"

#include <algorithm>

#include "llmbench/metrics/bootstrap.hpp"

namespace llmbench::metrics {
namespace {

double weighted_mean(const std::vector<CompositeTerm>& terms, const std::vector<double>& values) {
  double sum = 0, weights = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    sum += terms[i].weight * values[i];
    weights += terms[i].weight;
  }
  return sum / weights;
}

}  // namespace

Composite composite_score(const std::vector<CompositeTerm>& terms, const CompositeBootstrap& options) {
  Composite out;
  if (terms.empty()) return out;
  std::vector<double> values;
  for (const auto& term : terms) {
    if (!term.value) return out;
    values.push_back(*term.value);
  }
  out.value = weighted_mean(terms, values);
  const bool resampled = std::any_of(terms.begin(), terms.end(), [](const CompositeTerm& t) { return !t.items.empty(); });
  if (!resampled || options.rounds <= 0) return out;
  SplitMix64 rng(options.seed);
  std::vector<double> composites;
  composites.reserve(static_cast<std::size_t>(options.rounds));
  std::vector<double> round_values = values;
  for (int round = 0; round < options.rounds; ++round) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const auto& items = terms[i].items;
      if (items.empty()) continue;
      double sum = 0;
      for (std::size_t k = 0; k < items.size(); ++k) sum += items[rng.below(items.size())];
      round_values[i] = sum / static_cast<double>(items.size());
    }
    composites.push_back(weighted_mean(terms, round_values));
  }
  std::sort(composites.begin(), composites.end());
  const double tail = (1 - options.confidence) / 2;
  out.ci95 = CompositeInterval{quantile_sorted(composites, tail), quantile_sorted(composites, 1 - tail)};
  return out;
}

}  // namespace llmbench::metrics
