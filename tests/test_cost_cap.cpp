// --max-cost: the spend gate's arithmetic on hand-made requests, the models it refuses up front,
// and whole runs against a priced embedded simulator over loopback: the cap stops the run early
// (interrupted, resumable), the spend never passes it, and --resume finishes the run.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/cost_cap.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

config::ResolvedModel priced_model(const std::string& id, std::optional<config::Price> price, json params) {
  config::ResolvedModel m;
  m.id = id;
  m.endpoint.provider = "p";
  m.api_model = id;
  m.price = price;
  m.params = std::move(params);
  m.defined_at = "models.yaml:7";
  return m;
}

http::ApiRequest chat(const std::string& model, std::size_t prompt_bytes, int max_tokens) {
  http::ApiRequest r;
  r.endpoint.provider = "p";
  r.model = model;
  r.messages = {{"user", std::string(prompt_bytes, 'x')}};
  r.params = {{"max_tokens", max_tokens}};
  return r;
}

http::RequestRecord answered(std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  http::RequestRecord record;
  record.outcome = http::Outcome::ok;
  record.usage.prompt_tokens = prompt_tokens;
  record.usage.completion_tokens = completion_tokens;
  return record;
}

}  // namespace

TEST_CASE("cost cap: a request's estimate is its prompt bytes / 4 and its max_tokens at the model's price",
          "[cost_cap]") {
  auto m = priced_model("m", config::Price{2.0, 10.0}, {{"max_tokens", 100}});
  run::CostCap cap(1.0, {&m});
  // 4,000 bytes = 1,000 input tokens at $2/M, 100 output tokens at $10/M.
  CHECK(cap.estimate_usd(chat("m", 4000, 100)) == Approx(0.002 + 0.001));
}

TEST_CASE("cost cap: a request is admitted only while spent + in flight + its estimate stay within the cap",
          "[cost_cap]") {
  auto m = priced_model("m", config::Price{1.0, 1.0}, {{"max_tokens", 10}});
  run::CostCap cap(0.010, {&m});
  CHECK(cap.admit(0.004));
  CHECK(cap.admit(0.004));
  CHECK(cap.in_flight_usd() == Approx(0.008));
  CHECK_FALSE(cap.admit(0.004));  // 0.008 + 0.004 > 0.010
  CHECK(cap.stopped());
  CHECK(cap.refused_usd() == Approx(0.004));
  // Once stopped, nothing more is admitted, however cheap.
  CHECK_FALSE(cap.admit(0.0));
  // Settled by usage: 1,000 prompt + 500 completion tokens at $1/M each.
  cap.settle(0.004, chat("m", 10, 10), answered(1000, 500));
  CHECK(cap.spent_usd() == Approx(0.0015));
  CHECK(cap.in_flight_usd() == Approx(0.004));
  const json j = cap.to_json();
  CHECK(j.at("max_usd") == 0.010);
  CHECK(j.at("stopped") == true);
  CHECK(j.at("next_request_usd").get<double>() == Approx(0.004));
}

TEST_CASE("cost cap: an answer without usage counts its estimate, a refused request counts nothing",
          "[cost_cap]") {
  auto m = priced_model("m", config::Price{1.0, 1.0}, {{"max_tokens", 10}});
  run::CostCap cap(1.0, {&m});
  REQUIRE(cap.admit(0.25));
  REQUIRE(cap.admit(0.5));
  http::RequestRecord no_usage;
  no_usage.outcome = http::Outcome::ok;
  cap.settle(0.25, chat("m", 10, 10), no_usage);
  http::RequestRecord refused;
  refused.outcome = http::Outcome::http_status;
  cap.settle(0.5, chat("m", 10, 10), refused);
  CHECK(cap.spent_usd() == Approx(0.25));
  CHECK(cap.in_flight_usd() == Approx(0.0));
}

TEST_CASE("cost cap: a model without a price, or a chat model without max_tokens, is refused up front, named",
          "[cost_cap]") {
  auto priced = priced_model("priced", config::Price{1, 1}, {{"max_tokens", 10}});
  auto free = priced_model("unpriced", std::nullopt, {{"max_tokens", 10}});
  auto unbounded = priced_model("unbounded", config::Price{1, 1}, json::object());
  CHECK_NOTHROW(run::check_cost_cap_models({&priced}));
  try {
    run::check_cost_cap_models({&priced, &free, &unbounded});
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(what.find("unpriced (models.yaml:7) has no price") != std::string::npos);
    CHECK(what.find("unbounded (models.yaml:7) sets no max_tokens") != std::string::npos);
    CHECK(what.find("\n  priced (") == std::string::npos);  // the bounded model is not named
  }
}

