#include "llmbench/tiers/standard_judge.hpp"

#include <fmt/format.h>

#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/tasks/extract.hpp"
#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tiers/rag_answer_jobs.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::tiers {
namespace {

using nlohmann::json;
using util::string_field;

constexpr std::uint64_t kRubricBootstrapSeed = 20240601;

// The fields a judge record shares with the answer it judges.
json answer_fields(const json& answer, const std::string& key, const config::ResolvedModel& judge) {
  json r = json::object();
  for (const char* field : {"tier", "task", "item_id", "subject", "question", "reference", "generation_model"}) {
    if (answer.contains(field)) r[field] = answer[field];
  }
  r.update({{"key", key}, {"model", judge.id}, {"role", "judge"}, {"judge_model", judge.id}, {"repeat", 0},
            {"judged_model", string_field(answer, "generation_model")}});  // the report's "judge on model"
  return r;
}

}  // namespace

std::string rubric_judge_key(const std::string& answer_key, const std::string& judge) {
  return fmt::format("{}|judge={}", answer_key, judge);
}

void submit_rubric_judge(http::Executor& executor, const json& answer, const std::string& rubric,
                         const config::ResolvedModel& judge, const RecordSink& sink) {
  const std::string key = rubric_judge_key(string_field(answer, "key"), judge.id);
  const std::string answer_text = tasks::strip_think(string_field(answer, "response"));
  const std::string answer_kind = string_field(answer, "error_kind");
  if ((!answer_kind.empty() && answer_kind != "truncated") || answer_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    json r = answer_fields(answer, key, judge);
    r.update({{"error_kind", "upstream"},
              {"error", answer_kind.empty() || answer_kind == "truncated"
                            ? std::string("the answer being judged is empty")
                            : fmt::format("the answer being judged failed ({}): {}", answer_kind,
                                          string_field(answer, "error"))},
              {"http_status", 0},
              {"attempts", 0},  // its own request was never sent
              {"score", nullptr},
              {"rationale", nullptr}});
    sink(std::move(r));
    return;
  }
  std::vector<http::ChatMessage> prompt = tasks::build_rubric_judge_prompt(
      string_field(answer, "question"), answer_text, string_field(answer, "reference"), rubric);
  json head = answer_fields(answer, key, judge);
  executor.submit(run::chat_request(judge, prompt),
                  [head = std::move(head), prompt, judge, key, sink](http::RequestRecord&& rec) {
                    if (rec.outcome == http::Outcome::cancelled) return;
                    json r = head;
                    r.update(judge_record(key, judge, "rubric", prompt, rec));
                    sink(std::move(r));
                  });
}

void RubricJudgeTally::add(const json& judge_record) {
  Judge& judge = judges_[string_field(judge_record, "judge_model")];
  const json& score = judge_record.value("score", json());
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
