// The standard tier's item records and metrics for replies cut off by the token budget
// (finish_reason "length"), and custom tasks scored by judges (`scorer: judge`), end to end
// on the simulator; the end-to-end sweep of the standard tasks is in test_sweep.cpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/model_matrix.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/simulator.hpp"
#include "llmbench/tiers/rag_answer_jobs.hpp"
#include "llmbench/tiers/standard_judge.hpp"
#include "llmbench/tiers/standard_tier.hpp"
#include "support/cli.hpp"

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

// A `scorer: judge` task of three records whose prompt is a template over two fields.
std::string write_judge_task(const std::string& dir) {
  std::ofstream(dir + "/open.jsonl")
      << R"({"id": "tides", "context": "Tides are caused by the moon's gravity.", "question": "Why are there tides?", "reference": "The moon's gravity."})" "\n"
      << R"({"id": "sky", "context": "Air scatters blue light more than red light.", "question": "Why is the sky blue?", "reference": "Scattering of blue light."})" "\n"
      << R"({"id": "rust", "context": "Iron rusts when it reacts with oxygen and water.", "question": "Why does iron rust?"})" "\n";
  const std::string tasks = dir + "/tasks.yaml";
  std::ofstream(tasks) << "tasks:\n"
                          "  - name: open_why\n"
                          "    file: open.jsonl\n"
                          "    id_field: id\n"
                          "    prompt: \"Context: {context}\\n\\nQuestion: {question}\"\n"
                          "    answer_field: reference\n"
                          "    scorer: judge\n"
                          "    rubric: \"Full marks for a correct cause in one sentence.\"\n";
  return tasks;
}

// `llmbench run --tier standard --tasks-file ...` against `s`, whose models the config names.
test::CliResult run_judged(const sim::Simulator& s, const std::string& dir, const std::vector<std::string>& extra) {
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << fmt::format(
      "providers:\n  local:\n    base_url: {}\nmodels:\n  - id: sim-a\n    provider: local\n"
      "  - id: sim-j\n    provider: local\n",
      s.base_url());
  std::ofstream(dir + "/empty.env") << "";
  std::vector<std::string> args = {"run", "--config", config, "--env-file", dir + "/empty.env", "--tier", "standard",
                                   "--tasks-file", write_judge_task(dir), "--generation-models", "sim-a",
                                   "--output-dir", dir + "/out", "--progress", "none", "--timeout", "5"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_cli(args);
}

std::unique_ptr<sim::Simulator> start_judge_sim() {
  sim::SimOptions so;
  so.models = {{"sim-a", 0.7}, {"sim-j", 0.9}};
  so.answers = std::make_shared<sim::AnswerBook>();
  so.seed = 7;
  auto s = std::make_unique<sim::Simulator>(so);
  s->start();
  return s;
}

}  // namespace

TEST_CASE("standard tier: a reply cut off with its answer stated before the cut is scored and counted truncated",
          "[standard_tier][score]") {
  const tiers::StandardTier tier(arc_options(false), data::resolve_data_dir(""));
  const tiers::StandardPrompt& prompt = tier.prompts().at(0);
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
  const json metrics = tiers::standard_metrics({&stated, &tail, &finished}, std::nullopt);
  CHECK(metrics["arc_easy"]["n_truncated"] == 2);
  CHECK(metrics["arc_easy"]["n_unparsed"] == 1);
}

TEST_CASE("standard tier: a reasoning model out of budget inside its reasoning is unparsed, even with --score-truncated",
          "[standard_tier][score]") {
  for (const bool score_truncated : {false, true}) {
    const tiers::StandardTier tier(arc_options(score_truncated), data::resolve_data_dir(""));
    const tiers::StandardPrompt& prompt = tier.prompts().at(0);
    const std::string gold(1, prompt.mc.gold_letter);
    // The executor ends an empty "length" reply as Outcome::truncated; the reasoning named the gold letter.
    const json r = tier.score(prompt, "m", reply(http::Outcome::truncated, "", "So the answer is " + gold + ". But", "length"));
    CHECK(r["truncated"] == true);
    CHECK(r["error_kind"] == "truncated");
    CHECK(r["verdict"] == "unparsed");
    const json metrics = tiers::standard_metrics({&r}, std::nullopt);
    CHECK(metrics["arc_easy"]["n_truncated"] == 1);
    CHECK(metrics["arc_easy"]["n_errors"] == 0);
  }
}

