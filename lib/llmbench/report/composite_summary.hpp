#pragma once
// The terminal summary's composite leaderboard (run --weights; run/composite_weights.hpp): one
// row per model run with its composite and 95% interval, best first, and the weights beside it.

#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::report {

// "" when the run has no "composite". A model run without a composite shows "-" and the
// weighted metrics it lacks.
std::string render_composite(const nlohmann::json& run);

}  // namespace llmbench::report
