#pragma once
// The LLM refusal detector of the standard tier (`--safety-judge MODEL`): the reply of a
// refusal-scored item (advbench, xstest) is labelled by a judge model with the rubric of
// tasks/refusal_judge.hpp instead of by the rules of tasks/refusal.hpp. The judge's request
// goes through the run's executor like every other request (cache, retries, limits); the item's
// one record is written when the judge has answered, so a journaled item is a labelled one and
// --resume asks nothing again for it.
//
// The item record keeps its answer's request fields (latency, usage, cached: the generation
// model's) and gains:
//   refusal_detector  "judge:<model>" (on every record of the task but a failed answer's)
//   refusal_judge     {model, response (the judge's answer, as received), http_status,
//                      attempts, latency_ms, cached_latency_ms, usage, cached}: its request
// An answer with no text is unparsed and not sent to the judge. A judge request that fails,
// or an answer the parser cannot read, makes the item an error (verdict "error", counted in
// n_errors; error_kind the judge request's outcome, or "unparsed_verdict" with an excerpt of
// the judge's answer in `error`): never a default label.

#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// "judge:<model id>": the refusal_detector value of the records `judge` labels.
std::string safety_judge_detector(const std::string& judge);

// Has `judge` label the standard tier's record `answer` of a refusal-scored item (as
// StandardTier::score wrote it with the rules) and writes it to `sink` (on the executor's loop
// thread; at once, without a request, when the answer failed or holds no text). A cancelled
// judge request writes nothing.
void submit_safety_judge(http::Executor& executor, nlohmann::json answer, const config::ResolvedModel& judge,
                         const RecordSink& sink);

}  // namespace llmbench::tiers
