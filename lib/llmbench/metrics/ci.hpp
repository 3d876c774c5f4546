#pragma once
// Confidence intervals for proportions. Pure functions, thread-safe.

#include <cstdint>
#include <optional>

namespace llmbench::metrics {

// The two-sided 95% normal quantile, Phi^-1(0.975).
inline constexpr double kZ95 = 1.959963984540054;

// A closed interval of proportions, 0 <= low <= high <= 1.
struct Interval {
  double low = 0;
  double high = 0;
};

// The Wilson score interval for `k` successes out of `n` trials at quantile `z`
// (exact closed form, no continuity correction):
//   centre = (p + z^2/(2n)) / (1 + z^2/n)
//   half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2))
// n = 0 has no interval: nullopt (never a fake [0, 0]). k = 0 gives low = 0 exactly and
// k = n gives high = 1 exactly. Precondition: 0 <= k <= n (otherwise nullopt).
// Examples (z = kZ95): 8/10 -> [0.4902, 0.9433]; 0/10 -> [0, 0.2775]; 10/10 -> [0.7225, 1].
std::optional<Interval> wilson_interval(std::int64_t k, std::int64_t n, double z = kZ95);

}  // namespace llmbench::metrics
