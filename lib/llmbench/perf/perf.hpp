#pragma once
// `llmbench perf`: serving performance of one model under load, level by level, on the run
// session (registry, embedded simulators, executor with the provider's limits, progress,
// Ctrl-C). One record of kind "perf" in benchmark_runs.json, saved after every level (so the
// levels that finished survive Ctrl-C and kill -9), and the request log
// runs/<id>/requests.jsonl, appended as each request ends. docs/report-format.md describes both.

#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/perf/options.hpp"

namespace llmbench::perf {

// Runs every level and returns the exit code: ok; failures when some level had no successful
// request; interrupted (Ctrl-C). Throws Error/InputError for bad flags, config or dataset.
int run_perf(const PerfOptions& options);

}  // namespace llmbench::perf
