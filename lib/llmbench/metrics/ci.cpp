#include "llmbench/metrics/ci.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::metrics {

std::optional<Interval> wilson_interval(std::int64_t k, std::int64_t n, double z) {
  if (n <= 0 || k < 0 || k > n) return std::nullopt;
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  Interval interval{std::clamp(centre - half, 0.0, 1.0), std::clamp(centre + half, 0.0, 1.0)};
  if (k == 0) interval.low = 0.0;  // the formula gives 0 up to rounding
  if (k == n) interval.high = 1.0;
  return interval;
}

}  // namespace llmbench::metrics
