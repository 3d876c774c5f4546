#include "llmbench/metrics/embedding_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "llmbench/error.hpp"

namespace llmbench::metrics {
namespace {

// Running mean / population variance / min / max (Welford), so the n(n-1)/2 pairwise
// distances never need to be stored.
class RunningStats {
 public:
  void add(double x) {
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
    min_ = count_ == 1 ? x : std::min(min_, x);
    max_ = count_ == 1 ? x : std::max(max_, x);
  }
  std::size_t count() const { return count_; }
  double mean() const { return mean_; }
  double std() const { return count_ == 0 ? 0 : std::sqrt(std::max(0.0, m2_ / static_cast<double>(count_))); }
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  std::size_t count_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double min_ = 0;
  double max_ = 0;
};

void require_one_dimension(const std::vector<Embedding>& vectors) {
  for (std::size_t i = 1; i < vectors.size(); ++i) {
    if (vectors[i].size() != vectors[0].size()) {
      throw Error("embedding geometry: vector " + std::to_string(i) + " has dimension " +
                      std::to_string(vectors[i].size()) + " but vector 0 has " +
                      std::to_string(vectors[0].size()) + "; all embeddings must come from one model",
                  ExitCode::internal);
    }
  }
}

// Cosine distance of two already L2-normalised vectors (zero vectors stay zero: distance 1).
double unit_cosine_distance(const Embedding& a, const Embedding& b) {
  return 1.0 - std::clamp(dot(a, b), -1.0, 1.0);
}

}  // namespace

std::vector<double> symmetric_eigenvalues(std::vector<std::vector<double>> a) {
  const std::size_t n = a.size();
  for (const auto& row : a) {
    if (row.size() != n) throw Error("symmetric_eigenvalues: matrix is not square", ExitCode::internal);
  }
  constexpr int kMaxSweeps = 100;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double off = 0;
    double diag = 0;
    for (std::size_t i = 0; i < n; ++i) {
      diag += a[i][i] * a[i][i];
      for (std::size_t j = i + 1; j < n; ++j) off += a[i][j] * a[i][j];
    }
    if (off == 0 || off <= 1e-24 * (diag + off)) break;  // off-diagonal ~1e-12 relative
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) {
        const double apq = a[p][q];
        if (apq == 0) continue;
        // Rotation that zeroes a[p][q] (Numerical Recipes, "jacobi").
        const double theta = (a[q][q] - a[p][p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1);
        const double s = t * c;
        for (std::size_t k = 0; k < n; ++k) {
          if (k == p || k == q) continue;
          const double akp = a[k][p];
          const double akq = a[k][q];
          a[k][p] = a[p][k] = c * akp - s * akq;
          a[k][q] = a[q][k] = s * akp + c * akq;
        }
        a[p][p] -= t * apq;
        a[q][q] += t * apq;
        a[p][q] = a[q][p] = 0;
      }
    }
  }
  std::vector<double> eigenvalues(n);
  for (std::size_t i = 0; i < n; ++i) eigenvalues[i] = a[i][i];
  std::sort(eigenvalues.begin(), eigenvalues.end(), std::greater<>());
  return eigenvalues;
}

int effective_dimensionality(const std::vector<Embedding>& vectors, double share) {
  require_one_dimension(vectors);
  const std::size_t n = vectors.size();
  if (n < 2) throw Error("effective_dimensionality: needs at least 2 vectors", ExitCode::internal);
  const std::size_t d = vectors[0].size();

  Embedding centroid(d, 0.0);
  double raw_energy = 0;
  for (const auto& v : vectors) {
    for (std::size_t j = 0; j < d; ++j) {
      centroid[j] += v[j];
      raw_energy += v[j] * v[j];
    }
  }
  for (double& c : centroid) c /= static_cast<double>(n);
  std::vector<Embedding> centred(vectors);
  for (auto& v : centred) {
    for (std::size_t j = 0; j < d; ++j) v[j] -= centroid[j];
  }

  // Covariance up to a constant factor (the factor cancels in the share).
  std::vector<std::vector<double>> gram;
  if (n < d) {  // n x n Gram matrix X X^T: same non-zero eigenvalues as X^T X
    gram.assign(n, std::vector<double>(n, 0.0));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i; j < n; ++j) gram[i][j] = gram[j][i] = dot(centred[i], centred[j]);
    }
  } else {  // d x d scatter matrix X^T X
    gram.assign(d, std::vector<double>(d, 0.0));
    for (const auto& v : centred) {
      for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t j = i; j < d; ++j) gram[i][j] += v[i] * v[j];
      }
    }
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = 0; j < i; ++j) gram[i][j] = gram[j][i];
    }
  }

  std::vector<double> eigenvalues = symmetric_eigenvalues(std::move(gram));
  double total = 0;
  for (double& e : eigenvalues) {
    e = std::max(0.0, e);  // rounding can leave tiny negatives
    total += e;
  }
  // All vectors equal (up to rounding of the centroid): no direction carries variance.
  if (total <= 1e-20 * raw_energy || total == 0) return 0;
  double cumulative = 0;
  int count = 0;
  for (double e : eigenvalues) {
    cumulative += e;
    ++count;
    if (cumulative >= share * total * (1 - 1e-12)) break;
  }
  return count;
}

