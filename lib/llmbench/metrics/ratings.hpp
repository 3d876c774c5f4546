#pragma once
// Ratings from pairwise battles (the Arena): Bradley-Terry maximum likelihood with seeded
// bootstrap intervals, online Elo for reference, pairwise win rates and interval-aware ranks.
// Pure functions over battle lists; thread-safe; no I/O.
//
// Conventions (as LMSYS Chatbot Arena):
//   - A tie counts half a win for each side.
//   - Bradley-Terry: P(i beats j) = s_i / (s_i + s_j). Ratings are on the Elo scale:
//       rating_i = base + scale * log10(s_i / g)
//     with scale 400 (a 400-point gap = 10:1 odds) and g the geometric mean of the
//     strengths of the models that played, so the MEAN rating of those models is `base`
//     (1000). Only differences carry meaning; the anchor is a convention.
//   - Online Elo: ratings start at base, K = 4, the same 400/log10 scale, battles in order.
//
// Models are indices 0..n-1; the caller keeps the names.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace llmbench::metrics {

enum class BattleResult { a_wins, tie, b_wins };

struct Battle {
  std::uint32_t a = 0;  // model index
  std::uint32_t b = 0;  // model index, != a
  BattleResult result = BattleResult::tie;
};

// wins(i, j): battles i won against j, ties counted 0.5 for each side. Square, n x n.
class PairCounts {
 public:
  explicit PairCounts(std::size_t models) : n_(models), wins_(models * models, 0.0) {}
  std::size_t models() const { return n_; }
  double& wins(std::size_t i, std::size_t j) { return wins_[i * n_ + j]; }
  double wins(std::size_t i, std::size_t j) const { return wins_[i * n_ + j]; }
  double games(std::size_t i, std::size_t j) const { return wins(i, j) + wins(j, i); }
  void add(const Battle& battle, double weight = 1.0);

 private:
  std::size_t n_;
  std::vector<double> wins_;
};

// Precondition: every index < models (battles naming others are skipped).
PairCounts count_pairs(std::span<const Battle> battles, std::size_t models);

struct RatingScale {
  double base = 1000;  // the mean rating of the models that played
  double scale = 400;  // rating points per factor of 10 in odds
};

struct BtOptions {
  // Virtual wins added to each side of every pair of models that both played (a tie of
  // 2 * pseudo_wins games). 0 = the plain maximum-likelihood fit. The plain MLE does not
  // exist when a model never won or never lost, or when the models split into groups that
  // never met; the fit then adds 1e-6 pseudo-wins itself, which leaves such a model very
  // far (thousands of points) from the others rather than at infinity.
  double pseudo_wins = 0;
  RatingScale scale;
  int max_iterations = 200;  // Newton steps
  double tolerance = 1e-12;  // stop when the largest step in log-strength is below this
};

// Bradley-Terry ratings, one per model; NaN for a model without any battle.
std::vector<double> fit_bradley_terry(const PairCounts& counts, const BtOptions& options = {});

struct RatingInterval {
  double low = 0;
  double high = 0;
};

struct BootstrapOptions {
  int rounds = 1000;
  std::uint64_t seed = 0;
  double confidence = 0.95;  // the central interval of the bootstrap ratings (percentiles)
  BtOptions fit;
};

// Percentile intervals of the Bradley-Terry ratings over `rounds` resamples (with
// replacement) of the battles. Each round draws battles.size() battle indices with a
// seeded SplitMix64 generator, tallies them into a PairCounts and refits: the cost per
// round is one pass of index draws plus a fit on an n x n matrix, never a fit over raw
// battles. The same (battles, models, options) give the same intervals on every platform.
// A model without battles gets {NaN, NaN}.
std::vector<RatingInterval> bootstrap_intervals(std::span<const Battle> battles, std::size_t models,
                                                const BootstrapOptions& options = {});

// The central `confidence` interval (percentiles) of each model's bootstrap ratings, sorting
// each model's samples in place; {NaN, NaN} for a model without any.
std::vector<RatingInterval> percentile_intervals(std::vector<std::vector<double>>& samples, double confidence);

// Online Elo over the battles in the given order (LMSYS's compute_online_elo).
std::vector<double> online_elo(std::span<const Battle> battles, std::size_t models, double k = 4,
                               RatingScale scale = {});

struct ModelTally {
  std::size_t wins = 0;
  std::size_t losses = 0;
  std::size_t ties = 0;
  std::size_t battles() const { return wins + losses + ties; }
};
std::vector<ModelTally> tally(std::span<const Battle> battles, std::size_t models);

// matrix[i * models + j] = share of the battles between i and j that i won (ties half);
// nullopt on the diagonal and for pairs that never met.
std::vector<std::optional<double>> win_rate_matrix(std::span<const Battle> battles, std::size_t models);

// rank_i = 1 + the number of models whose interval lies wholly above model i's
// (low_j > high_i). Models whose intervals overlap share ranks; the best rank is 1.
// A model with a NaN interval gets rank 0 (unranked).
std::vector<int> ranks_from_intervals(std::span<const RatingInterval> intervals);

}  // namespace llmbench::metrics