TEST_CASE("standard tier: --score-truncated scores a cut-off reply from whatever its tail holds", "[standard_tier][score]") {
  const tiers::StandardTier tier(arc_options(true), data::resolve_data_dir(""));
  const tiers::StandardPrompt& prompt = tier.prompts().at(0);
  const std::string gold(1, prompt.mc.gold_letter);
  const json r = tier.score(prompt, "m", reply(http::Outcome::ok, "I first thought of " + gold, "", "length"));
  CHECK(r["truncated"] == true);
  CHECK(r["verdict"] == "correct");
}

TEST_CASE("standard tier: once every model's prompts of its items are built their text goes, and every answer is written",
          "[standard_tier]") {
  sim::SimOptions so;
  so.models = {{"sim-a", 0.5}, {"sim-b", 0.5}};
  so.answers = std::make_shared<sim::AnswerBook>();
  sim::Simulator s(so);
  s.start();
  run::RunOptions options = arc_options(false);
  options.tasks = {"arc_easy", "arc_challenge"};
  options.limit = "3";
  tiers::StandardTier tier(options, data::resolve_data_dir(""));
  CHECK_NOTHROW(tier.prompt(1, 2));
  run::ModelMatrix models;
  for (const char* id : {"sim-a", "sim-b"}) {
    config::ResolvedModel model;
    model.id = id;
    model.api_model = id;
    model.endpoint.base_url = s.base_url();
    models.generation.push_back(model);
  }
  http::Executor executor(http::ExecutorOptions{});
  std::vector<json> records;
  tier.submit(executor, models, {}, [&](json record) { records.push_back(std::move(record)); });
  executor.run();
  REQUIRE(records.size() == 12);  // 2 tasks x 3 items x 2 models
  for (const json& r : records) CHECK(r.at("error").is_null());
  for (std::size_t t = 0; t < tier.tasks().size(); ++t) {
    CHECK(tier.tasks()[t].items.size() == 3);
    CHECK(tier.tasks()[t].items.text_bytes() == 0);
    CHECK_THROWS_AS(tier.prompt(t, 0), std::logic_error);
  }
  CHECK(tier.datasets_json()[1].at("items_selected") == 3);
}

TEST_CASE("standard tier: on the embedded simulator each task's text goes once its prompts are built, and every "
          "question is still recognised",
          "[standard_tier][sim]") {
  const std::string dir = test::temp_dir("llmbench-embedded-text");
  std::ofstream(dir + "/models.yaml") << "providers:\n  embedded:\n    base_url: sim://\nmodels:\n"
                                         "  - {id: sim-a, provider: embedded, sim_accuracy: 1}\n"
                                         "  - {id: sim-b, provider: embedded, sim_accuracy: 1}\n";
  std::ofstream(dir + "/empty.env") << "";
  run::RunOptions options = arc_options(false);
  options.tasks = {"arc_easy", "arc_challenge"};
  options.limit = "3";
  options.config = dir + "/models.yaml";
  options.env_file = dir + "/empty.env";
  options.output_dir = dir + "/out";
  options.progress = run::Progress::none;
  tiers::StandardTier tier(options, data::resolve_data_dir(""));
  run::RunSession session(options, "run");
  const config::Registry& registry = session.load_registry();
  run::ModelMatrix models;
  for (const char* id : {"sim-a", "sim-b"}) models.generation.push_back(registry.resolve(config::Role::generation, id));
  std::vector<config::ResolvedModel*> pointers;
  for (auto& m : models.generation) pointers.push_back(&m);
  session.prepare_models(pointers);
  session.start("embedded-text", false, "choose another --run-id", tier.item_sets());  // the embedded simulator
  http::Executor executor(http::ExecutorOptions{});
  std::vector<json> records;
  tier.submit(executor, models, {}, [&](json record) { records.push_back(std::move(record)); });
  executor.run();
  REQUIRE(records.size() == 12);  // 2 tasks x 3 items x 2 models
  for (const json& r : records) {
    CHECK(r.at("error").is_null());
    CHECK(r.at("verdict") == "correct");  // recognised: a model always right answers right
  }
  for (std::size_t t = 0; t < tier.tasks().size(); ++t) CHECK(tier.tasks()[t].items.text_bytes() == 0);
}

TEST_CASE("judge verdict: a judge reply cut off by the token budget is an error, never a score", "[standard_tier][judge]") {
  config::ResolvedModel judge;
  judge.id = "j";
  const json cut = tiers::judge_record("k", judge, "faithfulness", {{"user", "score it"}},
                                     reply(http::Outcome::ok, "The answer is good. Score: 4", "", "length"));
  CHECK(cut["score"].is_null());
  CHECK(cut["error_kind"] == "truncated");
  const json whole = tiers::judge_record("k", judge, "faithfulness", {{"user", "score it"}},
                                       reply(http::Outcome::ok, "The answer is good. Score: 4", "", "stop"));
  CHECK(whole["score"] == 4);
  CHECK(whole["error_kind"].is_null());
}

