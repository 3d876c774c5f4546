#include "llmbench/tiers/standard_judge.hpp"

#include <fmt/format.h>

#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/tasks/extract.hpp"
#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tiers/rag_answer_jobs.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
namespace {

using nlohmann::json;
using util::string_field;

constexpr std::uint64_t kRubricBootstrapSeed = 20240601;

// The fields a judge record shares with the answer it judges.
json answer_fields(const json& answer, const std::string& key, const config::ResolvedModel& judge) {
  json r = json::object();
  for (const char* name : {field::kTier, field::kTask, field::kItemId, field::kSubject, field::kQuestion,
                           field::kReference, field::kGenerationModel}) {
    if (answer.contains(name)) r[name] = answer[name];
  }
  r.update({{field::kKey, key},
            {field::kModel, judge.id},
            {field::kRole, "judge"},
            {field::kJudgeModel, judge.id},
            {field::kRepeat, 0},
            {field::kJudgedModel, string_field(answer, field::kGenerationModel)}});  // the report's "judge on model"
  return r;
}

}  // namespace

std::string rubric_judge_key(const std::string& answer_key, const std::string& judge) {
  return fmt::format("{}|judge={}", answer_key, judge);
}

void submit_rubric_judge(http::Executor& executor, const json& answer, const std::string& rubric,
                         const config::ResolvedModel& judge, const RecordSink& sink) {
  const std::string key = rubric_judge_key(string_field(answer, field::kKey), judge.id);
  const std::string answer_text = tasks::strip_think(string_field(answer, field::kResponse));
  const std::string answer_kind = string_field(answer, field::kErrorKind);
  if ((!answer_kind.empty() && answer_kind != error_kind::kTruncated) ||
      answer_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    json r = answer_fields(answer, key, judge);
    r.update({{field::kErrorKind, error_kind::kUpstream},
              {field::kError, answer_kind.empty() || answer_kind == error_kind::kTruncated
                            ? std::string("the answer being judged is empty")
                            : fmt::format("the answer being judged failed ({}): {}", answer_kind,
                                          string_field(answer, field::kError))},
              {field::kHttpStatus, 0},
              {field::kAttempts, 0},  // its own request was never sent
              {field::kScore, nullptr},
              {field::kRationale, nullptr}});
    sink(std::move(r));
    return;
  }
  std::vector<http::ChatMessage> prompt = tasks::build_rubric_judge_prompt(
      string_field(answer, field::kQuestion), answer_text, string_field(answer, field::kReference), rubric);
  json head = answer_fields(answer, key, judge);
  executor.submit(run::chat_request(judge, prompt), [head = std::move(head), prompt, judge, key, sink,
                                                     &executor](http::RequestRecord&& rec) {
    if (rec.outcome == http::Outcome::cancelled) return;
    json r = head;
    r.update(judge_record(key, judge, "rubric", prompt, rec));
    run::forget_unreadable_verdict(executor, r, rec);
    sink(std::move(r));
  });
}

void RubricJudgeTally::add(const json& judge_record) {
  Judge& judge = judges_[string_field(judge_record, field::kJudgeModel)];
  const json& score = judge_record.value(field::kScore, json());
  if (run::record_failed(judge_record) || !score.is_number()) {
    ++judge.errors;
  } else {
    judge.scores.push_back(score.get<double>());
  }
}

json RubricJudgeTally::to_json() const {
  json out = json::object();
  for (const auto& [id, judge] : judges_) {
    json m = {{"score", nullptr}, {"ci95", nullptr}, {"n", judge.scores.size()}, {"n_errors", judge.errors}};
    if (!judge.scores.empty()) {
      double sum = 0;
      for (double v : judge.scores) sum += v;
      m["score"] = sum / static_cast<double>(judge.scores.size());
      if (const auto ci = metrics::bootstrap_mean_interval(judge.scores, {.rounds = 1000, .seed = kRubricBootstrapSeed})) {
        m["ci95"] = {{"low", ci->low}, {"high", ci->high}};
      }
    }
    out[id] = std::move(m);
  }
  return out;
}

}  // namespace llmbench::tiers
