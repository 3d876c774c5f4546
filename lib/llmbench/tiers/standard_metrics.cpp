#include "llmbench/tiers/standard_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/composite.hpp"
#include "llmbench/metrics/pass_at_k.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/tiers/standard_judge.hpp"
#include "llmbench/tiers/tier_cost.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
namespace {

using metrics::Verdict;
using nlohmann::json;
using util::string_field;

CodeOutcome parse_code_outcome(const json& v) {
  const std::string s = v.is_string() ? v.get<std::string>() : "";
  if (s == "passed") return CodeOutcome::passed;
  if (s == "failed") return CodeOutcome::failed;
  if (s == "error") return CodeOutcome::error;
  if (s == "timeout") return CodeOutcome::timeout;
  if (s == "unparsed") return CodeOutcome::unparsed;
  return CodeOutcome::none;
}

// A code task's program outcomes and, per problem, its samples and passes.
struct CodeTally {
  std::size_t failed = 0, raised = 0, timeout = 0;
  std::map<std::uint32_t, metrics::ProblemSamples> problems;

  bool empty() const { return problems.empty(); }
  void add(const StandardEntry& e) {
    if (e.code == CodeOutcome::none) return;
    metrics::ProblemSamples& p = problems[e.problem];
    ++p.n;
    if (e.code == CodeOutcome::passed) ++p.c;
    if (e.code == CodeOutcome::failed) ++failed;
    if (e.code == CodeOutcome::error) ++raised;
    if (e.code == CodeOutcome::timeout) ++timeout;
  }
  void put(json& m) const {
    m["n_failed"] = failed;
    m["n_error"] = raised;
    m["n_timeout"] = timeout;
    std::vector<metrics::ProblemSamples> samples;
    std::int64_t most = 0;
    for (const auto& [problem, p] : problems) {
      samples.push_back(p);
      most = std::max(most, p.n);
    }
    metrics::put_pass_at_k(metrics::pass_at_k_table(samples, most), m);
  }
};

Verdict parse_verdict(const json& v) {
  const std::string s = v.is_string() ? v.get<std::string>() : "error";
  if (s == "correct") return Verdict::correct;
  if (s == "wrong") return Verdict::wrong;
  if (s == "unparsed") return Verdict::unparsed;
  return Verdict::error;
}

// The answer filters of the standard task `task` (data::TaskSpec::filters); none for a custom
// task. A record reports the first as its verdict and each further one as verdict_<record_key>.
std::span<const data::AnswerFilter> task_filters(std::string_view task) {
  const data::TaskSpec* spec = data::find_task(task);
  if (spec == nullptr) return {};
  return spec->filters;
}

// Latency summary over successful requests; nearest-rank percentiles.
json latency_json(std::vector<double> latencies) {
  if (latencies.empty()) return nullptr;
  std::sort(latencies.begin(), latencies.end());  // the mean's sum in one order in every run
  // nearest rank, as the composite's bootstrap resamples them (metrics/composite.hpp)
  using metrics::Statistic;
  return {{"mean", metrics::statistic_of(latencies, Statistic::mean)},
          {"p50", metrics::statistic_of(latencies, Statistic::nearest_rank, 0.50)},
          {"p95", metrics::statistic_of(latencies, Statistic::nearest_rank, 0.95)}};
}

class StandardAggregator final : public TierAggregator {
 public:
  explicit StandardAggregator(const run::ModelMatrix& models) {
    for (const auto& m : models.generation) prices_[m.id] = m.price;
  }

  bool add(const json& record) override {
    const std::uint16_t model = models_.intern_label(record.at(field::kGenerationModel).get<std::string>());
    if (string_field(record, field::kRole) == "judge") {  // few: custom judge-scored tasks only
      return judges_.put(record.value(field::kKey, std::string()), JudgeKept{model, record});
    }
    StandardEntry entry = standard_entry(record, names_);
    entry.model = model;
    return kept_.put(record.value(field::kKey, std::string()), entry);
  }

  void finish(json& model_runs) const override {
    std::map<std::string, std::vector<const StandardEntry*>> by_model;
    std::map<std::string, std::vector<const json*>> judged_by_model;
    kept_.for_each([&](const StandardEntry& e) { by_model[models_.label(e.model)].push_back(&e); });
    judges_.for_each([&](const JudgeKept& k) { judged_by_model[models_.label(k.model)].push_back(&k.record); });
    for (json& mr : model_runs) {
      auto it = by_model.find(mr.value(field::kGenerationModel, std::string()));
      if (it == by_model.end()) continue;
      auto price = prices_.find(it->first);
      mr["metrics"]["standard"] = standard_metrics(it->second, names_,
                                                   price == prices_.end() ? std::nullopt : price->second,
                                                   judged_by_model[it->first]);
    }
  }