TEST_CASE("standard tier: a custom scorer: judge task runs end to end on the simulator, its records carrying the verdicts",
          "[standard_tier][judge][cli]") {
  const auto s = start_judge_sim();
  const std::string dir = test::temp_dir("llmbench-judge-task");
  const auto r = run_judged(*s, dir, {"--judge-models", "sim-j"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json runs = report::read_runs(std::filesystem::path(dir + "/out") / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  const json& run = runs[0];
  REQUIRE(run.at("model_runs").size() == 1);
  const json& mr = run["model_runs"][0];
  CHECK(mr["generation_model"] == "sim-a");
  CHECK(mr["judge_model"] == "sim-j");
  const json& judged = mr.at("metrics").at("standard").at("open_why").at("judges").at("sim-j");
  CHECK(judged["n"] == 3);
  CHECK(judged["n_errors"] == 0);
  REQUIRE(judged["score"].is_number());
  CHECK(judged["score"].get<double>() >= 1);
  CHECK(judged["score"].get<double>() <= 5);
  REQUIRE(judged["ci95"].is_object());
  CHECK(judged["ci95"]["low"].get<double>() <= judged["score"].get<double>());
  CHECK(r.out.find("open_why (judge sim-j)") != std::string::npos);  // the summary's row

  const auto journal =
      records::read_journal(std::filesystem::path(dir + "/out") / run.at("item_log").get<std::string>()).records;
  std::size_t answers = 0, verdicts = 0;
  for (const json& rec : journal) {
    if (rec.at("role") == "generation") {
      ++answers;
      CHECK(rec["scorer"] == "judge");
      CHECK(rec["question"].get<std::string>().rfind("Context: ", 0) == 0);  // the template, rendered
      continue;
    }
    ++verdicts;
    CHECK(rec["role"] == "judge");
    CHECK(rec["judge_model"] == "sim-j");
    CHECK(rec["generation_model"] == "sim-a");
    CHECK(rec["judged_model"] == "sim-a");
    CHECK(rec["key"].get<std::string>().find("|sim-a|judge=sim-j") != std::string::npos);
    CHECK(rec["score"].is_number());
    CHECK_FALSE(rec["rationale"].get<std::string>().empty());
    const std::string asked = rec["prompt"][0]["content"].get<std::string>();
    CHECK(asked.find("Full marks for a correct cause") != std::string::npos);
    // The reference goes to the judge when the record has one ("rust" has none).
    CHECK((asked.find("Reference answer:") != std::string::npos) == (rec["item_id"] != "rust"));
  }
  CHECK(answers == 3);
  CHECK(verdicts == 3);
}

TEST_CASE("standard tier: a judge-scored task with no judge model fails before any request, naming --judge-models",
          "[standard_tier][judge][cli]") {
  const auto s = start_judge_sim();
  const std::string dir = test::temp_dir("llmbench-judge-task");
  const auto r = run_judged(*s, dir, {});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("--judge-models") != std::string::npos);
  const auto stats = s->stats();
  CHECK(stats.by_path.count("/v1/chat/completions") == 0);
}

TEST_CASE("standard tier: an unreadable judge verdict is an error record, never a score", "[standard_tier][judge]") {
  config::ResolvedModel judge;
  judge.id = "j";
  json bad = tiers::judge_record("standard|t/1|m|judge=j", judge, "rubric", {{"user", "score it"}},
                               reply(http::Outcome::ok, "A fine answer overall.", "", "stop"));
  bad.update({{"tier", "standard"}, {"task", "t"}, {"generation_model", "m"}});
  CHECK(bad["score"].is_null());
  CHECK(bad["error_kind"] == "unparsed_verdict");
  json good = tiers::judge_record("standard|t/2|m|judge=j", judge, "rubric", {{"user", "score it"}},
                                reply(http::Outcome::ok, "Correct cause.\n{\"score\": 4}", "", "stop"));
  good.update({{"tier", "standard"}, {"task", "t"}, {"generation_model", "m"}});
  const json metrics = tiers::standard_metrics({&bad, &good}, std::nullopt);
  const json& j = metrics.at("t").at("judges").at("j");
  CHECK(j["n"] == 1);
  CHECK(j["n_errors"] == 1);
  CHECK(j["score"] == 4);
}
