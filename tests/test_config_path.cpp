// One config-resolution rule for every command (config/config_path.hpp), tested on the real
// binary from a directory that holds no configs/.
#include <catch2/catch.hpp>

#include <fstream>

#include "llmbench/config/config_path.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using llmbench::test::write_text_file;

namespace {

const std::string kCheckoutConfig = LLMBENCH_SOURCE_DIR "/configs/models.yaml";

const char* kOwnConfig =
    "providers:\n"
    "  sim:\n"
    "    base_url: sim://?latency_ms=1\n"
    "models:\n"
    "  - id: own-model\n"
    "    provider: sim\n";

}  // namespace

TEST_CASE("config path: --config wins, then $LLMBENCH_CONFIG, then ./configs, then the checkout's", "[cli][config]") {
  using llmbench::config::resolve_config;
  const std::string dir = temp_dir();
  const std::string own = write_text_file(dir, "own.yaml", kOwnConfig);
  CHECK(resolve_config(own, std::string(kCheckoutConfig)).origin == "--config");
  CHECK(resolve_config(own, std::nullopt).path == own);
  const auto from_env = resolve_config("", own);
  CHECK(from_env.path == own);
  CHECK(from_env.origin == "$LLMBENCH_CONFIG");
  CHECK_THROWS_WITH(resolve_config(dir + "/missing.yaml", std::nullopt), Catch::Contains("missing.yaml"));
  CHECK_THROWS_WITH(resolve_config("", dir + "/gone.yaml"), Catch::Contains("LLMBENCH_CONFIG") && Catch::Contains("gone.yaml"));
}

TEST_CASE("config path: from a directory without configs/, every command uses the checkout's config and says so",
          "[cli][config]") {
  const std::string dir = temp_dir();
  auto list = run_cli({"models", "list"}, dir);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("sim-small") != std::string::npos);
  CHECK(list.err.find("config: " + kCheckoutConfig) != std::string::npos);

  auto test = run_cli({"models", "test", "--models", "sim-small"}, dir);
  CHECK(test.exit_code == 0);
  CHECK(test.out.find("sim-small") != std::string::npos);

  auto arena = run_cli({"arena", "run", "--dry-run", "--tasks", "gsm8k", "--limit", "2", "--generation-models",
                        "sim-small,sim-large", "--judge-models", "sim-large", "--output-dir", dir + "/out"},
                       dir);
  CHECK(arena.exit_code == 0);
  CHECK(arena.out.find("config: " + kCheckoutConfig + " (from the llmbench checkout's default)") != std::string::npos);

  auto run = run_cli({"run", "--dry-run", "--tasks", "gsm8k", "--limit", "2", "--generation-models", "sim-small",
                      "--output-dir", dir + "/out"},
                     dir);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("config: " + kCheckoutConfig + " (from the llmbench checkout's default)") != std::string::npos);
}

TEST_CASE("config path: $LLMBENCH_CONFIG names the config when --config is not given, a missing one is an error",
          "[cli][config]") {
  const std::string dir = temp_dir();
  const std::string own = write_text_file(dir, "own.yaml", kOwnConfig);
  auto list = run_cli({"models", "list"}, "", {"LLMBENCH_CONFIG=" + own});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("own-model") != std::string::npos);
  CHECK(list.out.find("sim-small") == std::string::npos);
  CHECK(list.err.find("config: " + own + " (from $LLMBENCH_CONFIG)") != std::string::npos);

  auto run = run_cli({"run", "--dry-run", "--tasks", "gsm8k", "--limit", "1", "--generation-models", "own-model",
                      "--output-dir", dir + "/out"},
                     "", {"LLMBENCH_CONFIG=" + own});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("config: " + own + " (from $LLMBENCH_CONFIG)") != std::string::npos);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"models", "list"}, std::vector<std::string>{"models", "test"},
        std::vector<std::string>{"run", "--dry-run", "--tasks", "gsm8k", "--limit", "1"},
        std::vector<std::string>{"arena", "run", "--dry-run", "--tasks", "gsm8k", "--limit", "1"}}) {
    INFO(args[0] << " " << args[1]);
    auto r = run_cli(args, dir, {"LLMBENCH_CONFIG=" + dir + "/nowhere.yaml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("$LLMBENCH_CONFIG=" + dir + "/nowhere.yaml: no such file") != std::string::npos);
  }
}

TEST_CASE("config path: every command's --help states the rule", "[cli][config]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--help"}, std::vector<std::string>{"arena", "run", "--help"},
        std::vector<std::string>{"models", "list", "--help"}, std::vector<std::string>{"models", "test", "--help"}}) {
    INFO(args[0] << " " << args[1]);
    auto r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("$LLMBENCH_CONFIG") != std::string::npos);
    CHECK(r.out.find("./configs/models.yaml") != std::string::npos);
  }
}

TEST_CASE("models cli: models test with no --models and no role defaults tests every model of the config",
          "[cli][config]") {
  const std::string dir = temp_dir();
  const std::string config = write_text_file(dir, "models.yaml",
                                   "providers:\n"
                                   "  sim:\n"
                                   "    base_url: sim://?latency_ms=1\n"
                                   "models:\n"
                                   "  - id: first-model\n"
                                   "    provider: sim\n"
                                   "  - id: second-model\n"
                                   "    provider: sim\n"
                                   "  - id: the-embedder\n"
                                   "    provider: sim\n"
                                   "    kind: embedding\n");
  auto r = run_cli({"models", "test", "--config", config}, dir);
  CHECK(r.exit_code == 0);
  for (const char* id : {"first-model", "second-model", "the-embedder"}) CHECK(r.out.find(id) != std::string::npos);
  CHECK(r.out.find("embedding") != std::string::npos);
}
