#pragma once
// The open loop's arrival schedule: when each request of a level is sent, fixed before the
// level starts, so no response can delay a send (no coordinated omission). Pure and seeded: the
// same rate, count, arrival and seed give the same times on every platform (SplitMix64 and
// samplers written out here, not std's unspecified distributions).

#include <cstdint>
#include <vector>

#include "llmbench/perf/options.hpp"

namespace llmbench::perf {

// `count` send times in ms from the level's start, ascending, the first at 0: gaps drawn with
// mean 1000/rate_per_s, exponential (Poisson arrivals) or gamma with shape `burstiness`
// (scale 1/(rate * burstiness), so the mean rate stays `rate_per_s`). rate_per_s > 0,
// burstiness > 0.
std::vector<double> arrival_times_ms(double rate_per_s, std::int64_t count, Arrival arrival, double burstiness,
                                     std::uint64_t seed);

}  // namespace llmbench::perf
