#include <catch2/catch.hpp>

#include <filesystem>

#include "support/cli.hpp"

using llmbench::test::run_cli;

TEST_CASE("cli: --version prints the version and exits 0") {
  auto r = run_cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("llmbench " LLMBENCH_VERSION) != std::string::npos);
}

TEST_CASE("cli: --help lists every subcommand") {
  auto r = run_cli({"--help"});
  CHECK(r.exit_code == 0);
  for (const char* sub : {"run", "models", "sim"}) CHECK(r.out.find(sub) != std::string::npos);
}

TEST_CASE("cli: run --help documents every sweep flag") {
  auto r = run_cli({"run", "--help"});
  REQUIRE(r.exit_code == 0);
  for (const char* flag :
       {"--config", "--env-file", "--tier", "--tasks", "--limit", "--sample-seed",
        "--generation-models", "--judge-models", "--production-judge-models", "--judge-eval-mode",
        "--consistency-runs", "--concurrency", "--retries", "--timeout", "--output-dir",
        "--run-id", "--resume", "--progress", "--dry-run"}) {
    INFO(flag);
    CHECK(r.out.find(flag) != std::string::npos);
  }
}

TEST_CASE("cli: an unknown flag exits 2 with a one-line error naming it") {
  auto r = run_cli({"run", "--no-such-flag"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("llmbench: error:") != std::string::npos);
  CHECK(r.err.find("--no-such-flag") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("cli: a bad value for an enumerated flag exits 2") {
  auto r = run_cli({"run", "--progress", "sideways"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--progress") != std::string::npos);
}

TEST_CASE("cli: a timeout of 0 is refused in one readable line, without the range of a double", "[cli]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--timeout", "0"}, std::vector<std::string>{"arena", "run", "--timeout", "0"},
        std::vector<std::string>{"models", "test", "--timeout", "0"},
        std::vector<std::string>{"run", "--max-retry-wait", "soon"}}) {
    INFO(args[0] << " " << args[1] << " " << args[2]);
    auto r = run_cli(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is not a number of seconds") != std::string::npos);
    CHECK(r.err.find("308") == std::string::npos);
    CHECK(r.err.size() < 300);
  }
}

TEST_CASE("cli: enumerated flags show their plain values in help and errors, never a transform map", "[cli]") {
  auto help = run_cli({"datasets", "list", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("table|json") != std::string::npos);
  CHECK(help.out.find("->") == std::string::npos);
  auto bad = run_cli({"datasets", "list", "--format", "xml"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("\"xml\" is not one of table|json") != std::string::npos);
  CHECK(bad.err.find("->") == std::string::npos);
  auto progress = run_cli({"run", "--progress", "sideways"});
  CHECK(progress.err.find("\"sideways\" is not one of auto|bar|plain|none") != std::string::npos);
}

TEST_CASE("cli: a dataset directory without MMLU is named, with no hint at a flag run does not have", "[cli]") {
  const std::string dir = llmbench::test::temp_dir();
  std::filesystem::create_directories(dir + "/benchmarks/data");
  auto r = run_cli({"run", "--dry-run", "--tasks", "mmlu", "--generation-models", "sim-small"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mmlu/test: MMLU directory not found") != std::string::npos);
  CHECK(r.err.find("--data-dir") == std::string::npos);
}
