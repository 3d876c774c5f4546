#pragma once
// Seeded resampling: a fully specified generator and percentile bootstrap intervals. Pure
// functions, thread-safe; the same inputs and seed give the same interval on every platform.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "llmbench/metrics/ci.hpp"

namespace llmbench::metrics {

// SplitMix64: a tiny generator whose every output is specified, unlike std's distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, bound), bound > 0 (Lemire's multiply-shift with rejection: unbiased).
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t state_;
};

// The q-quantile (0 <= q <= 1) of ascending `sorted` by linear interpolation between closest
// ranks (numpy's default); NaN when empty.
double quantile_sorted(const std::vector<double>& sorted, double q);

struct ResampleOptions {
  int rounds = 1000;
  std::uint64_t seed = 0;
  double confidence = 0.95;  // the central interval of the resampled means (percentiles)
};

// The percentile bootstrap interval of the mean of `values`: `rounds` resamples of
// values.size() draws with replacement. Empty input or rounds <= 0 has no interval (nullopt,
// never a fake [0, 0]); one value gives [v, v]. Unlike Interval's proportions, the bounds are
// in the values' own unit (a judge's 1-5 score stays on 1-5).
std::optional<Interval> bootstrap_mean_interval(std::span<const double> values,
                                                const ResampleOptions& options = {});

}  // namespace llmbench::metrics
