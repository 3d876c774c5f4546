#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "support/cli.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;

namespace {

const std::string kFakeKey = "sk-FAKE-llmbench-9f3a7c1e";

// A loopback port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("models cli: models list shows key variables and whether they are set, never a value", "[config]") {
  const std::string dir = temp_dir();
  const std::string config = write(dir, "models.yaml",
                                   "providers:\n"
                                   "  openai:\n"
                                   "    base_url: https://user:pw@api.openai.com/v1\n"
                                   "    api_key_env: OPENAI_API_KEY\n"
                                   "  other:\n"
                                   "    base_url: https://other.example.com/v1\n"
                                   "    api_key_env: OTHER_KEY\n"
                                   "models:\n"
                                   "  - id: gpt-4o-mini\n"
                                   "    provider: openai\n"
                                   "    price: {input_per_mtok: 0.15, output_per_mtok: 0.6}\n"
                                   "  - id: other-model\n"
                                   "    provider: other\n"
                                   "roles:\n"
                                   "  judge: [gpt-4o-mini]\n");
  const std::string env_file = write(dir, "keys.env", "OTHER_KEY=" + kFakeKey + "-file\n");
  for (const char* format : {"table", "json"}) {
    INFO(format);
    auto r = run_cli({"models", "list", "--config", config, "--env-file", env_file, "--format", format}, "",
                     {"OPENAI_API_KEY=" + kFakeKey});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("gpt-4o-mini") != std::string::npos);
    CHECK(r.out.find("OPENAI_API_KEY") != std::string::npos);
    CHECK(r.out.find("https://api.openai.com") != std::string::npos);
    CHECK(r.out.find("keys.env:1") != std::string::npos);  // where OTHER_KEY is set
    CHECK(r.out.find("judge") != std::string::npos);
    CHECK(r.out.find("0.15") != std::string::npos);
    CHECK(r.out.find("sk-FAKE") == std::string::npos);
    CHECK(r.err.find("sk-FAKE") == std::string::npos);
    CHECK(r.out.find("pw@") == std::string::npos);
  }
}

TEST_CASE("models cli: with no config file, the env file alone defines the role models", "[config]") {
  const std::string dir = temp_dir();  // no configs/models.yaml here: env-only mode
  write(dir, ".env.benchmark-models",
        "GENERATION_API_URL=sim://\nGENERATION_MODEL=lab-a,lab-b\n"
        "JUDGE_BASE_URL=https://judge.example.com/v1\nJUDGE_MODEL=prod-judge\n");
  auto list = run_cli({"models", "list"}, dir);
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("lab-a") != std::string::npos);
  CHECK(list.out.find("JUDGE_API (NOT SET)") != std::string::npos);

  auto test = run_cli({"models", "test", "--role", "generation"}, dir);
  CHECK(test.exit_code == 0);
  CHECK(test.out.find("lab-b") != std::string::npos);
  CHECK(test.out.find("prod-judge") == std::string::npos);
}

