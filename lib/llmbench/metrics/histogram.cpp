#include "llmbench/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::metrics {

void LogHistogram::add(double value) {
  if (!std::isfinite(value)) return;
  ++count_;
  if (value <= 0) {
    ++zero_;
    return;
  }
  const double k = std::floor(std::log10(value) * kBinsPerDecade);
  const double lowest = kLowestDecade * kBinsPerDecade, highest = kHighestDecade * kBinsPerDecade - 1;
  ++bins_[static_cast<int>(std::clamp(k, lowest, highest))];
}

nlohmann::json to_json(const LogHistogram& histogram) {
  nlohmann::json counts = nlohmann::json::array();
  nlohmann::json first;
  const auto& bins = histogram.bins();
  if (!bins.empty()) {
    first = bins.begin()->first;
    for (int k = bins.begin()->first; k <= bins.rbegin()->first; ++k) {
      auto it = bins.find(k);
      counts.push_back(it == bins.end() ? 0 : it->second);
    }
  }
  return {{"per_decade", LogHistogram::kBinsPerDecade}, {"first", first}, {"counts", counts},
          {"n", histogram.count()}, {"zero", histogram.zero()}};
}

}  // namespace llmbench::metrics
