// --timeout on the command line against a provider's timeout_s (run/request_timeout.hpp).
#include <catch2/catch.hpp>

#include <fstream>

#include "support/cli.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;

namespace {

std::string slow_config(const std::string& dir) {
  const std::string path = dir + "/models.yaml";
  std::ofstream(path) << "providers:\n"
                         "  slow:\n"
                         "    base_url: sim://?latency_ms=2000\n"
                         "    timeout_s: 60\n"
                         "models:\n"
                         "  - id: slow-model\n"
                         "    provider: slow\n";
  return path;
}

}  // namespace

TEST_CASE("timeout: --timeout on the command line wins over a provider's timeout_s, and the plan says so",
          "[cli][timeout]") {
  const std::string dir = temp_dir();
  auto r = run_cli({"run", "--config", slow_config(dir), "--tasks", "gsm8k", "--limit", "1", "--generation-models",
                    "slow-model", "--timeout", "0.5", "--retries", "0", "--progress", "none", "--output-dir",
                    dir + "/out"},
                   dir);
  CHECK(r.out.find("timeout: 0.5 s from --timeout (it overrides timeout_s of provider slow: 60 s)") !=
        std::string::npos);
  CHECK(r.exit_code == 1);  // the 2 s answers never come within 0.5 s
  CHECK(r.err.find("unavailable") != std::string::npos);
  CHECK(r.err.find("timeout") != std::string::npos);
  CHECK(r.err.find("timeout: timeout") == std::string::npos);
}

TEST_CASE("timeout: without --timeout a provider's timeout_s applies to its models, and the plan says so",
          "[cli][timeout]") {
  const std::string dir = temp_dir();
  auto r = run_cli({"run", "--config", slow_config(dir), "--tasks", "gsm8k", "--limit", "1", "--generation-models",
                    "slow-model", "--dry-run", "--output-dir", dir + "/out"},
                   dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("timeout: 120 s (the default); provider slow: 60 s from its timeout_s") != std::string::npos);
}