 private:
  struct JudgeKept {
    std::uint16_t model = 0;  // a label of models_
    json record;
  };
  std::map<std::string, std::optional<config::Price>> prices_;
  StandardNames names_, models_;
  run::LatestByKey<StandardEntry> kept_;  // each with its model, a label of models_
  run::LatestByKey<JudgeKept> judges_;
};

}  // namespace

static_assert(sizeof(StandardEntry) <= 48, "StandardEntry is kept per item of a sweep: keep it packed");

std::size_t StandardEntry::further_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kMaxFurther; ++i) {
    if (((further_bits_ >> (3 * i)) & 7U) != 0) n = i + 1;
  }
  return n;
}

std::optional<Verdict> StandardEntry::further(std::size_t i) const {
  if (i >= kMaxFurther) return std::nullopt;
  const std::uint32_t bits = (further_bits_ >> (3 * i)) & 7U;
  if (bits == 0) return std::nullopt;
  return static_cast<Verdict>(bits - 1);
}

void StandardEntry::set_further(std::size_t i, Verdict value) {
  if (i >= kMaxFurther) throw Error(fmt::format("a task with more than {} further answer filters", kMaxFurther));
  const std::uint32_t shift = static_cast<std::uint32_t>(3 * i);
  further_bits_ = (further_bits_ & ~(7U << shift)) | ((static_cast<std::uint32_t>(value) + 1) << shift);
}

std::uint32_t StandardNames::intern(const std::string& name) {
  auto [it, inserted] = index_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
  if (inserted) names_.push_back(name);
  return it->second;
}

std::uint16_t StandardNames::intern_label(const std::string& label) {
  auto found = label_index_.find(label);
  if (found != label_index_.end()) return found->second;
  if (labels_.size() > UINT16_MAX) throw Error("more than 65,536 task names, refusal detectors or models to aggregate");
  labels_.push_back(label);
  return label_index_.emplace(label, static_cast<std::uint16_t>(labels_.size() - 1)).first->second;
}

std::uint32_t StandardNames::keep_stream(const StreamTimes& times) {
  if (streams_.size() >= StandardEntry::kNoStream) throw Error("more than 4,294,967,294 streamed answers to aggregate");
  streams_.push_back(times);
  return static_cast<std::uint32_t>(streams_.size() - 1);
}

namespace {

// names.intern(r.value(name, std::string())), without copying a string member first.
std::uint32_t intern_member(StandardNames& names, const json& r, const char* name) {
  const auto it = r.find(name);
  if (it != r.end() && it->is_string()) return names.intern(it->get_ref<const std::string&>());
  return names.intern(r.value(name, std::string()));  // "", or throws as value() does
}

}  // namespace

// Reads members in place (util::member) rather than through value(), which copies them: once
// per item.
StandardEntry standard_entry(const json& r, StandardNames& names) {
  StandardEntry e;
  const json& task = r.at(field::kTask);
  e.task = task.is_string() ? names.intern_label(task.get_ref<const std::string&>())
                            : names.intern_label(task.get<std::string>());  // throws as get() does
  const json& verdict = util::member(r, field::kVerdict);
  e.verdict = parse_verdict(verdict);
  const auto cut = r.find(field::kTruncated);
  e.truncated = (cut != r.end() && cut->is_boolean() && cut->get<bool>()) ||
                string_field(r, field::kErrorKind) == error_kind::kTruncated;
  // A judge-scored answer has no verdict of its own; only a failed one is counted (an error).
  e.judged = util::string_view_field(r, field::kScorer) == "judge" && verdict.is_null();
  const auto filters = task_filters(names.label(e.task));
  for (std::size_t i = 1; i < filters.size(); ++i) {
    const auto v = r.find("verdict_" + filters[i].record_key);
    if (v == r.end()) continue;
    e.set_further(i - 1, parse_verdict(*v));
  }
  e.subject = intern_member(names, r, field::kSubject);
  e.safety = safety_entry(r);
  e.code = parse_code_outcome(util::member(r, "test_outcome"));
  if (e.code != CodeOutcome::none) e.problem = intern_member(names, r, field::kItemId);
  e.refusal_detector = names.intern_label(string_field(r, field::kRefusalDetector));
  if (e.verdict != Verdict::error && util::member(r, field::kLatencyMs).is_number()) {
    e.latency_ms = r[field::kLatencyMs].get<double>();
    e.has_latency = true;
  }
  // Streamed answers only: the ttft_ms of a record without a stream object was a whole
  // response's first byte (item logs written before --stream), not a first token.
  const auto stream = r.find(field::kStream);
  if (e.verdict != Verdict::error && stream != r.end() && stream->is_object()) {
    StreamTimes times;
    if (util::member(r, field::kTtftMs).is_number()) times.ttft_ms = r[field::kTtftMs].get<double>();
    if (util::member(*stream, field::kTpotMs).is_number()) times.tpot_ms = (*stream)[field::kTpotMs].get<double>();
    if (times.ttft_ms || times.tpot_ms) e.stream = names.keep_stream(times);
  }
  const json& usage = util::member(r, field::kUsage);
  if (usage.is_object()) {
    e.tokens_known = true;
    // value() with an int default reads an int: a non-negative int fits 32 bits
    e.prompt_tokens = static_cast<std::uint32_t>(std::max(usage.value("prompt_tokens", 0), 0));
    e.completion_tokens = static_cast<std::uint32_t>(std::max(usage.value("completion_tokens", 0), 0));
  }
  return e;
}

