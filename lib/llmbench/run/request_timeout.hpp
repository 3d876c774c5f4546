#pragma once
// Which per-request timeout a run uses for each model, one rule for `run` and `arena run`:
// --timeout given on the command line wins over every provider's `timeout_s`; without it a
// provider's `timeout_s` applies to its models and the --timeout default to the others.

#include <string>
#include <vector>

#include "llmbench/config/registry.hpp"

namespace llmbench::run {

// Applies the rule to `models` (their endpoint.timeout_s is what the executor uses over its
// default): with `flag_given`, clears every provider's timeout_s so `timeout_s` applies.
// Returns the plan line that says which applied, e.g.
//   "timeout: 5 s from --timeout (it overrides timeout_s of provider slow: 120 s)"
//   "timeout: 120 s (the default); provider slow: 30 s from its timeout_s"
std::string apply_timeout_rule(const std::vector<config::ResolvedModel*>& models, double timeout_s, bool flag_given);

}  // namespace llmbench::run
