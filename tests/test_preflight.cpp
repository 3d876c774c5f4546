// The check before a run (run/preflight.cpp) and `models test` send one request, built from the
// model's own params; a transient failure of the check is retried like any request of the
// run; the check shows its progress and Ctrl-C during it leaves nothing behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "llmbench/report/store.hpp"
#include "support/cli.hpp"
#include "support/process.hpp"
#include "support/raw_server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> run_args(const std::string& dir, const std::string& config, const std::string& model) {
  return {"run", "--config", config, "--env-file", write_file(dir, "none.env", ""), "--tasks", "mmlu",
          "--limit", "2", "--generation-models", model, "--output-dir", dir + "/out", "--progress", "none"};
}

// Request bodies a loopback server received, in order.
struct Recorder {
  std::mutex mutex;
  std::vector<json> bodies;
  void add(const std::string& body) {
    std::lock_guard lock(mutex);
    bodies.push_back(json::parse(body));
  }
  std::vector<json> take() {
    std::lock_guard lock(mutex);
    return std::exchange(bodies, {});
  }
};

bool is_check(const json& body) {
  return body.contains("messages") && body["messages"].size() == 1 &&
         body["messages"][0].value("content", "") == "Reply with one word: ok";
}

}  // namespace

TEST_CASE("preflight: a model configured with max_completion_tokens is checked with that limit alone, "
          "by the same request in `models test` and before a run", "[preflight]") {
  Recorder recorder;
  test::RawServer server([&](const test::RawRequest& request, const test::RawWrite& write) {
    recorder.add(request.body);
    test::write_json_response(write, "200 OK", test::chat_completion_json("A"));
  });
  const std::string dir = test::temp_dir();
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  raw:\n    base_url: " + server.url("rec") +
                                            "\nmodels:\n  - id: reasoner\n    provider: raw\n"
                                            "    params: {max_completion_tokens: 64, temperature: 0}\n");

  const auto tested = test::run_cli({"models", "test", "--config", config, "--env-file",
                                     write_file(dir, "none.env", ""), "--models", "reasoner"});
  INFO(tested.out << tested.err);
  CHECK(tested.exit_code == 0);
  const auto test_bodies = recorder.take();
  REQUIRE(test_bodies.size() == 1);
  const json& check = test_bodies[0];
  CHECK(is_check(check));
  CHECK(check.at("max_completion_tokens") == 64);
  CHECK_FALSE(check.contains("max_tokens"));
  CHECK(check.at("temperature") == 0);

  const auto ran = test::run_cli(run_args(dir, config, "reasoner"));
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  const auto run_bodies = recorder.take();
  REQUIRE(run_bodies.size() == 3);  // the check, then two items
  std::size_t checks = 0;
  for (const json& body : run_bodies) {
    INFO(body.dump());
    CHECK_FALSE(body.contains("max_tokens"));
    if (is_check(body)) {
      ++checks;
      CHECK(body == check);  // one check for both commands
    }
  }
  CHECK(checks == 1);
}

TEST_CASE("preflight: a model whose check gets 5xx before it answers is retried like any request, not disabled",
          "[preflight]") {
  // The simulator answers 500 to the first N times it sees a request body, then answers it.
  const int failures = GENERATE(1, 3);  // 3 passed the check's old cap of 2 retries
  INFO(failures << " failures, --retries 4");
  const std::string dir = test::temp_dir();
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  flaky:\n    base_url: sim://\n"
                                        "    headers: {X-Sim-Fault: \"500\", X-Sim-Fault-Attempts: \"" +
                                            std::to_string(failures) +
                                            "\"}\nmodels:\n  - id: sim-f\n    provider: flaky\n");
  auto args = run_args(dir, config, "sim-f");
  args.insert(args.end(), {"--retries", "4"});
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("unavailable") == std::string::npos);
  const json runs = report::read_runs(fs::path(dir) / "out" / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].at("status") == "completed");
  CHECK(runs[0].at("model_runs").at(0).at("status") == "completed");
  CHECK(runs[0].at("model_runs").at(0).at("metrics").at("standard").at("mmlu").at("n") == 2);
}

TEST_CASE("preflight: a hung endpoint shows the check in progress, Ctrl-C says what it stopped and writes nothing",
          "[preflight]") {
  const std::string dir = test::temp_dir(), out = dir + "/out";
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  hung:\n    base_url: sim://?stall=1&stall_s=600\n"
                                        "models:\n  - id: sim-h\n    provider: hung\n");
  auto args = run_args(dir, config, "sim-h");
  std::replace(args.begin(), args.end(), std::string("none"), std::string("plain"));
  args.insert(args.end(), {"--run-id", "hung"});
  test::CliProcess child(args);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (child.err_so_far().find("waiting on sim-h") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(child.err_so_far().find("checking 1 model: 0/1 ok, waiting on sim-h") != std::string::npos);
  const auto t0 = std::chrono::steady_clock::now();
  child.signal(SIGINT);
  const auto result = child.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  CHECK(result.out.find("Interrupted during the model check; no request of the run was sent") != std::string::npos);
  CHECK_FALSE(fs::exists(fs::path(out) / report::kReportFileName));
  CHECK_FALSE(fs::exists(fs::path(out) / "runs" / "hung"));
  CHECK(result.out.find("--resume") == std::string::npos);  // there is no run to resume
}
