#pragma once
// Dense vector primitives for embedding metrics: dot product, norms, cosine, euclidean
// distance and exact cosine top-k search. Pure functions, no I/O, thread-safe.
//
// Contracts shared by every function here:
// - Vectors passed together must have the same dimension; a mismatch is a caller bug and
//   throws llmbench::Error (ExitCode::internal) naming both sizes.
// - A zero vector has no direction: its cosine similarity with anything is defined as 0
//   (so its cosine distance is 1), never NaN.

#include <cstddef>
#include <span>
#include <vector>

namespace llmbench::metrics {

using Embedding = std::vector<double>;

double dot(std::span<const double> a, std::span<const double> b);
double l2_norm(std::span<const double> v);
// v / |v|; a zero vector is returned unchanged (all zeros).
Embedding l2_normalized(std::span<const double> v);
// cos(a, b) in [-1, 1] (clamped against rounding); 0 if either vector is zero.
double cosine_similarity(std::span<const double> a, std::span<const double> b);
// 1 - cos(a, b), in [0, 2].
double cosine_distance(std::span<const double> a, std::span<const double> b);
double euclidean_distance(std::span<const double> a, std::span<const double> b);

struct ScoredIndex {
  std::size_t index = 0;  // row of the matrix
  double score = 0;       // cosine similarity to the query
};

// Exact cosine top-k over the rows of `matrix`: the min(k, rows) best rows, highest
// similarity first, ties broken by the lower row index (so results are reproducible).
// Every row must have the query's dimension.
std::vector<ScoredIndex> top_k(std::span<const double> query, const std::vector<Embedding>& matrix,
                               std::size_t k);

// Arithmetic mean and population standard deviation (divisor n, like numpy's np.std).
// Precondition: !values.empty().
double mean(std::span<const double> values);
double population_std(std::span<const double> values);

}  // namespace llmbench::metrics
