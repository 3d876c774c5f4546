#pragma once
// JSON text written straight into a string, byte for byte what nlohmann's
// `dump(-1, ' ', /*ensure_ascii=*/false, error_handler_t::replace)` writes: compact, object keys
// in the order the value holds them (sorted), strings escaped as nlohmann escapes them, invalid
// UTF-8 replaced by U+FFFD exactly where nlohmann replaces it. For the hot paths that write a
// record per request (the item log, the response cache and its keys): no tree to build, and a
// run of plain text is copied at once rather than byte by byte.
//
// Every function appends to `out` and never throws except std::bad_alloc.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace llmbench::util {

// `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

// A number as nlohmann writes it ("null" for a non-finite double).
void append_json_number(std::string& out, std::int64_t value);
void append_json_number(std::string& out, double value);

// The whole value (what value.dump(-1, ' ', false, replace) returns).
void append_json(std::string& out, const nlohmann::json& value);

}  // namespace llmbench::util
