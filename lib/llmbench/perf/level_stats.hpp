#pragma once
// The figures of one perf level from its request samples: pure functions, no I/O. Warm-up and
// cancelled requests (never sent, or stopped by Ctrl-C or the saturation rule) are left out of
// every figure; a failed request counts in requests, errors and errors_by_kind only.

#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/perf/options.hpp"
#include "llmbench/perf/sample.hpp"

namespace llmbench::perf {

// mean, p50, p90, p95, p99 and max of a sample (quantiles by linear interpolation between
// closest ranks, metrics::quantile_sorted).
struct Distribution {
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};
// nullopt for no value (never a distribution of zeros).
std::optional<Distribution> distribution(std::vector<double> values);
// {"mean", "p50", "p90", "p95", "p99", "max"} in ms rounded to the microsecond, or null.
nlohmann::json distribution_json(const std::optional<Distribution>& d);

// The busiest `bucket_ms` window of `events` (time since the level started, count), as counts
// per second. Windows are [from + k*bucket_ms, from + (k+1)*bucket_ms) lying wholly before `to`:
// a part-filled window at the end would understate its rate. nullopt when not even one fits
// (a level shorter than a window has no peak rate of that window).
std::optional<double> peak_rate_per_s(const std::vector<std::pair<double, double>>& events, double from_ms,
                                      double to_ms, double bucket_ms = 1000);

// Time-weighted mean of the number of intervals [start, end) open over [from, to): the sum of
// their lengths inside it over its length. 0 for an empty window.
double mean_overlap(const std::vector<std::pair<double, double>>& intervals, double from, double to);

// Whether an ok request meets every SLO given (queue-inclusive TTFT and E2E; a request of one
// output token has no TPOT and meets a TPOT objective). A failed request meets none.
bool meets(const RequestSample& sample, const Slo& slo);

// What a level is, besides its samples.
struct LevelSetup {
  bool open_loop = false;
  int warmup = 0;
  Slo slo;  // none given: no goodput_rps or slo_attainment
};

// The level's figures (docs/report-format.md "perf.levels[]") without its identity (concurrency
// or rate, complete, stopped_early), which the runner adds.
nlohmann::json level_figures(const std::vector<RequestSample>& samples, const LevelSetup& setup);

}  // namespace llmbench::perf
