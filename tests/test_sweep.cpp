// End-to-end sweeps through the real binary against a real simulator on loopback: scores
// must equal what the simulator knows it answered right, and faults, kill -9, Ctrl-C and
// concurrent writers must not change a number or lose an item.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/data/tasks.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/sim/simulator.hpp"
#include "llmbench/tiers/standard_tier.hpp"
#include "support/cli.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

const std::vector<std::string> kTasks = {"mmlu", "gsm8k", "arc_easy", "truthfulqa_mc1", "hellaswag", "medqa"};
constexpr int kLimit = 20;
constexpr std::uint64_t kSeed = 1234;

// A simulator that knows the questions a `--limit kLimit` sweep of kTasks asks.
std::unique_ptr<sim::Simulator> start_sim(sim::FaultOptions faults = {}, double latency_ms = 0) {
  run::RunOptions options;
  options.tasks = kTasks;
  options.limit = std::to_string(kLimit);
  options.sample_seed = kSeed;
  tiers::StandardTier tier(options, data::resolve_data_dir(""));
  auto book = run::answer_book(tier.item_sets());
  sim::SimOptions so;
  so.models = {{"sim-a", 0.5}, {"sim-b", 0.8}};
  so.answers = book;
  so.faults = faults;
  so.latency_ms = latency_ms;
  so.seed = 7;
  auto s = std::make_unique<sim::Simulator>(so);
  s->start();
  return s;
}

// A config pointing two models at the simulator, and an empty env file (hermetic).
std::vector<std::string> sweep_args(const sim::Simulator& s, const std::string& dir,
                                    const std::string& out_dir, int concurrency = 16) {
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << fmt::format(
      "providers:\n  local:\n    base_url: {}\nmodels:\n  - id: sim-a\n    provider: local\n"
      "  - id: sim-b\n    provider: local\n",
      s.base_url());
  const std::string env = dir + "/empty.env";
  std::ofstream(env) << "";
  std::string tasks;
  for (const auto& t : kTasks) tasks += (tasks.empty() ? "" : ",") + t;
  return {"run", "--config", config, "--env-file", env, "--tier", "standard", "--tasks", tasks,
          "--limit", std::to_string(kLimit), "--sample-seed", std::to_string(kSeed),
          "--generation-models", "sim-a,sim-b", "--output-dir", out_dir, "--progress", "none",
          "--concurrency", std::to_string(concurrency), "--retries", "6", "--timeout", "5"};
}

