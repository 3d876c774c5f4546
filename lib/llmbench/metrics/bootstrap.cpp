#include "llmbench/metrics/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmbench::metrics {
namespace {

// GCC and Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ using Uint128 = unsigned __int128;

}  // namespace

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  Uint128 m = static_cast<Uint128>(next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<Uint128>(next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

std::optional<Interval> bootstrap_mean_interval(std::span<const double> values, const ResampleOptions& options) {
  if (values.empty() || options.rounds <= 0) return std::nullopt;
  SplitMix64 rng(options.seed);
  const std::uint64_t n = values.size();
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(options.rounds));
  for (int round = 0; round < options.rounds; ++round) {
    double sum = 0;
    for (std::uint64_t k = 0; k < n; ++k) sum += values[rng.below(n)];
    means.push_back(sum / static_cast<double>(n));
  }
  std::sort(means.begin(), means.end());
  const double tail = (1 - options.confidence) / 2;
  return Interval{quantile_sorted(means, tail), quantile_sorted(means, 1 - tail)};
}

}  // namespace llmbench::metrics
