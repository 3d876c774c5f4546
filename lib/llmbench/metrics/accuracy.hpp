#pragma once
// Accuracy over scored items, with its Wilson 95% interval, and MMLU-style per-subject
// breakdowns (macro and micro averages). Pure functions over verdicts: no I/O.
//
// Counting rules (the report relies on them):
// - error    : the request failed after retries. Left OUT of n and of accuracy, counted
//              beside it in n_errors, so a flaky provider does not look like a wrong model.
// - unparsed : the model answered but no answer could be extracted. Counted in n as wrong,
//              and also counted apart in n_unparsed.
// - n = correct + wrong + unparsed; accuracy = n_correct / n, absent (nullopt) when n = 0.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/ci.hpp"

namespace llmbench::metrics {

enum class Verdict : std::uint8_t { correct, wrong, unparsed, error };

struct Accuracy {
  std::int64_t n = 0;  // scored items: all minus errors
  std::int64_t n_correct = 0;
  std::int64_t n_unparsed = 0;
  std::int64_t n_errors = 0;
  std::optional<double> accuracy;  // n_correct / n; nullopt when n = 0
  std::optional<Interval> ci95;    // Wilson at kZ95; nullopt when n = 0
};

// Incremental form, for aggregating while reading a journal.
class AccuracyTally {
 public:
  void add(Verdict verdict);
  Accuracy result() const;

 private:
  std::int64_t correct_ = 0;
  std::int64_t wrong_ = 0;
  std::int64_t unparsed_ = 0;
  std::int64_t errors_ = 0;
};

Accuracy accuracy_of(std::span<const Verdict> verdicts);

// One item's verdict with the subject it belongs to (MMLU subject, custom category).
struct SubjectVerdict {
  std::string subject;
  Verdict verdict = Verdict::error;
};

struct SubjectAccuracy {
  std::string subject;
  Accuracy accuracy;
};

struct SubjectBreakdown {
  std::vector<SubjectAccuracy> subjects;  // sorted by subject name (byte order)
  Accuracy micro;                         // all items pooled
  // Mean of the subject accuracies, over subjects with n > 0 (a subject whose every item
  // errored has no accuracy and is left out; macro_subjects says how many counted).
  std::optional<double> macro;
  std::int64_t macro_subjects = 0;
};

SubjectBreakdown accuracy_by_subject(std::span<const SubjectVerdict> verdicts);

// Incremental form of accuracy_by_subject: a tally per subject, not a verdict per item.
// result() equals accuracy_by_subject over the verdicts added, in any order.
class SubjectTally {
 public:
  void add(const std::string& subject, Verdict verdict);
  SubjectBreakdown result() const;

 private:
  std::map<std::string, AccuracyTally, std::less<>> by_subject_;
  AccuracyTally pooled_;
};

// {"n", "n_correct", "n_unparsed", "n_errors", "accuracy": number|null,
//  "ci95": {"low", "high"}|null}
nlohmann::json to_json(const Accuracy& accuracy);
// {"subjects": {name: <Accuracy>...}, "micro": <Accuracy>, "macro": number|null,
//  "macro_subjects": int}
nlohmann::json to_json(const SubjectBreakdown& breakdown);

}  // namespace llmbench::metrics