EmbeddingGeometry embedding_geometry(const std::vector<Embedding>& vectors, GeometryOptions options) {
  require_one_dimension(vectors);
  EmbeddingGeometry g;
  const std::size_t n = vectors.size();
  g.total_samples = n;
  if (n < 2) return g;

  std::vector<Embedding> unit;
  unit.reserve(n);
  for (const auto& v : vectors) unit.push_back(l2_normalized(v));

  // Nearest neighbours and pairwise distances, one row at a time (O(n) memory).
  const std::size_t k = std::max<std::size_t>(1, std::min(options.nn_k, n - 1));
  std::vector<double> nn_means;
  nn_means.reserve(n);
  RunningStats pairwise;
  std::vector<double> row;
  row.reserve(n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    row.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double distance = unit_cosine_distance(unit[i], unit[j]);
      row.push_back(distance);
      if (j > i) pairwise.add(distance);
    }
    std::nth_element(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(k - 1), row.end());
    std::sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(k));
    nn_means.push_back(mean(std::span<const double>(row.data(), k)));
  }
  g.avg_nn_distance = mean(nn_means);
  g.std_nn_distance = population_std(nn_means);
  g.density_score = 1.0 / (1.0 + *g.avg_nn_distance);
  g.avg_pairwise_distance = pairwise.mean();
  g.std_pairwise_distance = pairwise.std();
  g.min_pairwise_distance = pairwise.min();
  g.max_pairwise_distance = pairwise.max();

  const std::size_t d = unit[0].size();
  Embedding centroid(d, 0.0);
  for (const auto& u : unit) {
    for (std::size_t j = 0; j < d; ++j) centroid[j] += u[j];
  }
  for (double& c : centroid) c /= static_cast<double>(n);
  std::vector<double> spreads;
  spreads.reserve(n);
  for (const auto& u : unit) spreads.push_back(euclidean_distance(u, centroid));
  g.avg_spread = mean(spreads);
  g.max_spread = *std::max_element(spreads.begin(), spreads.end());
  g.spread_std = population_std(spreads);

  g.effective_dimensionality = effective_dimensionality(vectors, options.explained_variance);
  return g;
}

nlohmann::json to_json(const EmbeddingGeometry& g) {
  nlohmann::json out = nlohmann::json::object();
  out["total_samples"] = g.total_samples;
  const auto put = [&out](const char* key, const auto& value) {
    if (value) out[key] = *value;
  };
  put("avg_nn_distance", g.avg_nn_distance);
  put("std_nn_distance", g.std_nn_distance);
  put("density_score", g.density_score);
  put("avg_spread", g.avg_spread);
  put("max_spread", g.max_spread);
  put("spread_std", g.spread_std);
  put("effective_dimensionality", g.effective_dimensionality);
  put("avg_pairwise_distance", g.avg_pairwise_distance);
  put("std_pairwise_distance", g.std_pairwise_distance);
  put("min_pairwise_distance", g.min_pairwise_distance);
  put("max_pairwise_distance", g.max_pairwise_distance);
  return out;
}

AnswerSimilarity answer_similarity(const std::vector<AnswerEmbeddingPair>& pairs) {
  AnswerSimilarity s;
  s.pairs = pairs.size();
  if (pairs.empty()) return s;
  double cos_sum = 0;
  double dot_sum = 0;
  double euclid_sum = 0;
  for (const auto& p : pairs) {
    cos_sum += cosine_similarity(p.answer, p.reference);
    dot_sum += dot(p.answer, p.reference);
    euclid_sum += euclidean_distance(p.answer, p.reference);
  }
  const auto count = static_cast<double>(pairs.size());
  s.avg_semantic_similarity = cos_sum / count;
  s.avg_dot_similarity = dot_sum / count;
  s.avg_euclidean_distance = euclid_sum / count;
  return s;
}

nlohmann::json to_json(const AnswerSimilarity& s) {
  nlohmann::json out = nlohmann::json::object();
  if (s.avg_semantic_similarity) out["avg_semantic_similarity"] = *s.avg_semantic_similarity;
  if (s.avg_dot_similarity) out["avg_dot_similarity"] = *s.avg_dot_similarity;
  if (s.avg_euclidean_distance) out["avg_euclidean_distance"] = *s.avg_euclidean_distance;
  return out;
}

std::optional<double> response_semantic_consistency(const std::vector<std::vector<Embedding>>& answers_per_item) {
  double item_sum = 0;
  std::size_t items = 0;
  for (const auto& answers : answers_per_item) {
    if (answers.size() < 2) continue;
    double pair_sum = 0;
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      for (std::size_t j = i + 1; j < answers.size(); ++j) {
        pair_sum += cosine_similarity(answers[i], answers[j]);
        ++pairs;
      }
    }
    item_sum += pair_sum / static_cast<double>(pairs);
    ++items;
  }
  if (items == 0) return std::nullopt;
  return item_sum / static_cast<double>(items);
}

}  // namespace llmbench::metrics
