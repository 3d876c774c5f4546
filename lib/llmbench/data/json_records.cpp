#include "llmbench/data/json_records.hpp"

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1,
// column 5: "; keep the part that explains the problem.
std::string short_parse_message(const std::string& what) {
  const std::size_t column = what.find("column");
  if (column == std::string::npos) {  // e.g. "[json.exception.out_of_range.406] number overflow ..."
    const std::size_t bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
  }
  const std::size_t colon = what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// The line of a number nlohmann could not represent ("number overflow parsing '1e999'"):
// the first occurrence of the quoted number in `text`, else line 1.
int line_of_overflow(std::string_view text, const std::string& what) {
  const std::size_t open = what.find('\'');
  const std::size_t close = open == std::string::npos ? open : what.find('\'', open + 1);
  if (close == std::string::npos || close == open + 1) return 1;
  const std::size_t at = text.find(std::string_view(what).substr(open + 1, close - open - 1));
  return at == std::string_view::npos ? 1 : util::line_of_offset(text, at);
}

// Byte offsets where the elements of the top-level array in `text` start. The text is known to
// be valid JSON (it parsed), so a small scanner over strings and brackets is enough.
std::vector<std::size_t> top_level_element_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  int depth = 0;
  bool in_string = false, expect_element = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (expect_element && depth == 1 && c != ']') {
      offsets.push_back(i);
      expect_element = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth == 1) expect_element = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_element = true;
    }
  }
  return offsets;
}

}  // namespace

std::vector<JsonRecord> parse_jsonl(std::string_view text, const std::string& path) {
  std::vector<JsonRecord> records;
  util::for_each_line(text, [&](int line, std::string_view content) {
    if (util::is_blank(content)) return;
    JsonRecord record{line, {}};
    try {
      record.value = Json::parse(content);
    } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number overflow
      throw InputError(path, line,
                       fmt::format("bad JSON: {}; each line must be one complete JSON object",
                                   short_parse_message(e.what())));
    }
    if (!record.value.is_object()) {
      throw InputError(path, line,
                       fmt::format("expected a JSON object, got {}; each line must be one "
                                   "JSON object",
                                   json_type_name(record.value)));
    }
    records.push_back(std::move(record));
  });
  if (records.empty()) throw InputError(path, 0, "no records; the file has only blank lines");
  return records;
}

std::vector<JsonRecord> parse_json_array(std::string_view text, const std::string& path) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(path, util::line_of_offset(text, e.byte > 0 ? e.byte - 1 : 0),
                     fmt::format("bad JSON: {}; fix the syntax (the file must be one JSON array)",
                                 short_parse_message(e.what())));
  } catch (const Json::exception& e) {  // out_of_range: a number too large for a double
    throw InputError(path, line_of_overflow(text, e.what()),
                     fmt::format("bad JSON: {}; write a smaller number", short_parse_message(e.what())));
  }
  if (!doc.is_array()) {
    throw InputError(path, 1,
                     fmt::format("expected a JSON array of records at the top level, got {}",
                                 json_type_name(doc)));
  }
  if (doc.empty()) throw InputError(path, 0, "no records; the JSON array is empty");
  const std::vector<std::size_t> offsets = top_level_element_offsets(text);
  std::vector<JsonRecord> records;
  records.reserve(doc.size());
  for (std::size_t k = 0; k < doc.size(); ++k) {
    const int line = k < offsets.size() ? util::line_of_offset(text, offsets[k]) : 1;
    if (!doc[k].is_object()) {
      throw InputError(path, line,
                       fmt::format("record {} is {}, expected a JSON object", k,
                                   json_type_name(doc[k])));
    }
    records.push_back(JsonRecord{line, std::move(doc[k])});
  }
  return records;
}

const Json& require_field(const JsonRecord& record, std::string_view field,
                          const std::string& path, std::string_view fix) {
  const auto it = record.value.find(field);
  if (it == record.value.end()) {
    throw InputError(path, record.line, fmt::format("missing field \"{}\"; {}", field, fix));
  }
  return *it;
}

std::string require_string(const JsonRecord& record, std::string_view field,
                           const std::string& path, std::string_view fix) {
  const Json& value = require_field(record, field, path, fix);
  if (!value.is_string()) {
    throw InputError(path, record.line,
                     fmt::format("field \"{}\" is {}, expected a string; {}", field,
                                 json_type_name(value), fix));
  }
  return value.get<std::string>();
}

const Json& require_nested(const Json& object, std::string_view field, const JsonRecord& record,
                           std::string_view where, const std::string& path, std::string_view fix) {
  if (!object.is_object()) {
    throw InputError(path, record.line,
                     fmt::format("\"{}\" is {}, expected an object; {}", where,
                                 json_type_name(object), fix));
  }
  const auto it = object.find(field);
  if (it == object.end()) {
    throw InputError(path, record.line,
                     fmt::format("missing field \"{}.{}\"; {}", where, field, fix));
  }
  return *it;
}

std::string json_type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

}  // namespace llmbench::data
