// pass@k against the closed form 1 - C(n-c, k) / C(n, k) on hand-made (n, c) tables.

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "llmbench/metrics/pass_at_k.hpp"

using namespace llmbench::metrics;

namespace {

double binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

double closed_form(int n, int c, int k) { return 1.0 - binomial(n - c, k) / binomial(n, k); }

}  // namespace

TEST_CASE("pass@k: the product form equals the closed form on a table of (n, c, k)", "[metrics][pass_at_k]") {
  for (int n : {1, 2, 5, 10, 20, 50}) {
    for (int c = 0; c <= n; ++c) {
      for (int k = 1; k <= n; ++k) {
        INFO("n=" << n << " c=" << c << " k=" << k);
        REQUIRE(pass_at_k(n, c, k).has_value());
        CHECK(*pass_at_k(n, c, k) == Approx(closed_form(n, c, k)).margin(1e-12));
      }
    }
  }
}

TEST_CASE("pass@k: hand-computed values, edges and out-of-range arguments", "[metrics][pass_at_k]") {
  CHECK(*pass_at_k(10, 3, 1) == Approx(0.3));          // c / n
  CHECK(*pass_at_k(5, 2, 2) == Approx(1 - 3.0 / 10));  // 1 - C(3,2)/C(5,2) = 0.7
  CHECK(*pass_at_k(4, 0, 2) == 0.0);
  CHECK(*pass_at_k(4, 3, 2) == 1.0);                   // n - c < k
  CHECK_FALSE(pass_at_k(3, 1, 4));                     // k > n
  CHECK_FALSE(pass_at_k(3, 1, 0));
  CHECK_FALSE(pass_at_k(3, 4, 1));
  // Large n: stable where the binomials overflow a double's exponent.
  const auto big = pass_at_k(2000, 1, 1000);
  REQUIRE(big);
  CHECK(*big == Approx(0.5));
}

TEST_CASE("pass@k: the table averages problems with enough samples, with an interval", "[metrics][pass_at_k]") {
  const std::vector<ProblemSamples> problems = {{5, 0}, {5, 5}, {5, 2}, {5, 1}};
  const auto table = pass_at_k_table(problems, 5);
  REQUIRE(table.size() == 5);
  CHECK(table[0].k == 1);
  CHECK(table[0].problems == 4);
  CHECK(*table[0].value == Approx((0.0 + 1.0 + 0.4 + 0.2) / 4));
  CHECK(*table[1].value == Approx((0.0 + 1.0 + closed_form(5, 2, 2) + closed_form(5, 1, 2)) / 4));
  REQUIRE(table[0].ci95);
  CHECK(table[0].ci95->low <= *table[0].value);
  CHECK(table[0].ci95->high >= *table[0].value);
  CHECK(table[0].ci95->low >= 0.0);
  CHECK(table[0].ci95->high <= 1.0);
  const std::vector<ProblemSamples> one = {{1, 1}};
  const auto single = pass_at_k_table(one, 2);
  CHECK(*single[0].value == 1.0);
  CHECK_FALSE(single[0].ci95);      // one problem: no interval
  CHECK(single[1].problems == 0);   // k = 2 > n = 1
  CHECK_FALSE(single[1].value);
}
