// What run and arena run print where: --output json on stdout, colour only on a terminal
// without NO_COLOR (util/terminal.hpp colour_enabled, run/progress.cpp, apps/main.cpp).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using nlohmann::json;

namespace {

// Runs llmbench with stdout and stderr on one pseudo-terminal; returns all it printed.
std::string run_on_terminal(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::chdir(LLMBENCH_SOURCE_DIR) != 0) ::_exit(127);
    ::unsetenv("NO_COLOR");
    ::setenv("TERM", "xterm", 1);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(LLMBENCH_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(LLMBENCH_BINARY, argv.data());
    ::_exit(127);
  }
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;  // EIO: the child closed the terminal
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  return out;
}

// A run with one unreachable model: it logs a warning and ends with a status line.
std::vector<std::string> failing_run(const std::string& dir, const std::string& progress) {
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << "providers:\n  sim:\n    base_url: sim://\n  gone:\n    base_url: http://127.0.0.1:9/v1\n"
                           "models:\n  - id: ok-model\n    provider: sim\n  - id: gone-model\n    provider: gone\n";
  return {"run", "--config", config, "--tasks", "gsm8k", "--limit", "2", "--generation-models", "ok-model,gone-model",
          "--retries", "0", "--timeout", "2", "--progress", progress, "--output-dir", dir + "/out"};
}

}  // namespace

TEST_CASE("output: run --output json prints only the run record on stdout, the plan and summary on stderr",
          "[cli][output]") {
  const std::string dir = temp_dir();
  auto r = run_cli({"run", "--tasks", "gsm8k", "--limit", "2", "--generation-models", "sim-small,sim-large",
                    "--progress", "plain", "--output", "json", "--output-dir", dir + "/out"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json record = json::parse(r.out);  // throws (fails) on anything but one JSON document
  CHECK(record.at("status") == "completed");
  CHECK(record.at("model_runs").size() == 2);
  CHECK(record.at("flags").at("tasks") == json({"gsm8k"}));
  CHECK(r.err.find("Plan:") != std::string::npos);
  CHECK(r.err.find("Report:") != std::string::npos);

  auto dry = run_cli({"run", "--dry-run", "--tasks", "gsm8k", "--limit", "2", "--generation-models", "sim-small",
                      "--output", "json", "--output-dir", dir + "/out"});
  REQUIRE(dry.exit_code == 0);
  CHECK(json::parse(dry.out).at("total_items") == 2);
}

TEST_CASE("output: arena run --output json prints only the arena record on stdout", "[cli][output]") {
  const std::string dir = temp_dir();
  auto r = run_cli({"arena", "run", "--tasks", "gsm8k", "--limit", "2", "--generation-models", "sim-small,sim-large",
                    "--judge-models", "sim-large", "--bootstrap-rounds", "10", "--progress", "none", "--output", "json",
                    "--output-dir", dir + "/out"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json record = json::parse(r.out);
  CHECK(record.at("kind") == "arena");
  CHECK(record.at("arena").contains("leaderboard"));
  CHECK(r.err.find("Plan:") != std::string::npos);
}

TEST_CASE("output: no colour byte goes into a pipe, even with a forced progress bar", "[cli][output]") {
  const std::string dir = temp_dir();
  auto r = run_cli(failing_run(dir, "bar"), "", {"!NO_COLOR", "TERM=xterm"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unavailable") != std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x1b') == std::string::npos);
}

TEST_CASE("output: a terminal gets colour, and none with NO_COLOR", "[cli][output]") {
  const std::string dir = temp_dir();
  const std::string coloured = run_on_terminal(failing_run(dir, "auto"), {});
  CHECK(coloured.find("unavailable") != std::string::npos);
  CHECK(coloured.find("\x1b[33mSome items failed") != std::string::npos);

  const std::string plain = run_on_terminal(failing_run(temp_dir(), "auto"), {"NO_COLOR=1"});
  CHECK(plain.find("unavailable") != std::string::npos);
  CHECK(plain.find("Some items failed") != std::string::npos);
  CHECK(plain.find('\x1b') == std::string::npos);
}
