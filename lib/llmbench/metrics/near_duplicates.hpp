#pragma once
// Near-duplicate detection over a sequence of embeddings (tier_ux's answer-cache hit rate).
// Pure functions, thread-safe.

#include <cstddef>
#include <optional>
#include <vector>

#include "llmbench/metrics/vector_math.hpp"

namespace llmbench::metrics {

struct NearestEarlier {
  std::optional<std::size_t> index;  // the most cosine-similar earlier vector; nullopt for the first
  double similarity = 0;             // its cosine similarity (0 when there is none)
};

// For each vector i, the earlier vector j < i with the highest cosine similarity (ties: the
// lower j). O(n^2 d). Vectors must share one dimension (see vector_math.hpp).
std::vector<NearestEarlier> nearest_earlier(const std::vector<Embedding>& vectors);

// A question is a cache hit when its nearest earlier question is at least `threshold` similar.
inline bool is_hit(const NearestEarlier& n, double threshold) { return n.index && n.similarity >= threshold; }

}  // namespace llmbench::metrics
