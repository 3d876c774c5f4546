#include "llmbench/metrics/ratings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "llmbench/metrics/bootstrap.hpp"

namespace llmbench::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFallbackPseudoWins = 1e-6;

double log_add_exp(double x, double y) {
  const double hi = std::max(x, y);
  return hi + std::log1p(std::exp(std::min(x, y) - hi));
}

// True when every active model can reach every other along "beat" edges (Ford's condition
// for the MLE to exist).
bool strongly_connected(const std::vector<double>& w, std::size_t n, const std::vector<std::size_t>& active) {
  if (active.size() <= 1) return true;
  for (int direction = 0; direction < 2; ++direction) {
    std::vector<char> seen(n, 0);
    std::vector<std::size_t> stack = {active[0]};
    seen[active[0]] = 1;
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      for (std::size_t j : active) {
        const double edge = direction == 0 ? w[i * n + j] : w[j * n + i];
        if (!seen[j] && edge > 0) {
          seen[j] = 1;
          stack.push_back(j);
        }
      }
    }
    for (std::size_t i : active) {
      if (!seen[i]) return false;
    }
  }
  return true;
}

double log_likelihood(const std::vector<double>& w, std::size_t n, const std::vector<std::size_t>& active,
                      const std::vector<double>& theta) {
  double total = 0;
  for (std::size_t i : active) {
    for (std::size_t j : active) {
      const double wij = w[i * n + j];
      if (i != j && wij > 0) total += wij * (theta[i] - log_add_exp(theta[i], theta[j]));
    }
  }
  return total;
}

// Solves A x = b in place for symmetric positive definite A (m x m, row-major). False if A
// is not positive definite.
bool cholesky_solve(std::vector<double>& a, std::vector<double>& b, std::size_t m) {
  for (std::size_t j = 0; j < m; ++j) {
    double d = a[j * m + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * m + k] * a[j * m + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * m + j] = d;
    for (std::size_t i = j + 1; i < m; ++i) {
      double s = a[i * m + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = s / d;
    }
  }
  for (std::size_t i = 0; i < m; ++i) {  // L y = b
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= a[i * m + k] * b[k];
    b[i] = s / a[i * m + i];
  }
  for (std::size_t i = m; i-- > 0;) {  // L^T x = y
    double s = b[i];
    for (std::size_t k = i + 1; k < m; ++k) s -= a[k * m + i] * b[k];
    b[i] = s / a[i * m + i];
  }
  return true;
}

// Damped Newton on the concave log-likelihood in log-strengths, the last active model pinned
// at 0. `theta` holds the starting point and receives the result. False if the Hessian was
// singular (the MLE does not exist for these counts).
bool newton(const std::vector<double>& w, std::size_t n, const std::vector<std::size_t>& active,
            std::vector<double>& theta, const BtOptions& options) {
  const std::size_t m = active.size() - 1;  // free parameters
  std::vector<double> hessian(m * m), step(m), trial(theta);
  double current = log_likelihood(w, n, active, theta);
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    std::fill(hessian.begin(), hessian.end(), 0.0);
    for (std::size_t p = 0; p < m; ++p) {
      const std::size_t i = active[p];
      double gradient = 0;
      for (std::size_t q = 0; q < active.size(); ++q) {
        const std::size_t j = active[q];
        if (i == j) continue;
        const double games = w[i * n + j] + w[j * n + i];
        if (games <= 0) continue;
        const double p_ij = 1.0 / (1.0 + std::exp(theta[j] - theta[i]));
        gradient += w[i * n + j] - games * p_ij;
        const double curvature = games * p_ij * (1 - p_ij);
        hessian[p * m + p] += curvature;
        if (q < m) hessian[p * m + q] -= curvature;
      }
      step[p] = gradient;
    }
    if (!cholesky_solve(hessian, step, m)) return false;
    double t = 1;
    for (int halving = 0; halving < 60; ++halving, t /= 2) {
      for (std::size_t p = 0; p < m; ++p) trial[active[p]] = theta[active[p]] + t * step[p];
      const double next = log_likelihood(w, n, active, trial);
      if (next >= current - 1e-12 * std::abs(current)) {
        current = next;
        break;
      }
    }
    double largest = 0;
    for (std::size_t p = 0; p < m; ++p) {
      largest = std::max(largest, std::abs(trial[active[p]] - theta[active[p]]));
      theta[active[p]] = trial[active[p]];
    }
    if (largest < options.tolerance) break;
  }
  return true;
}

