#pragma once
// metrics.standard: what the standard tier's item records add up to, per generation model.
//
// A record is reduced to a StandardEntry (its task, subject, verdicts, truncation, latency and
// tokens) as it streams by; the metrics are computed from entries, so a sweep of 3 models x
// the full MMLU set holds some 100 to 120 bytes per item (the entry with its model's index, and
// its key's share of the key index) instead of the records.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/metrics/accuracy.hpp"
#include "llmbench/tiers/safety_metrics.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// How a code task's program ended (record field test_outcome; none for other tasks).
enum class CodeOutcome : std::uint8_t { none, passed, failed, error, timeout, unparsed };

// What standard_metrics() reads of one item record. Names (task, subject) are indexes into
// the StandardNames the entry was made with. Kept per item of a sweep, so packed: some 72
// bytes (flags for the optional numbers, further verdicts 3 bits each).
struct StandardEntry {
  // The most further answer filters an entry holds (a built-in TaskSpec has at most one).
  static constexpr std::size_t kMaxFurther = 10;

  std::uint32_t task = 0;
  std::uint32_t subject = 0;
  std::uint32_t problem = 0;               // code tasks: the item id (its samples make pass@k)
  std::uint32_t refusal_detector = 0;      // its refusal_detector ("" when none)
  double latency_ms = 0;                   // when has_latency: a numeric latency_ms of a record that is no error
  double ttft_ms = 0, tpot_ms = 0;         // when has_ttft / has_tpot: of a streamed answer that is no error
  std::int64_t prompt_tokens = 0, completion_tokens = 0;  // when tokens_known
  metrics::Verdict verdict = metrics::Verdict::error;
  CodeOutcome code = CodeOutcome::none;    // code tasks: test_outcome
  bool truncated : 1 = false;              // "truncated": true, or error_kind "truncated"
  bool judged : 1 = false;                 // scorer judge: no verdict of its own (its judges score it)
  bool has_latency : 1 = false;
  bool has_ttft : 1 = false;
  bool has_tpot : 1 = false;
  bool tokens_known : 1 = false;           // "usage" is an object
  SafetyEntry safety;                      // safety and bias tasks (safety_metrics.hpp)

  // The verdicts of the task's further answer filters (its TaskSpec's filters after the
  // first: GSM8K's strict_match), in their order, each when recorded; none when none is.
  std::size_t further_count() const { return further_count_; }
  std::optional<metrics::Verdict> further(std::size_t i) const;
  // Precondition: i < kMaxFurther.
  void set_further(std::size_t i, metrics::Verdict value);

 private:
  std::uint32_t further_bits_ = 0;  // 3 bits a filter: 0 = not recorded, else 1 + the verdict
  std::uint8_t further_count_ = 0;
};

// The distinct task and subject names of a set of entries.
class StandardNames {
 public:
  std::uint32_t intern(const std::string& name);
  const std::string& at(std::uint32_t index) const { return names_.at(index); }

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::uint32_t, std::less<>> index_;
};

// The entry of a standard item record (fields as StandardTier::score writes them).
StandardEntry standard_entry(const nlohmann::json& record, StandardNames& names);

// metrics.standard for one model, from that model's entries in journal order: per task
// accuracy with n, n_correct, n_unparsed, n_errors, n_truncated (replies cut off by the token
// budget, however they were scored), Wilson ci95, latency and token totals, cost when `price`
// is set; MMLU (any task with subjects) per subject with macro/micro; a task with several
// answer filters (GSM8K) each filter's accuracy under its name (flexible_extract, the first,
// is the task's; strict_match). A judge-scored task has "judges": per judge model its score
// (RubricJudgeTally) from `judge_records` (whose latency and tokens are the judges', not
// counted in the task's). Safety and bias tasks add the blocks of safety_metrics.hpp. A code task
// also has n_failed (tests failed), n_error (the program raised or crashed), n_timeout, and
// pass_at_<k> with pass_at_<k>_ci95 for k up to the most samples of a problem
// (metrics/pass_at_k.hpp; accuracy is pass@1).
nlohmann::json standard_metrics(const std::vector<const StandardEntry*>& entries, const StandardNames& names,
                                const std::optional<config::Price>& price,
                                const std::vector<const nlohmann::json*>& judge_records = {});

// The same from that model's standard item-log records (answers and judge records).
nlohmann::json standard_metrics(const std::vector<const nlohmann::json*>& records,
                                const std::optional<config::Price>& price);

// metrics.standard of each model run, by generation model, from records as they stream by.
// `models` (prices) must outlive it.
std::unique_ptr<TierAggregator> standard_aggregator(const run::ModelMatrix& models);

}  // namespace llmbench::tiers
