#pragma once
// What the end of a sweep needs of its item records besides the tiers' metrics, kept as they
// stream by: how many distinct items have a record, and the failed ones' error fields (a
// failed record is one whose "error" is set). A key seen twice counts once, last wins: an
// error retried with success is no failure.

#include <cstddef>
#include <memory>

#include <nlohmann/json.hpp>

#include "llmbench/records/item_record.hpp"
#include "llmbench/run/failures.hpp"
#include "llmbench/run/latest_by_key.hpp"

namespace llmbench::run {

class RecordTally {
 public:
  // Takes one item record (its key, and when it failed its error and role fields).
  void add(const records::ItemRecord& record);
  // The same, of a record as the item log holds it (its envelope is read).
  void add(const nlohmann::json& record);
  // Distinct keys added.
  std::size_t finished() const { return latest_.size(); }
  // count_failures() over each key's latest record.
  FailureCounts failures() const;
  // True when a key's latest record failed and applies to `model_run` (record_applies).
  bool has_errors(const nlohmann::json& model_run) const;

 private:
  // A failed record's envelope (null for a record that did not fail).
  LatestByKey<std::unique_ptr<const records::ItemRecord>> latest_;
};

}  // namespace llmbench::run
