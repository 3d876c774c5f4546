#pragma once
// The report file, <output-dir>/benchmark_runs.json: a JSON array of runs. It is only ever
// replaced whole (temp file, fsync, rename) while holding an advisory lock, so readers never
// see half a report and two writers never lose each other's runs. A damaged report is
// reported with its path and position and never overwritten.

#include <chrono>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "llmbench/records/output_layout.hpp"

namespace llmbench::report {

inline constexpr int kSchemaVersion = 1;
using records::kReportFileName;  // "benchmark_runs.json" (records/output_layout.hpp)

// Reads and migrates all runs. Missing file: an empty array. Throws InputError naming the
// file, line and column when it is not valid JSON, or the run index when a run is malformed
// or from a newer schema_version than this build understands.
nlohmann::json read_runs(const std::filesystem::path& file);

// Upgrades one run record in place to kSchemaVersion (runs without schema_version are v0:
// the model-lab's own format, whose fields are kept).
void migrate_run(nlohmann::json& run);

// Under an exclusive lock on <file>.lock: reads the runs, lets `update` change them, then
// replaces the file atomically. Concurrent writers in other processes serialise on the lock.
void update_runs(const std::filesystem::path& file,
                 const std::function<void(nlohmann::json& runs)>& update);

// Inserts `run`, or replaces the run with the same "id".
void upsert_run(const std::filesystem::path& file, const nlohmann::json& run);

}  // namespace llmbench::report