std::vector<double> fit_from(const PairCounts& counts, const BtOptions& options, std::vector<double>* start) {
  const std::size_t n = counts.models();
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < n; ++i) {
    double games = 0;
    for (std::size_t j = 0; j < n; ++j) games += i == j ? 0 : counts.games(i, j);
    if (games > 0) active.push_back(i);
  }
  std::vector<double> ratings(n, kNaN);
  if (active.empty()) return ratings;

  auto with_pseudo = [&](double pseudo) {
    std::vector<double> w(n * n, 0.0);
    for (std::size_t i : active) {
      for (std::size_t j : active) {
        if (i != j) w[i * n + j] = counts.wins(i, j) + pseudo;
      }
    }
    return w;
  };
  std::vector<double> w = with_pseudo(options.pseudo_wins);
  if (!strongly_connected(w, n, active)) w = with_pseudo(options.pseudo_wins + kFallbackPseudoWins);

  std::vector<double> theta(n, 0.0);
  if (start != nullptr && start->size() == n) {
    for (std::size_t i : active) theta[i] = std::isfinite((*start)[i]) ? (*start)[i] : 0.0;
    const double pinned = theta[active.back()];
    for (std::size_t i : active) theta[i] -= pinned;
  }
  if (active.size() > 1 && !newton(w, n, active, theta, options)) {
    w = with_pseudo(options.pseudo_wins + kFallbackPseudoWins);
    std::fill(theta.begin(), theta.end(), 0.0);
    newton(w, n, active, theta, options);
  }
  double mean = 0;
  for (std::size_t i : active) mean += theta[i];
  mean /= static_cast<double>(active.size());
  for (std::size_t i : active) {
    ratings[i] = options.scale.base + options.scale.scale * (theta[i] - mean) / std::log(10.0);
  }
  if (start != nullptr) {
    start->assign(n, 0.0);
    for (std::size_t i : active) (*start)[i] = theta[i] - mean;
  }
  return ratings;
}

}  // namespace

void PairCounts::add(const Battle& battle, double weight) {
  switch (battle.result) {
    case BattleResult::a_wins: wins(battle.a, battle.b) += weight; break;
    case BattleResult::b_wins: wins(battle.b, battle.a) += weight; break;
    case BattleResult::tie:
      wins(battle.a, battle.b) += weight / 2;
      wins(battle.b, battle.a) += weight / 2;
      break;
  }
}

PairCounts count_pairs(std::span<const Battle> battles, std::size_t models) {
  PairCounts counts(models);
  for (const Battle& b : battles) {
    if (b.a < models && b.b < models && b.a != b.b) counts.add(b);
  }
  return counts;
}

std::vector<double> fit_bradley_terry(const PairCounts& counts, const BtOptions& options) {
  return fit_from(counts, options, nullptr);
}

