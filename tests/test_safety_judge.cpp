// `llmbench run --safety-judge MODEL` end to end over loopback: the refusal label of every
// advbench/xstest item comes from the judge model through the run's executor (cache, resume),
// records and metrics name the detector, `compare` does not compare labels of different
// detectors, and a judge answer that cannot be read is an item error, never a label.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/sim/simulator.hpp"
#include "llmbench/tasks/refusal.hpp"
#include "llmbench/tasks/refusal_judge.hpp"
#include "support/cli.hpp"
#include "support/task_sim.hpp"
#include "support/ok_server.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

// models.yaml with sim-a and sim-j at `sim_url`, and judge-x at `judge_url` when given.
std::string write_config(const std::string& dir, const std::string& sim_url, const std::string& judge_url = "") {
  std::string text = fmt::format("providers:\n  local:\n    base_url: {}\n", sim_url);
  if (!judge_url.empty()) text += fmt::format("  other:\n    base_url: {}\n", judge_url);
  text += "models:\n  - id: sim-a\n    provider: local\n  - id: sim-j\n    provider: local\n";
  if (!judge_url.empty()) text += "  - id: judge-x\n    provider: other\n";
  std::ofstream(dir + "/models.yaml") << text;
  std::ofstream(dir + "/empty.env") << "";
  return dir + "/models.yaml";
}

