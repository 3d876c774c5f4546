#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/report/export.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/report/tables.hpp"
#include "support/cli.hpp"
#include "support/report_fixture.hpp"
#include "support/ux_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench::report;
using llmbench::test::slurp;

namespace {
fs::path fixture_dir() {
  static const fs::path dir = [] {
    fs::path d = llmbench::test::temp_dir("llmbench-report");
    llmbench::test::write_report_fixture(d);
    return d;
  }();
  return dir;
}

// The text between <script type="application/json" id="report-data"> and its </script>.
std::string data_block(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  auto start = page.find(open);
  REQUIRE(start != std::string::npos);
  start += open.size();
  auto end = page.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return page.substr(start, end - start);
}
}  // namespace

TEST_CASE("report html: escape_html turns markup characters into entities", "[report_html]") {
  CHECK(escape_html("<img src=x onerror=\"alert('1')\"> & co") ==
        "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co");
  CHECK(escape_html("Привет") == "Привет");
}

TEST_CASE("report html: script_json cannot close its script element and survives bad UTF-8",
          "[report_html]") {
  json value = {{"a", "</script><script>alert(1)</script>"}, {"b", "x\u2028y\u2029z & <!--"},
                {"c", std::string("bad \xff\xfe bytes")}};
  const std::string text = script_json(value);
  CHECK(text.find('<') == std::string::npos);
  CHECK(text.find('>') == std::string::npos);
  CHECK(text.find('&') == std::string::npos);
  CHECK(text.find("\xE2\x80\xA8") == std::string::npos);
  CHECK(text.find("\\u2028") != std::string::npos);
  json back = json::parse(text);  // still valid JSON meaning the same text
  CHECK(back["a"] == value["a"]);
  CHECK(back["b"] == value["b"]);
  CHECK(back["c"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
}

TEST_CASE("report html: the page is self-contained, without any URL or external resource",
          "[report_html]") {
  const json runs = read_runs(fixture_dir() / "benchmark_runs.json");
  const std::string page = render_html(runs, collect_items(runs, fixture_dir()));
  std::string outside = page;
  outside.erase(outside.find(data_block(page)), data_block(page).size());
  CHECK(outside.find("http:") == std::string::npos);
  CHECK(outside.find("https:") == std::string::npos);
  CHECK(outside.find("://") == std::string::npos);
  CHECK_FALSE(std::regex_search(outside, std::regex(R"((src|href)\s*=)")));
  CHECK(outside.find("default-src 'none'") != std::string::npos);
  // The hostile fixture text is only inside the data block, escaped.
  CHECK(page.find("<script>window.__xss") == std::string::npos);
  CHECK(page.find("<img src=x") == std::string::npos);
  CHECK(data_block(page).find("\\u003cscript\\u003ewindow.__xss=1") != std::string::npos);
}

TEST_CASE("report html: items merge every model's answer per item and keep judge rationales",
          "[report_html]") {
  const json runs = read_runs(fixture_dir() / "benchmark_runs.json");
  const json items = collect_items(runs, fixture_dir());
  REQUIRE(items.size() > 10);
  bool saw_rag = false;
  for (const auto& item : items) {
    if (item["task"] == "mmlu") CHECK(item["answers"].size() == 3);
    if (item["task"] == "rag" && !item["judgements"].empty()) {
      saw_rag = true;
      CHECK(item["judgements"][0].contains("judged_model"));
      CHECK(item.contains("context"));
    }
    CHECK(runs.at(item["run"].get<std::size_t>()).is_object());
  }
  CHECK(saw_rag);
}

TEST_CASE("report html: a damaged item log line is left out and every item of that run is marked incomplete",
          "[report_html]") {
  const fs::path dir = llmbench::test::temp_dir("llmbench-report");
  llmbench::test::write_report_fixture(dir, {60, llmbench::test::WithArena::no});
  const fs::path log = dir / "runs" / llmbench::test::kFixtureRunIds[0] / "items.jsonl";
  { std::ofstream(log, std::ios::app) << "{not json\n{\"tier\": \"standard\"}\n"; }
  const nlohmann::json items = collect_items(read_runs(dir / "benchmark_runs.json"), dir);
  bool saw_marked = false;
  for (const auto& item : items) {
    const bool first_run = item.at("run").get<std::size_t>() == 0;
    if (!first_run) CHECK_FALSE(item.contains("log_incomplete"));
    if (first_run && item.contains("log_incomplete")) {
      saw_marked = true;
      CHECK(item["log_incomplete"].get<std::string>().find("items.jsonl line") != std::string::npos);
    }
  }
  CHECK(saw_marked);
}

TEST_CASE("report cli: writes report.html atomically into the output dir", "[report_html]") {
  const fs::path dir = llmbench::test::temp_dir("llmbench-report");
  llmbench::test::write_report_fixture(dir, {300, llmbench::test::WithArena::yes});
  auto result = llmbench::test::run_cli({"report", "--output-dir", dir.string()});
  REQUIRE(result.exit_code == 0);
  const std::string page = slurp(dir / "report.html");
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("</html>") != std::string::npos);
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);  // no temp left
  }
  auto last = llmbench::test::run_cli({"report", "--output-dir", dir.string(), "--last", "1", "-o",
                                       (dir / "last.html").string()});
  CHECK(last.exit_code == 0);
  CHECK(slurp(dir / "last.html").find(llmbench::test::kFixtureRunIds[0]) == std::string::npos);
}

