#include "llmbench/metrics/near_duplicates.hpp"

namespace llmbench::metrics {

std::vector<NearestEarlier> nearest_earlier(const std::vector<Embedding>& vectors) {
  std::vector<NearestEarlier> out(vectors.size());
  for (std::size_t i = 1; i < vectors.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double s = cosine_similarity(vectors[i], vectors[j]);
      if (!out[i].index || s > out[i].similarity) out[i] = {j, s};
    }
  }
  return out;
}

}  // namespace llmbench::metrics
