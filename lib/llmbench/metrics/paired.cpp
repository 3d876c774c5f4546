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