std::vector<std::string> run_args(const std::string& dir, std::vector<std::string> extra) {
  std::vector<std::string> args = {"run", "--config", dir + "/models.yaml", "--env-file", dir + "/empty.env",
                                   "--output-dir", dir + "/out", "--progress", "none", "--timeout", "5"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

json run_record(const std::string& dir, const std::string& id) {
  for (const json& r : report::read_runs(std::filesystem::path(dir + "/out") / report::kReportFileName)) {
    if (r.value("id", "") == id) return r;
  }
  FAIL("no run " << id);
  return {};
}

std::vector<json> items_of(const std::string& dir, const json& run) {
  return records::read_journal(std::filesystem::path(dir + "/out") / run.at("item_log").get<std::string>()).records;
}

}  // namespace

TEST_CASE("safety judge: advbench and xstest labels come from the judge, named in records and metrics, cached on a rerun",
          "[safety_judge][cli]") {
  const auto s = test::start_task_sim({"advbench", "xstest"}, {{"sim-a", 0.7}, {"sim-j", 0.9}}, 5);
  const std::string dir = test::temp_dir("llmbench-safety-judge");
  write_config(dir, s->base_url());
  const std::vector<std::string> flags = {"--tasks", "advbench,xstest", "--limit", "12", "--generation-models", "sim-a",
                                          "--safety-judge", "sim-j"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> all = flags;
    all.insert(all.end(), more.begin(), more.end());
    return run_args(dir, all);
  };
  const auto first = test::run_cli(with({"--run-id", "judged"}));
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("standard safety judge sim-j") != std::string::npos);  // the plan counts its requests

  const json run = run_record(dir, "judged");
  CHECK(run.at("flags").at("safety_judge") == "sim-j");
  CHECK(run.at("model_runs").size() == 1);  // the judge adds no model run
  const json& standard = run["model_runs"][0].at("metrics").at("standard");
  CHECK(standard.at("advbench").at("refusal").at("detector") == "judge:sim-j");
  CHECK(standard.at("advbench").at("refusal").at("n") == 12);
  CHECK(standard.at("xstest").at("refusal").at("detector") == "judge:sim-j");
  CHECK(standard.at("xstest").at("over_refusal").at("detector") == "judge:sim-j");
  CHECK(standard.at("advbench").at("n_errors") == 0);
  // Every generation answer and every judge request was sent once: 24 + 24 (the check's own aside).
  CHECK(run.at("requests").at("cache_hits") == 0);

  const auto items = items_of(dir, run);
  REQUIRE(items.size() == 24);
  for (const json& rec : items) {
    INFO(rec.dump());
    CHECK(rec.at("refusal_detector") == "judge:sim-j");
    REQUIRE(rec.at("refusal_label").is_string());
    // The simulated judge labels the simulator's replies exactly, as the rules do on them.
    CHECK(rec["refusal_label"] == std::string(tasks::to_string(*tasks::detect_refusal(rec.at("response").get<std::string>()))));
    CHECK(rec["extracted"] == rec["refusal_label"]);
    const json& judge = rec.at("refusal_judge");
    CHECK(judge.at("model") == "sim-j");
    CHECK(tasks::parse_refusal_verdict(judge.at("response").get<std::string>()).label);
    CHECK(judge.at("cached") == false);
    CHECK_FALSE(rec.contains("judge_model"));  // the item stays the generation model's alone
  }

  // The same run again: every request, the judge's too, is answered by the cache.
  const auto again = test::run_cli(with({"--run-id", "again"}));
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  const json rerun = run_record(dir, "again");
  CHECK(rerun.at("requests").at("cache_hits") == 48);
  for (const json& rec : items_of(dir, rerun)) {
    CHECK(rec.at("cached") == true);
    CHECK(rec.at("refusal_judge").at("cached") == true);
    CHECK(rec.at("refusal_detector") == "judge:sim-j");
  }
  CHECK(rerun["model_runs"][0]["metrics"]["standard"]["advbench"]["refusal"] == standard["advbench"]["refusal"]);

  // Resuming the finished run asks nothing again; --safety-judge cannot be changed on resume.
  // (--config is the run's own: not given again.)
  const std::vector<std::string> resume = {"run", "--resume", "judged", "--env-file", dir + "/empty.env",
                                           "--output-dir", dir + "/out", "--progress", "none"};
  const auto resumed = test::run_cli(resume);
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(run_record(dir, "judged").at("requests").at("resumed_items") == 24);
  CHECK(items_of(dir, run_record(dir, "judged")).size() == 24);
  std::vector<std::string> changing = resume;
  changing.insert(changing.end(), {"--safety-judge", "sim-a"});
  const auto changed = test::run_cli(changing);
  CHECK(changed.exit_code == 2);
  CHECK(changed.err.find("--safety-judge cannot be given with --resume") != std::string::npos);

  // A run labelled by the rules is not compared with it: the rows say why and hold no statistics.
  const auto rules = test::run_cli(run_args(dir, {"--tasks", "advbench,xstest", "--limit", "12", "--generation-models",
                                                  "sim-a", "--run-id", "rules"}));
  REQUIRE(rules.exit_code == 0);
  CHECK(run_record(dir, "rules")["model_runs"][0]["metrics"]["standard"]["advbench"]["refusal"]["detector"] == "rules");
  const auto compared = test::run_cli({"compare", "judged", "rules", "--output-dir", dir + "/out", "--format", "json"});
  INFO(compared.out << compared.err);
  REQUIRE(compared.exit_code == 0);
  const json rows = json::parse(compared.out).at("rows");
  REQUIRE(rows.size() == 2);
  for (const json& row : rows) {
    CHECK(row.at("refusal_detector_a") == "judge:sim-j");
    CHECK(row.at("refusal_detector_b") == "rules");
    CHECK(row.at("delta").is_null());
    CHECK(row.at("p").is_null());
    CHECK(row.at("n_common") == 12);
    CHECK(row.at("note").get<std::string>().find("different detectors") != std::string::npos);
  }
  const auto table = test::run_cli({"compare", "judged", "rules", "--output-dir", dir + "/out"});
  CHECK(table.out.find("not compared: refusal labels from different detectors (A: judge:sim-j, B: rules)") !=
        std::string::npos);
  // The HTML page says so too (it shows only rows that changed; these are listed with why not).
  const auto page = test::run_cli({"compare", "judged", "rules", "--output-dir", dir + "/out", "--html", dir + "/c.html"});
  REQUIRE(page.exit_code == 0);
  CHECK(test::slurp(dir + "/c.html").find("<li>sim-a advbench: not compared: refusal labels from different detectors "
                                          "(A: judge:sim-j, B: rules)</li>") != std::string::npos);
  const auto same = test::run_cli({"compare", "judged", "again", "--output-dir", dir + "/out", "--format", "json"});
  const json same_rows = json::parse(same.out).at("rows");
  REQUIRE(same_rows.size() == 2);
  for (const json& row : same_rows) {
    CHECK_FALSE(row.contains("note"));
    CHECK(row.at("delta") == 0);
  }
}

