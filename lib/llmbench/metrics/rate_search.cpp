#include "llmbench/metrics/rate_search.hpp"

#include "llmbench/metrics/ci.hpp"

namespace llmbench::metrics {

LevelVerdict wilson_verdict(std::int64_t met, std::int64_t total, double target) {
  const auto interval = wilson_interval(met, total);
  if (!interval) return LevelVerdict::undecided;
  if (interval->low >= target) return LevelVerdict::pass;
  if (interval->high < target) return LevelVerdict::fail;
  return LevelVerdict::undecided;
}

RateSearch::RateSearch(double start, double precision, int max_levels)
    : next_(start), precision_(precision), max_levels_(max_levels) {
  ended_ = !(start > 0) || !(precision > 0 && precision < 1) || max_levels < 1;
}

std::optional<double> RateSearch::next_rate() const {
  if (ended_) return std::nullopt;
  return next_;
}

void RateSearch::record(bool passed) {
  if (ended_) return;
  ++levels_;
  if (passed) {
    passed_ = next_;
  } else {
    failed_ = next_;
  }
  if (passed_ && failed_) {
    ended_ = *failed_ - *passed_ <= precision_ * *passed_;
    next_ = (*passed_ + *failed_) / 2;
  } else {
    next_ = passed ? next_ * 2 : next_ / 2;
  }
  if (levels_ >= max_levels_) ended_ = true;
}

}  // namespace llmbench::metrics