json only_run(const std::string& out_dir) {
  const json runs = report::read_runs(fs::path(out_dir) / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  return runs[0];
}

// The numbers that must not change between equivalent runs (not latencies).
json scores(const json& run) {
  json out;
  for (const auto& mr : run.at("model_runs")) {
    for (const auto& [task, m] : mr.at("metrics").at("standard").items()) {
      out[mr.at("generation_model").get<std::string>()][task] = {
          {"accuracy", m.value("accuracy", -1.0)}, {"n", m.at("n")}, {"n_correct", m.at("n_correct")},
          {"n_unparsed", m.at("n_unparsed")}, {"n_errors", m.at("n_errors")}, {"ci95", m.value("ci95", json())}};
    }
  }
  return out;
}

std::vector<json> journal_of(const std::string& out_dir, const json& run) {
  return records::read_journal(fs::path(out_dir) / run.at("item_log").get<std::string>()).records;
}

std::uint64_t chat_requests(const sim::Simulator& s) {
  const auto stats = s.stats();
  auto it = stats.by_path.find("/v1/chat/completions");
  return it == stats.by_path.end() ? 0 : it->second;
}

std::size_t journal_lines(const std::string& out_dir) {
  std::size_t n = 0;
  for (const auto& dir : fs::recursive_directory_iterator(out_dir)) {
    if (dir.path().filename() != "items.jsonl") continue;
    std::ifstream in(dir.path());
    for (std::string line; std::getline(in, line);) ++n;
  }
  return n;
}

void wait_for_lines(const std::string& out_dir, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((!fs::exists(out_dir) || journal_lines(out_dir) < n) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(journal_lines(out_dir) >= n);
}

constexpr std::size_t kItems = 2 * 6 * kLimit;  // models x tasks x limit

}  // namespace

TEST_CASE("sweep: every standard score equals the simulator's own record of what it answered right", "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  const auto result = test::run_cli(sweep_args(*s, dir, out));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const json run = only_run(out);
  CHECK(run.at("status") == "completed");

  // The simulator's truth, by (model, task): answers given and answers meant to be right.
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> truth;
  std::map<std::string, bool> correct_by_key;
  for (const auto& a : s->answers()) {
    const std::string task = a.question_key.substr(0, a.question_key.find('/'));
    auto& [n, right] = truth[{a.model, task}];
    ++n;
    right += a.correct ? 1 : 0;
    correct_by_key[fmt::format("standard|{}|{}", a.question_key, a.model)] = a.correct;
  }
  for (const auto& mr : run.at("model_runs")) {
    const std::string model = mr.at("generation_model");
    for (const auto& task : kTasks) {
      INFO(model << " " << task);
      const json& m = mr.at("metrics").at("standard").at(task);
      const auto [n, right] = truth.at({model, task});
      CHECK(n == kLimit);
      CHECK(m.at("n") == kLimit);
      CHECK(m.at("n_errors") == 0);
      CHECK(m.at("n_correct") == right);
      CHECK(m.at("accuracy").get<double>() == Approx(static_cast<double>(right) / kLimit).epsilon(1e-12));
    }
  }
  // Item by item, too: the log's verdict is the simulator's.
  const auto records = journal_of(out, run);
  REQUIRE(records.size() == kItems);
  for (const auto& r : records) {
    INFO(r.dump());
    CHECK(r.at("correct").get<bool>() == correct_by_key.at(r.at("key").get<std::string>()));
  }
}

TEST_CASE("sweep: with over a third of first attempts failing, every score equals the fault-free run", "[sweep]") {
  auto clean_sim = start_sim();
  const std::string dir = test::temp_dir();
  const auto clean = test::run_cli(sweep_args(*clean_sim, dir, dir + "/clean"));
  REQUIRE(clean.exit_code == 0);

  sim::FaultOptions faults;
  faults.rate_limit = 0.1;
  faults.server_error = 0.1;
  faults.bad_gateway_html = 0.05;
  faults.drop = 0.05;
  faults.truncate = 0.06;
  faults.stall = 0.02;
  faults.stall_s = 8;
  faults.retry_after_s = 1;
  faults.first_attempt_only = true;
  auto faulty_sim = start_sim(faults);
  const auto faulty = test::run_cli(sweep_args(*faulty_sim, dir, dir + "/faulty"));
  INFO(faulty.out << faulty.err);
  REQUIRE(faulty.exit_code == 0);
  std::uint64_t injected = 0;
  for (const auto& [kind, n] : faulty_sim->stats().faults) injected += n;
  CHECK(injected >= kItems / 4);
  const json run = only_run(dir + "/faulty");
  CHECK(run.at("requests").at("retries").get<int>() >= static_cast<int>(kItems / 4));
  CHECK(scores(run) == scores(only_run(dir + "/clean")));
}

TEST_CASE("sweep: replies cut off in mid-reasoning are unparsed and counted truncated, --score-truncated scores their tail",
          "[sweep]") {
  // Every reply ends with finish_reason "length" and a tail naming the answer the model meant
  // ("...the one that said B", "...the one that said 42"): no final answer was stated.
  sim::FaultOptions faults;
  faults.length = 1;
  faults.first_attempt_only = false;  // both runs below ask the same questions
  auto s = start_sim(faults);
  const std::string dir = test::temp_dir();
  const auto strict = test::run_cli(sweep_args(*s, dir, dir + "/strict"));
  INFO(strict.out << strict.err);
  REQUIRE(strict.exit_code == 0);
  auto parity_args = sweep_args(*s, dir, dir + "/parity");
  parity_args.push_back("--score-truncated");
  const auto parity = test::run_cli(parity_args);
  INFO(parity.out << parity.err);
  REQUIRE(parity.exit_code == 0);

  const json strict_run = only_run(dir + "/strict"), parity_run = only_run(dir + "/parity");
  CHECK(strict_run.at("flags").at("score_truncated") == false);
  CHECK(parity_run.at("flags").at("score_truncated") == true);
  int parity_correct = 0;
  for (const json* run : {&strict_run, &parity_run}) {
    const bool scored = run == &parity_run;
    for (const auto& mr : run->at("model_runs")) {
      for (const auto& [task, m] : mr.at("metrics").at("standard").items()) {
        INFO(mr.at("generation_model") << " " << task << " " << m.dump());
        CHECK(m.at("n") == kLimit);
        CHECK(m.at("n_truncated") == kLimit);
        CHECK(m.at("n_errors") == 0);
        CHECK(m.at("n_unparsed") == (scored ? 0 : kLimit));
        if (!scored) CHECK(m.at("n_correct") == 0);
        if (scored) parity_correct += m.at("n_correct").get<int>();
      }
    }
  }
  CHECK(parity_correct > static_cast<int>(kItems) / 3);  // the tails name the intended answers
  for (const json& r : journal_of(dir + "/strict", strict_run)) {
    CHECK(r.at("truncated") == true);
    CHECK(r.at("finish_reason") == "length");
    CHECK(r.at("verdict") == "unparsed");
  }
  CHECK(strict.out.find("truncated") != std::string::npos);
  CHECK(strict.out.find("unparsed unless a complete final answer precedes the cut") != std::string::npos);
  CHECK(parity.out.find("--score-truncated") != std::string::npos);
}

TEST_CASE("sweep: items that still fail after all retries are counted apart and retried with --retry-errors", "[sweep]") {
  sim::FaultOptions faults;
  faults.server_error = 0.2;
  faults.first_attempt_only = false;  // every attempt may fail: some items run out of retries
  auto faulty_sim = start_sim(faults);
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto args = sweep_args(*faulty_sim, dir, out);
  args.push_back("--run-id");
  args.push_back("flaky-run");
  std::replace(args.begin(), args.end(), std::string("6"), std::string("0"));  // --retries 0
  const auto first = test::run_cli(args);
  REQUIRE(first.exit_code == 1);
  CHECK(first.out.find("--resume flaky-run --retry-errors") != std::string::npos);
  json run = only_run(out);
  int errors = 0;
  for (const auto& mr : run.at("model_runs")) {
    CHECK(mr.at("status") == "partial");
    for (const auto& [task, m] : mr.at("metrics").at("standard").items()) {
      errors += m.at("n_errors").get<int>();
      CHECK(m.at("n").get<int>() + m.at("n_errors").get<int>() == kLimit);
    }
  }
  CHECK(errors > 0);
  for (const auto& r : journal_of(out, run)) {
    if (!r.at("error").is_null()) CHECK(r.at("error_kind") == "http_status");
  }

  // The simulator recovers; --retry-errors sends exactly the failed items again.
  auto healthy = start_sim();
  const std::uint64_t before = chat_requests(*healthy);
  auto resume_args = sweep_args(*healthy, dir, out);  // rewrites models.yaml to the healthy sim
  const auto second = test::run_cli({"run", "--resume", "flaky-run", "--retry-errors", "--output-dir", out,
                                     "--progress", "none"});
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  run = only_run(out);
  CHECK(run.at("status") == "completed");
  CHECK(chat_requests(*healthy) - before == static_cast<std::uint64_t>(errors) + 2);  // + 2 preflight
  for (const auto& mr : run.at("model_runs")) {
    for (const auto& [task, m] : mr.at("metrics").at("standard").items()) CHECK(m.at("n") == kLimit);
  }
}

TEST_CASE("sweep: after kill -9 at any moment, --resume gives exactly the uninterrupted metrics", "[sweep]") {
  auto s = start_sim({}, 15);
  const std::string dir = test::temp_dir();
  const auto reference = test::run_cli(sweep_args(*s, dir, dir + "/reference"));
  REQUIRE(reference.exit_code == 0);

  // Late kills leave ~10 rounds of requests (4 in flight, 15 ms each): on a loaded machine a
  // kill 5 items before the end could land after the run finished.
  for (std::size_t kill_after : {std::size_t{1}, kItems / 3, kItems - 40}) {
    DYNAMIC_SECTION("killed after " << kill_after << " items") {
      const std::string out = dir + fmt::format("/killed-{}", kill_after);
      const std::uint64_t before = chat_requests(*s);
      auto args = sweep_args(*s, dir, out, 4);
      args.push_back("--run-id");
      args.push_back("crashy");
      test::CliProcess child(args);
      wait_for_lines(out, kill_after);
      child.signal(SIGKILL);
      REQUIRE(child.wait().exit_code == 128 + SIGKILL);
      const std::size_t journaled = journal_lines(out);
      CHECK(only_run(out).at("status") == "running");  // the crash left its trace

      const auto resumed = test::run_cli({"run", "--resume", "crashy", "--output-dir", out, "--progress", "none"});
      INFO(resumed.out << resumed.err);
      REQUIRE(resumed.exit_code == 0);
      const json run = only_run(out);
      CHECK(run.at("status") == "completed");
      CHECK(scores(run) == scores(only_run(dir + "/reference")));
      // No item lost or counted twice.
      std::set<std::string> keys;
      for (const auto& r : journal_of(out, run)) CHECK(keys.insert(r.at("key").get<std::string>()).second);
      CHECK(keys.size() == kItems);
      // Only what was in flight at the kill (at most the concurrency, plus a torn line) was sent again.
      const std::uint64_t sent = chat_requests(*s) - before - 4;  // 2 preflights per invocation
      CHECK(sent >= kItems);
      CHECK(sent <= kItems + 4 + 1);
      CHECK(journaled <= kItems);
    }
  }
}

TEST_CASE("sweep: Ctrl-C stops scheduling, records an interrupted run and prints the resume command", "[sweep]") {
  auto s = start_sim({}, 100);
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto args = sweep_args(*s, dir, out, 4);
  args.push_back("--run-id");
  args.push_back("stopped");
  test::CliProcess child(args);
  wait_for_lines(out, 8);
  const auto t0 = std::chrono::steady_clock::now();
  child.signal(SIGINT);
  const auto result = child.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 130);
  CHECK(seconds < 5);
  CHECK(result.out.find("llmbench run --resume stopped") != std::string::npos);
  // The requests Ctrl-C stopped are counted apart from those that were answered.
  const auto counts = result.out.find("Requests: ");
  REQUIRE(counts != std::string::npos);
  const std::string line = result.out.substr(counts, result.out.find('\n', counts) - counts);
  INFO(line);
  CHECK(line.find(" cancelled") != std::string::npos);
  CHECK(std::stoul(line.substr(10)) < kItems);
  json run = only_run(out);
  CHECK(run.at("status") == "interrupted");
  CHECK(journal_lines(out) < kItems);

  const auto resumed = test::run_cli({"run", "--resume", "stopped", "--output-dir", out, "--progress", "none",
                                      "--concurrency", "32"});
  REQUIRE(resumed.exit_code == 0);
  run = only_run(out);
  CHECK(run.at("status") == "completed");
  CHECK(journal_lines(out) == kItems);
}

