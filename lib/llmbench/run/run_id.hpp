#pragma once
// Run ids: "<UTC yyyymmddThhmmssZ>-<4 hex>", sortable by start time; user-chosen ids are
// checked to be safe as a directory name.

#include <filesystem>
#include <string>

namespace llmbench::run {

std::string new_run_id();
std::string utc_timestamp_iso8601();  // "2026-11-23T09:15:00Z"

// Throws Error unless `id` is 1-100 characters of [A-Za-z0-9._-] not starting with '.'.
void validate_run_id(const std::string& id);

// Creates <output_dir>/runs/<run_id> with one mkdir(2), so that the check "is this id taken?"
// and the creation are one step: of two processes starting the same id, exactly one wins.
// Throws Error (bad input) when that folder exists (naming the id, and `if_taken` as the advice),
// or when output_dir cannot be created or written (a file in the path, a read-only file system,
// /proc), with the reason.
void create_run_dir(const std::filesystem::path& output_dir, const std::string& run_id,
                    const std::string& if_taken);

}  // namespace llmbench::run
