#include <catch2/catch.hpp>

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
