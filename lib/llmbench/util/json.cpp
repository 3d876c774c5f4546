#include "llmbench/util/json.hpp"

namespace llmbench::util {

std::string string_field(const nlohmann::json& record, const char* field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace llmbench::util