namespace {

// A run of MMLU on one priced model of the embedded simulator: about $0.01 a request.
std::vector<std::string> priced_run(const std::string& dir, const std::string& price_line, int limit) {
  const std::string config = test::write_text_file(
      dir, "models.yaml",
      "providers:\n  sim:\n    base_url: sim://?latency_ms=5\nmodels:\n  - id: sim-a\n    provider: sim\n"
      "    sim_accuracy: 0.6\n    params: {max_tokens: 16}\n" + price_line);
  const std::string env = test::write_text_file(dir, "empty.env", "");
  return {"run", "--config", config, "--env-file", env, "--tasks", "mmlu", "--limit", std::to_string(limit),
          "--generation-models", "sim-a", "--output-dir", dir + "/out", "--progress", "none", "--concurrency", "4"};
}

// What the item log's answers cost by their usage, at $100/M input and $200/M output.
double journal_spend(const std::string& out, const json& run) {
  double usd = 0;
  for (const json& r : records::read_journal(fs::path(out) / run.at("item_log").get<std::string>()).records) {
    const json usage = r.value("usage", json());
    if (r.value("cached", false) || !usage.is_object()) continue;
    usd += usage.value("prompt_tokens", 0.0) * 100 / 1e6 + usage.value("completion_tokens", 0.0) * 200 / 1e6;
  }
  return usd;
}

}  // namespace

TEST_CASE("cost cap: --max-cost stops a run early as interrupted, within the cap, and --resume finishes it",
          "[cost_cap][sweep]") {
  const std::string dir = test::temp_dir();
  const std::string price = "    price: {input_per_mtok: 100, output_per_mtok: 200}\n";
  constexpr int kItems = 40;
  auto args = priced_run(dir, price, kItems);
  args.insert(args.end(), {"--run-id", "capped", "--max-cost", "0.15"});
  const auto capped = test::run_cli(args);
  INFO(capped.out << capped.err);
  CHECK(capped.exit_code == static_cast<int>(ExitCode::interrupted));
  CHECK(capped.out.find("cost cap: $0.1500") != std::string::npos);  // the plan
  CHECK(capped.out.find("stopped by --max-cost: spent $") != std::string::npos);  // the summary
  CHECK(capped.out.find("llmbench run --resume capped") != std::string::npos);

  const json runs = report::read_runs(fs::path(dir) / "out" / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  const json& run = runs[0];
  CHECK(run.at("status") == "interrupted");
  CHECK(run.at("stop_reason") == "max_cost");
  CHECK(run.at("cost_cap").at("max_usd") == 0.15);
  CHECK(run.at("cost_cap").at("stopped") == true);
  const double spent = run.at("cost_cap").at("spent_usd");
  CHECK(spent > 0);
  CHECK(spent <= 0.15);
  // The answers the item log holds cost what the gate counted, and no more than the cap.
  CHECK(journal_spend(dir + "/out", run) == Approx(spent));
  const auto items = records::read_journal(fs::path(dir) / "out" / run.at("item_log").get<std::string>()).records;
  CHECK(items.size() > 0);
  CHECK(items.size() < kItems);

  // Resumed without a cap, the run completes; the record no longer says it was stopped.
  const std::vector<std::string> resume = {"run", "--resume", "capped", "--env-file", dir + "/empty.env", "--output-dir", dir + "/out",
            "--progress", "none"};
  const auto finished = test::run_cli(resume);
  INFO(finished.out << finished.err);
  CHECK(finished.exit_code == 0);
  const json after = report::read_runs(fs::path(dir) / "out" / report::kReportFileName).at(0);
  CHECK(after.at("status") == "completed");
  CHECK_FALSE(after.contains("stop_reason"));
  CHECK(after.at("model_runs").at(0).at("metrics").at("standard").at("mmlu").at("n") == kItems);
}

TEST_CASE("cost cap: --max-cost with a model that has no price exits 2 naming it, before any request",
          "[cost_cap][sweep]") {
  const std::string dir = test::temp_dir();
  auto args = priced_run(dir, "", 5);
  args.insert(args.end(), {"--max-cost", "1"});
  const auto result = test::run_cli(args);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("sim-a (") != std::string::npos);
  CHECK(result.err.find("has no price") != std::string::npos);
  CHECK_FALSE(fs::exists(fs::path(dir) / "out" / report::kReportFileName));
}
