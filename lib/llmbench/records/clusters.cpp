#include "llmbench/records/clusters.hpp"

#include "llmbench/records/fields.hpp"

namespace llmbench::records {

std::string cluster_of(const nlohmann::json& record) {
  for (const char* name : {field::kSubject, field::kDocument}) {
    auto it = record.find(name);
    if (it != record.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
  }
  return "";
}

}  // namespace llmbench::records
