// What the report and the other readers of benchmark_runs.json make of perf records (kind "perf"):
// the page's Perf tab data, the perf tables and their export, the request log's histograms, and
// the readers that must pass perf records by (comparable groups, items, --resume, arena vote,
// baselines). The records are written in the agreed format by tests/support/perf_fixture.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/histogram.hpp"
#include "llmbench/report/export.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/perf_distributions.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/report/tables.hpp"
#include "llmbench/run/baselines.hpp"
#include "support/cli.hpp"
#include "support/perf_fixture.hpp"
#include "support/report_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;
using namespace llmbench::report;

namespace {

// A report of the sweep fixture (no arena) followed by the two perf records, with their logs.
fs::path perf_report_dir() {
  const fs::path dir = test::temp_dir("llmbench-perf-report");
  test::write_report_fixture(dir, {60, test::WithArena::no});
  test::add_perf_fixture(dir);
  return dir;
}

json runs_of(const fs::path& dir) { return read_runs(dir / "benchmark_runs.json"); }

std::size_t index_of(const json& runs, const std::string& id) {
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i]["id"] == id) return i;
  }
  FAIL("no run " << id);
  return 0;
}

const json& distributions_of(const json& perf, std::size_t run) {
  for (const json& d : perf) {
    if (d["run"] == run) return d;
  }
  FAIL("no distributions for run " << run);
  return perf;
}

const Table& table_named(const ReportTables& tables, const std::string& id) {
  for (const Table& t : tables.tables) {
    if (t.id == id) return t;
  }
  FAIL("no table " << id);
  return tables.tables.front();
}

std::size_t column_of(const Table& table, const std::string& key) {
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].key == key) return c;
  }
  FAIL("no column " << key << " in " << table.id);
  return 0;
}

std::uint64_t total(const json& histogram) {
  std::uint64_t n = 0;
  for (const json& c : histogram["counts"]) n += c.get<std::uint64_t>();
  return n;
}

// Every numeric leaf under `value`, as a dotted path.
void numeric_paths(const json& value, const std::string& prefix, std::vector<std::string>& out) {
  if (value.is_number()) out.push_back(prefix);
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) numeric_paths(child, prefix.empty() ? key : prefix + "." + key, out);
}

}  // namespace

TEST_CASE("report perf: every figure of a perf level is declared in the catalogue's perf scope", "[perf_report]") {
  const metrics::Scope* scope = metrics::find_scope("perf");
  REQUIRE(scope != nullptr);
  for (const auto mode : {test::PerfMode::closed, test::PerfMode::open}) {
    const json record = test::perf_record("r", "m", mode);
    for (const json& level : record["perf"]["levels"]) {
      std::vector<std::string> paths;
      numeric_paths(level, "", paths);
      for (const auto& path : paths) {
        INFO(path);
        CHECK(metrics::metric_named(*scope, path) != nullptr);
      }
    }
  }
}

TEST_CASE("report perf: a log-scale histogram bins values by decade fractions and counts zeros apart",
          "[perf_report]") {
  metrics::LogHistogram h;
  for (double v : {100.0, 105.0, 112.3, 1000.0, 0.0, -1.0, std::nan("")}) h.add(v);
  const json j = metrics::to_json(h);
  CHECK(j["per_decade"] == 20);
  CHECK(j["first"] == 40);  // [100, 112.2)
  CHECK(j["counts"].size() == 21);  // bins 40 .. 60
  CHECK(j["counts"][0] == 2);
  CHECK(j["counts"][1] == 1);  // 112.3 is past 10^(41/20) = 112.2
  CHECK(j["counts"][20] == 1);
  CHECK(j["n"] == 6);          // NaN is not counted
  CHECK(j["zero"] == 2);
  CHECK(metrics::to_json(metrics::LogHistogram())["first"].is_null());
}