TEST_CASE("sweep: two runs writing one output directory at the same time both land", "[sweep]") {
  auto s = start_sim({}, 5);
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto a = sweep_args(*s, dir, out, 8);
  auto b = a;
  a.insert(a.end(), {"--run-id", "writer-a"});
  b.insert(b.end(), {"--run-id", "writer-b"});
  test::CliProcess first(a), second(b);
  REQUIRE(first.wait().exit_code == 0);
  REQUIRE(second.wait().exit_code == 0);
  const json runs = report::read_runs(fs::path(out) / report::kReportFileName);
  REQUIRE(runs.size() == 2);
  std::set<std::string> ids;
  for (const auto& r : runs) {
    ids.insert(r.at("id").get<std::string>());
    CHECK(r.at("status") == "completed");
    CHECK(r.at("model_runs").size() == 2);
  }
  CHECK(ids == std::set<std::string>{"writer-a", "writer-b"});
}

TEST_CASE("sweep: --resume of an unknown run exits 2 naming the report and the runs it holds", "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  REQUIRE(test::run_cli(sweep_args(*s, dir, out)).exit_code == 0);
  const auto result = test::run_cli({"run", "--resume", "nope", "--output-dir", out});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("benchmark_runs.json") != std::string::npos);
  CHECK(result.err.find(only_run(out).at("id").get<std::string>()) != std::string::npos);
}

