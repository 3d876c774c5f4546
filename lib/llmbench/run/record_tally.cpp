#include "llmbench/run/record_tally.hpp"

#include <string>
#include <vector>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/request_fields.hpp"

namespace llmbench::run {

namespace field = records::field;

using nlohmann::json;

void RecordTally::add(const json& record) {
  std::optional<json> failure;
  if (record_failed(record)) {
    failure = json::object();
    for (const char* name : {field::kError, field::kErrorKind, field::kHttpStatus}) {
      if (auto it = record.find(name); it != record.end()) (*failure)[name] = *it;
    }
    for (const char* name : field::kRoleModels) {
      if (auto it = record.find(name); it != record.end()) (*failure)[name] = *it;
    }
  }
  latest_.put(record.value(field::kKey, std::string()), std::move(failure));
}

FailureCounts RecordTally::failures() const {
  std::vector<const json*> failed;
  latest_.for_each([&](const std::optional<json>& f) {
    if (f) failed.push_back(&*f);
  });
  return count_failures(failed);
}

bool RecordTally::has_errors(const json& model_run) const {
  bool any = false;
  latest_.for_each([&](const std::optional<json>& f) { any = any || (f && record_applies(*f, model_run)); });
  return any;
}

}  // namespace llmbench::run
