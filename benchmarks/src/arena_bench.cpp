// arena_bench [BATTLES] [ROUNDS] [MODELS]: times the arena's Bradley-Terry fit and its
// bootstrap intervals on synthetic battles (defaults: 100000 battles, 1000 rounds, 20
// models with evenly spaced true ratings, 10% ties). Prints one JSON line:
//   {"battles":..,"rounds":..,"models":..,"fit_s":..,"bootstrap_s":..,"widest_ci":..}
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "llmbench/metrics/ratings.hpp"

int main(int argc, char** argv) {
  using namespace llmbench::metrics;
  const std::size_t battles_n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 1000;
  const std::size_t models = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, models - 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<Battle> battles;
  battles.reserve(battles_n);
  while (battles.size() < battles_n) {
    const std::size_t a = pick(rng), b = pick(rng);
    if (a == b) continue;
    const double gap = 20.0 * (static_cast<double>(a) - static_cast<double>(b));  // true rating gap
    const double p_a = 1 / (1 + std::pow(10.0, -gap / 400));
    const double u = unit(rng);
    const BattleResult r = u < 0.1 ? BattleResult::tie : unit(rng) < p_a ? BattleResult::a_wins : BattleResult::b_wins;
    battles.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), r});
  }
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  BtOptions fit;
  fit.pseudo_wins = 0.1;
  const auto ratings = fit_bradley_terry(count_pairs(battles, models), fit);
  const auto t1 = Clock::now();
  BootstrapOptions options;
  options.rounds = rounds;
  options.seed = 1;
  options.fit = fit;
  const auto intervals = bootstrap_intervals(battles, models, options);
  const auto t2 = Clock::now();
  double widest = 0;
  for (const auto& ci : intervals) widest = std::max(widest, ci.high - ci.low);
  std::printf("{\"battles\":%zu,\"rounds\":%d,\"models\":%zu,\"fit_s\":%.6f,\"bootstrap_s\":%.3f,"
              "\"widest_ci\":%.2f,\"top_rating\":%.2f}\n",
              battles.size(), rounds, models, std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(), widest, ratings[models - 1]);
  return 0;
}