TEST_CASE("report cli: a missing report, an unknown run id or a damaged report exit 2 naming the file",
          "[report_html]") {
  const fs::path dir = llmbench::test::temp_dir("llmbench-report");
  auto missing = llmbench::test::run_cli({"report", "--output-dir", dir.string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("benchmark_runs.json") != std::string::npos);

  llmbench::test::write_report_fixture(dir, {60, llmbench::test::WithArena::no});
  auto unknown = llmbench::test::run_cli({"report", "--output-dir", dir.string(), "--runs", "nope"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("benchmark_runs.json") != std::string::npos);
  CHECK(unknown.err.find("\"nope\"") != std::string::npos);

  { std::ofstream(dir / "benchmark_runs.json") << "[{\"id\": \"a\",,}]"; }
  auto damaged = llmbench::test::run_cli({"report", "--output-dir", dir.string()});
  CHECK(damaged.exit_code == 2);
  CHECK(damaged.err.find("benchmark_runs.json:1") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "report.html"));
}

TEST_CASE("report tables: runs are grouped only with runs that ran the same thing the same way",
          "[report_html]") {
  const json runs = read_runs(fixture_dir() / "benchmark_runs.json");
  const auto groups = group_runs(runs);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].run_ids == std::vector<std::string>{llmbench::test::kFixtureRunIds[0],
                                                      llmbench::test::kFixtureRunIds[1]});
  CHECK(groups[0].label.find("limit 50") != std::string::npos);
  json a = runs[0], b = runs[0];
  b["flags"]["sample_seed"] = 7;
  CHECK(comparable_key(a) != comparable_key(b));
  b = runs[0];
  b["flags"]["tasks"] = {"gsm8k", "mmlu"};  // order does not matter
  b["flags"]["concurrency"] = 4;            // nor does how fast it ran
  CHECK(comparable_key(a) == comparable_key(b));
}

