#include "llmbench/util/json.hpp"

namespace llmbench::util {

std::string string_field(const nlohmann::json& record, const char* field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
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
