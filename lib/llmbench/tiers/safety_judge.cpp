#include "llmbench/tiers/safety_judge.hpp"

#include <fmt/format.h>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/tasks/extract.hpp"
#include "llmbench/tasks/refusal_judge.hpp"
#include "llmbench/tasks/score.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::tiers {

namespace field = records::field;
using nlohmann::json;
using util::string_field;

namespace {

// The item fails: no label, whatever the rules said.
void fail(json& record, std::string kind, std::string error) {
  record[field::kErrorKind] = std::move(kind);
  record[field::kError] = std::move(error);
  record[field::kVerdict] = "error";
  record[field::kParsed] = false;
  record[field::kCorrect] = false;
  record[field::kExtracted] = nullptr;
  record[field::kRefusalLabel] = nullptr;
}

void put_label(json& record, const config::ResolvedModel& judge, const http::RequestRecord& rec) {
  json request = run::request_stats(rec);
  request["model"] = judge.id;
  request[field::kResponse] = rec.content;
  record[field::kRefusalJudge] = std::move(request);
  if (run::verdict_request_failed(rec)) {
    const json fields = run::verdict_request_fields(rec);
    fail(record, string_field(fields, field::kErrorKind),
         fmt::format("safety judge {}: {}", judge.id, string_field(fields, field::kError)));
    return;
  }
  const tasks::RefusalVerdict verdict = tasks::parse_refusal_verdict(rec.content);
  if (!verdict.label) {
    fail(record, records::error_kind::kUnparsedVerdict, fmt::format("safety judge {}: {}", judge.id, verdict.detail));
    return;
  }
  const tasks::Score score = tasks::score_refusal_label(*verdict.label, string_field(record, field::kGold));
  record[field::kExtracted] = score.extracted;
  record[field::kRefusalLabel] = score.extracted;
  record[field::kParsed] = true;
  record[field::kCorrect] = score.correct;
  record[field::kVerdict] = score.correct ? "correct" : "wrong";
}

}  // namespace

std::string safety_judge_detector(const std::string& judge) { return "judge:" + judge; }

void submit_safety_judge(http::Executor& executor, json answer, const config::ResolvedModel& judge,
                         const RecordSink& sink) {
  if (run::record_failed(answer) && string_field(answer, field::kErrorKind) != records::error_kind::kTruncated) {
    sink(std::move(answer));  // the answer failed: no label to assign, as with the rules
    return;
  }
  answer[field::kRefusalDetector] = safety_judge_detector(judge.id);
  const std::string reply = tasks::strip_think(string_field(answer, field::kResponse));
  if (reply.find_first_not_of(" \t\r\n") == std::string::npos) {
    sink(std::move(answer));  // unparsed: nothing to label
    return;
  }
  std::vector<http::ChatMessage> prompt =
      tasks::build_refusal_judge_prompt(string_field(answer, field::kQuestion), reply);
  executor.submit(run::chat_request(judge, std::move(prompt)), [answer = std::move(answer), judge, sink,
                                                               &executor](http::RequestRecord&& rec) mutable {
    if (rec.outcome == http::Outcome::cancelled) return;
    put_label(answer, judge, rec);
    run::forget_unreadable_verdict(executor, answer, rec);
    sink(std::move(answer));
  });
}

}  // namespace llmbench::tiers
