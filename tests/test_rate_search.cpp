#include <catch2/catch.hpp>

#include <vector>

#include "llmbench/metrics/rate_search.hpp"

using namespace llmbench::metrics;

namespace {

// Runs the search against a server that meets its SLOs up to `capacity` requests/s; returns
// the rates it tried, in order.
std::vector<double> search(RateSearch& s, double capacity) {
  std::vector<double> tried;
  while (const auto rate = s.next_rate()) {
    tried.push_back(*rate);
    s.record(*rate <= capacity);
  }
  return tried;
}

}  // namespace

TEST_CASE("rate search: doubles while levels pass, then bisects to within the precision",
          "[rate_search]") {
  RateSearch s(4, 0.1);
  CHECK(search(s, 11) == std::vector<double>{4, 8, 16, 12, 10, 11});
  REQUIRE(s.best());
  CHECK(*s.best() == 11);
  CHECK(s.levels() == 6);
}

TEST_CASE("rate search: halves from a start the server cannot hold until a level passes",
          "[rate_search]") {
  RateSearch s(40, 0.1);
  const auto tried = search(s, 7);
  REQUIRE(tried.size() >= 4);
  CHECK(tried[0] == 40);
  CHECK(tried[1] == 20);
  CHECK(tried[2] == 10);
  CHECK(tried[3] == 5);
  REQUIRE(s.best());
  CHECK(*s.best() <= 7);
  CHECK(*s.best() >= 7 / 1.1);
}

TEST_CASE("rate search: a server that meets no level leaves no best rate, after at most "
          "max_levels levels", "[rate_search]") {
  RateSearch s(4, 0.1, 5);
  CHECK(search(s, 0).size() == 5);
  CHECK_FALSE(s.best());
  CHECK_FALSE(s.next_rate());
}

TEST_CASE("rate search: a server that meets every level stops at max_levels with the last "
          "rate as best", "[rate_search]") {
  RateSearch s(1, 0.1, 4);
  CHECK(search(s, 1e9) == std::vector<double>{1, 2, 4, 8});
  CHECK(*s.best() == 8);
}

TEST_CASE("rate search: an impossible start, precision or level budget ends the search "
          "before it begins", "[rate_search]") {
  CHECK_FALSE(RateSearch(0).next_rate());
  CHECK_FALSE(RateSearch(-1).next_rate());
  CHECK_FALSE(RateSearch(4, 0).next_rate());
  CHECK_FALSE(RateSearch(4, 1).next_rate());
  CHECK_FALSE(RateSearch(4, 0.1, 0).next_rate());
  RateSearch ended(0);
  ended.record(true);
  CHECK_FALSE(ended.best());
}

TEST_CASE("rate search: a level passes only when the whole Wilson interval of its attainment "
          "clears the target", "[rate_search]") {
  // 100/100: Wilson low 0.9630. 95/100: [0.8882, 0.9785]. 80/100: high 0.8666.
  CHECK(wilson_verdict(100, 100, 0.95) == LevelVerdict::pass);
  CHECK(wilson_verdict(95, 100, 0.95) == LevelVerdict::undecided);
  CHECK(wilson_verdict(80, 100, 0.95) == LevelVerdict::fail);
  CHECK(wilson_verdict(10, 10, 0.95) == LevelVerdict::undecided);  // low 0.7225
  CHECK(wilson_verdict(0, 0, 0.5) == LevelVerdict::undecided);
  CHECK(wilson_verdict(1000, 1000, 1.0) == LevelVerdict::undecided);
}
