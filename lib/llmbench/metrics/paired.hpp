#pragma once
// Paired comparisons of two systems scored on the same items: the McNemar exact test for 0/1
// scores, the normal interval of the mean paired difference, a seeded paired bootstrap for any
// score (judge 1-5, ROUGE), and the cluster-robust standard error of the difference for items
// that come in clusters (MMLU subjects). Pure functions, thread-safe.
//
// Pairing is what makes a small difference visible: two models' scores on one item correlate,
// and the variance of the per-item difference d_i = b_i - a_i is smaller than the sum of the two
// variances an unpaired test would use (Miller 2024, "Adding error bars to evals").

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llmbench/metrics/bootstrap.hpp"

namespace llmbench::metrics {

// The exact two-sided McNemar test on the discordant pairs: b items right under A and wrong
// under B, c the other way. Under the null each discordant pair goes either way with
// probability 1/2, so p = min(1, 2 * P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2) (what
// scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue gives). b + c = 0 gives 1. Summed in log
// space from the largest term down, so it stays exact to ~1e-12 relative for b + c in the
// millions. Examples: (0, 5) -> 0.0625; (2, 8) -> 0.109375; (3, 12) -> 0.03515625.
// Precondition: b, c >= 0.
double mcnemar_exact_p(std::int64_t b, std::int64_t c);

// A signed interval of a difference (unlike Interval's proportions, it may go below 0).
struct DeltaInterval {
  double low = 0;
  double high = 0;
};

// The mean of the per-item differences d_i = b_i - a_i (B minus A: positive when B scores
// higher) and its normal 95% interval, delta +- z * se with se = sd(d) / sqrt(n) (sample
// standard deviation, n - 1). For 0/1 scores delta is accuracy_b - accuracy_a. One item has
// se 0; no items give nullopt. Precondition: a.size() == b.size().
struct PairedDelta {
  std::size_t n = 0;
  double mean_a = 0, mean_b = 0;
  double delta = 0;
  double se = 0;
  DeltaInterval ci95;
};
std::optional<PairedDelta> paired_delta(std::span<const double> a, std::span<const double> b, double z = kZ95);

// The cluster-robust standard error of the mean difference (Miller 2024, eq. 4, without a
// small-sample correction): with residuals r_i = d_i - mean(d) and S_k the sum of r_i over
// cluster k, se = sqrt(sum_k S_k^2) / n. With every item its own cluster this is the CLT
// standard error with the population variance, sqrt(sum r_i^2) / n; items in clusters that
// move together widen it. `clusters[i]` names item i's cluster. nullopt when there are no
// items. Precondition: a, b and clusters have one size.
std::optional<double> clustered_se(std::span<const double> a, std::span<const double> b,
                                   std::span<const std::string> clusters);

// A paired percentile bootstrap of the mean difference: each round draws n item indices with
// replacement and takes the mean of d over them (items stay paired). ci95 is the central
// interval of the rounds' means; p is the two-sided test of "no difference" by centring,
// (1 + #{rounds with |mean* - delta| >= |delta|}) / (rounds + 1), so it is never 0. Seeded:
// the same inputs and options give the same result everywhere. nullopt when there are no items
// or rounds <= 0. Precondition: a.size() == b.size().
struct PairedBootstrap {
  DeltaInterval ci95;
  double p = 1;
};
std::optional<PairedBootstrap> paired_bootstrap(std::span<const double> a, std::span<const double> b,
                                                const ResampleOptions& options = {});

}  // namespace llmbench::metrics
