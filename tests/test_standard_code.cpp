// The code tasks end to end: HumanEval and MBPP asked of simulated models over loopback HTTP,
// their answers' code run in the sandbox, records and pass@k checked; and every canonical
// solution passing its own tests through the same program builder.

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/data/code_tasks.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/sandbox/sandbox.hpp"
#include "llmbench/sandbox/worker_pool.hpp"
#include "llmbench/sim/simulator.hpp"
#include "llmbench/tasks/code_extract.hpp"
#include "llmbench/tasks/code_prompt.hpp"
#include "support/cli.hpp"
#include "support/task_sim.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

// A simulator that always answers right (sim-right: the canonical solution) or always wrong
// (sim-wrong: the entry point returning None), knowing the code tasks' items.
std::unique_ptr<sim::Simulator> start_code_sim() {
  return test::start_task_sim({"humaneval", "mbpp"}, {{"sim-right", 1.0}, {"sim-wrong", 0.0}}, 7);
}

test::CliResult run_code(const sim::Simulator& s, const std::string& dir, const std::vector<std::string>& extra,
                         const std::string& tasks = "humaneval,mbpp", const std::string& limit = "5") {
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << fmt::format(
      "providers:\n  local:\n    base_url: {}\nmodels:\n  - id: sim-right\n    provider: local\n"
      "  - id: sim-wrong\n    provider: local\n",
      s.base_url());
  std::ofstream(dir + "/empty.env") << "";
  std::vector<std::string> args = {"run", "--config", config, "--env-file", dir + "/empty.env", "--tier", "standard",
                                   "--tasks", tasks, "--limit", limit, "--generation-models",
                                   "sim-right,sim-wrong", "--output-dir", dir + "/out", "--progress", "none",
                                   "--timeout", "10"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_cli(args);
}

struct Ran {
  json run;
  std::vector<json> records;
};

Ran read_run(const std::string& dir) {
  const json runs = report::read_runs(std::filesystem::path(dir + "/out") / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  Ran ran{runs[0], {}};
  ran.records =
      records::read_journal(std::filesystem::path(dir + "/out") / ran.run.at("item_log").get<std::string>()).records;
  return ran;
}

const json& task_metrics(const json& run, const std::string& model, const std::string& task) {
  for (const json& mr : run.at("model_runs")) {
    if (mr.at("generation_model") == model) return mr.at("metrics").at("standard").at(task);
  }
  FAIL("no model run for " << model);
  return run;
}

}  // namespace

TEST_CASE("standard code: humaneval and mbpp run end to end, right code passes, wrong code fails its tests",
          "[standard_code][cli]") {
  const auto s = start_code_sim();
  const std::string dir = test::temp_dir("llmbench-code-run");
  const auto r = run_code(*s, dir, {});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const Ran ran = read_run(dir);
  REQUIRE(ran.records.size() == 20);  // 2 tasks x 5 items x 2 models
  for (const json& rec : ran.records) {
    INFO(rec.dump());
    CHECK(rec["scorer"] == "code");
    CHECK(rec["sample"] == 0);
    REQUIRE(rec["code"].is_string());
    CHECK(rec["stderr"].is_string());
    if (rec["generation_model"] == "sim-right") {
      CHECK(rec["test_outcome"] == "passed");
      CHECK(rec["verdict"] == "correct");
      CHECK(rec["exit_status"] == 0);
    } else {
      CHECK((rec["test_outcome"] == "failed" || rec["test_outcome"] == "error"));
      CHECK(rec["verdict"] == "wrong");
      CHECK_FALSE(rec["stderr"].get<std::string>().empty());  // the traceback's end
    }
  }
  for (const char* task : {"humaneval", "mbpp"}) {
    const json& right = task_metrics(ran.run, "sim-right", task);
    CHECK(right["n"] == 5);
    CHECK(right["accuracy"] == 1.0);
    CHECK(right["pass_at_1"] == 1.0);
    CHECK(right["n_failed"] == 0);
    const json& wrong = task_metrics(ran.run, "sim-wrong", task);
    CHECK(wrong["pass_at_1"] == 0.0);
    CHECK(wrong["accuracy"] == 0.0);
    CHECK(wrong["n_failed"].get<int>() + wrong["n_error"].get<int>() == 5);
    CHECK(wrong["n_timeout"] == 0);
    CHECK(wrong["n_unparsed"] == 0);
    CHECK(wrong.contains("pass_at_1_ci95"));
  }
  CHECK(r.out.find("pass@1") != std::string::npos);  // the summary shows it
}

TEST_CASE("standard code: --samples 3 asks each problem three times and reports pass@1..3", "[standard_code][cli]") {
  const auto s = start_code_sim();
  const std::string dir = test::temp_dir("llmbench-code-samples");
  const auto r = run_code(*s, dir, {"--samples", "3"}, "humaneval", "2");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const Ran ran = read_run(dir);
  REQUIRE(ran.records.size() == 12);  // 2 items x 3 samples x 2 models
  std::map<std::string, int> keys;
  for (const json& rec : ran.records) {
    ++keys[rec["key"].get<std::string>()];
    const int sample = rec["sample"].get<int>();
    CHECK(rec["repeat"] == sample);
    const std::string key = rec["key"].get<std::string>();
    const std::string model = rec["generation_model"].get<std::string>();
    if (sample == 0) CHECK(key.substr(key.size() - model.size() - 1) == "|" + model);
    else CHECK(key.substr(key.size() - 3) == fmt::format("|s{}", sample));
  }
  CHECK(keys.size() == 12);
  const json& right = task_metrics(ran.run, "sim-right", "humaneval");
  CHECK(right["n"] == 6);
  CHECK(right["pass_at_1"] == 1.0);
  CHECK(right["pass_at_3"] == 1.0);
  CHECK_FALSE(right.contains("pass_at_4"));
  CHECK(task_metrics(ran.run, "sim-wrong", "humaneval")["pass_at_3"] == 0.0);
}

TEST_CASE("standard code: every canonical solution passes its own tests through the program builder",
          "[standard_code][sandbox]") {
  const std::string dir = data::resolve_data_dir("");
  sandbox::SandboxOptions options;
  std::mutex mutex;
  std::vector<std::string> failures;
  std::atomic<int> ran{0};
  {
    sandbox::WorkerPool pool(sandbox::WorkerPool::core_count());
    for (const char* name : {"humaneval", "mbpp"}) {
      auto ds = std::make_shared<data::Dataset>(data::load_task(name, dir));
      const std::size_t step = ds->task == "mbpp" ? 10 : 1;  // all of HumanEval, every tenth MBPP problem
      for (std::size_t i = 0; i < ds->items.size(); i += step) {
        pool.submit([ds, i, &options, &mutex, &failures, &ran] {
          const data::Item& item = ds->items[i];
          const auto code = tasks::extract_code(data::fenced_solution(item), item.entry_point);
          const auto result = sandbox::run_python(tasks::code_program(ds->prompt, item, code.value_or("")), options);
          ++ran;
          if (result.outcome == sandbox::Outcome::passed) return;
          const std::lock_guard lock(mutex);
          failures.push_back(ds->task + "/" + item.id + ": " + result.stderr_tail);
        });
      }
    }
  }
  CHECK(ran == 164 + 50);
  for (const auto& f : failures) FAIL_CHECK(f);
}
