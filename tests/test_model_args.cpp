// -M key=value / --model-args on run and arena run (run/model_args.hpp).
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/model_args.hpp"
#include "support/cli.hpp"
#include "support/ok_server.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using nlohmann::json;

namespace {

std::string config_for(const std::string& dir, const std::string& url) {
  const std::string path = dir + "/models.yaml";
  std::ofstream(path) << "providers:\n  local:\n    base_url: " << url
                      << "\nmodels:\n  - id: m1\n    provider: local\n"
                         "    params: {temperature: 0.9, max_completion_tokens: 64}\n"
                         "  - id: m2\n    provider: local\n";
  return path;
}

}  // namespace

TEST_CASE("model args: values are typed, lists keep their commas, wire-format keys are refused", "[cli][model_args]") {
  using llmbench::run::parse_model_args;
  const json args = parse_model_args({"temperature=0.2,max_tokens=256", R"(stop=["a","b"])", "flag=true",
                                      "name=plain text", R"(obj={"k": 1})"});
  CHECK(args == json{{"temperature", 0.2}, {"max_tokens", 256}, {"stop", {"a", "b"}}, {"flag", true},
                     {"name", "plain text"}, {"obj", {{"k", 1}}}});
  for (const char* bad : {"model=x", "messages=[]", "stream=true", "novalue", "=3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_model_args({bad}), llmbench::Error);
  }
}

TEST_CASE("model args: -M sets request parameters on every chat request and is recorded in the run's flags",
          "[cli][model_args]") {
  llmbench::test::OkServer server("42");
  const std::string dir = temp_dir();
  auto r = run_cli({"run", "--config", config_for(dir, server.url("m")), "--tasks", "gsm8k", "--limit", "1",
                    "--generation-models", "m1", "--progress", "none", "--output-dir", dir + "/out", "-M",
                    "temperature=0", "-M", R"(stop=["x","y"],seed=5)", "--model-args", "max_tokens=32"},
                   dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("request parameters from -M") != std::string::npos);
  const auto seen = server.requests();
  REQUIRE(!seen.empty());
  for (const auto& request : seen) {
    const json body = json::parse(request.body);
    CHECK(body.at("stop") == json({"x", "y"}));
    CHECK(body.at("seed") == 5);
    CHECK(body.contains("max_completion_tokens") == false);  // -M max_tokens replaces the configured limit
  }
  const json last = json::parse(seen.back().body);  // an item request (the check before sends its own limit)
  CHECK(last.at("temperature") == 0);
  CHECK(last.at("max_tokens") == 32);
  const json runs = llmbench::report::read_runs(dir + "/out/benchmark_runs.json");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].at("flags").at("model_args") ==
        json({{"temperature", 0}, {"stop", {"x", "y"}}, {"seed", 5}, {"max_tokens", 32}}));
}

TEST_CASE("model args: a key the wire format owns exits 2 naming it, on run and arena run", "[cli][model_args]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--dry-run", "-M", "model=gpt-4"},
        std::vector<std::string>{"arena", "run", "--dry-run", "--tasks", "gsm8k", "-M", "messages=[]"}}) {
    auto r = run_cli(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("-M/--model-args") != std::string::npos);
    CHECK(r.err.find("llmbench sets") != std::string::npos);
  }
}
