#pragma once
// What went wrong in a run and what would fix it, for the end of `llmbench run`: failed items
// split into errors a resend can fix (a timeout, a dropped connection, a rate limit, a 5xx, a
// garbled body) and errors it cannot (a 4xx such as a context-length 400, a reply too large,
// a verdict that could not be read), and models the check found unavailable. Pure functions.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/records/item_record.hpp"

namespace llmbench::run {

// True when sending the failed item's request again may succeed with nothing changed.
bool resend_may_fix(const records::ItemRecord& record);

// "http 503" for an HTTP status error, else the record's error_kind ("timeout", ...).
std::string error_label(const records::ItemRecord& record);

struct FailureCounts {
  std::map<std::string, std::uint64_t> resendable;  // error_label -> failed items
  std::map<std::string, std::uint64_t> permanent;
};

// Counts the failed records among `records` (an "upstream" record, failed because the request
// it depends on failed, is counted through that request's own record, not again).
FailureCounts count_failures(const std::vector<const records::ItemRecord*>& records);

// The same, of records as the item log holds them (their envelopes are read).
bool resend_may_fix(const nlohmann::json& record);
FailureCounts count_failures(const std::vector<const nlohmann::json*>& records);

struct UnavailableModel {
  std::string who;     // "<role>/<id>"
  std::string reason;  // "<outcome>: <hint>"
  bool transient = false;
};

// The lines that follow the summary of a run that ran to its end: for resendable errors the
// `--resume ID --retry-errors` command; for the others, that a resend will not fix them; for
// unavailable models, what to fix and the `--resume ID` command that checks them again and
// sends their items. "" when nothing failed.
std::string failure_advice(const FailureCounts& counts, const std::vector<UnavailableModel>& unavailable,
                           const std::string& run_id, const std::string& output_dir);

}  // namespace llmbench::run
