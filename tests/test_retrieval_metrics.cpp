// RAG tier_1 ranking metrics against hand-computed tables.

#include <catch2/catch.hpp>

#include <cmath>

#include "llmbench/error.hpp"
#include "llmbench/metrics/retrieval.hpp"
#include "llmbench/metrics/vector_math.hpp"

using namespace llmbench::metrics;

namespace {

// Query A: first relevant at rank 2, d1 retrieved again at rank 4, d2 at rank 5.
const RetrievalQuery kQueryA{{"d3", "d1", "d7", "d1", "d2", "d9", "d4", "d5", "d6", "d8"}, {"d1", "d2"}};
// Query B: the only relevant id at rank 1.
const RetrievalQuery kQueryB{{"d1", "d2"}, {"d1"}};
// Query C: no gold ids -> skipped.
const RetrievalQuery kQueryC{{"d1"}, {}};
// Query D: nothing relevant retrieved.
const RetrievalQuery kQueryD{{"x", "y"}, {"z"}};

}  // namespace

TEST_CASE("retrieval: per-query hit, MRR, recall and precision follow the hand table", "[metrics][retrieval]") {
  const auto& [retrieved, relevant] = kQueryA;
  CHECK_FALSE(hit_at_k(retrieved, relevant, 1));
  CHECK(hit_at_k(retrieved, relevant, 5));
  CHECK(reciprocal_rank(retrieved, relevant) == Approx(0.5));
  // recall@k = distinct relevant in top k / |relevant| = 0/2, 1/2, 2/2, 2/2
  CHECK(recall_at_k(retrieved, relevant, 1) == Approx(0.0));
  CHECK(recall_at_k(retrieved, relevant, 3) == Approx(0.5));
  CHECK(recall_at_k(retrieved, relevant, 5) == Approx(1.0));
  CHECK(recall_at_k(retrieved, relevant, 10) == Approx(1.0));
  // precision@k = distinct relevant in top k / k: the duplicate d1 at rank 4 counts once.
  CHECK(precision_at_k(retrieved, relevant, 1) == Approx(0.0));
  CHECK(precision_at_k(retrieved, relevant, 3) == Approx(1.0 / 3));
  CHECK(precision_at_k(retrieved, relevant, 5) == Approx(2.0 / 5));
  CHECK(precision_at_k(retrieved, relevant, 10) == Approx(2.0 / 10));
  // precision divides by k even when fewer were retrieved: 1 hit / 5.
  CHECK(precision_at_k(kQueryB.retrieved, kQueryB.relevant, 5) == Approx(0.2));
  CHECK(reciprocal_rank(kQueryD.retrieved, kQueryD.relevant) == 0.0);
}

TEST_CASE("retrieval: NDCG counts a duplicated relevant id once and never exceeds 1", "[metrics][retrieval]") {
  // Query A @5: DCG = 1/log2(3) (rank 2) + 1/log2(6) (rank 5); the duplicate at rank 4
  // adds nothing. IDCG (2 relevant) = 1/log2(2) + 1/log2(3).
  // = (0.6309298 + 0.3868528) / 1.6309298 = 0.6240505
  const double expected = (1 / std::log2(3.0) + 1 / std::log2(6.0)) / (1 + 1 / std::log2(3.0));
  CHECK(ndcg_at_k(kQueryA.retrieved, kQueryA.relevant, 5) == Approx(expected));
  CHECK(ndcg_at_k(kQueryA.retrieved, kQueryA.relevant, 5) == Approx(0.6240505));
  CHECK(ndcg_at_k(kQueryA.retrieved, kQueryA.relevant, 10) == Approx(expected));  // no later hits
  // The same relevant id three times: DCG would be 1 + 0.63 + 0.5 without the dedup.
  const RankedIds repeated{"d1", "d1", "d1"};
  CHECK(ndcg_at_k(repeated, {"d1"}, 5) == Approx(1.0));
  CHECK(recall_at_k(repeated, {"d1"}, 5) == Approx(1.0));
  // IDCG uses min(k, |relevant|) ideal hits: 3 relevant, k = 1, hit at rank 1 -> 1.
  CHECK(ndcg_at_k({"a", "x"}, {"a", "b", "c"}, 1) == Approx(1.0));
  // A single relevant id found at rank 3: 1/log2(4) = 0.5.
  CHECK(ndcg_at_k({"x", "y", "a"}, {"a"}, 5) == Approx(0.5));
}