TEST_CASE("report tables: tier_ux runs over another log or similarity threshold are not comparable, other tiers ignore them",
          "[report_html]") {
  json a = read_runs(fixture_dir() / "benchmark_runs.json")[0];
  a["flags"]["tiers"] = {"ux"};
  a["flags"]["ux_log"] = "logs/week1.jsonl";
  a["flags"]["ux_similarity"] = 0.9;
  json b = a;
  CHECK(comparable_key(a) == comparable_key(b));
  b["flags"]["ux_similarity"] = 0.85;
  CHECK(comparable_key(a) != comparable_key(b));
  b = a;
  b["flags"]["ux_log"] = "logs/week2.jsonl";
  CHECK(comparable_key(a) != comparable_key(b));
  b["flags"]["tiers"] = {"all"};  // all holds ux
  b["flags"]["ux_log"] = "logs/week1.jsonl";
  CHECK(comparable_key(a) == comparable_key(b));

  // The group says which log and threshold its runs used.
  b["flags"]["ux_similarity"] = 0.85;
  const auto groups = group_runs(json::array({a, b}));
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].label.find("ux log logs/week1.jsonl") != std::string::npos);
  CHECK(groups[0].label.find("ux similarity 0.9") != std::string::npos);
  CHECK(groups[1].label.find("ux similarity 0.85") != std::string::npos);

  // A run without tier_ux keeps its group whatever its (unused) ux flags say, and whether its
  // record predates them.
  json c = read_runs(fixture_dir() / "benchmark_runs.json")[0], d = c;
  c["flags"].erase("ux_log");
  c["flags"].erase("ux_similarity");
  d["flags"]["ux_log"] = "logs/week2.jsonl";
  d["flags"]["ux_similarity"] = 0.5;
  CHECK(comparable_key(c) == comparable_key(d));
  CHECK(group_runs(json::array({c, d})).at(0).label.find("ux") == std::string::npos);
}

TEST_CASE("report tables: each row comes from the newest comparable run and names it, nothing is averaged",
          "[report_html]") {
  const json runs = read_runs(fixture_dir() / "benchmark_runs.json");
  const auto tables = build_tables(runs);
  const Table* std1 = nullptr;
  for (const auto& t : tables.tables) if (t.id == "std-g1") std1 = &t;
  REQUIRE(std1 != nullptr);
  const std::size_t run_col = 2;  // beside the row's key, where people look
  REQUIRE(std1->columns[run_col].kind == ColumnKind::run_id);
  for (const auto& row : std1->rows) CHECK(row[run_col].text == llmbench::test::kFixtureRunIds[1]);
  // The newest run's value, exactly as reported.
  const auto& mr = runs[1]["model_runs"][0];
  for (const auto& row : std1->rows) {
    if (row[0].text == "mmlu" && row[1].text == mr["generation_model"]) {
      CHECK(*row[3].number == mr["metrics"]["standard"]["mmlu"]["accuracy"].get<double>());
      CHECK(row[3].ci95.has_value());
    }
  }
}

TEST_CASE("report tables: a metric a run did not report is missing, never 0", "[report_html]") {
  const json runs = read_runs(fixture_dir() / "benchmark_runs.json");
  const auto tables = build_tables(runs);
  bool checked_bleu = false, checked_gsm8k = false;
  for (const auto& t : tables.tables) {
    auto col = [&](const std::string& key) {
      for (std::size_t i = 0; i < t.columns.size(); ++i) if (t.columns[i].key == key) return i;
      return t.columns.size();
    };
    if (t.id == "llm-t2-g1") {
      for (const auto& row : t.rows) {
        if (row[0].text != "llama-3.1-8b-instruct") continue;
        CHECK(row[col("avg_bleu")].missing());
        checked_bleu = true;
      }
    }
    if (t.id == "std-g1") {
      for (const auto& row : t.rows) {
        if (row[0].text != "gsm8k" || row[1].text != "qwen2.5-7b-instruct") continue;
        CHECK(row[col("accuracy")].missing());
        CHECK(*row[col("n_errors")].number == 50);
        checked_gsm8k = true;
      }
    }
  }
  CHECK(checked_bleu);
  CHECK(checked_gsm8k);
  const json j = tables_to_json(tables);
  CHECK(j.dump().find("null") != std::string::npos);
}

TEST_CASE("report tables: an unavailable model has no rows but a report without metrics still renders",
          "[report_html]") {
  json runs = json::array({{{"id", "r1"}, {"flags", json::object()},
                            {"model_runs", {{{"generation_model", "m"}, {"status", "unavailable"},
                                             {"metrics", json::object()}}}}}});
  CHECK(build_tables(runs).tables.empty());
  const std::string page = render_html(runs, json::array());
  CHECK(page.find("</html>") != std::string::npos);
}

