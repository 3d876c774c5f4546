#include "llmbench/metrics/style_control.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "llmbench/metrics/bootstrap.hpp"

namespace llmbench::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFallbackPseudoWins = 1e-6;
// The mean of the strengths is not identified by the data; the penalty (sum theta)^2 / 2 fixes
// it at 0 without moving the differences, and a tiny ridge keeps a model in a group that never
// met the others, or a covariate that is 0 in every battle, solvable.
constexpr double kRidge = 1e-10;

double score_of(BattleResult r) { return r == BattleResult::a_wins ? 1.0 : r == BattleResult::tie ? 0.5 : 0.0; }

// Solves a * x = b in place (a: d x d, symmetric positive definite in practice) by Gaussian
// elimination with partial pivoting; returns false when a is singular.
bool solve(std::vector<double>& a, std::vector<double>& b, std::size_t d) {
  for (std::size_t c = 0; c < d; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < d; ++r) {
      if (std::abs(a[r * d + c]) > std::abs(a[pivot * d + c])) pivot = r;
    }
    if (std::abs(a[pivot * d + c]) < 1e-300) return false;
    if (pivot != c) {
      for (std::size_t j = 0; j < d; ++j) std::swap(a[c * d + j], a[pivot * d + j]);
      std::swap(b[c], b[pivot]);
    }
    for (std::size_t r = c + 1; r < d; ++r) {
      const double f = a[r * d + c] / a[c * d + c];
      if (f == 0) continue;
      for (std::size_t j = c; j < d; ++j) a[r * d + j] -= f * a[c * d + j];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = d; c-- > 0;) {
    double s = b[c];
    for (std::size_t j = c + 1; j < d; ++j) s -= a[c * d + j] * b[j];
    b[c] = s / a[c * d + c];
  }
  return true;
}

// Newton's method from `params` (theta for every model, then beta); `weights` per battle
// (empty: 1 each). Returns the parameters at convergence.
std::vector<double> newton(const StyledBattles& data, std::size_t models, const BtOptions& options,
                           std::span<const double> weights, std::vector<double> params,
                           const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
  const std::size_t k = data.k, d = models + k;
  const double pseudo = options.pseudo_wins > 0 ? options.pseudo_wins : kFallbackPseudoWins;
  std::vector<double> hessian(d * d), gradient(d);
  std::size_t index[2 + 64];
  double phi[2 + 64];
  const auto add = [&](std::size_t n, double r, double s) {
    for (std::size_t u = 0; u < n; ++u) {
      gradient[index[u]] += r * phi[u];
      for (std::size_t v = 0; v < n; ++v) hessian[index[u] * d + index[v]] += s * phi[u] * phi[v];
    }
  };
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    std::fill(hessian.begin(), hessian.end(), 0.0);
    std::fill(gradient.begin(), gradient.end(), 0.0);
    for (std::size_t i = 0; i < data.battles.size(); ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      if (w == 0) continue;
      const Battle& b = data.battles[i];
      double z = params[b.a] - params[b.b];
      index[0] = b.a;
      phi[0] = 1;
      index[1] = b.b;
      phi[1] = -1;
      for (std::size_t j = 0; j < k; ++j) {
        const double x = data.covariates[i * k + j];
        z += params[models + j] * x;
        index[2 + j] = models + j;
        phi[2 + j] = x;
      }
      const double p = 1 / (1 + std::exp(-z));
      add(2 + k, w * (score_of(b.result) - p), w * p * (1 - p));
    }
    for (const auto& [a, b] : pairs) {  // virtual ties, covariates 0
      const double p = 1 / (1 + std::exp(-(params[a] - params[b])));
      index[0] = a;
      phi[0] = 1;
      index[1] = b;
      phi[1] = -1;
      add(2, 2 * pseudo * (0.5 - p), 2 * pseudo * p * (1 - p));
    }
    double sum = 0;
    for (std::size_t i = 0; i < models; ++i) sum += params[i];
    for (std::size_t i = 0; i < d; ++i) {
      gradient[i] -= (i < models ? sum : 0.0) + kRidge * params[i];
      hessian[i * d + i] += kRidge;
      for (std::size_t j = 0; i < models && j < models; ++j) hessian[i * d + j] += 1;
    }
    if (!solve(hessian, gradient, d)) break;
    double largest = 0;
    for (std::size_t i = 0; i < d; ++i) {
      params[i] += gradient[i];
      largest = std::max(largest, std::abs(gradient[i]));
    }
    if (largest < options.tolerance) break;
  }
  return params;
}

// The pairs that met, for the virtual ties.
std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs_met(std::span<const Battle> battles) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (const Battle& b : battles) pairs.insert({std::min(b.a, b.b), std::max(b.a, b.b)});
  return {pairs.begin(), pairs.end()};
}

std::vector<double> ratings_of(const std::vector<double>& params, const std::vector<bool>& played, const BtOptions& options) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < played.size(); ++i) {
    if (played[i]) {
      sum += params[i];
      ++n;
    }
  }
  std::vector<double> ratings(played.size(), kNaN);
  for (std::size_t i = 0; i < played.size(); ++i) {
    if (played[i]) ratings[i] = options.scale.base + options.scale.scale * (params[i] - sum / static_cast<double>(n)) / std::log(10.0);
  }
  return ratings;
}

std::vector<bool> played_models(std::span<const Battle> battles, std::size_t models) {
  std::vector<bool> played(models, false);
  for (const Battle& b : battles) played[b.a] = played[b.b] = true;
  return played;
}

}  // namespace

StyleFit fit_style_controlled(const StyledBattles& data, std::size_t models, const BtOptions& options) {
  const std::vector<double> params =
      newton(data, models, options, {}, std::vector<double>(models + data.k, 0.0), pairs_met(data.battles));
  StyleFit fit;
  fit.ratings = ratings_of(params, played_models(data.battles, models), options);
  fit.coefficients.assign(params.begin() + static_cast<std::ptrdiff_t>(models), params.end());
  return fit;
}

std::vector<RatingInterval> style_controlled_intervals(const StyledBattles& data, std::size_t models,
                                                       const BootstrapOptions& options) {
  if (data.battles.empty() || options.rounds <= 0) return std::vector<RatingInterval>(models, RatingInterval{kNaN, kNaN});
  const auto pairs = pairs_met(data.battles);
  const std::vector<bool> played = played_models(data.battles, models);
  const std::vector<double> start =
      newton(data, models, options.fit, {}, std::vector<double>(models + data.k, 0.0), pairs);
  std::vector<std::vector<double>> samples(models);
  std::vector<double> weights(data.battles.size());
  SplitMix64 rng(options.seed);
  const std::uint64_t n = data.battles.size();
  for (int round = 0; round < options.rounds; ++round) {
    std::fill(weights.begin(), weights.end(), 0.0);
    for (std::uint64_t i = 0; i < n; ++i) weights[rng.below(n)] += 1;
    const std::vector<double> ratings = ratings_of(newton(data, models, options.fit, weights, start, pairs), played, options.fit);
    for (std::size_t i = 0; i < models; ++i) {
      if (std::isfinite(ratings[i])) samples[i].push_back(ratings[i]);
    }
  }
  return percentile_intervals(samples, options.confidence);
}

}  // namespace llmbench::metrics