json standard_metrics(const std::vector<const StandardEntry*>& entries, const StandardNames& names,
                      const std::optional<config::Price>& price, const std::vector<const json*>& judge_records) {
  struct TaskTally {
    RubricJudgeTally judges;
    CodeTally code;
    metrics::AccuracyTally all;
    std::vector<std::optional<metrics::AccuracyTally>> further;  // per further filter, once recorded
    metrics::SubjectTally subjects;  // a tally a subject, not a verdict an item
    bool has_subjects = false;
    std::vector<double> latencies, ttfts, tpots;
    TokenTotals tokens;
    std::size_t truncated = 0;
    SafetyTally safety;
  };
  std::map<std::string, TaskTally> tallies;
  for (const StandardEntry* e : entries) {
    TaskTally& t = tallies[names.label(e->task)];
    if (!e->judged) t.all.add(e->verdict);
    if (e->truncated) ++t.truncated;
    t.code.add(*e);
    if (t.further.size() < e->further_count()) t.further.resize(e->further_count());
    for (std::size_t i = 0; i < e->further_count(); ++i) {
      const std::optional<Verdict> v = e->further(i);
      if (!v) continue;
      if (!t.further[i]) t.further[i].emplace();
      t.further[i]->add(*v);
    }
    const std::string& subject = names.at(e->subject);
    if (!e->judged) {
      if (!subject.empty()) t.has_subjects = true;
      t.subjects.add(subject, e->verdict);
      t.safety.add(e->safety, e->verdict, subject, names.label(e->refusal_detector));
    }
    if (e->has_latency) t.latencies.push_back(e->latency_ms);
    if (e->stream != StandardEntry::kNoStream) {
      const StreamTimes& times = names.stream_times(e->stream);
      if (times.ttft_ms) t.ttfts.push_back(*times.ttft_ms);
      if (times.tpot_ms) t.tpots.push_back(*times.tpot_ms);
    }
    if (e->tokens_known) t.tokens.add(e->prompt_tokens, e->completion_tokens);
  }
  for (const json* r : judge_records) tallies[r->at(field::kTask).get<std::string>()].judges.add(*r);
  json out = json::object();
  for (auto& [task, t] : tallies) {
    json m = metrics::to_json(t.all.result());
    m["n_truncated"] = t.truncated;
    t.safety.write(m);
    if (!t.judges.empty()) m["judges"] = t.judges.to_json();
    if (!t.code.empty()) t.code.put(m);
    const auto filters = task_filters(task);
    for (std::size_t i = 0; i < t.further.size() && i + 1 < filters.size(); ++i) {
      if (!t.further[i]) continue;
      m[filters[0].name] = metrics::to_json(t.all.result());
      m[filters[i + 1].name] = metrics::to_json(t.further[i]->result());
    }
    if (t.has_subjects) {
      const auto breakdown = t.subjects.result();
      json subjects = json::object();
      for (const auto& s : breakdown.subjects) subjects[s.subject] = metrics::to_json(s.accuracy);
      m["subjects"] = std::move(subjects);
      m["macro_accuracy"] = breakdown.macro ? json(*breakdown.macro) : json();
      m["micro_accuracy"] = breakdown.micro.accuracy ? json(*breakdown.micro.accuracy) : json();
    }
    m["latency_ms"] = latency_json(std::move(t.latencies));
    // Streamed answers only (no key otherwise: a whole response has no first token).
    if (!t.ttfts.empty()) m["ttft_ms"] = latency_json(std::move(t.ttfts));
    if (!t.tpots.empty()) m["tpot_ms"] = latency_json(std::move(t.tpots));
    put_tokens_and_cost(m, t.tokens, price, "tokens", "cost");
    out[task] = std::move(m);
  }
  return out;
}

json standard_metrics(const std::vector<const json*>& records, const std::optional<config::Price>& price) {
  StandardNames names;
  std::vector<StandardEntry> entries;
  std::vector<const json*> judge_records;
  entries.reserve(records.size());
  for (const json* r : records) {
    if (string_field(*r, field::kRole) == "judge") judge_records.push_back(r);
    else entries.push_back(standard_entry(*r, names));
  }
  std::vector<const StandardEntry*> pointers;
  for (const auto& e : entries) pointers.push_back(&e);
  return standard_metrics(pointers, names, price, judge_records);
}

std::unique_ptr<TierAggregator> standard_aggregator(const run::ModelMatrix& models) {
  return std::make_unique<StandardAggregator>(models);
}

}  // namespace llmbench::tiers
