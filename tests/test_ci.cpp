#include <catch2/catch.hpp>

#include <vector>

#include "llmbench/metrics/accuracy.hpp"
#include "llmbench/metrics/ci.hpp"

using namespace llmbench::metrics;

TEST_CASE("ci: the Wilson 95% interval matches known values to 4 decimals", "[ci]") {
  struct Case {
    int k, n;
    double low, high;
  };
  // Reference values: Wilson score interval, z = 1.959963984540054 (e.g. statsmodels
  // proportion_confint(k, n, method="wilson")).
  const std::vector<Case> cases{
      {8, 10, 0.4902, 0.9433}, {0, 10, 0.0, 0.2775}, {10, 10, 0.7225, 1.0},
      {5, 10, 0.2366, 0.7634}, {1, 1, 0.2065, 1.0},  {50, 100, 0.4038, 0.5962},
  };
  for (const auto& c : cases) {
    INFO(c.k << "/" << c.n);
    const auto ci = wilson_interval(c.k, c.n);
    REQUIRE(ci.has_value());
    CHECK(ci->low == Approx(c.low).margin(5e-5));
    CHECK(ci->high == Approx(c.high).margin(5e-5));
  }
  CHECK(wilson_interval(0, 10)->low == 0.0);
  CHECK(wilson_interval(10, 10)->high == 1.0);
}

TEST_CASE("ci: no items means no interval, never a fake zero", "[ci]") {
  CHECK_FALSE(wilson_interval(0, 0).has_value());
  CHECK_FALSE(wilson_interval(3, 2).has_value());
  CHECK_FALSE(wilson_interval(-1, 2).has_value());
}

TEST_CASE("ci: accuracy leaves request errors out and counts unparsed answers as wrong", "[ci][accuracy]") {
  const std::vector<Verdict> verdicts{Verdict::correct, Verdict::correct, Verdict::wrong,
                                      Verdict::unparsed, Verdict::error,  Verdict::error};
  const Accuracy a = accuracy_of(verdicts);
  CHECK(a.n == 4);
  CHECK(a.n_correct == 2);
  CHECK(a.n_unparsed == 1);
  CHECK(a.n_errors == 2);
  REQUIRE(a.accuracy);
  CHECK(*a.accuracy == Approx(0.5));
  REQUIRE(a.ci95);
  CHECK(a.ci95->low == Approx(wilson_interval(2, 4)->low));

  const std::vector<Verdict> only_errors{Verdict::error, Verdict::error};
  const Accuracy none = accuracy_of(only_errors);
  CHECK(none.n == 0);
  CHECK(none.n_errors == 2);
  CHECK_FALSE(none.accuracy);
  CHECK_FALSE(none.ci95);
  CHECK(to_json(none)["accuracy"].is_null());
  CHECK(to_json(none)["ci95"].is_null());
  CHECK(to_json(a)["ci95"]["high"].get<double>() == Approx(a.ci95->high));
}

TEST_CASE("ci: MMLU macro average is the mean of subjects, micro pools the items", "[ci][accuracy]") {
  std::vector<SubjectVerdict> v;
  // algebra: 1 of 1 correct; biology: 1 of 4 correct; chemistry: only errors.
  v.push_back({"algebra", Verdict::correct});
  v.push_back({"biology", Verdict::correct});
  for (int i = 0; i < 3; ++i) v.push_back({"biology", Verdict::wrong});
  v.push_back({"chemistry", Verdict::error});
  const SubjectBreakdown b = accuracy_by_subject(v);
  REQUIRE(b.subjects.size() == 3);
  CHECK(b.subjects[0].subject == "algebra");
  CHECK(b.subjects[2].subject == "chemistry");
  CHECK_FALSE(b.subjects[2].accuracy.accuracy);
  REQUIRE(b.macro);
  CHECK(*b.macro == Approx((1.0 + 0.25) / 2));  // chemistry has no accuracy: left out
  CHECK(b.macro_subjects == 2);
  REQUIRE(b.micro.accuracy);
  CHECK(*b.micro.accuracy == Approx(2.0 / 5));
  CHECK(b.micro.n_errors == 1);
  CHECK(to_json(b)["subjects"]["biology"]["n"] == 4);
}
