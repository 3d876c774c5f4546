// Secrets: the API key used in a run (given through an env file) appears in no byte of what
// llmbench prints or writes: stdout, stderr (with --verbose request logging), the report,
// the item log, the HTML page and the response cache. --verbose redacts Authorization.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"

using llmbench::test::CliResult;
using llmbench::test::run_cli;
using llmbench::test::temp_dir;
namespace fs = std::filesystem;
using llmbench::test::slurp;

namespace {

const std::string kKey = "sk-llmbench-SECRET-5a1f0e9d7c3b";
const std::string kWrongKey = "sk-llmbench-WRONG-88e2d4a61f07";

// Every regular file under `dir` whose bytes contain `needle` (names relative to dir).
std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> hits;
  if (!fs::exists(dir)) return hits;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && slurp(entry.path()).find(needle) != std::string::npos) {
      hits.push_back(fs::relative(entry.path(), dir).string());
    }
  }
  return hits;
}

std::size_t file_count(const fs::path& dir) {
  std::size_t count = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) count += entry.is_regular_file() ? 1 : 0;
  return count;
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A config whose provider is a key-checking simulator started by the test, with the key's
// variable named in the config and its value only in the env file.
std::string guarded_config(const std::string& base_url) {
  return "providers:\n"
         "  guarded:\n"
         "    base_url: " + base_url + "\n"
         "    api_key_env: LLMBENCH_SECRETS_TEST_KEY\n"
         "models:\n"
         "  - id: guarded-model\n"
         "    provider: guarded\n"
         "    model: sim-small\n"
         "roles:\n"
         "  generation: [guarded-model]\n";
}

void check_clean(const CliResult& result, const std::string& key) {
  CHECK(result.out.find(key) == std::string::npos);
  CHECK(result.err.find(key) == std::string::npos);
  // Nor its distinctive tail (a partial print, e.g. "sk-...9d7c3b", would still leak).
  CHECK(result.out.find(key.substr(key.size() - 10)) == std::string::npos);
  CHECK(result.err.find(key.substr(key.size() - 10)) == std::string::npos);
}

}  // namespace

TEST_CASE("secrets: a run with --verbose and --report leaks the key nowhere", "[secrets]") {
  llmbench::sim::SimOptions options;
  options.api_key = kKey;
  options.models = {{"sim-small", 0.6}};
  options.seed = 11;
  llmbench::sim::Simulator sim(options);
  sim.start();

  const std::string dir = temp_dir("llmbench-secrets");
  const std::string config = write_file(dir, "models.yaml", guarded_config(sim.base_url()));
  const std::string out = dir + "/out";
  const std::string cache = dir + "/cache";

  SECTION("the right key: the run succeeds, verbose logs redact Authorization") {
    const std::string env = write_file(dir, "keys.env", "# test key\nLLMBENCH_SECRETS_TEST_KEY=" + kKey + "\n");
    const CliResult run = run_cli({"run", "--config", config, "--env-file", env, "--tier", "standard",
                                   "--tasks", "gsm8k,arc_easy", "--limit", "3", "--verbose", "--report",
                                   "--progress", "plain", "--output-dir", out, "--cache-dir", cache},
                                  dir);
    INFO(run.out.substr(0, 3000) << run.err.substr(0, 3000));
    CHECK(run.exit_code == 0);
    CHECK(sim.stats().requests > 0);
    CHECK(run.err.find("Authorization: Bearer ***") != std::string::npos);
    CHECK(run.err.find("model=sim-small") != std::string::npos);
    check_clean(run, kKey);
    CHECK(fs::exists(fs::path(out) / "benchmark_runs.json"));
    CHECK(fs::exists(fs::path(out) / "report.html"));
    CHECK(file_count(fs::path(out) / "runs") >= 1);  // the item log
    CHECK(files_containing(out, kKey).empty());
    CHECK(files_containing(out, kKey.substr(kKey.size() - 10)).empty());
    CHECK(files_containing(cache, kKey).empty());

    const CliResult test = run_cli({"models", "test", "--config", config, "--env-file", env, "--verbose"}, dir);
    INFO(test.out << test.err);
    CHECK(test.exit_code == 0);
    check_clean(test, kKey);
  }

  SECTION("a wrong key: 401s are reported without either key") {
    const std::string env = write_file(dir, "keys.env", "LLMBENCH_SECRETS_TEST_KEY=" + kWrongKey + "\n");
    const CliResult test = run_cli({"models", "test", "--config", config, "--env-file", env, "--verbose"}, dir);
    INFO(test.out << test.err);
    CHECK(test.exit_code == 1);
    CHECK((test.out + test.err).find("401") != std::string::npos);
    check_clean(test, kWrongKey);
    check_clean(test, kKey);

    const CliResult run = run_cli({"run", "--config", config, "--env-file", env, "--tier", "standard",
                                   "--tasks", "gsm8k", "--limit", "3", "--verbose", "--report", "--progress",
                                   "none", "--output-dir", out, "--cache-dir", cache},
                                  dir);
    INFO(run.out.substr(0, 3000) << run.err.substr(0, 3000));
    CHECK(run.exit_code != 0);
    CHECK(run.exit_code != 3);  // not an internal error
    check_clean(run, kWrongKey);
    check_clean(run, kKey);
    CHECK(files_containing(out, kWrongKey).empty());
    CHECK(files_containing(cache, kWrongKey).empty());
  }
}

TEST_CASE("secrets: the response cache database holds no key, even with extra headers", "[secrets]") {
  using namespace llmbench::http;
  llmbench::sim::SimOptions options;
  options.api_key = kKey;
  options.models = {{"sim-small", 0.6}};
  llmbench::sim::Simulator sim(options);
  sim.start();
  const std::string dir = temp_dir("llmbench-secrets-cache");
  auto cache = ResponseCache::open(dir);
  ExecutorOptions executor_options;
  executor_options.cache = cache.get();
  executor_options.retries = 0;
  Executor executor(executor_options);
  int ok = 0;
  for (int i = 0; i < 5; ++i) {
    ApiRequest request;
    request.endpoint.provider = "guarded";
    request.endpoint.base_url = sim.base_url();
    request.endpoint.api_key = kKey;
    request.endpoint.headers = {{"X-Api-Key", kKey}};
    request.model = "sim-small";
    request.messages = {{"user", "Question " + std::to_string(i)}};
    executor.submit(request, [&](RequestRecord&& record) { ok += record.ok() ? 1 : 0; });
  }
  executor.run();
  CHECK(ok == 5);
  CHECK(cache->size() == 5);
  CHECK(files_containing(dir, kKey).empty());
  CHECK(files_containing(dir, "sim-small").size() >= 1);  // the grep does see the database's bytes
}