TEST_CASE("sweep: a custom task from --tasks-file runs and is scored like a standard one", "[sweep]") {
  const std::string dir = test::temp_dir(), out = dir + "/out";
  const auto result = test::run_cli({"run", "--tasks-file", "benchmarks/data/custom_example/tasks.yaml",
                                     "--tasks", "example_capitals,example_arithmetic", "--generation-models",
                                     "sim-large", "--output-dir", out, "--progress", "none"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const json run = only_run(out);
  const json& standard = run.at("model_runs").at(0).at("metrics").at("standard");
  for (const char* task : {"example_capitals", "example_arithmetic"}) {
    INFO(task);
    const json& m = standard.at(task);
    CHECK(m.at("n").get<int>() > 0);
    CHECK(m.at("n_errors") == 0);
    CHECK(m.at("n_correct").get<int>() <= m.at("n").get<int>());
  }

  const auto unknown = test::run_cli({"run", "--tasks-file", "benchmarks/data/custom_example/tasks.yaml",
                                      "--tasks", "no_such_task", "--output-dir", out + "2"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("example_capitals") != std::string::npos);
  CHECK_FALSE(fs::exists(out + "2"));
}

TEST_CASE("sweep: a second run is served from the response cache with the same scores, --no-cache sends again", "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto first = sweep_args(*s, dir, out);
  first.insert(first.end(), {"--run-id", "first"});
  REQUIRE(test::run_cli(first).exit_code == 0);
  const std::uint64_t after_first = chat_requests(*s);

  auto second = sweep_args(*s, dir, out);
  second.insert(second.end(), {"--run-id", "second"});
  const auto cached = test::run_cli(second);
  REQUIRE(cached.exit_code == 0);
  CHECK(cached.out.find(fmt::format("({} from the cache)", kItems)) != std::string::npos);
  CHECK(chat_requests(*s) - after_first == 2);  // only the preflight checks
  const json runs = report::read_runs(fs::path(out) / report::kReportFileName);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].at("requests").at("cache_hits") == kItems);
  CHECK(scores(runs[0]) == scores(runs[1]));
  // Cached answers took no time in this run: their old latency is kept apart, never counted.
  for (const auto& r : journal_of(out, runs[1])) {
    CHECK(r.at("cached") == true);
    CHECK(r.at("latency_ms").is_null());
    CHECK(r.at("cached_latency_ms").is_number());
  }
  for (const auto& mr : runs[1].at("model_runs")) {
    for (const auto& [task, m] : mr.at("metrics").at("standard").items()) CHECK(m.at("latency_ms").is_null());
  }

  auto third = sweep_args(*s, dir, out);
  third.insert(third.end(), {"--run-id", "third", "--no-cache"});
  REQUIRE(test::run_cli(third).exit_code == 0);
  CHECK(chat_requests(*s) - after_first == 2 + 2 + kItems);
}

TEST_CASE("sweep: with prices set, the plan estimates the cost and the summary prints it per model and task",
          "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto args = sweep_args(*s, dir, out);
  std::ofstream(dir + "/models.yaml") << fmt::format(
      "providers:\n  local:\n    base_url: {}\nmodels:\n  - id: sim-a\n    provider: local\n"
      "    params: {{max_tokens: 64}}\n    price: {{input_per_mtok: 1.0, output_per_mtok: 2.0}}\n"
      "  - id: sim-b\n    provider: local\n",
      s->base_url());
  auto dry = args;
  dry.push_back("--dry-run");
  const auto plan = test::run_cli(dry);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("estimated cost, at most") != std::string::npos);
  CHECK(plan.out.find("sim-b") != std::string::npos);
  CHECK(plan.out.find("no max_tokens in its params") != std::string::npos);
  // sim-a: 6 x 20 requests, each bounded at 64 output tokens at $2/M.
  const double output_usd = 6.0 * kLimit * 64 * 2.0 / 1e6;
  CHECK(plan.out.find("<= 7680 output tokens") != std::string::npos);
  CHECK(output_usd == Approx(0.01536));

  const auto ran = test::run_cli(args);
  REQUIRE(ran.exit_code == 0);
  CHECK(ran.out.find("cost $") != std::string::npos);
  const json run = only_run(out);
  for (const auto& mr : run.at("model_runs")) {
    for (const auto& [task, m] : mr.at("metrics").at("standard").items()) {
      CHECK(m.contains("cost") == (mr.at("generation_model") == "sim-a"));
    }
  }
}

