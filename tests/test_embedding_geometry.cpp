// tier_0 embedding geometry and tier_2/3 answer-embedding metrics on constructed data.

#include <catch2/catch.hpp>

#include <cmath>

#include "llmbench/metrics/embedding_geometry.hpp"

using namespace llmbench::metrics;

TEST_CASE("embedding geometry: Jacobi eigenvalues of small symmetric matrices", "[metrics][geometry]") {
  const auto two = symmetric_eigenvalues({{2, 1}, {1, 2}});
  REQUIRE(two.size() == 2);
  CHECK(two[0] == Approx(3));
  CHECK(two[1] == Approx(1));
  // Tridiagonal 4,1: eigenvalues 4 + sqrt(2), 4, 4 - sqrt(2).
  const auto three = symmetric_eigenvalues({{4, 1, 0}, {1, 4, 1}, {0, 1, 4}});
  CHECK(three[0] == Approx(4 + std::sqrt(2.0)));
  CHECK(three[1] == Approx(4));
  CHECK(three[2] == Approx(4 - std::sqrt(2.0)));
}

TEST_CASE("embedding geometry: effective dimensionality of a line, a plane and skewed data", "[metrics][geometry]") {
  // Points on a line in 3-D (n > d: d x d covariance path).
  std::vector<Embedding> line;
  for (int t = 0; t < 5; ++t) line.push_back({0.5 + t, 2.0 * t, -1 + 3.0 * t});
  CHECK(effective_dimensionality(line) == 1);
  // A line in 10-D with 4 points (n < d: Gram matrix path).
  std::vector<Embedding> line10;
  for (int t = 1; t <= 4; ++t) {
    Embedding v(10);
    for (int j = 0; j < 10; ++j) v[j] = t * (j + 1) + 0.25 * j;
    line10.push_back(v);
  }
  CHECK(effective_dimensionality(line10) == 1);
  // A plane a*u + b*v in 4-D, 3 x 3 grid.
  std::vector<Embedding> plane;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) plane.push_back({1.0 * a, 1.0 * b, 1.0 * a, -1.0 * b});
  }
  CHECK(effective_dimensionality(plane) == 2);
  // (+-3, 0), (0, +-1): variances 18 : 2 -> shares 0.9 / 0.1: two components for 95%, one for 90%.
  const std::vector<Embedding> skew{{3, 0}, {-3, 0}, {0, 1}, {0, -1}};
  CHECK(effective_dimensionality(skew) == 2);
  CHECK(effective_dimensionality(skew, 0.9) == 1);
  // (+-10, 0), (0, +-1): 200 : 2 -> the first explains 99%.
  CHECK(effective_dimensionality({{10, 0}, {-10, 0}, {0, 1}, {0, -1}}) == 1);
  // No variance at all.
  CHECK(effective_dimensionality({{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}) == 0);
}

TEST_CASE("embedding geometry: distances, density and spread on three 2-D vectors", "[metrics][geometry]") {
  // e1 = (1,0), e2 = (0,1), e3 = (1,1). Cosine distances: d(e1,e2) = 1,
  // d(e1,e3) = d(e2,e3) = 1 - 1/sqrt(2) = 0.2928932.
  // k = min(5, n-1) = 2: per-point NN means 0.6464466, 0.6464466, 0.2928932
  //   -> avg (3 - sqrt 2)/3 = 0.5285955, std 1/6; density 1/(1 + 0.5285955) = 0.6541953
  // pairwise {1, 0.2929, 0.2929}: avg 0.5285955, std 1/3, min 0.2928932, max 1
  // spread: centroid of unit vectors c = ((1 + 1/sqrt2)/3, same) = (0.569036, 0.569036);
  //   |e1 - c| = |e2 - c| = 0.7138150, |e3/|e3| - c| = 0.1952621
  //   -> avg 0.5409640, max 0.7138150, std 0.2444482
  // raw covariance eigenvalues 1 : 1/3 -> shares 0.75 / 0.25 -> 2 dimensions
  const EmbeddingGeometry g = embedding_geometry({{1, 0}, {0, 1}, {1, 1}});
  CHECK(g.total_samples == 3);
  CHECK(*g.avg_nn_distance == Approx(0.5285955));
  CHECK(*g.std_nn_distance == Approx(1.0 / 6));
  CHECK(*g.density_score == Approx(0.6541953));
  CHECK(*g.avg_pairwise_distance == Approx(0.5285955));
  CHECK(*g.std_pairwise_distance == Approx(1.0 / 3));
  CHECK(*g.min_pairwise_distance == Approx(0.2928932));
  CHECK(*g.max_pairwise_distance == Approx(1.0));
  CHECK(*g.avg_spread == Approx(0.5409640));
  CHECK(*g.max_spread == Approx(0.7138150));
  CHECK(*g.spread_std == Approx(0.2444482));
  CHECK(*g.effective_dimensionality == 2);

  const nlohmann::json j = to_json(g);
  for (const char* key : {"avg_nn_distance", "std_nn_distance", "density_score", "avg_spread", "max_spread",
                          "spread_std", "effective_dimensionality", "avg_pairwise_distance",
                          "std_pairwise_distance", "min_pairwise_distance", "max_pairwise_distance",
                          "total_samples"}) {
    CHECK(j.contains(key));
  }
}

TEST_CASE("embedding geometry: fewer than two vectors leaves the metrics missing", "[metrics][geometry]") {
  const nlohmann::json one = to_json(embedding_geometry({{1, 2, 3}}));
  CHECK(one == nlohmann::json{{"total_samples", 1}});
  CHECK(to_json(embedding_geometry({})) == nlohmann::json{{"total_samples", 0}});
}

TEST_CASE("embedding geometry: the nearest-neighbour k is 5, clipped to n - 1", "[metrics][geometry]") {
  // 7 unit vectors: 6 copies of (1,0) and one (0,1). For a copy, its 5 nearest are copies
  // (distance 0); for (0,1) all 6 others are at distance 1, k = 5 -> mean 1.
  // avg over points = (6*0 + 1)/7.
  std::vector<Embedding> v(6, Embedding{1, 0});
  v.push_back({0, 1});
  CHECK(*embedding_geometry(v).avg_nn_distance == Approx(1.0 / 7));
}

TEST_CASE("embedding geometry: answer-to-reference similarity and semantic consistency", "[metrics][geometry]") {
  // (1,0) vs (0,1): cos 0, dot 0, |d| sqrt 2;  (3,4) vs (3,4): cos 1, dot 25, |d| 0.
  const AnswerSimilarity s = answer_similarity({{{1, 0}, {0, 1}}, {{3, 4}, {3, 4}}});
  CHECK(*s.avg_semantic_similarity == Approx(0.5));
  CHECK(*s.avg_dot_similarity == Approx(12.5));
  CHECK(*s.avg_euclidean_distance == Approx(std::sqrt(2.0) / 2));
  CHECK(to_json(s).contains("avg_semantic_similarity"));
  CHECK(to_json(answer_similarity({})).empty());

  // item 1: cos pairs 1, 0, 0 -> 1/3;  item 2: parallel -> 1;  item 3: one answer, ignored.
  const std::vector<std::vector<Embedding>> answers{
      {{1, 0}, {1, 0}, {0, 1}}, {{1, 1}, {2, 2}}, {{5, 5}}};
  CHECK(*response_semantic_consistency(answers) == Approx(2.0 / 3));
  CHECK_FALSE(response_semantic_consistency({{{1, 0}}}).has_value());
}
