#include "llmbench/run/record_tally.hpp"

#include <string>
#include <vector>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/request_fields.hpp"

namespace llmbench::run {

using nlohmann::json;

void RecordTally::add(const records::ItemRecord& record) {
  std::unique_ptr<const records::ItemRecord> failure;
  if (record.failed()) {
    auto kept = std::make_unique<records::ItemRecord>();
    kept->error = record.error;
    kept->error_kind = record.error_kind;
    if (record.request) kept->request = records::RequestStats{record.request->http_status, record.request->attempts, {}};
    // A record that names no attempts keeps its http_status in the payload (failures.cpp status_of).
    if (auto it = record.payload.find(records::field::kHttpStatus); it != record.payload.end()) {
      kept->payload[records::field::kHttpStatus] = *it;
    }
    kept->generation_model = record.generation_model;
    kept->judge_model = record.judge_model;
    kept->production_judge_model = record.production_judge_model;
    kept->embedding_model = record.embedding_model;
    failure = std::move(kept);
  }
  latest_.put(record.key, std::move(failure));
}

void RecordTally::add(const json& record) {
  // A record that did not fail needs only its key: read in place, as item_envelope would read
  // it (a non-empty string, else ""; "error" a string means failed), without copying its
  // envelope out. This runs once per item.
  if (record.is_object()) {
    const auto error = record.find(records::field::kError);
    if (error == record.end() || !error->is_string()) {
      const auto key = record.find(records::field::kKey);
      const bool named = key != record.end() && key->is_string();
      latest_.put(named ? std::string_view(key->get_ref<const std::string&>()) : std::string_view(), nullptr);
      return;
    }
  }
  add(records::item_envelope(record));
}

FailureCounts RecordTally::failures() const {
  std::vector<const records::ItemRecord*> failed;
  latest_.for_each([&](const std::unique_ptr<const records::ItemRecord>& f) {
    if (f) failed.push_back(f.get());
  });
  return count_failures(failed);
}

bool RecordTally::has_errors(const json& model_run) const {
  bool any = false;
  latest_.for_each(
      [&](const std::unique_ptr<const records::ItemRecord>& f) { any = any || (f && record_applies(*f, model_run)); });
  return any;
}

}  // namespace llmbench::run
