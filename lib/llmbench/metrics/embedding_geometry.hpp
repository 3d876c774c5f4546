#pragma once
// Metrics over sets of embedding vectors (pure functions, no I/O):
// - tier_0: the geometry of the questions' embeddings (how crowded, spread and
//   high-dimensional the query space is);
// - tier_2/3: similarity of answer embeddings to reference embeddings, and the semantic
//   consistency of repeated answers.
//
// Conventions: "cosine distance" is 1 - cos (see vector_math.hpp; a zero vector has
// cos 0 with anything). Standard deviations are population std (divisor n, like numpy's
// default np.std). Metrics that need at least two vectors (or pairs) are std::nullopt
// and absent from the JSON when there are fewer: "no data" is never reported as 0.

#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/vector_math.hpp"

namespace llmbench::metrics {

struct GeometryOptions {
  std::size_t nn_k = 5;            // neighbours per point; clipped to n - 1
  double explained_variance = 0.95;  // share the effective dimensions must explain
};

struct EmbeddingGeometry {
  std::size_t total_samples = 0;
  // Per point: the mean cosine distance to its k nearest neighbours (k = min(nn_k, n-1));
  // then the mean and std of that over points.
  std::optional<double> avg_nn_distance;
  std::optional<double> std_nn_distance;
  // 1 / (1 + avg_nn_distance): 1 when every point has identical neighbours, falling
  // towards 1/3 as neighbours become opposite (cosine distance 2). Higher = denser.
  std::optional<double> density_score;
  // Euclidean distance of each L2-normalised vector to the centroid of the normalised
  // vectors: mean, max and std over points.
  std::optional<double> avg_spread;
  std::optional<double> max_spread;
  std::optional<double> spread_std;
  // Fewest principal components (of the raw, mean-centred vectors) whose eigenvalues
  // explain >= explained_variance of the total variance; 0 if all vectors are equal.
  std::optional<int> effective_dimensionality;
  // Cosine distance over all n(n-1)/2 unordered pairs.
  std::optional<double> avg_pairwise_distance;
  std::optional<double> std_pairwise_distance;
  std::optional<double> min_pairwise_distance;
  std::optional<double> max_pairwise_distance;
};

// Cost: O(n^2 d) for the distances plus O(m^3) per Jacobi sweep (about 6-10 sweeps),
// m = min(n, d): measured ~0.4 s for 300 x 768 and ~14 s for 1000 x 1024 on one core.
// All vectors must have one dimension (else llmbench::Error, see vector_math.hpp).
EmbeddingGeometry embedding_geometry(const std::vector<Embedding>& vectors, GeometryOptions options = {});

// Keys: total_samples, avg_nn_distance, std_nn_distance, density_score, avg_spread,
// max_spread, spread_std, effective_dimensionality, avg_pairwise_distance,
// std_pairwise_distance, min_pairwise_distance, max_pairwise_distance (absent if unset).
nlohmann::json to_json(const EmbeddingGeometry& geometry);

// Eigenvalues of a symmetric matrix (row-major, square), largest first, by the cyclic
// Jacobi method. Exact to rounding for small matrices; the input's symmetry is assumed
// (only the upper triangle is meaningful after the first rotation).
std::vector<double> symmetric_eigenvalues(std::vector<std::vector<double>> matrix);

// Fewest leading eigenvalues of the covariance of `vectors` explaining `share` of the
// total variance. Uses the n x n Gram matrix of the centred data when n < d (same
// non-zero eigenvalues as the d x d covariance). Precondition: vectors.size() >= 2.
int effective_dimensionality(const std::vector<Embedding>& vectors, double share = 0.95);

// ---- answer embeddings (tier_2/3) ----

// One generated answer against its reference answer.
struct AnswerEmbeddingPair {
  Embedding answer;
  Embedding reference;
};

struct AnswerSimilarity {
  std::size_t pairs = 0;
  std::optional<double> avg_semantic_similarity;  // mean cosine(answer, reference)
  std::optional<double> avg_dot_similarity;       // mean dot(answer, reference), raw vectors
  std::optional<double> avg_euclidean_distance;   // mean |answer - reference|, raw vectors
};
AnswerSimilarity answer_similarity(const std::vector<AnswerEmbeddingPair>& pairs);
// Keys: avg_semantic_similarity, avg_dot_similarity, avg_euclidean_distance (absent if no pairs).
nlohmann::json to_json(const AnswerSimilarity& similarity);

// response_semantic_consistency: for each item, the mean pairwise cosine similarity of
// the embeddings of its N repeated answers; averaged over items with N >= 2 (items with
// fewer are ignored). nullopt if no item has two answers.
std::optional<double> response_semantic_consistency(const std::vector<std::vector<Embedding>>& answers_per_item);

}  // namespace llmbench::metrics
