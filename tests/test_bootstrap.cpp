#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "llmbench/metrics/bootstrap.hpp"

using namespace llmbench::metrics;

TEST_CASE("bootstrap: no values or no rounds give no interval, never a fake [0, 0]", "[bootstrap]") {
  CHECK_FALSE(bootstrap_mean_interval({}).has_value());
  const std::vector<double> one = {3.0};
  CHECK_FALSE(bootstrap_mean_interval(one, {.rounds = 0}).has_value());
  const auto single = bootstrap_mean_interval(one);
  REQUIRE(single);
  CHECK(single->low == 3.0);
  CHECK(single->high == 3.0);
}

TEST_CASE("bootstrap: the same values and seed give the same interval, another seed may not", "[bootstrap]") {
  std::vector<double> scores;
  for (int i = 0; i < 40; ++i) scores.push_back(1 + (i * 7) % 5);
  const auto a = bootstrap_mean_interval(scores, {.rounds = 500, .seed = 9});
  const auto b = bootstrap_mean_interval(scores, {.rounds = 500, .seed = 9});
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->low == b->low);
  CHECK(a->high == b->high);
  const auto c = bootstrap_mean_interval(scores, {.rounds = 500, .seed = 10});
  REQUIRE(c);
  CHECK((c->low != a->low || c->high != a->high));
}

TEST_CASE("bootstrap: the interval of a mean matches the normal approximation on a large sample", "[bootstrap]") {
  // 200 values, half 0 and half 1: mean 0.5, standard error sqrt(0.25/200) = 0.0354, so the 95%
  // interval is about 0.5 +- 0.069.
  std::vector<double> values(200, 0.0);
  for (std::size_t i = 0; i < values.size(); i += 2) values[i] = 1.0;
  const auto ci = bootstrap_mean_interval(values, {.rounds = 4000, .seed = 1});
  REQUIRE(ci);
  CHECK(ci->low == Approx(0.5 - 0.0693).margin(0.01));
  CHECK(ci->high == Approx(0.5 + 0.0693).margin(0.01));
}

TEST_CASE("bootstrap: draws below a bound are uniform and stay below it", "[bootstrap]") {
  SplitMix64 rng(42);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto v = rng.below(7);
    REQUIRE(v < 7);
    ++counts[v];
  }
  for (int c : counts) CHECK(std::abs(c - 10000) < 500);
}

TEST_CASE("bootstrap: quantiles interpolate between the closest ranks", "[bootstrap]") {
  const std::vector<double> sorted = {1, 2, 3, 4};
  CHECK(quantile_sorted(sorted, 0.0) == 1.0);
  CHECK(quantile_sorted(sorted, 1.0) == 4.0);
  CHECK(quantile_sorted(sorted, 0.5) == Approx(2.5));
  CHECK(std::isnan(quantile_sorted({}, 0.5)));
}
