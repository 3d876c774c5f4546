#include "llmbench/metrics/paired.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace llmbench::metrics {

double mcnemar_exact_p(std::int64_t b, std::int64_t c) {
  const std::int64_t n = b + c;
  const std::int64_t m = std::min(b, c);
  if (n == 0 || 2 * m >= n) return 1.0;  // b == c: the observed split is the likeliest one
  // P(X <= m) = C(n, m) / 2^n * (1 + m/(n-m+1) + m(m-1)/((n-m+1)(n-m+2)) + ...): the terms
  // shrink from k = m down, so the sum is taken relative to the largest and scaled once.
  const auto nd = static_cast<double>(n), md = static_cast<double>(m);
  const double log_top = std::lgamma(nd + 1) - std::lgamma(md + 1) - std::lgamma(nd - md + 1) - nd * std::log(2.0);
  double sum = 1, term = 1;
  for (std::int64_t k = m; k >= 1; --k) {
    term *= static_cast<double>(k) / static_cast<double>(n - k + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return std::min(1.0, 2 * std::exp(log_top + std::log(sum)));
}

double binomial_cdf(std::int64_t k, std::int64_t n, double p) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const auto nd = static_cast<double>(n);
  const auto log_pmf = [&](std::int64_t i) {
    const auto id = static_cast<double>(i);
    return std::lgamma(nd + 1) - std::lgamma(id + 1) - std::lgamma(nd - id + 1) + id * std::log(p) +
           (nd - id) * std::log1p(-p);
  };
  // Terms shrink away from the mean, so each tail is summed relative to its first term.
  const bool lower = static_cast<double>(k) <= nd * p;
  const std::int64_t first = lower ? k : k + 1;
  double sum = 1, term = 1;
  if (lower) {
    for (std::int64_t i = k; i >= 1; --i) {  // pmf(i - 1) = pmf(i) * i / (n - i + 1) * (1 - p) / p
      term *= static_cast<double>(i) / static_cast<double>(n - i + 1) * (1 - p) / p;
      sum += term;
      if (term < sum * 1e-17) break;
    }
  } else {
    for (std::int64_t i = k + 1; i < n; ++i) {  // pmf(i + 1) = pmf(i) * (n - i) / (i + 1) * p / (1 - p)
      term *= static_cast<double>(n - i) / static_cast<double>(i + 1) * p / (1 - p);
      sum += term;
      if (term < sum * 1e-17) break;
    }
  }
  const double tail = std::min(1.0, std::exp(log_pmf(first) + std::log(sum)));
  return lower ? tail : 1 - tail;
}

std::optional<PairedDelta> paired_delta(std::span<const double> a, std::span<const double> b, double z) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0) return std::nullopt;
  PairedDelta out;
  out.n = n;
  double sum_a = 0, sum_b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_a += a[i];
    sum_b += b[i];
  }
  const auto nd = static_cast<double>(n);
  out.mean_a = sum_a / nd;
  out.mean_b = sum_b / nd;
  out.delta = out.mean_b - out.mean_a;
  if (n > 1) {
    double squares = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double r = (b[i] - a[i]) - out.delta;
      squares += r * r;
    }
    out.se = std::sqrt(squares / (nd - 1) / nd);
  }
  out.ci95 = {out.delta - z * out.se, out.delta + z * out.se};
  return out;
}

std::optional<double> clustered_se(std::span<const double> a, std::span<const double> b,
                                   std::span<const std::string> clusters) {
  const std::size_t n = std::min({a.size(), b.size(), clusters.size()});
  if (n == 0) return std::nullopt;
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += b[i] - a[i];
  mean /= static_cast<double>(n);
  std::map<std::string, double> sums;
  for (std::size_t i = 0; i < n; ++i) sums[clusters[i]] += (b[i] - a[i]) - mean;
  double squares = 0;
  for (const auto& [name, s] : sums) squares += s * s;
  return std::sqrt(squares) / static_cast<double>(n);
}

std::optional<PairedBootstrap> paired_bootstrap(std::span<const double> a, std::span<const double> b,
                                                const ResampleOptions& options) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0 || options.rounds <= 0) return std::nullopt;
  std::vector<double> d(n);
  double delta = 0;
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = b[i] - a[i];
    delta += d[i];
  }
  delta /= static_cast<double>(n);
  SplitMix64 rng(options.seed);
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(options.rounds));
  std::int64_t as_extreme = 0;
  for (int round = 0; round < options.rounds; ++round) {
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) sum += d[rng.below(n)];
    const double mean = sum / static_cast<double>(n);
    // Relative slack so that a zero difference (every resample equal to it) counts as extreme.
    if (std::abs(mean - delta) >= std::abs(delta) - 1e-12 * (1 + std::abs(delta))) ++as_extreme;
    means.push_back(mean);
  }
  std::sort(means.begin(), means.end());
  const double tail = (1 - options.confidence) / 2;
  PairedBootstrap out;
  out.ci95 = {quantile_sorted(means, tail), quantile_sorted(means, 1 - tail)};
  out.p = static_cast<double>(1 + as_extreme) / static_cast<double>(options.rounds + 1);
  return out;
}

}  // namespace llmbench::metrics
