#pragma once
// Run ids: "<UTC yyyymmddThhmmssZ>-<4 hex>", sortable by start time; user-chosen ids are
// checked to be safe as a directory name.

#include <string>

namespace llmbench::run {

std::string new_run_id();
std::string utc_timestamp_iso8601();  // "2026-11-23T09:15:00Z"

// Throws Error unless `id` is 1-100 characters of [A-Za-z0-9._-] not starting with '.'.
void validate_run_id(const std::string& id);

}  // namespace llmbench::run
