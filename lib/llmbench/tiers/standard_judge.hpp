#pragma once
// The judge step of the standard tier, for tasks whose TaskSpec scorer is `judge` (open
// answers scored against a rubric). After a generation model answers such an item, every
// benchmark judge (--judge-models, role judge) is sent the question, the reference (when
// the item has one), the answer and the rubric (tasks::build_rubric_judge_prompt), and
// answers with a 1-5 score (tasks::parse_judge_score).
//
// Records (tier "standard", key "<answer key>|judge=<judge>", role judge, generation_model and
// judged_model (the answer's model), judge_model, metric "rubric", score, rationale): one per (answer, judge). A judge reply cut off by the
// token budget or holding no readable score is an error record (error_kind "truncated" or
// "unparsed_verdict"), never a score; a judgement whose answer failed or is empty is an
// error record of kind "upstream" whose own request was never sent.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// "<answer_key>|judge=<judge>".
std::string rubric_judge_key(const std::string& answer_key, const std::string& judge);

// Asks `judge` about the generation record `answer` (the standard tier's item record of a
// judge-scored task) and writes the judge record to `sink` (on the executor's loop thread).
// Writes the upstream error record at once, without a request, when the answer failed.
void submit_rubric_judge(http::Executor& executor, const nlohmann::json& answer, const std::string& rubric,
                         const config::ResolvedModel& judge, const RecordSink& sink);

// The judges' scores of one task for one generation model, from its judge records: per
// judge model {"score": mean 1-5 | null, "ci95": {"low", "high"} | null (seeded percentile
// bootstrap over the items), "n": valid verdicts, "n_errors": error records}.
class RubricJudgeTally {
 public:
  void add(const nlohmann::json& judge_record);
  bool empty() const { return judges_.empty(); }
  nlohmann::json to_json() const;

 private:
  struct Judge {
    std::vector<double> scores;
    std::size_t errors = 0;
  };
  std::map<std::string, Judge> judges_;
};

}  // namespace llmbench::tiers
