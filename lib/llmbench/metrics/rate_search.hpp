#pragma once
// The search behind `llmbench perf --find-max-rate`: the highest request rate at which a
// server still meets its SLOs. Pure and deterministic; the caller runs the levels.
//
// A level passes when the share of its requests meeting every SLO (its attainment) reaches
// a target. With few requests that share is uncertain, so a level is judged on the Wilson
// 95% interval of met/total (wilson_verdict): pass when the whole interval is at or above
// the target, fail when it is wholly below, undecided otherwise. An undecided level is the
// caller's to settle: run more requests at that rate, or judge the point estimate.
//
// RateSearch proposes the rates: from `start` it doubles while levels pass (or halves while
// they fail, until one passes), then bisects between the highest rate that passed and the
// lowest that failed, and ends when they are within `precision` of the passing one
// (relative), or after `max_levels` levels. Example, start 4, a server that holds up to 11:
// 4 pass, 8 pass, 16 fail, 12 fail, 10 pass, 11 pass -> ends (12 - 11 <= 0.1 x 11), best 11.

#include <cstdint>
#include <optional>

namespace llmbench::metrics {

enum class LevelVerdict { pass, fail, undecided };

// Whether `met` of `total` requests meeting the SLOs shows an attainment of at least `target`
// (in (0, 1]) at 95% confidence. total 0 is undecided. A target of 1 is never passed this way
// (the interval's low end stays below 1): judge the point estimate then.
LevelVerdict wilson_verdict(std::int64_t met, std::int64_t total, double target);

class RateSearch {
 public:
  // `start` > 0 (requests/s), `precision` in (0, 1), `max_levels` >= 1; otherwise the search
  // ends before it begins (next_rate() is nullopt).
  explicit RateSearch(double start, double precision = 0.1, int max_levels = 12);

  // The rate of the next level to run; nullopt once the search has ended.
  std::optional<double> next_rate() const;
  // The verdict of the level run at next_rate(). Ignored once the search has ended.
  void record(bool passed);
  // The highest rate that passed; nullopt if none did.
  std::optional<double> best() const { return passed_; }
  int levels() const { return levels_; }

 private:
  double next_ = 0;
  double precision_;
  int max_levels_;
  int levels_ = 0;
  bool ended_ = false;
  std::optional<double> passed_;  // the highest rate that passed
  std::optional<double> failed_;  // the lowest rate that failed
};

}  // namespace llmbench::metrics
