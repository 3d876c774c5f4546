#pragma once
// `llmbench run`: resolve the model matrix, load and sample the data, print the plan,
// preflight every model, send every distinct request once through the executor, journal
// each finished item, aggregate metrics from the journal, and append the run to the report.

#include "llmbench/run/options.hpp"

namespace llmbench::tiers {

// Runs the sweep; returns the process exit code (see ExitCode). Setup problems throw Error.
// Writes the plan and the summary to stdout, progress and logs to stderr.
int run_sweep(const run::RunOptions& options);

}  // namespace llmbench::tiers