TEST_CASE("report perf: TTFT and ITL histograms come from the request log, without warm-up or failed requests",
          "[perf_report]") {
  const fs::path dir = perf_report_dir();
  const json runs = runs_of(dir);
  const json perf = collect_perf(runs, dir);
  REQUIRE(perf.size() == 2);  // the perf records only
  const json& closed = distributions_of(perf, index_of(runs, test::kPerfClosedId));
  CHECK_FALSE(closed.contains("note"));
  REQUIRE(closed["levels"].size() == 3);
  for (const json& level : closed["levels"]) {
    // 30 ok requests of TTFT 100..190 ms: bins 40 (100 ms) to 45 (178-199 ms); the warm-up's
    // 90,000 ms and the timeout are left out.
    CHECK(level["ttft"]["n"] == 30);
    CHECK(total(level["ttft"]) == 30);
    CHECK(level["ttft"]["first"] == 40);
    CHECK(level["ttft"]["counts"].size() == 6);
    CHECK(level["itl"]["n"] == 120);  // 4 gaps each
    CHECK(level["itl"]["first"] == 26);  // 20 ms: 10^(26/20) = 19.95
  }
  // Open loop: TTFT from the scheduled send, 5 ms of queue included (195 ms is still in bin 45).
  const json& open = distributions_of(perf, index_of(runs, test::kPerfOpenId));
  CHECK(open["levels"][0]["ttft"]["n"] == 30);
  CHECK(open["log"] == std::string("runs/") + test::kPerfOpenId + "/requests.jsonl");
}

TEST_CASE("report perf: what the page embeds of a request log does not grow with the number of requests",
          "[perf_report]") {
  const fs::path dir = test::temp_dir("llmbench-perf-report");
  const json record = test::perf_record("p", "m", test::PerfMode::closed);
  const json runs = json::array({record});
  test::write_perf_log(dir, record, 30);
  const std::string small = collect_perf(runs, dir).dump();
  test::write_perf_log(dir, record, 30000);
  const json large = collect_perf(runs, dir);
  CHECK(large[0]["levels"][0]["ttft"]["n"] == 30000);
  CHECK(fs::file_size(dir / "runs/p/requests.jsonl") > 100 * small.size());
  CHECK(large.dump().size() < small.size() + 200);  // the same bins, larger counts
}

TEST_CASE("report perf: a missing request log gives a note in the Perf tab, not a broken page", "[perf_report]") {
  const fs::path dir = perf_report_dir();
  fs::remove(dir / "runs" / test::kPerfOpenId / "requests.jsonl");
  const json runs = runs_of(dir);
  const json perf = collect_perf(runs, dir);
  const json& open = distributions_of(perf, index_of(runs, test::kPerfOpenId));
  CHECK(open["levels"].empty());
  CHECK_THAT(open["note"].get<std::string>(), Catch::Contains("is missing: no TTFT or ITL distributions"));
  const std::string page = render_html(runs, collect_items(runs, dir), perf);
  CHECK(page.find("is missing: no TTFT or ITL distributions") != std::string::npos);
  CHECK(page.find("llmbenchPerfTab") != std::string::npos);
}

