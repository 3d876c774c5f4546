#pragma once
// JSON Lines and JSON-array dataset files as a list of records, each with the line it came
// from. Objects keep their key order (nlohmann::ordered_json): TruthfulQA's mc1_targets lists
// the correct answer first, and that order is data.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::data {

using Json = nlohmann::ordered_json;

struct JsonRecord {
  int line = 0;  // 1-based line where the record starts
  Json value;    // always an object
};

// One JSON object per non-blank line. Throws InputError "<file>:<line>: bad JSON: ..." for a
// line that does not parse or is not an object, and "<file>: no records" if there are none.
std::vector<JsonRecord> parse_jsonl(std::string_view text, const std::string& path);

// A JSON document whose top level is an array of objects. Parse errors name the line the
// parser stopped on; each record gets the line its element starts on.
std::vector<JsonRecord> parse_json_array(std::string_view text, const std::string& path);

// Field access with errors of the form "<file>:<line>: <record kind> has no field \"x\"; <fix>".
// `fix` says how to repair it (e.g. "is this the ARC JSONL format?").
const Json& require_field(const JsonRecord& record, std::string_view field,
                          const std::string& path, std::string_view fix);
// As require_field, and the value must be a string.
std::string require_string(const JsonRecord& record, std::string_view field,
                           const std::string& path, std::string_view fix);
// Field `field` of `object` (a nested object inside `record`), `where` naming it ("question").
const Json& require_nested(const Json& object, std::string_view field, const JsonRecord& record,
                           std::string_view where, const std::string& path, std::string_view fix);

// The JSON type as error messages name it: "a string", "an integer", "an object", ...
std::string json_type_name(const Json& value);

}  // namespace llmbench::data
