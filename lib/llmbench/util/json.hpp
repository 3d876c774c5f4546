#pragma once
// Reading fields of JSON records that may be missing or of another type (item logs, battle
// logs, cache entries): the caller gets a plain value, never an exception.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace llmbench::util {

// A string field; empty when it is missing or not a string.
std::string string_field(const nlohmann::json& record, const char* field);
// The same without copying it: valid while `record` lives unchanged.
std::string_view string_view_field(const nlohmann::json& record, const char* field);

// `record`'s member `name` without copying it, or `fallback` (a null value when not given) when
// `record` is not an object or holds no `name`: what record.value(name, fallback) gives, as a
// reference (a run record's metrics hold a block per task and subject).
const nlohmann::json& member(const nlohmann::json& record, const char* name);
const nlohmann::json& member(const nlohmann::json& record, const char* name, const nlohmann::json& fallback);

}  // namespace llmbench::util
