#include "llmbench/perf/schedule.hpp"

#include <cmath>

#include "llmbench/metrics/bootstrap.hpp"

namespace llmbench::perf {
namespace {

// Uniform in (0, 1): 53 random bits, never 0 (a log of it is finite).
double uniform_open(metrics::SplitMix64& rng) {
  return (static_cast<double>(rng.next() >> 11) + 0.5) / 9007199254740992.0;
}

double standard_normal(metrics::SplitMix64& rng) {  // Box-Muller, one of the pair
  const double u1 = uniform_open(rng), u2 = uniform_open(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by the boost U^(1/shape).
double standard_gamma(metrics::SplitMix64& rng, double shape) {
  if (shape < 1) return standard_gamma(rng, shape + 1) * std::pow(uniform_open(rng), 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0, v = 0;
    do {
      x = standard_normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = uniform_open(rng);
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

}  // namespace

std::vector<double> arrival_times_ms(double rate_per_s, std::int64_t count, Arrival arrival, double burstiness,
                                     std::uint64_t seed) {
  std::vector<double> times;
  if (count <= 0) return times;
  times.reserve(static_cast<std::size_t>(count));
  metrics::SplitMix64 rng(seed);
  const double mean_gap_ms = 1000.0 / rate_per_s;
  double at = 0;
  times.push_back(at);
  for (std::int64_t i = 1; i < count; ++i) {
    const double gap = arrival == Arrival::gamma ? standard_gamma(rng, burstiness) / burstiness
                                                 : -std::log(uniform_open(rng));
    at += gap * mean_gap_ms;
    times.push_back(at);
  }
  return times;
}

}  // namespace llmbench::perf
