#pragma once
// Reading fields of JSON records that may be missing or of another type (item logs, battle
// logs, cache entries): the caller gets a plain value, never an exception.

#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::util {

// A string field; empty when it is missing or not a string.
std::string string_field(const nlohmann::json& record, const char* field);

}  // namespace llmbench::util
