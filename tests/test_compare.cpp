// `llmbench compare` and the CI gates (report/compare.cpp, run/gates.cpp), end to end: real
// runs of the embedded simulator over loopback, compared and gated by the real binary.
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/metrics/paired.hpp"
#include "llmbench/report/compare.hpp"
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

TEST_CASE("compare: a regression gate fails (exit 4) naming the rule, the value and the runs, an improvement passes",
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

namespace {

// A RAG tier_2 answer record and its faithfulness judge record, as the tier writes them (the
// fields compare reads).
void write_rag_item(std::ofstream& log, const std::string& id, const std::string& document, const std::string& answer,
                    const std::string& reference, int faithfulness) {
  const json item = {{"tier", "tier_2"},         {"task", "rag"},      {"item_id", id},
                     {"document", document},     {"reference", reference}, {"generation_model", "m"},
                     {"judge_model", nullptr},   {"error", nullptr},   {"error_kind", nullptr}};
  json answer_record = item;
  answer_record.update({{"key", "tier_2|" + id + "|r0"}, {"role", "generation"}, {"model", "m"}, {"repeat", 0},
                        {"response", answer}});
  json judge_record = item;
  judge_record.update({{"key", "tier_2|" + id + "|judge=j|faithfulness"}, {"role", "judge"}, {"model", "j"},
                       {"judge_model", "j"}, {"repeat", 0}, {"metric", "faithfulness"}, {"score", faithfulness}});
  log << answer_record.dump() << "\n" << judge_record.dump() << "\n";
}

report::NamedRun named_run(const std::string& dir, const std::string& id) {
  return {id, dir, {{"id", id}, {"item_log", id + ".jsonl"}}};
}

const json& row_of(const json& comparison, const std::string& measure) {
  for (const json& row : comparison.at("rows")) {
    if (row.at("measure") == measure) return row;
  }
  FAIL("no row " << measure << " in " << comparison.dump());
  return comparison;
}

}  // namespace

TEST_CASE("compare: RAG answers' ROUGE-L and judge scores get a seeded paired bootstrap and a CR0 SE by document",
          "[compare]") {
  const std::string dir = test::temp_dir("compare-rag");
  {
    // ROUGE-L F of each answer against its reference: 0 (no word shared), 1 (the same), 0.5
    // ("red car" against "red bus": LCS 1 of 2 words each way).
    std::ofstream a(dir + "/a.jsonl"), b(dir + "/b.jsonl");
    write_rag_item(a, "q1", "doc-1", "london", "paris", 2);  // A: 0    B: 1    d = 1
    write_rag_item(b, "q1", "doc-1", "paris", "paris", 4);
    write_rag_item(a, "q2", "doc-1", "berlin", "rome", 3);   // A: 0    B: 1    d = 1
    write_rag_item(b, "q2", "doc-1", "rome", "rome", 5);
    write_rag_item(a, "q3", "doc-2", "madrid", "madrid", 4);  // A: 1    B: 1    d = 0
    write_rag_item(b, "q3", "doc-2", "madrid", "madrid", 4);
    write_rag_item(a, "q4", "doc-2", "red car", "red bus", 4);  // A: 0.5  B: 0    d = -0.5
    write_rag_item(b, "q4", "doc-2", "blue bike", "red bus", 3);
  }
  report::CompareOptions options;
  options.bootstrap_rounds = 400;
  options.bootstrap_seed = 7;
  const json c = report::compare_runs(named_run(dir, "a"), named_run(dir, "b"), options);
  REQUIRE(c.at("rows").size() == 2);

  const json& rouge = row_of(c, "rougeL_f");
  CHECK(rouge.at("tier") == "tier_2");
  CHECK(rouge.at("scale") == "score");
  CHECK(rouge.at("n_common") == 4);
  CHECK(rouge.at("score_a").get<double>() == Approx(0.375));
  CHECK(rouge.at("score_b").get<double>() == Approx(0.75));
  CHECK(rouge.at("delta").get<double>() == Approx(0.375));
  // d = {1, 1, 0, -0.5}, mean 0.375; residuals 0.625, 0.625 | -0.375, -0.875; document sums
  // 1.25 and -1.25: CR0 se = sqrt(1.25^2 + 1.25^2) / 4. Unclustered it would be
  // sqrt(0.625^2 * 2 + 0.375^2 + 0.875^2) / 4 = sqrt(1.6875) / 4, narrower: the documents move together.
  CHECK(rouge.at("clustered_se").get<double>() == Approx(std::sqrt(3.125) / 4));
  CHECK(rouge.at("clustered_se").get<double>() > std::sqrt(1.6875) / 4);
  CHECK(rouge.at("n_clusters") == 2);
  // The bootstrap is the seeded paired bootstrap of the per-item scores, and reproducible.
  const std::vector<double> sa = {0, 0, 1, 0.5}, sb = {1, 1, 1, 0};
  const auto boot = metrics::paired_bootstrap(sa, sb, {.rounds = 400, .seed = 7});
  REQUIRE(boot);
  CHECK(rouge.at("ci_method") == "bootstrap");
  CHECK(rouge.at("ci95").at("low").get<double>() == boot->ci95.low);
  CHECK(rouge.at("ci95").at("high").get<double>() == boot->ci95.high);
  CHECK(rouge.at("p").get<double>() == boot->p);
  CHECK(rouge.at("mcnemar_p").is_null());
  CHECK(report::compare_runs(named_run(dir, "a"), named_run(dir, "b"), options).dump() == c.dump());

  // The judge's 1-5 scores: d = {2, 2, 0, -1}, twice the ROUGE differences, so twice the SE.
  const json& judged = row_of(c, "faithfulness");
  CHECK(judged.at("judge_model") == "j");
  CHECK(judged.at("delta").get<double>() == Approx(0.75));
  CHECK(judged.at("clustered_se").get<double>() == Approx(2 * std::sqrt(3.125) / 4));
  CHECK(judged.at("ci_method") == "bootstrap");
  CHECK(judged.at("p").get<double>() > 0);
}

TEST_CASE("compare: two RAG runs of the simulator compare ROUGE-L by document, the same twice with one seed",
          "[compare]") {
  const std::string dir = test::temp_dir("compare-rag-runs");
  auto rag_run = [&](const std::string& run_id, double accuracy) {
    const std::string config = test::write_text_file(
        dir, run_id + ".yaml",
        "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - {id: cand, provider: sim, sim_accuracy: " +
            std::to_string(accuracy) + "}\n  - {id: judge, provider: sim}\n");
    const auto r = test::run_cli({"run", "--config", config, "--env-file", test::write_text_file(dir, "empty.env", ""),
                                  "--tier", "2", "--limit", "12", "--generation-models", "cand", "--judge-models",
                                  "judge", "--output-dir", dir + "/out", "--run-id", run_id, "--no-cache",
                                  "--progress", "none"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  };
  rag_run("before", 0.3);
  rag_run("after", 0.9);
  CHECK(test::slurp(dir + "/out/runs/before/items.jsonl").find("\"document\":\"https://xquad.example/") !=
        std::string::npos);
  const std::vector<std::string> args = {"compare", "before", "after", "--output-dir", dir + "/out", "--format",
                                         "json", "--bootstrap-seed", "11"};
  const auto r = test::run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json c = json::parse(r.out);
  const json& rouge = row_of(c, "rougeL_f");
  CHECK(rouge.at("n_common") == 12);
  CHECK(rouge.at("ci_method") == "bootstrap");
  CHECK(rouge.at("clustered_se").is_number());
  CHECK(rouge.at("n_clusters").get<int>() >= 1);
  CHECK(test::run_cli(args).out == r.out);  // seeded: the same interval and p again
}
