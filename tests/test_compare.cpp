// `llmbench compare` and the CI gates (report/compare.cpp, run/gates.cpp), end to end: real
// runs of the embedded simulator over loopback, compared and gated by the real binary.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/metrics/paired.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

// One model, "cand", answering MMLU right with the given share (the simulator's sim_accuracy):
// two runs of it are the same model before and after a change.
std::vector<std::string> run_args(const std::string& dir, const std::string& run_id, double accuracy,
                                  const std::string& url = "sim://") {
  const std::string config = test::write_text_file(
      dir, run_id + ".yaml",
      "providers:\n  sim:\n    base_url: " + url + "\nmodels:\n  - id: cand\n    provider: sim\n    sim_accuracy: " +
          std::to_string(accuracy) + "\n");
  const std::string env = test::write_text_file(dir, "empty.env", "");
  return {"run", "--config", config, "--env-file", env, "--tasks", "mmlu", "--limit", "60", "--generation-models",
          "cand", "--output-dir", dir + "/out", "--run-id", run_id, "--no-cache", "--progress", "none"};
}

// Two runs in dir/out: "weak" (30% right) and "strong" (95% right).
void two_runs(const std::string& dir) {
  REQUIRE(test::run_cli(run_args(dir, "weak", 0.3)).exit_code == 0);
  REQUIRE(test::run_cli(run_args(dir, "strong", 0.95)).exit_code == 0);
}

}  // namespace

