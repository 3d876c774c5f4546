#include "llmbench/metrics/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "llmbench/error.hpp"

namespace llmbench::metrics {
namespace {

void require_same_dimension(std::span<const double> a, std::span<const double> b, const char* what) {
  if (a.size() != b.size()) {
    throw Error(std::string(what) + ": vectors of different dimensions (" + std::to_string(a.size()) +
                    " and " + std::to_string(b.size()) +
                    "); embeddings compared together must come from the same model",
                ExitCode::internal);
  }
}

}  // namespace

double dot(std::span<const double> a, std::span<const double> b) {
  require_same_dimension(a, b, "dot");
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

double l2_norm(std::span<const double> v) {
  double sum = 0;
  for (double x : v) sum += x * x;
  return std::sqrt(sum);
}

Embedding l2_normalized(std::span<const double> v) {
  Embedding out(v.begin(), v.end());
  const double norm = l2_norm(v);
  if (norm > 0) {
    for (double& x : out) x /= norm;
  }
  return out;
}

double cosine_similarity(std::span<const double> a, std::span<const double> b) {
  require_same_dimension(a, b, "cosine_similarity");
  const double norms = l2_norm(a) * l2_norm(b);
  if (norms <= 0) return 0;
  return std::clamp(dot(a, b) / norms, -1.0, 1.0);
}

double cosine_distance(std::span<const double> a, std::span<const double> b) {
  return 1.0 - cosine_similarity(a, b);
}

double euclidean_distance(std::span<const double> a, std::span<const double> b) {
  require_same_dimension(a, b, "euclidean_distance");
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

std::vector<ScoredIndex> top_k(std::span<const double> query, const std::vector<Embedding>& matrix,
                               std::size_t k) {
  std::vector<ScoredIndex> scored;
  scored.reserve(matrix.size());
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    scored.push_back({i, cosine_similarity(query, matrix[i])});
  }
  const std::size_t keep = std::min(k, scored.size());
  const auto better = [](const ScoredIndex& x, const ScoredIndex& y) {
    if (x.score != y.score) return x.score > y.score;
    return x.index < y.index;
  };
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end(),
                    better);
  scored.resize(keep);
  // A retrieval keeps each question's ranking while its answers are made: k entries, not one
  // per chunk of the corpus.
  scored.shrink_to_fit();
  return scored;
}

double mean(std::span<const double> values) {
  double sum = 0;
  for (double x : values) sum += x;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

double population_std(std::span<const double> values) {
  if (values.empty()) return 0;
  const double m = mean(values);
  double sum = 0;
  for (double x : values) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(values.size()));
}

}  // namespace llmbench::metrics
