#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "llmbench/metrics/ratings.hpp"

using namespace llmbench::metrics;

namespace {

// `count` battles of each kind between a and b.
void add(std::vector<Battle>& out, std::uint32_t a, std::uint32_t b, int a_wins, int ties, int b_wins) {
  for (int k = 0; k < a_wins; ++k) out.push_back({a, b, BattleResult::a_wins});
  for (int k = 0; k < ties; ++k) out.push_back({a, b, BattleResult::tie});
  for (int k = 0; k < b_wins; ++k) out.push_back({a, b, BattleResult::b_wins});
}

// The battle list of tests/tools/bt_reference.py, expanded in the same order (each pair's
// battles interleaved: a win, a tie, a loss, ... until each kind runs out).
std::vector<Battle> reference_battles() {
  const int pairs[][5] = {{0, 1, 31, 7, 22}, {0, 2, 40, 5, 15}, {0, 3, 12, 3, 9}, {0, 4, 25, 10, 25},
                          {1, 2, 18, 6, 16}, {1, 3, 30, 2, 11}, {1, 4, 9, 4, 17},  {2, 3, 14, 8, 14},
                          {2, 4, 6, 3, 21},  {3, 4, 5, 1, 19}};
  std::vector<Battle> out;
  for (const auto& p : pairs) {
    int left[3] = {p[2], p[3], p[4]};
    const BattleResult kinds[3] = {BattleResult::a_wins, BattleResult::tie, BattleResult::b_wins};
    while (left[0] + left[1] + left[2] > 0) {
      for (int k = 0; k < 3; ++k) {
        if (left[k] > 0) {
          --left[k];
          out.push_back({static_cast<std::uint32_t>(p[0]), static_cast<std::uint32_t>(p[1]), kinds[k]});
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("ratings: two models' strength ratio equals their win ratio exactly", "[ratings]") {
  std::vector<Battle> battles;
  add(battles, 0, 1, 30, 0, 10);
  const auto r = fit_bradley_terry(count_pairs(battles, 2));
  // s0/s1 = 30/10 = 3, so the gap is 400*log10(3) and the mean is the 1000 anchor.
  CHECK(r[0] - r[1] == Approx(400 * std::log10(3.0)).epsilon(1e-12));
  CHECK(r[0] + r[1] == Approx(2000).epsilon(1e-12));
  CHECK(r[0] == Approx(1000 + 200 * std::log10(3.0)).epsilon(1e-12));
}

TEST_CASE("ratings: a tie counts half a win for each side", "[ratings]") {
  std::vector<Battle> battles;
  add(battles, 0, 1, 20, 10, 10);  // 25 : 15 after splitting the ties
  const auto r = fit_bradley_terry(count_pairs(battles, 2));
  CHECK(r[0] - r[1] == Approx(400 * std::log10(25.0 / 15.0)).epsilon(1e-12));
  std::vector<Battle> only_ties;
  add(only_ties, 0, 1, 0, 8, 0);
  const auto t = fit_bradley_terry(count_pairs(only_ties, 2));
  CHECK(t[0] == Approx(1000));
  CHECK(t[1] == Approx(1000));
}

TEST_CASE("ratings: who is shown first and how models are numbered do not change ratings", "[ratings]") {
  std::vector<Battle> battles = reference_battles();
  const auto r = fit_bradley_terry(count_pairs(battles, 5));
  std::vector<Battle> swapped;
  for (const Battle& b : battles) {
    const BattleResult flipped = b.result == BattleResult::a_wins   ? BattleResult::b_wins
                                 : b.result == BattleResult::b_wins ? BattleResult::a_wins
                                                                    : BattleResult::tie;
    swapped.push_back({b.b, b.a, flipped});
  }
  const auto s = fit_bradley_terry(count_pairs(swapped, 5));
  const std::uint32_t perm[5] = {3, 0, 4, 1, 2};  // model i is called perm[i]
  std::vector<Battle> renamed;
  for (const Battle& b : battles) renamed.push_back({perm[b.a], perm[b.b], b.result});
  const auto p = fit_bradley_terry(count_pairs(renamed, 5));
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(s[i] == Approx(r[i]).margin(1e-9));
    CHECK(p[perm[i]] == Approx(r[i]).margin(1e-9));
  }
}

TEST_CASE("ratings: the fit matches an independent reference implementation to 1e-6", "[ratings]") {
  // Produced by `python3 tests/tools/bt_reference.py` (Hunter's MM algorithm in plain
  // Python on the same 408 battles), copied here; the test does not run Python.
  const double kBradleyTerry[5] = {1063.5107834032, 1007.3184142007, 928.9922321338, 908.9226902429,
                                   1091.2558800195};
  const double kOnlineElo[5] = {1040.6794177123, 1003.8706546143, 943.4208280436, 947.7611755278,
                                1064.2679241021};
  const std::vector<Battle> battles = reference_battles();
  REQUIRE(battles.size() == 408);
  const auto bt = fit_bradley_terry(count_pairs(battles, 5));
  const auto elo = online_elo(battles, 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(std::abs(bt[i] - kBradleyTerry[i]) < 1e-6);
    CHECK(std::abs(elo[i] - kOnlineElo[i]) < 1e-6);
  }
}

TEST_CASE("ratings: a model that never won gets a finite rating far below the others", "[ratings]") {
  std::vector<Battle> battles;
  add(battles, 0, 1, 10, 0, 0);
  add(battles, 0, 2, 5, 0, 5);
  add(battles, 1, 2, 0, 0, 6);
  const auto r = fit_bradley_terry(count_pairs(battles, 4));  // model 3 never played
  REQUIRE(std::isfinite(r[1]));
  CHECK(r[1] < r[0] - 1000);
  CHECK(r[1] < r[2] - 1000);
  CHECK(std::isnan(r[3]));
  BtOptions smoothed;
  smoothed.pseudo_wins = 0.5;
  const auto s = fit_bradley_terry(count_pairs(battles, 4), smoothed);
  CHECK(s[1] > r[1]);
  CHECK(s[1] < s[0]);
}

TEST_CASE("ratings: bootstrap intervals are seeded, contain the fit and separate clear winners", "[ratings]") {
  std::vector<Battle> battles;
  add(battles, 0, 1, 150, 20, 30);
  add(battles, 1, 2, 140, 20, 40);
  add(battles, 0, 2, 180, 10, 10);
  BootstrapOptions options;
  options.rounds = 300;
  options.seed = 42;
  const auto ci = bootstrap_intervals(battles, 3, options);
  const auto again = bootstrap_intervals(battles, 3, options);
  const auto fit = fit_bradley_terry(count_pairs(battles, 3));
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(ci[i].low == again[i].low);
    CHECK(ci[i].high == again[i].high);
    CHECK(ci[i].low < fit[i]);
    CHECK(fit[i] < ci[i].high);
  }
  options.seed = 43;
  CHECK(bootstrap_intervals(battles, 3, options)[0].low != ci[0].low);
  CHECK(ranks_from_intervals(ci) == std::vector<int>{1, 2, 3});
}

TEST_CASE("ratings: models whose intervals overlap share a rank", "[ratings]") {
  const std::vector<RatingInterval> intervals = {
      {1050, 1100}, {1040, 1060}, {900, 1000}, {980, 1010}, {std::nan(""), std::nan("")}};
  // 0 and 1 overlap -> both 1; 2 is below 0 and 1 -> 3; 3 is below 0 and 1 -> 3.
  CHECK(ranks_from_intervals(intervals) == std::vector<int>{1, 1, 3, 3, 0});
}

TEST_CASE("ratings: win rates per pair count ties half and leave unplayed pairs empty", "[ratings]") {
  std::vector<Battle> battles;
  add(battles, 0, 1, 3, 2, 5);
  add(battles, 2, 0, 1, 0, 0);
  const auto m = win_rate_matrix(battles, 4);
  CHECK(*m[0 * 4 + 1] == Approx(0.4));
  CHECK(*m[1 * 4 + 0] == Approx(0.6));
  CHECK(*m[2 * 4 + 0] == Approx(1.0));
  CHECK_FALSE(m[0].has_value());
  CHECK_FALSE(m[1 * 4 + 2].has_value());
  const auto t = tally(battles, 4);
  CHECK(t[0].wins == 3);
  CHECK(t[0].losses == 6);
  CHECK(t[0].ties == 2);
  CHECK(t[1].battles() == 10);
}

TEST_CASE("ratings: online Elo moves K times the surprise and keeps the total", "[ratings]") {
  const std::vector<Battle> one = {{0, 1, BattleResult::a_wins}};
  const auto r = online_elo(one, 2);
  CHECK(r[0] == Approx(1002));  // expected 0.5, won: +4 * 0.5
  CHECK(r[1] == Approx(998));
  const auto t = online_elo(std::vector<Battle>{{0, 1, BattleResult::tie}}, 2, 32);
  CHECK(t[0] == Approx(1000));
}