TEST_CASE("compare: two runs of one model give the paired delta, the discordant counts and McNemar's exact p",
          "[compare]") {
  const std::string dir = test::temp_dir("compare");
  two_runs(dir);
  const auto r = test::run_cli({"compare", "weak", "strong", "--output-dir", dir + "/out", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json c = json::parse(r.out);
  CHECK(c["run_a"]["id"] == "weak");
  REQUIRE(c["rows"].size() == 1);
  const json& row = c["rows"][0];
  CHECK(row["generation_model"] == "cand");
  CHECK(row["task"] == "mmlu");
  CHECK(row["scale"] == "binary");
  CHECK(row["n_common"] == 60);
  const auto b = row["b"].get<std::int64_t>(), cc = row["c"].get<std::int64_t>();
  CHECK(row["flipped"]["worse"].size() == static_cast<std::size_t>(b));
  CHECK(row["flipped"]["better"].size() == static_cast<std::size_t>(cc));
  CHECK(row["delta"].get<double>() == Approx(static_cast<double>(cc - b) / 60));
  CHECK(row["delta"].get<double>() == Approx(row["accuracy_b"].get<double>() - row["accuracy_a"].get<double>()));
  CHECK(row["delta"].get<double>() > 0.3);
  CHECK(row["ci95"]["low"].get<double>() < row["delta"].get<double>());
  CHECK(row["mcnemar_p"].get<double>() == metrics::mcnemar_exact_p(b, cc));
  CHECK(row["mcnemar_p"].get<double>() < 0.001);
  CHECK(row["clustered_se"].is_number());  // MMLU items are clustered by subject
  CHECK(row["n_clusters"].get<int>() > 1);

  const auto table = test::run_cli({"compare", "weak", "strong", "--output-dir", dir + "/out"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("delta (B-A)") != std::string::npos);
  CHECK(table.out.find("cand") != std::string::npos);
  const std::string page = dir + "/compare.html";
  const auto html = test::run_cli({"compare", "weak", "strong", "--output-dir", dir + "/out", "--html", page});
  CHECK(html.exit_code == 0);
  std::ifstream in(page);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("<td>cand</td><td>mmlu</td><td>accuracy</td><td>60</td>") != std::string::npos);
  CHECK(text.find(fmt::format("{} flipped to wrong, {} to right", b, cc)) != std::string::npos);
  if (cc > 0) CHECK(text.find("<code>" + row["flipped"]["better"][0].get<std::string>() + "</code>") != std::string::npos);
  const auto md = test::run_cli({"compare", dir + "/out:weak", dir + "/out", "--format", "markdown"});
  CHECK(md.exit_code == 0);
  CHECK(md.out.find("B: `strong`") != std::string::npos);  // a directory names its latest sweep
  CHECK(md.out.find("| cand | mmlu | accuracy |") != std::string::npos);
}

TEST_CASE("compare: a regression gate fails (exit 4) naming the rule, the value and the runs; an improvement passes",
          "[compare][gates]") {
  const std::string dir = test::temp_dir("compare");
  two_runs(dir);
  const std::string out = dir + "/out";
  const auto worse = test::run_cli({"compare", "strong", "weak", "--output-dir", out, "--fail-if", "regression p < 0.05"});
  CHECK(worse.exit_code == 4);
  CHECK(worse.err.find("gate failed: \"regression p < 0.05\"") != std::string::npos);
  CHECK(worse.err.find("compare strong -> weak") != std::string::npos);
  CHECK(worse.err.find("cand mmlu accuracy") != std::string::npos);
  const auto better = test::run_cli({"compare", "weak", "strong", "--output-dir", out, "--fail-if", "regression p < 0.05"});
  CHECK(better.exit_code == 0);
  const auto field = test::run_cli({"compare", "weak", "strong", "--output-dir", out, "--fail-if", "delta > 0.1"});
  CHECK(field.exit_code == 4);
}

TEST_CASE("compare: a bad rule or an unknown run exits 2 naming it, the grammar and the valid keys", "[compare][gates]") {
  const std::string dir = test::temp_dir("compare");
  const auto bad = test::run_cli({"compare", "a", "b", "--output-dir", dir, "--fail-if", "regresion p < 0.05"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--fail-if \"regresion p < 0.05\": unknown key \"regresion p\"") != std::string::npos);
  CHECK(bad.err.find("regression p <op> <number>") != std::string::npos);
  CHECK(bad.err.find("mcnemar") == std::string::npos);
  CHECK(bad.err.find("delta, b, c, p") != std::string::npos);
  const auto syntax = test::run_cli({"compare", "a", "b", "--output-dir", dir, "--fail-if", "delta < lots"});
  CHECK(syntax.exit_code == 2);
  CHECK(syntax.err.find("\"lots\" is not a number") != std::string::npos);
  const auto missing = test::run_cli({"compare", "a", "b", "--output-dir", dir});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("benchmark_runs.json: no report here") != std::string::npos);
}

TEST_CASE("gates: run --fail-if fails (exit 4) per model run below the bar, and a bad key exits 2 before any request",
          "[compare][gates]") {
  const std::string dir = test::temp_dir("gates");
  auto args = run_args(dir, "gated", 0.3);
  args.insert(args.end(), {"--fail-if", "mmlu.accuracy < 0.70", "--fail-if", "mmlu.n_errors > 5"});
  const auto r = test::run_cli(args);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("gate failed: \"mmlu.accuracy < 0.70\": value 0.") != std::string::npos);
  CHECK(r.err.find("(run gated, cand)") != std::string::npos);
  CHECK(r.err.find("mmlu.n_errors") == std::string::npos);  // that gate passed

  auto ok = run_args(dir, "passes", 0.95);
  ok.insert(ok.end(), {"--fail-if", "standard.mmlu.accuracy < 0.5", "--max-error-rate", "0"});
  CHECK(test::run_cli(ok).exit_code == 0);

  auto typo = run_args(dir, "typo", 0.3);
  typo.insert(typo.end(), {"--fail-if", "mmlu.acuracy < 0.7"});
  const auto t = test::run_cli(typo);
  CHECK(t.exit_code == 2);
  CHECK(t.err.find("--fail-if \"mmlu.acuracy < 0.7\": unknown metric \"acuracy\" of task mmlu") != std::string::npos);
  CHECK(t.err.find("n_errors") != std::string::npos);  // the valid keys are listed
  CHECK_FALSE(std::ifstream(dir + "/out/runs/typo/items.jsonl").good());
}

TEST_CASE("gates: --max-error-rate fails a run whose share of failed items is above it, and tolerates one below",
          "[compare][gates]") {
  const std::string dir = test::temp_dir("gates");
  auto flaky = run_args(dir, "flaky", 0.9, "sim://?server_error=0.5");
  flaky.insert(flaky.end(), {"--retries", "0", "--max-error-rate", "0.05"});
  const auto r = test::run_cli(flaky);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("gate failed: \"--max-error-rate 0.05\"") != std::string::npos);
  CHECK(r.err.find("items failed") != std::string::npos);
  auto tolerant = run_args(dir, "tolerant", 0.9, "sim://?server_error=0.5");
  tolerant.insert(tolerant.end(), {"--retries", "0", "--max-error-rate", "0.95"});
  CHECK(test::run_cli(tolerant).exit_code == 0);
}
