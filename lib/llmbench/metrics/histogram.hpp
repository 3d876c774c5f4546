#pragma once
// A histogram on log-spaced bins, for latencies that span a fraction of a millisecond to
// minutes: bin k holds the values in [10^(k/b), 10^((k+1)/b)) for b bins per decade (ratio
// 10^(1/b) between edges; 20 bins per decade: 12% wide). Adding a value is O(log bins) and memory
// grows with the range of the values, never with their count, so a request log of any length
// becomes a bounded number of bins. Not thread-safe.

#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {

class LogHistogram {
 public:
  static constexpr int kBinsPerDecade = 20;
  // Values below 10^-3 fall in the lowest bin and above 10^7 in the highest, so a stray value
  // cannot stretch the bins out of bounds.
  static constexpr int kLowestDecade = -3;
  static constexpr int kHighestDecade = 7;

  // Counts `value`: a value <= 0 (a zero gap between two chunks) in zero(), a non-finite one not at all.
  void add(double value);

  std::uint64_t count() const { return count_; }  // every value added, zero() included
  std::uint64_t zero() const { return zero_; }
  // Non-empty bins by index k (see the file comment).
  const std::map<int, std::uint64_t>& bins() const { return bins_; }

 private:
  std::map<int, std::uint64_t> bins_;
  std::uint64_t count_ = 0;
  std::uint64_t zero_ = 0;
};

// {per_decade, first: the first non-empty bin's k, counts: [every bin from first to the last
// non-empty one, empty ones as 0], n: count(), zero: zero()}; first is null and counts empty when
// no positive value was added.
nlohmann::json to_json(const LogHistogram& histogram);

}  // namespace llmbench::metrics
