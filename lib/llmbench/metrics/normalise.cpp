// The normalisation of composite scores (composite.hpp), by the metric catalogue's kind and
// direction.
#include <algorithm>

#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/composite.hpp"

namespace llmbench::metrics {
namespace {

// A judge's 1-5 score: the catalogue's scores that carry an interval are the judges' means.
bool judge_scale(const Metric& metric) {
  return metric.kind == MetricKind::score && metric.interval != Interval::none;
}

}  // namespace

bool normalised_relative(const Metric& metric) {
  return metric.kind != MetricKind::rate && metric.kind != MetricKind::score;
}

double normalise(const Metric& metric, double value, double best) {
  double n = 0;
  if (!normalised_relative(metric)) {
    n = judge_scale(metric) ? (value - 1) / 4 : value;
    if (metric.better == Better::lower) n = 1 - n;
  } else if (metric.better == Better::higher) {
    n = best > 0 ? value / best : (value >= best ? 1 : 0);
  } else {
    n = value <= best ? 1 : value > 0 ? best / value : 0;
  }
  return std::clamp(n, 0.0, 1.0);
}

}  // namespace llmbench::metrics
