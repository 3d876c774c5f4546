#include "llmbench/metrics/composite.hpp"

#include <algorithm>
#include <cmath>

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

double statistic_of(std::vector<double> values, Statistic statistic, double rank) {
  if (values.empty()) return std::nan("");
  double sum = 0;
  for (double v : values) sum += v;
  switch (statistic) {
    case Statistic::mean: return sum / static_cast<double>(values.size());
    case Statistic::sum: return sum;
    case Statistic::nearest_rank: {
      const auto at = static_cast<std::size_t>(std::ceil(rank * static_cast<double>(values.size())));
      const std::size_t k = std::clamp<std::size_t>(at, 1, values.size()) - 1;
      std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
      return values[k];
    }
  }
  return std::nan("");
}

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
  std::vector<double> draw;
  for (int round = 0; round < options.rounds; ++round) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const CompositeTerm& t = terms[i];
      if (t.items.empty()) continue;
      draw.clear();
      for (std::size_t k = 0; k < t.items.size(); ++k) draw.push_back(t.items[rng.below(t.items.size())]);
      const double raw = statistic_of(draw, t.statistic, t.rank);
      round_values[i] = t.normalise ? t.normalise(raw) : raw;
    }
    composites.push_back(weighted_mean(terms, round_values));
  }
  std::sort(composites.begin(), composites.end());
  const double tail = (1 - options.confidence) / 2;
  out.ci95 = CompositeInterval{quantile_sorted(composites, tail), quantile_sorted(composites, 1 - tail)};
  return out;
}

}  // namespace llmbench::metrics