TEST_CASE("sweep: baselines set overall_status and the exit code, a missing metric is not a failure", "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir();
  const std::string baselines = dir + "/baselines.yaml";
  std::ofstream(baselines) << "baselines:\n  standard.mmlu.accuracy: {min: 0.65}\n  tier_2.avg_faithfulness: {min: 3}\n";
  auto args = sweep_args(*s, dir, dir + "/out");
  args.insert(args.end(), {"--baselines", baselines});
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);  // sim-a (accuracy 0.5) is below 0.65
  const json run = only_run(dir + "/out");
  CHECK(run.at("overall_status") == "fail");
  for (const auto& mr : run.at("model_runs")) {
    const double acc = mr.at("metrics").at("standard").at("mmlu").at("accuracy");
    CHECK(mr.at("baseline_status") == (acc >= 0.65 ? "pass" : "fail"));
    // The summary names each failure: the model, the metric, its value and the bound.
    if (acc < 0.65) {
      CHECK(result.out.find(fmt::format("  {}: standard.mmlu.accuracy = {:.4g}, below min 0.65",
                                        mr.at("generation_model").get<std::string>(), acc)) != std::string::npos);
    }
    CHECK(mr.at("baseline_missing") == json::array({"tier_2.avg_faithfulness"}));
  }

  std::ofstream(baselines) << "baselines:\n  standard.mmlu.accuracy: {minimum: 0.65}\n";
  const auto bad = test::run_cli(args);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("baselines.yaml:2") != std::string::npos);
}

