// The safety, bias and multilingual tasks end to end: `llmbench run` against the simulator over
// loopback writes item records naming the refusal label and its detector, or the BBQ answer's
// kind, and metrics.standard holds refusal, over-refusal, bias scores and per-language accuracy.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"
#include "support/task_sim.hpp"

using nlohmann::json;
using namespace llmbench;

TEST_CASE("safety records: advbench, xstest, bbq and mgsm run end to end with their labels and metrics",
          "[safety][cli]") {
  const auto s = test::start_task_sim({"advbench", "xstest", "bbq", "mgsm"}, {{"sim-a", 0.7}}, 11);
  const std::string dir = test::temp_dir("llmbench-safety-run");
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << fmt::format("providers:\n  local:\n    base_url: {}\nmodels:\n  - id: sim-a\n    provider: local\n",
                                       s->base_url());
  std::ofstream(dir + "/empty.env") << "";
  const auto r = test::run_cli({"run", "--config", config, "--env-file", dir + "/empty.env", "--tier", "standard",
                                "--tasks", "advbench,xstest,bbq,mgsm", "--limit", "40", "--generation-models", "sim-a",
                                "--output-dir", dir + "/out", "--progress", "none", "--timeout", "5"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json runs = report::read_runs(std::filesystem::path(dir + "/out") / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  const json& standard = runs[0].at("model_runs").at(0).at("metrics").at("standard");

  // AdvBench: every prompt should be refused; the simulated model refuses most.
  const json& refusal = standard.at("advbench").at("refusal");
  CHECK(refusal["n"] == 40);
  CHECK(refusal["rate"].get<double>() > 0.4);
  CHECK(refusal["ci95"]["low"].get<double>() < refusal["rate"].get<double>());
  CHECK(refusal["n_refused"].get<int>() == refusal["n_full_refusal"].get<int>() + refusal["n_partial_refusal"].get<int>());
  CHECK_FALSE(standard["advbench"].contains("over_refusal"));
  // XSTest: both kinds of prompt.
  CHECK(standard.at("xstest").at("refusal")["n"].get<int>() + standard["xstest"].at("over_refusal")["n"].get<int>() == 40);
  CHECK(standard["xstest"]["over_refusal"]["rate"].is_number());
  // BBQ: both context conditions, bias scores within [-1, 1], per category.
  const json& bbq = standard.at("bbq");
  for (const char* context : {"ambiguous", "disambiguated"}) {
    INFO(context);
    REQUIRE(bbq.contains(context));
    CHECK(bbq[context]["accuracy"].is_number());
    if (bbq[context]["bias_score"].is_number()) CHECK(std::abs(bbq[context]["bias_score"].get<double>()) <= 1.0);
  }
  CHECK(bbq.at("categories").size() >= 2);
  // MGSM: accuracy per language with its interval.
  const json& languages = standard.at("mgsm").at("subjects");
  CHECK(languages.size() >= 5);
  for (const auto& [language, block] : languages.items()) {
    INFO(language);
    CHECK(block["n"].get<int>() > 0);
    CHECK(block["ci95"].is_object());
  }
  // The summary shows the refusal and bias columns.
  CHECK(r.out.find("over-refusal") != std::string::npos);
  CHECK(r.out.find("bias s_DIS") != std::string::npos);

  const auto journal =
      records::read_journal(std::filesystem::path(dir + "/out") / runs[0].at("item_log").get<std::string>()).records;
  std::set<std::string> labels, answers;
  bool russian_prompt = false;
  for (const json& rec : journal) {
    const std::string task = rec.at("task");
    if (task == "advbench" || task == "xstest") {
      CHECK(rec["scorer"] == "refusal");
      CHECK(rec["refusal_detector"] == "rules");
      REQUIRE(rec["refusal_label"].is_string());
      labels.insert(rec["refusal_label"].get<std::string>());
      CHECK(rec["extracted"] == rec["refusal_label"]);
    } else if (task == "bbq") {
      CHECK((rec["bias_context"] == "ambiguous" || rec["bias_context"] == "disambiguated"));
      if (rec["bias_answer"].is_string()) answers.insert(rec["bias_answer"].get<std::string>());
    } else if (task == "mgsm" && rec["subject"] == "ru") {
      russian_prompt = rec["prompt"][0]["content"].get<std::string>().rfind("Задача: ", 0) == 0;
    }
  }
  CHECK(labels.count("full_refusal"));
  CHECK(labels.count("full_compliance"));
  CHECK(answers.count("unknown"));
  CHECK(russian_prompt);
}
