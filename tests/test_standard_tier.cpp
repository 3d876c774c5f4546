// The standard tier's item records and metrics for replies cut off by the token budget
// (finish_reason "length"); the end-to-end sweep over the simulator is in test_sweep.cpp.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/run/rag_answer_jobs.hpp"
#include "llmbench/run/standard_tier.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

run::RunOptions arc_options(bool score_truncated) {
  run::RunOptions options;
  options.tasks = {"arc_easy"};
  options.limit = "2";
  options.score_truncated = score_truncated;
  return options;
}

http::RequestRecord reply(http::Outcome outcome, std::string content, std::string reasoning,
                          std::string finish_reason) {
  http::RequestRecord r;
  r.outcome = outcome;
  r.content = std::move(content);
  r.reasoning = std::move(reasoning);
  r.finish_reason = std::move(finish_reason);
  return r;
}

}  // namespace

TEST_CASE("standard tier: a reply cut off with its answer stated before the cut is scored and counted truncated",
          "[standard_tier][score]") {
  const run::StandardTier tier(arc_options(false), data::resolve_data_dir(""));
  const run::StandardPrompt& prompt = tier.prompts().at(0);
  const std::string gold(1, prompt.mc.gold_letter);
  const json stated = tier.score(prompt, "m", reply(http::Outcome::ok, "Answer: " + gold + ".\nBecause the", "", "length"));
  CHECK(stated["truncated"] == true);
  CHECK(stated["verdict"] == "correct");
  const json tail = tier.score(prompt, "m", reply(http::Outcome::ok, "I first thought of " + gold, "", "length"));
  CHECK(tail["truncated"] == true);
  CHECK(tail["verdict"] == "unparsed");
  const json finished = tier.score(prompt, "m", reply(http::Outcome::ok, "I first thought of " + gold, "", "stop"));
  CHECK(finished["truncated"] == false);
  CHECK(finished["verdict"] == "correct");
  const json metrics = run::standard_metrics({&stated, &tail, &finished}, std::nullopt);
  CHECK(metrics["arc_easy"]["n_truncated"] == 2);
  CHECK(metrics["arc_easy"]["n_unparsed"] == 1);
}

TEST_CASE("standard tier: a reasoning model out of budget inside its reasoning is unparsed, even with --score-truncated",
          "[standard_tier][score]") {
  for (const bool score_truncated : {false, true}) {
    const run::StandardTier tier(arc_options(score_truncated), data::resolve_data_dir(""));
    const run::StandardPrompt& prompt = tier.prompts().at(0);
    const std::string gold(1, prompt.mc.gold_letter);
    // The executor ends an empty "length" reply as Outcome::truncated; the reasoning named the gold letter.
    const json r = tier.score(prompt, "m", reply(http::Outcome::truncated, "", "So the answer is " + gold + ". But", "length"));
    CHECK(r["truncated"] == true);
    CHECK(r["error_kind"] == "truncated");
    CHECK(r["verdict"] == "unparsed");
    const json metrics = run::standard_metrics({&r}, std::nullopt);
    CHECK(metrics["arc_easy"]["n_truncated"] == 1);
    CHECK(metrics["arc_easy"]["n_errors"] == 0);
  }
}

TEST_CASE("standard tier: --score-truncated scores a cut-off reply from whatever its tail holds", "[standard_tier][score]") {
  const run::StandardTier tier(arc_options(true), data::resolve_data_dir(""));
  const run::StandardPrompt& prompt = tier.prompts().at(0);
  const std::string gold(1, prompt.mc.gold_letter);
  const json r = tier.score(prompt, "m", reply(http::Outcome::ok, "I first thought of " + gold, "", "length"));
  CHECK(r["truncated"] == true);
  CHECK(r["verdict"] == "correct");
}

TEST_CASE("judge verdict: a judge reply cut off by the token budget is an error, never a score", "[standard_tier][judge]") {
  config::ResolvedModel judge;
  judge.id = "j";
  const json cut = run::judge_record("k", judge, "faithfulness", {{"user", "score it"}},
                                     reply(http::Outcome::ok, "The answer is good. Score: 4", "", "length"));
  CHECK(cut["score"].is_null());
  CHECK(cut["error_kind"] == "truncated");
  const json whole = run::judge_record("k", judge, "faithfulness", {{"user", "score it"}},
                                       reply(http::Outcome::ok, "The answer is good. Score: 4", "", "stop"));
  CHECK(whole["score"] == 4);
  CHECK(whole["error_kind"].is_null());
}
