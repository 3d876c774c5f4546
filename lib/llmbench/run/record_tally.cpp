#include "llmbench/run/record_tally.hpp"

#include <string>
#include <vector>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::run {

using nlohmann::json;

namespace {

// What a tally keeps of a failed record: its error and role fields.
std::unique_ptr<const records::ItemRecord> failure_of(const records::ItemRecord& record) {
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
  return kept;
}

// The key of a record as the item log holds it, read in place as item_envelope would read it:
// a string, else "".
std::string_view key_of(const json& record) { return util::string_view_field(record, records::field::kKey); }

// Whether a record as the item log holds it failed ("error" a string), as item_envelope reads
// it; true for a record that is no object (item_envelope throws).
bool failed_in_place(const json& record) {
  if (!record.is_object()) return true;
  const auto error = record.find(records::field::kError);
  return error != record.end() && error->is_string();
}

}  // namespace

void RecordTally::take(std::string_view key, bool first, std::unique_ptr<const records::ItemRecord> failed) {
  if (first) ++finished_;
  // A key's first record that did not fail needs nothing kept: most records, once each.
  if (failed || !first) failed_.put(key, std::move(failed));
}

void RecordTally::add(const records::ItemRecord& record) {
  take(record.key, keys_.put(record.key, {}), record.failed() ? failure_of(record) : nullptr);
}

void RecordTally::add(const json& record) {
  // A record that did not fail needs only its key: read in place, without copying its
  // envelope out. This runs once per item.
  if (failed_in_place(record)) return add(records::item_envelope(record));
  const std::string_view key = key_of(record);
  take(key, keys_.put(key, {}), nullptr);
}

void RecordTally::add_seen(const json& record, bool first) {
  if (!failed_in_place(record)) return take(key_of(record), first, nullptr);
  const records::ItemRecord envelope = records::item_envelope(record);
  take(envelope.key, first, envelope.failed() ? failure_of(envelope) : nullptr);
}

FailureCounts RecordTally::failures() const {
  std::vector<const records::ItemRecord*> failed;
  failed_.for_each([&](const std::unique_ptr<const records::ItemRecord>& f) {
    if (f) failed.push_back(f.get());
  });
  return count_failures(failed);
}

bool RecordTally::has_errors(const json& model_run) const {
  bool any = false;
  failed_.for_each(
      [&](const std::unique_ptr<const records::ItemRecord>& f) { any = any || (f && record_applies(*f, model_run)); });
  return any;
}

}  // namespace llmbench::run