TEST_CASE("safety judge: an unknown model, or no refusal-scored task, exits 2 before any request", "[safety_judge][cli]") {
  const auto s = test::start_task_sim({"advbench", "xstest"}, {{"sim-a", 0.7}, {"sim-j", 0.9}}, 5);
  const std::string dir = test::temp_dir("llmbench-safety-judge-flags");
  write_config(dir, s->base_url());
  const auto unknown = test::run_cli(run_args(dir, {"--tasks", "advbench", "--generation-models", "sim-a",
                                                    "--safety-judge", "no-such-judge", "--dry-run"}),
                                     "", {"!OPENAI_API_KEY", "!OPENAI_BASE_URL"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no-such-judge") != std::string::npos);
  const auto no_task = test::run_cli(run_args(dir, {"--tasks", "gsm8k", "--generation-models", "sim-a", "--safety-judge",
                                                    "sim-j", "--dry-run"}));
  CHECK(no_task.exit_code == 2);
  CHECK(no_task.err.find("--safety-judge sim-j: no task of this run is scored by refusal") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out/benchmark_runs.json"));
}

TEST_CASE("safety judge: an answer the parser cannot read makes the item an error with its excerpt, never a label",
          "[safety_judge][cli]") {
  const auto s = test::start_task_sim({"advbench", "xstest"}, {{"sim-a", 0.7}, {"sim-j", 0.9}}, 5);
  test::OkServer judge("It is hard to say; partly <b>refused</b>, partly not.");
  const std::string dir = test::temp_dir("llmbench-safety-judge-unparsed");
  write_config(dir, s->base_url(), judge.url("j"));
  const auto r = test::run_cli(run_args(dir, {"--tasks", "advbench", "--limit", "5", "--generation-models", "sim-a",
                                              "--safety-judge", "judge-x", "--run-id", "bad"}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // items failed
  const json run = run_record(dir, "bad");
  const json& advbench = run["model_runs"][0].at("metrics").at("standard").at("advbench");
  CHECK(advbench.at("n_errors") == 5);
  CHECK(advbench.at("refusal").at("n") == 0);
  CHECK(advbench.at("refusal").at("rate").is_null());
  CHECK(advbench.at("refusal").at("detector") == "judge:judge-x");
  const auto items = items_of(dir, run);
  REQUIRE(items.size() == 5);
  for (const json& rec : items) {
    CHECK(rec.at("error_kind") == "unparsed_verdict");
    CHECK(rec.at("error").get<std::string>().find("safety judge judge-x: no class name") != std::string::npos);
    CHECK(rec["error"].get<std::string>().find("\"It is hard to say; partly <b>refused</b>, partly not.\"") !=
          std::string::npos);
    CHECK(rec.at("refusal_label").is_null());
    CHECK(rec.at("extracted").is_null());
    CHECK(rec.at("verdict") == "error");
    CHECK(rec.at("refusal_detector") == "judge:judge-x");
  }
  // 1 check + 5 judge requests reached the judge's server: the answers were not sent twice.
  CHECK(judge.requests().size() == 6);

  // The unreadable replies were not kept in the cache: a resend asks the judge again, and its
  // readable answers now label the items.
  judge.set_content("2_full_refusal");
  const auto again = test::run_cli({"run", "--resume", "bad", "--retry-errors", "--env-file", dir + "/empty.env",
                                    "--output-dir", dir + "/out", "--progress", "none"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(judge.requests().size() == 12);  // 1 check + the 5 judge requests again
  const json resumed = run_record(dir, "bad");
  const json& relabelled = resumed["model_runs"][0].at("metrics").at("standard").at("advbench");
  CHECK(relabelled.at("n_errors") == 0);
  CHECK(relabelled.at("refusal").at("n") == 5);
  CHECK(relabelled.at("refusal").at("n_full_refusal") == 5);
}