TEST_CASE("report perf: damaged request log lines are left out and named in the note", "[perf_report]") {
  const fs::path dir = perf_report_dir();
  const fs::path log = dir / "runs" / test::kPerfClosedId / "requests.jsonl";
  std::string text;
  {
    std::ifstream in(log);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(log, std::ios::trunc) << "{not json\n{\"level\": 7, \"ttft_ms\": 1}\n" << text;
  const json runs = runs_of(dir);
  const json perf = collect_perf(runs, dir);
  const json& closed = distributions_of(perf, index_of(runs, test::kPerfClosedId));
  CHECK_THAT(closed["note"].get<std::string>(), Catch::Contains("1 damaged line left out (1)"));
  CHECK_THAT(closed["note"].get<std::string>(), Catch::Contains("1 line naming no level of the run left out"));
  CHECK(closed["levels"][0]["ttft"]["n"] == 30);  // the rest is drawn
}

TEST_CASE("report perf: a hostile model id and error kind stay inside the page's data block, escaped",
          "[perf_report]") {
  const fs::path dir = perf_report_dir();
  const json runs = runs_of(dir);
  const std::string page = render_html(runs, collect_items(runs, dir), collect_perf(runs, dir));
  CHECK(page.find("<img src=x onerror") == std::string::npos);
  CHECK(page.find("<script>window.__xss=10") == std::string::npos);
  CHECK(page.find("\\u003cimg src=x onerror=\\\"window.__xss=9\\\"\\u003e-7b") != std::string::npos);
  CHECK(page.find("\\u003cscript\\u003ewindow.__xss=10") != std::string::npos);
  // The title names the latest run, escaped too: the open-loop record here.
  CHECK(page.find(std::string("<title>llmbench report — ") + test::kPerfOpenId + "</title>") != std::string::npos);
}

TEST_CASE("report perf: each perf record is a table of its levels, a figure without a sample a missing cell",
          "[perf_report]") {
  const json runs = runs_of(perf_report_dir());
  const ReportTables tables = build_tables(runs);
  const Table& closed = table_named(tables, "perf-1");
  CHECK(closed.section == "perf");
  CHECK(closed.group == -1);
  REQUIRE(closed.rows.size() == 3);
  const std::size_t tpot = column_of(closed, "tpot_ms.p50");
  CHECK(closed.rows[0][tpot].missing());  // null in the record: never 0
  CHECK(*closed.rows[1][tpot].number == Approx(24.5));
  CHECK(closed.columns[tpot].label == "TPOT p50 ms");  // the catalogue's label
  CHECK(closed.rows[2][column_of(closed, "level_status")].text == "cut short");
  CHECK(closed.rows[2][column_of(closed, "level")].text == "concurrency 64");
  CHECK(*closed.rows[2][column_of(closed, std::string("errors_by_kind.") + test::kHostileErrorKind)].number == 1);
  for (const auto& c : closed.columns) CHECK(c.key.rfind("ttfo_ms", 0) != 0);  // null at every level: no column
  for (const auto& c : closed.columns) CHECK(c.key.rfind("queue_ms", 0) != 0);  // closed loop: no queue

  for (const auto& c : closed.columns) CHECK(c.key != "verdict");  // no --find-max-rate: no verdict column

  const Table& open = table_named(tables, "perf-2");
  CHECK(open.rows[2][column_of(open, "level_status")].text == "stopped early: saturated");
  CHECK(open.columns[column_of(open, "verdict")].label == "SLO verdict");
  CHECK(open.rows[0][column_of(open, "verdict")].text == "pass");
  CHECK(open.rows[1][column_of(open, "verdict")].text == "undecided");
  CHECK(open.rows[2][column_of(open, "verdict")].text == "fail");
  CHECK(open.rows[0][column_of(open, "level")].text == "rate 2 req/s");
  const Cell& attainment = open.rows[0][column_of(open, "slo_attainment.rate")];
  REQUIRE(attainment.ci95);
  CHECK(attainment.ci95->low == Approx(0.89));
  CHECK(*open.rows[1][column_of(open, "queue_ms.p95")].number == Approx(47.5));
  CHECK(tables_to_json(tables)["tables"].back()["rows"][0].size() == open.columns.size());
}

TEST_CASE("report perf: csv and markdown export each perf level as its own rows, named from the catalogue",
          "[perf_report]") {
  const ReportTables tables = build_tables(runs_of(perf_report_dir()));
  const std::string csv = render_csv(tables);
  CHECK(csv.find(std::string(",perf-2,sim-large,,,rate 5 req/s,,ttft_ms.p95,608,,,") + test::kPerfOpenId + "\r\n") !=
        std::string::npos);
  CHECK(csv.find(",perf-2,sim-large,,,rate 2 req/s,,slo_attainment.rate,0.97,0.89,1,") != std::string::npos);
  CHECK(csv.find(",perf-1,\"<img src=x onerror=\"\"window.__xss=9\"\">-7b\",,,concurrency 1,,tpot_ms") ==
        std::string::npos);  // null: no line
  const std::string md = render_markdown(tables);
  CHECK(md.find("## Perf: per load level: sim-large (open loop)") != std::string::npos);
  CHECK(md.find("| TTFT p50 ms |") != std::string::npos);
  CHECK(md.find("&lt;img src=x onerror=\"window.__xss=9\"&gt;-7b | concurrency 64 | ") != std::string::npos);
  CHECK(md.find("| cut short |") != std::string::npos);
  CHECK(md.find("<img") == std::string::npos);
}

TEST_CASE("report perf: perf records join no comparable group and leave the sweeps' tables and items as they were",
          "[perf_report]") {
  const fs::path with = perf_report_dir();
  const fs::path without = test::temp_dir("llmbench-perf-report");
  test::write_report_fixture(without, {60, test::WithArena::no});
  const json runs = runs_of(with);
  for (const auto& group : group_runs(runs)) {
    for (const auto& id : group.run_ids) CHECK(runs[index_of(runs, id)].value("kind", "") != "perf");
  }
  json sweep_tables = tables_to_json(build_tables(runs));
  auto& list = sweep_tables["tables"];
  list.erase(std::remove_if(list.begin(), list.end(), [](const json& t) { return t["section"] == "perf"; }), list.end());
  CHECK(sweep_tables == tables_to_json(build_tables(runs_of(without))));
  // The perf records' request logs are not read as item logs.
  const json items = collect_items(runs, with);
  CHECK(items.size() == collect_items(runs_of(without), without).size());
  for (const json& item : items) CHECK(runs[item["run"].get<std::size_t>()].value("kind", "") != "perf");
}

TEST_CASE("report perf: the terminal summary of a perf record is a row per level, not \"No results\"",
          "[perf_report]") {
  const std::string text = render_summary(test::perf_record("p1", "sim-large", test::PerfMode::open));
  CHECK(text.rfind("Run p1 (completed): perf, sim-large (open loop)\n", 0) == 0);
  CHECK(text.find("No results") == std::string::npos);
  CHECK(text.find("TTFT p50 ms") != std::string::npos);
  CHECK(text.find("SLO attainment") != std::string::npos);
  CHECK(text.find("rate 10 req/s  stopped early: saturated  fail") != std::string::npos);
  CHECK(text.find("SLO verdict") != std::string::npos);  // --find-max-rate's verdict per level
  const std::string closed = render_summary(test::perf_record("p2", "m", test::PerfMode::closed));
  CHECK(closed.find("concurrency 64  cut short") != std::string::npos);
  CHECK(closed.find("SLO attainment") == std::string::npos);  // no SLOs given: no column
  CHECK(closed.find("SLO verdict") == std::string::npos);
}

TEST_CASE("report perf: run --resume of a perf record's id exits 2, saying it is not a sweep", "[perf_report]") {
  const fs::path dir = perf_report_dir();
  const auto result = test::run_cli({"run", "--resume", test::kPerfClosedId, "--output-dir", dir.string()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("is a perf record") && Catch::Contains("not a sweep"));
  // An arena record's id likewise: `arena run` wrote it, not a sweep.
  upsert_run(dir / "benchmark_runs.json", {{"id", "arena-1"}, {"schema_version", 1}, {"kind", "arena"}, {"arena", json::object()}});
  const auto arena = test::run_cli({"run", "--resume", "arena-1", "--output-dir", dir.string()});
  CHECK(arena.exit_code == 2);
  CHECK_THAT(arena.err, Catch::Contains("is an arena record"));
}

TEST_CASE("report perf: arena vote passes perf records by", "[perf_report]") {
  const fs::path dir = test::temp_dir("llmbench-perf-report");
  test::add_perf_fixture(dir);
  const auto result = test::run_cli({"arena", "vote", "--output-dir", dir.string()}, test::StdinText{"q\n"});
  INFO(result.out << result.err);
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains("no finished arena run here"));
}

TEST_CASE("report perf: a baseline on a perf metric is refused: perf records have no model runs", "[perf_report]") {
  const std::string file = test::write_text_file(test::temp_dir("llmbench-perf-baselines"), "baselines.yaml",
                                                 "baselines:\n  perf.ttft_ms.p95: 500\n");
  CHECK_THROWS_AS(run::load_baselines(file), InputError);
  CHECK_THROWS_WITH(run::load_baselines(file), Catch::Contains("unknown tier \"perf\""));
}
