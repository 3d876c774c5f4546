#pragma once
// metrics.standard: what the standard tier's item records add up to, per generation model.
//
// A record is reduced to a StandardEntry (its task, subject, verdicts, truncation, latency and
// tokens) as it streams by; the metrics are computed from entries, so a sweep of 3 models x
// the full MMLU set holds some 70 to 90 bytes per item (the 48-byte entry, and its key's share
// of the key index) instead of the records.

#include <cstdint>
#include <deque>
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

// The first-token and per-token times of a streamed answer (record fields ttft_ms and
// stream.tpot_ms), each when recorded. Kept beside the entries, not in them: most answers are
// not streamed.
struct StreamTimes {
  std::optional<double> ttft_ms, tpot_ms;
};

// What standard_metrics() reads of one item record. Names (subject, problem) are indexes into
// the StandardNames the entry was made with, labels (task, refusal_detector) into its labels.
// Kept per item of a sweep, so packed into 48 bytes (asserted below): 32-bit token counts (a
// record's usage is read as an int), small name indexes, the verdicts and flags in bytes, a
// streamed answer's times in the names' side table. Every number standard_metrics() prints
// comes out as from the record: latency is kept as the record's double.
struct StandardEntry {
  // The most further answer filters an entry holds (a built-in TaskSpec has at most one).
  static constexpr std::size_t kMaxFurther = 10;
  static constexpr std::uint32_t kNoStream = static_cast<std::uint32_t>(-1);

  double latency_ms = 0;                   // when has_latency: a numeric latency_ms of a record that is no error
  std::uint32_t subject = 0;
  std::uint32_t problem = 0;               // code tasks: the item id (its samples make pass@k)
  std::uint32_t prompt_tokens = 0, completion_tokens = 0;  // when tokens_known
  std::uint32_t stream = kNoStream;        // a streamed answer that is no error: StandardNames::stream_times(stream)
  std::uint16_t task = 0;                  // a label
  std::uint16_t refusal_detector = 0;      // a label: its refusal_detector ("" when none)
  std::uint16_t model = 0;                 // free for the holder (the aggregator's model index); not read here
  SafetyEntry safety;                      // safety and bias tasks (safety_metrics.hpp)
  metrics::Verdict verdict = metrics::Verdict::error;
  CodeOutcome code = CodeOutcome::none;    // code tasks: test_outcome
  bool truncated : 1 = false;              // "truncated": true, or error_kind "truncated"
  bool judged : 1 = false;                 // scorer judge: no verdict of its own (its judges score it)
  bool has_latency : 1 = false;
  bool tokens_known : 1 = false;           // "usage" is an object

  // The verdicts of the task's further answer filters (its TaskSpec's filters after the
  // first: GSM8K's strict_match), in their order, each when recorded; none when none is.
  std::size_t further_count() const;
  std::optional<metrics::Verdict> further(std::size_t i) const;
  // Precondition: i < kMaxFurther.
  void set_further(std::size_t i, metrics::Verdict value);

 private:
  // Bits 0-29: 3 bits a filter (0 = not recorded, else 1 + the verdict); bits 30-31 unused.
  std::uint32_t further_bits_ = 0;
};

// The distinct names of a set of entries (subjects, item ids: 32-bit indexes), its labels
// (task names and refusal detectors: few, 16-bit indexes) and its streamed answers' times.
class StandardNames {
 public:
  std::uint32_t intern(const std::string& name);
  const std::string& at(std::uint32_t index) const { return names_.at(index); }
  // Throws Error past 65,536 distinct labels.
  std::uint16_t intern_label(const std::string& label);
  const std::string& label(std::uint16_t index) const { return labels_.at(index); }
  // Keeps `times` (an entry's `stream`); an entry that is replaced leaves its times behind.
  std::uint32_t keep_stream(const StreamTimes& times);
  const StreamTimes& stream_times(std::uint32_t index) const { return streams_.at(index); }

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::uint32_t, std::less<>> index_;
  std::vector<std::string> labels_;
  std::map<std::string, std::uint16_t, std::less<>> label_index_;
  std::deque<StreamTimes> streams_;  // grows without copying
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