TEST_CASE("models cli: models test reports ok, unreachable and bad key with hints", "[config]") {
  const std::string dir = temp_dir();
  const int port = closed_port();
  const std::string config = write(dir, "models.yaml",
                                   "providers:\n"
                                   "  sim:\n"
                                   "    base_url: sim://?latency_ms=1\n"
                                   "  guarded:\n"
                                   "    base_url: sim://?api_key=the-right-sim-key\n"
                                   "    api_key_env: GUARDED_KEY\n"
                                   "  local:\n"
                                   "    base_url: http://127.0.0.1:" + std::to_string(port) + "/v1\n"
                                   "models:\n"
                                   "  - id: sim-a\n"
                                   "    provider: sim\n"
                                   "  - id: sim-e\n"
                                   "    provider: sim\n"
                                   "    kind: embedding\n"
                                   "  - id: guarded-a\n"
                                   "    provider: guarded\n"
                                   "  - id: local-a\n"
                                   "    provider: local\n"
                                   "roles:\n"
                                   "  generation: [sim-a, guarded-a, local-a]\n"
                                   "  embedding: [sim-e]\n");
  const std::string env_file = write(dir, "test.env", "# keys\nGUARDED_KEY=" + kFakeKey + "\n");

  SECTION("the role defaults, all at once") {
    auto r = run_cli({"models", "test", "--config", config, "--env-file", env_file, "--timeout", "10"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    auto row = [&](const std::string& model) {
      const auto at = r.out.find("\n" + model + " ");
      return at == std::string::npos ? std::string() : r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    };
    CHECK(row("sim-a").find(" ok ") != std::string::npos);
    CHECK(row("sim-e").find("embedding") != std::string::npos);
    CHECK(row("sim-e").find(" ok ") != std::string::npos);
    CHECK(row("guarded-a").find("bad key") != std::string::npos);
    CHECK(row("guarded-a").find("check GUARDED_KEY (set in " + env_file + ":2)") != std::string::npos);
    CHECK(row("local-a").find("unreachable") != std::string::npos);
    CHECK(row("local-a").find("is the server at http://127.0.0.1:" + std::to_string(port) + " running?") !=
          std::string::npos);
    CHECK(r.out.find("sk-FAKE") == std::string::npos);
    CHECK(r.err.find("sk-FAKE") == std::string::npos);
  }
  SECTION("named models only; exit 0 when all are ok") {
    auto r = run_cli({"models", "test", "--config", config, "--env-file", env_file, "--models", "sim-a,sim-e",
                      "--format", "json"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"outcome\": \"ok\"") != std::string::npos);
    CHECK(r.out.find("guarded-a") == std::string::npos);
  }
  SECTION("a model missing its key variable is a row naming the variable") {
    auto r = run_cli({"models", "test", "--config", config, "--models", "guarded-a"}, dir);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("not configured") != std::string::npos);
    CHECK(r.out.find("needs GUARDED_KEY") != std::string::npos);
  }
}

TEST_CASE("models cli: bad input exits 2 with the file and line", "[config]") {
  const std::string dir = temp_dir();
  auto missing = run_cli({"models", "list", "--config", dir + "/absent.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("absent.yaml") != std::string::npos);

  const std::string bad = write(dir, "bad.yaml", "providers:\n  p:\n    base_url: https://x.io\n    rpm: lots\n");
  auto invalid = run_cli({"models", "test", "--config", bad});
  CHECK(invalid.exit_code == 2);
  CHECK(invalid.err.find("bad.yaml:4:") != std::string::npos);

  const std::string env = write(dir, "bad.env", "OK=1\n" + kFakeKey + "\n");
  auto bad_env = run_cli({"models", "list", "--env-file", env});
  CHECK(bad_env.exit_code == 2);
  CHECK(bad_env.err.find("bad.env:2:") != std::string::npos);
  CHECK(bad_env.err.find("sk-FAKE") == std::string::npos);

  auto role = run_cli({"models", "test", "--role", "judges"});
  CHECK(role.exit_code == 2);
}

#include "llmbench/run/model_check.hpp"

TEST_CASE("models cli: request outcomes map to the check outcomes users act on", "[config]") {
  using llmbench::run::CheckOutcome;
  using llmbench::run::classify;
  using llmbench::http::Outcome;
  auto record = [](Outcome o, int status, std::string error = "") {
    llmbench::http::RequestRecord r;
    r.outcome = o;
    r.http_status = status;
    r.error = std::move(error);
    return r;
  };
  CHECK(classify(record(Outcome::ok, 200)) == CheckOutcome::ok);
  CHECK(classify(record(Outcome::truncated, 200)) == CheckOutcome::ok);
  CHECK(classify(record(Outcome::http_status, 401)) == CheckOutcome::bad_key);
  CHECK(classify(record(Outcome::http_status, 403)) == CheckOutcome::bad_key);
  CHECK(classify(record(Outcome::http_status, 404)) == CheckOutcome::unknown_model);
  CHECK(classify(record(Outcome::http_status, 400, "Invalid model: mistral-smol")) == CheckOutcome::unknown_model);
  CHECK(classify(record(Outcome::http_status, 400, "max_tokens too large")) == CheckOutcome::error);
  CHECK(classify(record(Outcome::rate_limited, 429)) == CheckOutcome::rate_limited);
  CHECK(classify(record(Outcome::connect, 0)) == CheckOutcome::unreachable);
  CHECK(classify(record(Outcome::timeout, 0)) == CheckOutcome::timeout);
  CHECK(classify(record(Outcome::http_status, 500)) == CheckOutcome::error);
}

#include "support/raw_server.hpp"

TEST_CASE("models cli: a non-standard error body keeps its message, and no prefix is doubled", "[config][cli]") {
  llmbench::test::RawServer server([](const llmbench::test::RawRequest&, const llmbench::test::RawWrite& send) {
    const std::string body = R"({"error":"invalid_request","message":"max_tokens must be at most 4"})";
    send("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  });
  const std::string dir = temp_dir();
  const std::string config = write(dir, "models.yaml",
                                   "providers:\n  odd:\n    base_url: " + server.url("odd") +
                                       "\nmodels:\n  - id: odd-model\n    provider: odd\n");
  auto r = run_cli({"models", "test", "--config", config, "--models", "odd-model"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("HTTP 400: invalid_request: max_tokens must be at most 4") != std::string::npos);
  CHECK(r.out.find("HTTP 400: HTTP 400") == std::string::npos);

  llmbench::http::RequestRecord timeout;
  timeout.outcome = llmbench::http::Outcome::timeout;
  timeout.error = "timeout: Operation timed out after 500 ms";
  CHECK(llmbench::http::failure_text(timeout) == "timeout: Operation timed out after 500 ms");
  llmbench::http::RequestRecord parse;
  parse.outcome = llmbench::http::Outcome::parse;
  parse.error = "no choices in the response";
  CHECK(llmbench::http::failure_text(parse) == "parse: no choices in the response");
}

#include "support/ok_server.hpp"

TEST_CASE("models cli: OPENAI_BASE_URL and OPENAI_API_KEY serve a model the config does not define", "[config][cli]") {
  llmbench::test::OkServer server;
  const std::string dir = temp_dir();
  const std::string config = write(dir, "models.yaml",
                                   "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - id: sim-x\n    provider: sim\n");
  const std::string key = kFakeKey + "-openai";
  const std::vector<std::string> env = {"OPENAI_BASE_URL=" + server.url("oai"), "OPENAI_API_KEY=" + key};
  auto r = run_cli({"models", "test", "--config", config, "--models", "gpt-4o-mini"}, dir, env);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("gpt-4o-mini") != std::string::npos);
  CHECK(r.out.find("sk-FAKE") == std::string::npos);
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].path == "/oai/v1/chat/completions");
  CHECK(seen[0].header("Authorization") == "Bearer " + key);
  CHECK(seen[0].body.find("\"model\":\"gpt-4o-mini\"") != std::string::npos);

  // The same model in a run: the plan names it, the key never reaches the output.
  auto run = run_cli({"run", "--config", config, "--tasks", "gsm8k", "--limit", "1", "--generation-models",
                      "gpt-4o-mini", "--progress", "none", "--retries", "0", "--output-dir", dir + "/out"},
                     dir, env);
  CHECK(run.out.find("gpt-4o-mini") != std::string::npos);
  CHECK(run.out.find("sk-FAKE") == std::string::npos);
  CHECK(run.err.find("sk-FAKE") == std::string::npos);
  seen = server.requests();
  CHECK(seen.size() >= 3);  // the check before the run, then the item
  for (const auto& request : seen) CHECK(request.header("Authorization") == "Bearer " + key);

  // Without the variables the model is an error naming them.
  auto missing = run_cli({"models", "test", "--config", config, "--models", "gpt-4o-mini"}, dir);
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("OPENAI_API_KEY") != std::string::npos);
}
