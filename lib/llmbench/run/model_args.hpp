#pragma once
// `-M key=value` / `--model-args key=value,...` on `run` and `arena run`: request parameters
// from the command line, applied over every chat model's configured `params:` and recorded in
// the run's flags (`model_args`).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"

namespace llmbench::run {

// Parses each flag value: one or more key=value pairs separated by commas outside brackets,
// braces and quotes (so -M 'stop=["a","b"]' keeps its list). A value is read as JSON when it
// is JSON (0.2, 512, true, null, [..], {..}, "quoted"), else as a string. Throws Error naming
// the flag for an item without '=', an empty key, or a key the wire format owns (model,
// messages, input, stream, stream_options, n): sending it would break the request or its parsing.
nlohmann::json parse_model_args(const std::vector<std::string>& values);

// Applies `args` over the params of each chat model (embedding models keep theirs). A token
// limit given replaces the model's other one (max_tokens vs max_completion_tokens), so a
// request never carries both.
void apply_model_args(const nlohmann::json& args, const std::vector<config::ResolvedModel*>& models);

}  // namespace llmbench::run
