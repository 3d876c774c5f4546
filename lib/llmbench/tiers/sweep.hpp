#pragma once
// `llmbench run`: resolve the model matrix, load and sample the data, print the plan,
// preflight every model, send every distinct request once through the executor, journal
// each finished item, aggregate metrics from the journal, and append the run to the report.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "llmbench/run/options.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::tiers {

// Runs the sweep; returns the process exit code (see ExitCode). Setup problems throw Error.
// Writes the plan and the summary to stdout, progress and logs to stderr.
int run_sweep(const run::RunOptions& options);

// The metrics of a sweep whose item records were written elsewhere (`llmbench merge`): `run`
// (its id, flags and "models") gets datasets, model_runs, overall_status and status computed from
// the item log at `item_log` by run_sweep's own aggregation, as a finished run with every model
// available. Loads the data of `options`; the models' ids and prices come from the record's
// "models" (run::models_json), so neither a config nor a key is read. Sends nothing. Throws
// Error/InputError as run_sweep does before its first request, and Error for a record without
// "models".
void aggregate_logged_sweep(run::RunOptions options, const run::RunSession& session,
                            const std::filesystem::path& item_log, nlohmann::json& run);

}  // namespace llmbench::tiers
