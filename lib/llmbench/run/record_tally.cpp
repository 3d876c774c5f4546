#include "llmbench/run/record_tally.hpp"

#include <string>
#include <vector>

#include "llmbench/run/request_fields.hpp"

namespace llmbench::run {

using nlohmann::json;

void RecordTally::add(const json& record) {
  std::optional<json> failure;
  if (record_failed(record)) {
    failure = json::object();
    for (const char* field : {"error", "error_kind", "http_status", "generation_model", "judge_model",
                              "production_judge_model", "embedding_model"}) {
      if (auto it = record.find(field); it != record.end()) (*failure)[field] = *it;
    }
  }
  latest_.put(record.value("key", std::string()), std::move(failure));
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