TEST_CASE("report tables: a task scored by judges gains a judge score column per judge, from the catalogue, "
          "with its interval, the summary shows it under the same label",
          "[report_html][summary]") {
  const json judged = {{"accuracy", nullptr}, {"n", 0}, {"n_errors", 0},
                       {"judges", {{"sim-j", {{"score", 4.25}, {"ci95", {{"low", 3.5}, {"high", 4.75}}}, {"n", 4},
                                              {"n_errors", 1}}}}}};
  const json plain = {{"accuracy", 0.5}, {"ci95", {{"low", 0.2}, {"high", 0.8}}}, {"n", 4}, {"n_correct", 2},
                      {"n_errors", 0}};
  const json runs = json::array({{{"id", "r1"}, {"status", "completed"}, {"flags", {{"tasks", {"open_why", "mmlu"}}}},
                                  {"model_runs", {{{"generation_model", "m"}, {"judge_model", "sim-j"},
                                                   {"metrics", {{"standard", {{"open_why", judged}, {"mmlu", plain}}}}}}}}}});
  const auto tables = build_tables(runs);
  REQUIRE(tables.tables.size() == 1);
  const Table& t = tables.tables[0];
  std::size_t col = t.columns.size();
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].key == "judges.sim-j.score") col = i;
  }
  REQUIRE(col < t.columns.size());
  const llmbench::metrics::Metric& score = *llmbench::metrics::find_metric("standard", "judges.*.score");
  CHECK(t.columns[col].label == std::string(score.label) + " (sim-j)");
  CHECK(t.columns[col].better == Better::higher);
  REQUIRE(t.rows.size() == 2);  // mmlu, then open_why
  CHECK(t.rows[0][col].missing());
  REQUIRE(t.rows[1][col].number);
  CHECK(*t.rows[1][col].number == 4.25);
  REQUIRE(t.rows[1][col].ci95);
  CHECK(t.rows[1][col].ci95->low == 3.5);
  CHECK(render_csv(tables).find(",open_why,,judges.sim-j.score,4.25,3.5,4.75,r1\r\n") != std::string::npos);
  CHECK(render_html(runs, json::array()).find("\"label\":\"judge score (sim-j)\"") != std::string::npos);

  // Without judge scores the standard table has no such column.
  json plain_runs = runs;
  plain_runs[0]["model_runs"][0]["metrics"]["standard"].erase("open_why");
  const auto plain_tables = build_tables(plain_runs);
  for (const auto& c : plain_tables.tables.at(0).columns) CHECK(c.key.find("judges.") != 0);

  const std::string summary = render_summary(runs[0]);
  INFO(summary);
  CHECK(summary.find(std::string(score.label)) != std::string::npos);
  const auto row = summary.find("open_why (judge sim-j)");
  REQUIRE(row != std::string::npos);
  const std::string line = summary.substr(row, summary.find('\n', row) - row);
  CHECK(std::regex_search(line, std::regex(R"(judge sim-j\) +4\.250 +\[3\.500, 4\.750\] +4 +1 *$)")));
  CHECK(render_summary(plain_runs[0]).find(std::string(score.label)) == std::string::npos);
}

TEST_CASE("report html: a tier_ux follow-up item shows its question, the earlier turns and the answer its judges judged",
          "[report_html]") {
  // The item's first record (an embedding record) has no context; its judge records do.
  const fs::path dir = llmbench::test::temp_dir("llmbench-report-ux");
  llmbench::test::add_ux_fixture(dir);
  const json runs = read_runs(dir / "benchmark_runs.json");
  const json items = collect_items(runs, dir);
  const json* followup = nullptr;
  for (const json& item : items) {
    if (item.value("id", "") == "s2#2") followup = &item;
  }
  REQUIRE(followup != nullptr);
  CHECK(followup->at("question") == llmbench::test::kHostileUxQuestion);
  REQUIRE(followup->contains("context"));
  CHECK(followup->at("context").get<std::string>().find(llmbench::test::kHostileUxAnswer) != std::string::npos);
  CHECK(followup->at("answers").size() == 2);     // one embedding record per embedding model
  REQUIRE(followup->at("judgements").size() == 2);  // one verdict per judge
  for (const json& judgement : followup->at("judgements")) {
    CHECK(judgement.value("answer", "") == llmbench::test::kHostileUxFollowUpAnswer);  // as logged, unescaped
  }
}
