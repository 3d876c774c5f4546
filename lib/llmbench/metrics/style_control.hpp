#pragma once
// Style control for arena ratings (as LMSYS's "style control" leaderboard): Bradley-Terry as a
// logistic regression with the answers' style differences as covariates, so a model that wins
// by writing longer or more heavily formatted answers is rated on what is left.
//
//   P(A beats B) = sigmoid(theta_A - theta_B + sum_j beta_j * x_j)
//
// x_j is battle's style difference j (e.g. the normalised length difference, see
// arena/style_features.hpp), beta_j its coefficient, and the controlled rating of model i is
// its theta_i on the ratings scale (base + scale * (theta_i - mean theta) / ln 10), as
// fit_bradley_terry's. A tie counts half a win each way. Solved by Newton's method on the
// log-likelihood to convergence. Pure functions, thread-safe, no I/O.

#include <cstddef>
#include <span>
#include <vector>

#include "llmbench/metrics/ratings.hpp"

namespace llmbench::metrics {

// Battles with k covariates each: covariates[i * k + j] is battle i's covariate j.
struct StyledBattles {
  std::span<const Battle> battles;
  std::span<const double> covariates;
  std::size_t k = 0;
};

struct StyleFit {
  std::vector<double> ratings;       // per model; NaN for a model without battles
  std::vector<double> coefficients;  // beta, per covariate, in log-odds per unit of the covariate
};

// The controlled fit. `options.pseudo_wins` adds virtual ties (2 * pseudo_wins games, all
// covariates 0) to every pair that met; with 0 the fit adds 1e-6 itself, as fit_bradley_terry
// does, so a model that never lost stays finite. Precondition: covariates.size() ==
// battles.size() * k; k <= 64; model indices < models.
StyleFit fit_style_controlled(const StyledBattles& data, std::size_t models, const BtOptions& options = {});

// Percentile intervals of the controlled ratings over `options.rounds` resamples of the battles
// (each round: battles.size() draws with replacement by SplitMix64(seed), refitted from the
// full fit as a warm start). A model without battles gets {NaN, NaN}.
std::vector<RatingInterval> style_controlled_intervals(const StyledBattles& data, std::size_t models,
                                                       const BootstrapOptions& options = {});

}  // namespace llmbench::metrics