TEST_CASE("retrieval: the aggregate averages evaluated queries and counts skipped ones", "[metrics][retrieval]") {
  const RetrievalMetrics m = evaluate_retrieval({kQueryA, kQueryB, kQueryC, kQueryD});
  CHECK(m.evaluated_queries == 3);
  CHECK(m.skipped_queries == 1);
  // Per query (A, B, D): hit@1 0,1,0  hit@5 1,1,0  RR 0.5,1,0
  CHECK(m.hit_rate.at(1) == Approx(1.0 / 3));
  CHECK(m.hit_rate.at(5) == Approx(2.0 / 3));
  CHECK(m.hit_rate.at(10) == Approx(2.0 / 3));
  CHECK(*m.mrr == Approx(0.5));
  // recall@1 0,1,0  @3 .5,1,0  @5 1,1,0
  CHECK(m.recall.at(1) == Approx(1.0 / 3));
  CHECK(m.recall.at(3) == Approx(0.5));
  CHECK(m.recall.at(5) == Approx(2.0 / 3));
  CHECK(m.recall.at(10) == Approx(2.0 / 3));
  // precision@1 0,1,0  @3 1/3,1/3,0  @5 .4,.2,0  @10 .2,.1,0
  CHECK(m.precision.at(1) == Approx(1.0 / 3));
  CHECK(m.precision.at(3) == Approx(2.0 / 9));
  CHECK(m.precision.at(5) == Approx(0.2));
  CHECK(m.precision.at(10) == Approx(0.1));
  // ndcg@5: 0.6240505, 1, 0
  CHECK(m.ndcg.at(5) == Approx((0.6240505 + 1) / 3));

  const nlohmann::json j = to_json(m);
  for (const char* key : {"hit_rate@1", "hit_rate@5", "hit_rate@10", "mrr", "recall@1", "recall@3", "recall@5",
                          "recall@10", "precision@1", "precision@3", "precision@5", "precision@10", "ndcg@5",
                          "ndcg@10", "skipped_queries"}) {
    CHECK(j.contains(key));
  }
  CHECK_FALSE(j.contains("retrieval_consistency"));
  CHECK(j["skipped_queries"] == 1);
}

TEST_CASE("retrieval: with no scorable query the rates are absent, not zero", "[metrics][retrieval]") {
  const RetrievalMetrics m = evaluate_retrieval({kQueryC});
  CHECK(m.skipped_queries == 1);
  CHECK_FALSE(m.mrr.has_value());
  const nlohmann::json j = to_json(m);
  CHECK_FALSE(j.contains("mrr"));
  CHECK_FALSE(j.contains("hit_rate@1"));
}

TEST_CASE("retrieval: consistency is the mean pairwise Jaccard of top-k sets", "[metrics][retrieval]") {
  // Query 1, k = 3: {a,b,c} vs {a,b,d} = 2/4, vs {a,b,c} = 1, {a,b,d} vs {a,b,c} = 2/4 -> 2/3.
  // Query 2 has one run (ignored). Query 3: same set in another order -> 1.
  // Mean over queries 1 and 3: (2/3 + 1) / 2 = 5/6.
  const std::vector<std::vector<RankedIds>> runs{
      {{"a", "b", "c", "z"}, {"a", "b", "d"}, {"a", "b", "c"}},
      {{"a"}},
      {{"x", "y"}, {"y", "x"}},
  };
  CHECK(*retrieval_consistency(runs, 3) == Approx(5.0 / 6));
  CHECK_FALSE(retrieval_consistency({{{"a"}}}, 3).has_value());
  CHECK(jaccard_at_k({}, {}, 5) == 1.0);
}

TEST_CASE("vector math: exact cosine top-k ranks by similarity and breaks ties by index", "[metrics][vectors]") {
  const std::vector<Embedding> matrix{{1, 0}, {0, 1}, {1, 1}, {2, 0}, {-1, 0}};
  const auto best = top_k(std::vector<double>{1, 0}, matrix, 3);
  REQUIRE(best.size() == 3);
  CHECK(best.capacity() == 3);  // a ranking kept per question holds k entries, not one per row
  CHECK(best[0].index == 0);  // cos 1
  CHECK(best[1].index == 3);  // cos 1, tie -> the higher index comes second
  CHECK(best[2].index == 2);  // cos 1/sqrt(2)
  CHECK(best[2].score == Approx(1 / std::sqrt(2.0)));
  CHECK(top_k(std::vector<double>{1, 0}, matrix, 10).size() == 5);
  CHECK(top_k(std::vector<double>{1, 0}, matrix, 10).back().index == 4);
  CHECK_THROWS_AS(top_k(std::vector<double>{1, 0, 0}, matrix, 1), llmbench::Error);
}

TEST_CASE("vector math: cosine, dot and euclidean on small vectors", "[metrics][vectors]") {
  const std::vector<double> a{3, 4};
  const std::vector<double> b{4, 3};
  CHECK(dot(a, b) == Approx(24));
  CHECK(cosine_similarity(a, b) == Approx(24.0 / 25));
  CHECK(cosine_distance(a, b) == Approx(1.0 / 25));
  CHECK(euclidean_distance(a, b) == Approx(std::sqrt(2.0)));
  CHECK(cosine_similarity(a, std::vector<double>{0, 0}) == 0.0);  // zero vector: no direction
  CHECK(l2_norm(l2_normalized(a)) == Approx(1.0));
}
