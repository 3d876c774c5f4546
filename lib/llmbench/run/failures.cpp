#include "llmbench/run/failures.hpp"

#include <optional>

#include <fmt/format.h>

#include "llmbench/http/retry.hpp"
#include "llmbench/records/fields.hpp"

namespace llmbench::run {

namespace error_kind = records::error_kind;

using nlohmann::json;
using records::ItemRecord;

namespace {

std::string kind_of(const ItemRecord& record) { return record.error_kind.value_or(error_kind::kUnknown); }

// The request's HTTP status; of a record that names no attempts (so no request stats), its
// http_status field as the payload kept it.
int status_of(const ItemRecord& record) {
  if (record.request) return record.request->http_status;
  auto it = record.payload.find(records::field::kHttpStatus);
  return it != record.payload.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::string listed(const std::map<std::string, std::uint64_t>& counts, std::uint64_t& total) {
  std::string out;
  total = 0;
  for (const auto& [label, n] : counts) {
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", label, n);
    total += n;
  }
  return out;
}

}  // namespace

bool resend_may_fix(const ItemRecord& record) {
  // A kind that is no request outcome (unparsed or missing verdicts, upstream failures) is not.
  const std::optional<http::Outcome> outcome = http::outcome_from_string(kind_of(record));
  return outcome && http::resend_may_fix(*outcome, status_of(record));
}

std::string error_label(const ItemRecord& record) {
  const std::string kind = kind_of(record);
  const int status = status_of(record);
  return kind == http::to_string(http::Outcome::http_status) && status > 0 ? fmt::format("http {}", status) : kind;
}

FailureCounts count_failures(const std::vector<const ItemRecord*>& records) {
  FailureCounts counts;
  for (const ItemRecord* r : records) {
    if (!r->failed() || kind_of(*r) == error_kind::kUpstream) continue;
    ++(resend_may_fix(*r) ? counts.resendable : counts.permanent)[error_label(*r)];
  }
  return counts;
}

bool resend_may_fix(const json& record) { return resend_may_fix(records::item_envelope(record)); }

FailureCounts count_failures(const std::vector<const json*>& records) {
  std::vector<ItemRecord> envelopes;
  envelopes.reserve(records.size());
  for (const json* r : records) envelopes.push_back(records::item_envelope(*r));
  std::vector<const ItemRecord*> pointers;
  for (const ItemRecord& r : envelopes) pointers.push_back(&r);
  return count_failures(pointers);
}

std::string failure_advice(const FailureCounts& counts, const std::vector<UnavailableModel>& unavailable,
                           const std::string& run_id, const std::string& output_dir) {
  std::string out;
  std::uint64_t n = 0;
  if (!counts.resendable.empty()) {
    const std::string kinds = listed(counts.resendable, n);
    out += fmt::format("{} item{} failed with errors a resend can fix ({}); send them again with:\n"
                       "  llmbench run --resume {} --retry-errors --output-dir {}\n",
                       n, n == 1 ? "" : "s", kinds, run_id, output_dir);
  }
  if (!counts.permanent.empty()) {
    const std::string kinds = listed(counts.permanent, n);
    out += fmt::format("{} item{} failed with errors a resend will not fix ({}): the request itself was refused "
                       "or its answer unusable; see `error` in the item log\n",
                       n, n == 1 ? "" : "s", kinds);
  }
  bool transient = false, fixable = false;
  for (const auto& m : unavailable) (m.transient ? transient : fixable) = true;
  if (fixable) {
    out += "Fix what the check said of the unavailable model(s) above (a key in the env file, a model name in the "
           "config), then check them again and send their items with:\n";
  } else if (transient) {
    out += "The unavailable model(s) above did not answer the check in time; check them again and send their "
           "items with:\n";
  }
  if (!unavailable.empty()) {
    out += fmt::format("  llmbench run --resume {} --output-dir {}{}\n", run_id, output_dir,
                       fixable ? " [--env-file FILE]" : "");
  }
  return out;
}

}  // namespace llmbench::run