TEST_CASE("sweep: a baseline key that names no metric exits 2 naming the file, the line and the nearest name",
          "[sweep][cli]") {
  const std::string dir = test::temp_dir();
  const std::string baselines = dir + "/baselines.yaml";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"standard.mmlu.acuracy", "did you mean \"accuracy\""},
      {"tier_2.avg_faithfullness", "did you mean \"avg_faithfulness\""},
      {"tier_9.mrr", "unknown tier \"tier_9\""},
      {"standard.accuracy", "standard.<task>.<metric>"}};
  for (const auto& [key, says] : cases) {
    INFO(key);
    std::ofstream(baselines) << "baselines:\n  standard.gsm8k.accuracy: {min: 0.1}\n  " << key << ": {min: 0.5}\n";
    const auto r = test::run_cli({"run", "--dry-run", "--tasks", "gsm8k", "--limit", "1", "--generation-models",
                                  "sim-small", "--baselines", baselines, "--output-dir", dir + "/out"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("baselines.yaml:3: baselines: " + key) != std::string::npos);
    CHECK(r.err.find(says) != std::string::npos);
  }
  for (const char* good : {"standard.mmlu.subjects.anatomy.accuracy", "standard.gsm8k.strict_match.accuracy",
                           "standard.mmlu.latency_ms.p95", "tier_1.hit_rate@5", "tier_judge.error_rate"}) {
    INFO(good);
    std::ofstream(baselines) << "baselines:\n  " << good << ": {min: 0}\n";
    const auto r = test::run_cli({"run", "--dry-run", "--tasks", "gsm8k", "--limit", "1", "--generation-models",
                                  "sim-small", "--baselines", baselines, "--output-dir", dir + "/out"});
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("sweep: a reused --run-id exits 2 naming it and --resume, of two started at once exactly one wins",
          "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto args = sweep_args(*s, dir, out);
  args.insert(args.end(), {"--run-id", "twice"});
  REQUIRE(test::run_cli(args).exit_code == 0);
  const std::size_t lines = journal_lines(out);

  const auto again = test::run_cli(args);
  INFO(again.err);
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("\"twice\"") != std::string::npos);
  CHECK(again.err.find("--resume twice") != std::string::npos);
  CHECK(journal_lines(out) == lines);  // nothing appended to the first run's log
  CHECK(only_run(out).at("status") == "completed");

  SECTION("two processes starting the same new id at once") {
    auto race = sweep_args(*s, dir, dir + "/race");
    race.insert(race.end(), {"--run-id", "race"});
    test::CliProcess first(race), second(race);
    const auto a = first.wait(), b = second.wait();
    INFO(a.err << b.err);
    CHECK(std::multiset<int>{a.exit_code, b.exit_code} == std::multiset<int>{0, 2});
    CHECK((a.exit_code == 2 ? a : b).err.find("\"race\"") != std::string::npos);
    CHECK(journal_lines(dir + "/race") == kItems);
    CHECK(only_run(dir + "/race").at("status") == "completed");
  }
}

TEST_CASE("sweep: an --output-dir that is a file, under /proc or on a read-only path exits 2 with the reason",
          "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir();
  std::ofstream(dir + "/a_file") << "x";
  for (const auto& [out, reason] : std::vector<std::pair<std::string, std::string>>{
           {dir + "/a_file", "Not a directory"},
           {dir + "/a_file/sub", "Not a directory"},
           {"/proc/llmbench-test-out", "No such file or directory"},
           {"/proc/self/llmbench", ""}}) {
    INFO(out);
    const auto result = test::run_cli(sweep_args(*s, dir, out));
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--output-dir " + out) != std::string::npos);
    CHECK(result.err.find(reason) != std::string::npos);
  }
}

TEST_CASE("sweep: a disk that fills up mid-run stops it with the --resume command (exit 3), the item log whole",
          "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/small";
  fs::create_directories(out);
  // A 96 KiB file system: the report fits, the item log of 240 items (~1 KB each) does not.
  if (std::system(("mount -t tmpfs -o size=96k llmbench-test " + out + " 2>/dev/null").c_str()) != 0) {
    WARN("cannot mount a tmpfs here (needs root); skipped");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { (void)std::system(("umount " + path).c_str()); }
  } unmount{out};
  auto args = sweep_args(*s, dir, out);
  args.insert(args.end(), {"--run-id", "full", "--cache-dir", dir + "/cache"});
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("No space left on device") != std::string::npos);
  CHECK(result.err.find("llmbench run --resume full --output-dir " + out) != std::string::npos);
  // Every line of the log is a whole record: resume reads it without dropping anything.
  const auto contents = records::read_journal(fs::path(out) / "runs/full/items.jsonl");
  CHECK_FALSE(contents.dropped_torn_tail);
  CHECK(contents.records.size() < kItems);
  CHECK(only_run(out).at("status") != "completed");

  // With room again, --resume finishes the run.
  REQUIRE(std::system(("mount -o remount,size=8m " + out).c_str()) == 0);
  const auto resumed = test::run_cli({"run", "--resume", "full", "--output-dir", out, "--progress", "none"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(only_run(out).at("status") == "completed");
  CHECK(journal_lines(out) == kItems);
}

TEST_CASE("sweep: report shows what a log with a damaged middle line holds, names the line and marks the run",
          "[sweep]") {
  auto s = start_sim();
  const std::string dir = test::temp_dir(), out = dir + "/out";
  auto args = sweep_args(*s, dir, out);
  args.insert(args.end(), {"--run-id", "torn"});
  REQUIRE(test::run_cli(args).exit_code == 0);
  const fs::path log = fs::path(out) / "runs/torn/items.jsonl";
  std::vector<std::string> lines;
  {
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  REQUIRE(lines.size() == kItems);
  lines[2] = "{\"item_id\": \"cut";
  {
    std::ofstream rewrite(log, std::ios::trunc);
    for (const auto& line : lines) rewrite << line << "\n";
  }
  const auto result = test::run_cli({"report", "--output-dir", out});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("items.jsonl:3") != std::string::npos);
  std::ifstream in(fs::path(out) / "report.html");
  const std::string page{std::istreambuf_iterator<char>(in), {}};
  CHECK(page.find("id=\"log-warnings\"") != std::string::npos);
  CHECK(page.find("Run torn: its items are incomplete") != std::string::npos);
  CHECK(page.find("line 3") != std::string::npos);
  // The records that could be read are on the page.
  const json second = json::parse(lines[1]);
  CHECK(page.find(second.at("item_id").get<std::string>()) != std::string::npos);
}

namespace {

// A config whose one model is served by an embedded simulator that wants the key "right-key"
// (from GUARDED_KEY), and env files with a wrong and a right key.
struct GuardedSetup {
  std::string dir = test::temp_dir(), out = dir + "/out";
  std::string config = dir + "/models.yaml", bad_env = dir + "/bad.env", good_env = dir + "/good.env";
  GuardedSetup() {
    std::ofstream(config) << "providers:\n  guarded:\n    base_url: sim://?api_key=right-key\n"
                             "    api_key_env: GUARDED_KEY\nmodels:\n  - id: sim-g\n    provider: guarded\n";
    std::ofstream(bad_env) << "GUARDED_KEY=wrong-key\n";
    std::ofstream(good_env) << "GUARDED_KEY=right-key\n";
  }
  std::vector<std::string> run_args(const std::string& env_file) const {
    return {"run", "--config", config, "--env-file", env_file, "--tasks", "mmlu", "--limit", "3",
            "--generation-models", "sim-g", "--output-dir", out, "--progress", "none", "--run-id", "keyed"};
  }
};

}  // namespace

TEST_CASE("sweep: a run that failed on a bad key is finished by --resume with a corrected --env-file", "[sweep]") {
  GuardedSetup setup;
  const auto first = test::run_cli(setup.run_args(setup.bad_env));
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 1);
  REQUIRE(only_run(setup.out).at("model_runs").at(0).at("status") == "unavailable");
  // No model ran: the run failed, and resending its (no) failed items would not help.
  CHECK(only_run(setup.out).at("status") == "failed");
  CHECK(first.out.find("Run keyed (failed)") != std::string::npos);
  CHECK(first.out.find("--retry-errors") == std::string::npos);
  CHECK(first.out.find("bad key: check GUARDED_KEY (set in " + setup.bad_env + ":1)") != std::string::npos);
  CHECK(first.out.find("llmbench run --resume keyed --output-dir " + setup.out) != std::string::npos);

  const auto resumed = test::run_cli({"run", "--resume", "keyed", "--output-dir", setup.out, "--env-file",
                                      setup.good_env, "--progress", "none", "--concurrency", "4", "--retries", "1",
                                      "--timeout", "30"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  const json run = only_run(setup.out);
  CHECK(run.at("status") == "completed");
  const json& mr = run.at("model_runs").at(0);
  CHECK(mr.at("status") == "completed");
  CHECK(mr.at("metrics").at("standard").at("mmlu").at("n") == 3);
  CHECK(journal_lines(setup.out) == 3);
  CHECK(resumed.out.find("right-key") == std::string::npos);
  CHECK(resumed.err.find("right-key") == std::string::npos);
}

TEST_CASE("sweep: --resume refuses a flag that would change the results, naming it, and changes nothing",
          "[sweep]") {
  GuardedSetup setup;
  REQUIRE(test::run_cli(setup.run_args(setup.good_env)).exit_code == 0);
  const json before = only_run(setup.out);
  for (const std::vector<std::string>& flag :
       std::vector<std::vector<std::string>>{{"--tasks", "gsm8k"}, {"--limit", "5"}, {"--tier", "standard"},
                                             {"--generation-models", "sim-g"}, {"--judge-models", "sim-g"},
                                             {"--sample-seed", "7"}, {"--num-fewshot", "2"},
                                             {"--prompt-lang", "ru"}, {"--judge-eval-mode", "reasoned"},
                                             {"--config", setup.config}, {"--run-id", "other"},
                                             {"--ux-log", setup.config}, {"--ux-similarity", "0.5"}}) {
    INFO(flag[0]);
    std::vector<std::string> args = {"run", "--resume", "keyed", "--output-dir", setup.out, "--progress", "none"};
    args.insert(args.end(), flag.begin(), flag.end());
    const auto result = test::run_cli(args);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(flag[0] + " cannot be given with --resume") != std::string::npos);
    CHECK(only_run(setup.out) == before);
    CHECK(journal_lines(setup.out) == 3);
  }
}