std::vector<RatingInterval> bootstrap_intervals(std::span<const Battle> battles, std::size_t models,
                                                const BootstrapOptions& options) {
  std::vector<RatingInterval> intervals(models, RatingInterval{kNaN, kNaN});
  // Each battle becomes a cell (a, b, result); a round tallies drawn cells, then fills the matrix.
  std::vector<std::uint32_t> cell_of;
  cell_of.reserve(battles.size());
  for (const Battle& b : battles) {
    if (b.a < models && b.b < models && b.a != b.b) {
      cell_of.push_back(static_cast<std::uint32_t>((b.a * models + b.b) * 3 + static_cast<std::size_t>(b.result)));
    }
  }
  if (cell_of.empty() || options.rounds <= 0) return intervals;
  const std::size_t cells = models * models * 3;
  std::vector<std::uint32_t> drawn(cells);
  std::vector<std::vector<double>> samples(models);
  for (auto& s : samples) s.reserve(static_cast<std::size_t>(options.rounds));
  std::vector<double> start;
  fit_from(count_pairs(battles, models), options.fit, &start);  // a warm start for every round
  SplitMix64 rng(options.seed);
  const std::uint64_t n = cell_of.size();
  for (int round = 0; round < options.rounds; ++round) {
    std::fill(drawn.begin(), drawn.end(), 0u);
    for (std::uint64_t k = 0; k < n; ++k) ++drawn[cell_of[rng.below(n)]];
    PairCounts counts(models);
    for (std::size_t c = 0; c < cells; ++c) {
      if (drawn[c] == 0) continue;
      const std::size_t pair = c / 3;
      counts.add({static_cast<std::uint32_t>(pair / models), static_cast<std::uint32_t>(pair % models),
                  static_cast<BattleResult>(c % 3)},
                 drawn[c]);
    }
    std::vector<double> warm = start;
    const std::vector<double> ratings = fit_from(counts, options.fit, &warm);
    for (std::size_t i = 0; i < models; ++i) {
      if (std::isfinite(ratings[i])) samples[i].push_back(ratings[i]);
    }
  }
  return percentile_intervals(samples, options.confidence);
}

std::vector<RatingInterval> percentile_intervals(std::vector<std::vector<double>>& samples, double confidence) {
  std::vector<RatingInterval> intervals(samples.size(), RatingInterval{kNaN, kNaN});
  const double tail = (1 - confidence) / 2;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].empty()) continue;
    std::sort(samples[i].begin(), samples[i].end());
    intervals[i] = {quantile_sorted(samples[i], tail), quantile_sorted(samples[i], 1 - tail)};
  }
  return intervals;
}

std::vector<double> online_elo(std::span<const Battle> battles, std::size_t models, double k, RatingScale scale) {
  std::vector<double> rating(models, scale.base);
  for (const Battle& b : battles) {
    if (b.a >= models || b.b >= models || b.a == b.b) continue;
    const double expected_a = 1.0 / (1.0 + std::pow(10.0, (rating[b.b] - rating[b.a]) / scale.scale));
    const double score_a = b.result == BattleResult::a_wins ? 1.0 : b.result == BattleResult::tie ? 0.5 : 0.0;
    rating[b.a] += k * (score_a - expected_a);
    rating[b.b] += k * ((1 - score_a) - (1 - expected_a));
  }
  return rating;
}

std::vector<ModelTally> tally(std::span<const Battle> battles, std::size_t models) {
  std::vector<ModelTally> out(models);
  for (const Battle& b : battles) {
    if (b.a >= models || b.b >= models || b.a == b.b) continue;
    switch (b.result) {
      case BattleResult::a_wins: ++out[b.a].wins; ++out[b.b].losses; break;
      case BattleResult::b_wins: ++out[b.b].wins; ++out[b.a].losses; break;
      case BattleResult::tie: ++out[b.a].ties; ++out[b.b].ties; break;
    }
  }
  return out;
}

std::vector<std::optional<double>> win_rate_matrix(std::span<const Battle> battles, std::size_t models) {
  const PairCounts counts = count_pairs(battles, models);
  std::vector<std::optional<double>> matrix(models * models);
  for (std::size_t i = 0; i < models; ++i) {
    for (std::size_t j = 0; j < models; ++j) {
      if (i != j && counts.games(i, j) > 0) matrix[i * models + j] = counts.wins(i, j) / counts.games(i, j);
    }
  }
  return matrix;
}

std::vector<int> ranks_from_intervals(std::span<const RatingInterval> intervals) {
  std::vector<int> ranks(intervals.size(), 0);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (std::isnan(intervals[i].high)) continue;
    int above = 0;
    for (std::size_t j = 0; j < intervals.size(); ++j) {
      if (j != i && intervals[j].low > intervals[i].high) ++above;
    }
    ranks[i] = 1 + above;
  }
  return ranks;
}

}  // namespace llmbench::metrics
