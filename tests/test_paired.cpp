// Paired comparisons (metrics/paired.cpp) against values worked by hand, and McNemar p-values
// against the exact binomial tail computed offline with Python's integers
// (2 * sum(comb(n, k) for k <= min(b, c)) / 2**n, as scipy.stats.binomtest gives).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "llmbench/metrics/paired.hpp"

using namespace llmbench::metrics;

TEST_CASE("paired: McNemar's exact p of small tables equals the binomial tail worked by hand", "[paired]") {
  CHECK(mcnemar_exact_p(0, 5) == Approx(2.0 / 32).epsilon(1e-12));                       // 2 * 1/32
  CHECK(mcnemar_exact_p(2, 8) == Approx(2.0 * 56 / 1024).epsilon(1e-12));                // 1 + 10 + 45
  CHECK(mcnemar_exact_p(12, 3) == Approx(2.0 * 576 / 32768).epsilon(1e-12));             // 1 + 15 + 105 + 455
  CHECK(mcnemar_exact_p(10, 40) == Approx(2.3861331676755526e-05).epsilon(1e-10));
  CHECK(mcnemar_exact_p(1, 30) == Approx(2.9802322387695312e-08).epsilon(1e-10));
}

TEST_CASE("paired: McNemar's p is 1 with no discordant pairs or an even split, and symmetric in b and c",
          "[paired]") {
  CHECK(mcnemar_exact_p(0, 0) == 1.0);
  CHECK(mcnemar_exact_p(1, 0) == 1.0);
  CHECK(mcnemar_exact_p(5, 5) == 1.0);
  CHECK(mcnemar_exact_p(7, 11) == mcnemar_exact_p(11, 7));
}

TEST_CASE("paired: McNemar's p stays exact for thousands of discordant pairs, where 2^n overflows a double",
          "[paired]") {
  CHECK(mcnemar_exact_p(400, 500) == Approx(0.0009564441369189461).epsilon(1e-9));
  CHECK(mcnemar_exact_p(4000, 4200) == Approx(0.027972423571324383).epsilon(1e-9));
  CHECK(mcnemar_exact_p(20000, 20500) == Approx(0.013153825113143827).epsilon(1e-9));
  const double far = mcnemar_exact_p(1'000'000, 1'010'000);
  CHECK(far > 0);
  CHECK(far < 1e-5);
  CHECK(std::isfinite(mcnemar_exact_p(0, 5'000)));
}

TEST_CASE("paired: the paired delta is B minus A with a normal interval from the sample sd of the differences",
          "[paired]") {
  const std::vector<double> a = {1, 1, 0, 0}, b = {1, 0, 1, 1};
  const auto d = paired_delta(a, b);
  REQUIRE(d);
  CHECK(d->n == 4);
  CHECK(d->mean_a == 0.5);
  CHECK(d->mean_b == 0.75);
  CHECK(d->delta == 0.25);
  // d = {0, -1, 1, 1}: sample variance 2.75 / 3, se = sqrt(2.75 / 3 / 4)
  CHECK(d->se == Approx(std::sqrt(2.75 / 12)));
  CHECK(d->ci95.low == Approx(0.25 - kZ95 * std::sqrt(2.75 / 12)));
  CHECK(d->ci95.high == Approx(0.25 + kZ95 * std::sqrt(2.75 / 12)));
  CHECK_FALSE(paired_delta({}, {}).has_value());
  const std::vector<double> one_a = {0}, one_b = {1};
  CHECK(paired_delta(one_a, one_b)->se == 0);
}

TEST_CASE("paired: the clustered standard error sums residuals within a cluster before squaring", "[paired]") {
  const std::vector<double> a = {0, 0, 0, 1}, b = {1, 1, 0, 0};
  // d = {1, 1, 0, -1}, mean 0.25; residuals 0.75, 0.75 | -0.25, -1.25; cluster sums 1.5, -1.5
  const std::vector<std::string> two = {"x", "x", "y", "y"};
  CHECK(*clustered_se(a, b, two) == Approx(std::sqrt(4.5) / 4));
  // every item its own cluster: sqrt(sum r^2) / n = sqrt(0.5625 * 2 + 0.0625 + 1.5625) / 4
  const std::vector<std::string> own = {"1", "2", "3", "4"};
  CHECK(*clustered_se(a, b, own) == Approx(std::sqrt(2.75) / 4));
  CHECK_FALSE(clustered_se({}, {}, {}).has_value());
}

TEST_CASE("paired: the paired bootstrap is seeded, covers the delta, and finds a large shift significant",
          "[paired]") {
  std::vector<double> a, b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(1 + (i * 7) % 5);
    b.push_back(std::min(5.0, a.back() + (i % 3 == 0 ? 0 : 1)));
  }
  const auto first = paired_bootstrap(a, b, {.rounds = 500, .seed = 3});
  const auto again = paired_bootstrap(a, b, {.rounds = 500, .seed = 3});
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->ci95.low == again->ci95.low);
  CHECK(first->ci95.high == again->ci95.high);
  CHECK(first->p == again->p);
  const double delta = paired_delta(a, b)->delta;
  CHECK(first->ci95.low <= delta);
  CHECK(delta <= first->ci95.high);
  CHECK(first->ci95.low > 0);
  CHECK(first->p == Approx(1.0 / 501));  // no resample moves as far from the delta as the delta is from 0
  const auto none = paired_bootstrap(a, a, {.rounds = 200, .seed = 3});
  CHECK(none->p == 1.0);
  CHECK_FALSE(paired_bootstrap({}, {}).has_value());
}
