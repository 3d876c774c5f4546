#pragma once
// What the end of a sweep needs of its item records besides the tiers' metrics, kept as they
// stream by: how many distinct items have a record, and the failed ones' error fields (a
// failed record is one whose "error" is set). A key seen twice counts once, last wins: an
// error retried with success is no failure.
//
// Memory: the failed records' envelopes (keyed by their key), plus, in the add() form that
// indexes keys itself, a key index entry (some 19 to 38 bytes) per distinct key. A caller that
// indexes the keys anyway (a sweep's tier aggregators) passes what its index says instead
// (add_seen): then a record that did not fail, and whose key is new, costs nothing here.

#include <cstddef>
#include <memory>
#include <string_view>

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
  // The same, for a caller that indexes the records' keys itself: `first` is true when no
  // record of this key was taken before. Use one form or the other on one tally, not both.
  void add_seen(const nlohmann::json& record, bool first);
  // Distinct keys added.
  std::size_t finished() const { return finished_; }
  // count_failures() over each key's latest record.
  FailureCounts failures() const;
  // True when a key's latest record failed and applies to `model_run` (record_applies).
  bool has_errors(const nlohmann::json& model_run) const;

 private:
  struct Seen {};
  // Takes a record of `key` (`failed`: its kept envelope, null when it did not fail).
  void take(std::string_view key, bool first, std::unique_ptr<const records::ItemRecord> failed);

  // Per key that has had a failed record: the latest record's envelope when it failed, else null.
  LatestByKey<std::unique_ptr<const records::ItemRecord>> failed_;
  LatestByKey<Seen> keys_;  // the keys add() took (add_seen's caller indexes them)
  std::size_t finished_ = 0;
};

}  // namespace llmbench::run
