#include "llmbench/util/json.hpp"

namespace llmbench::util {

std::string string_field(const nlohmann::json& record, const char* field) {
  return std::string(string_view_field(record, field));
}

std::string_view string_view_field(const nlohmann::json& record, const char* field) {
  const auto it = record.find(field);  // end() when record is not an object
  return it != record.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                                : std::string_view();
}

const nlohmann::json& member(const nlohmann::json& record, const char* name) {
  static const nlohmann::json null_value;
  return member(record, name, null_value);
}

const nlohmann::json& member(const nlohmann::json& record, const char* name, const nlohmann::json& fallback) {
  if (!record.is_object()) return fallback;
  const auto it = record.find(name);
  return it != record.end() ? *it : fallback;
}

}  // namespace llmbench::util
