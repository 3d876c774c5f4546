#include <catch2/catch.hpp>

#include "llmbench/report/export.hpp"
#include "llmbench/report/store.hpp"
#include "support/cli.hpp"
#include "support/report_fixture.hpp"

using nlohmann::json;
using namespace llmbench::report;

namespace {
ReportTables small_tables() {
  ReportTables t;
  t.groups.push_back({"k", "tasks mmlu · limit 50", {"r1"}});
  Table table{"std-g1", "standard", "Standard | tasks", 0,
              {{"task", "task", ColumnKind::text, Better::none},
               {"generation_model", "model", ColumnKind::text, Better::none},
               {"accuracy", "accuracy", ColumnKind::fraction, Better::higher},
               {"n", "n", ColumnKind::integer, Better::none},
               {"run_id", "run", ColumnKind::run_id, Better::none}},
              {}};
  Cell acc;
  acc.number = 0.8125;
  acc.ci95 = Interval{0.7, 0.9};
  Cell n;
  n.number = 48;
  table.rows.push_back({{std::nullopt, "mmlu", {}, {}}, {std::nullopt, "a|b, \"quoted\"", {}, {}}, acc, n,
                        {std::nullopt, "r1", {}, {}}});
  table.rows.push_back({{std::nullopt, "mmlu", {}, {}}, {std::nullopt, "=cmd()", {}, {}}, Cell{}, n,
                        {std::nullopt, "r1", {}, {}}});
  t.tables.push_back(table);
  return t;
}
}  // namespace

TEST_CASE("report export: csv fields are quoted only when needed, quotes doubled", "[report_export]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field(" edge") == "\" edge\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("report export: csv text that a spreadsheet would run as a formula is defused", "[report_export]") {
  CHECK(csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv_field("+1") == "'+1");
  CHECK(csv_field("@sum") == "'@sum");
}

TEST_CASE("report export: csv has one line per number, with interval and run, and none for a missing value",
          "[report_export]") {
  const std::string csv = render_csv(small_tables());
  CHECK(csv.rfind("group,table,model,judge,production_judge,task,subject,metric,value,ci95_low,ci95_high,run_id\r\n", 0) == 0);
  CHECK(csv.find("tasks mmlu · limit 50,std-g1,\"a|b, \"\"quoted\"\"\",,,mmlu,,accuracy,0.8125,0.7,0.9,r1\r\n") !=
        std::string::npos);
  CHECK(csv.find("'=cmd(),,,mmlu,,n,48,,,r1\r\n") != std::string::npos);
  CHECK(csv.find("'=cmd(),,,mmlu,,accuracy") == std::string::npos);  // missing: no line, no 0
}

TEST_CASE("report export: markdown escapes pipes, line breaks and markup in cells", "[report_export]") {
  CHECK(markdown_cell("a|b") == "a\\|b");
  CHECK(markdown_cell("one\r\ntwo") == "one two");
  CHECK(markdown_cell("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;");
  const std::string md = render_markdown(small_tables());
  CHECK(md.find("## Standard \\| tasks") != std::string::npos);
  CHECK(md.find("| task | model | accuracy | n | run |\n| --- | --- | ---: | ---: | --- |\n") != std::string::npos);
  CHECK(md.find("| mmlu | a\\|b, \"quoted\" | 81.2% [70.0–90.0] | 48 | r1 |") != std::string::npos);
  CHECK(md.find("| mmlu | =cmd() | — | 48 | r1 |") != std::string::npos);
}

TEST_CASE("report export: format_number uses a dot and no trailing zeros", "[report_export]") {
  CHECK(format_number(0.5, ColumnKind::number) == "0.5");
  CHECK(format_number(812.25, ColumnKind::number) == "812.25");
  CHECK(format_number(41, ColumnKind::integer) == "41");
  CHECK(format_number(0.123456, ColumnKind::fraction) == "0.1235");
}

TEST_CASE("report cli: --format csv and md print every comparable group's tables", "[report_export]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-export");
  llmbench::test::write_report_fixture(dir, {60, llmbench::test::WithArena::no});
  auto csv = llmbench::test::run_cli({"report", "--output-dir", dir, "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.find("judge-g1,,gpt-4o,,,,consistency_score,") != std::string::npos);
  CHECK(csv.out.find("prod-g2,") != std::string::npos);
  auto md = llmbench::test::run_cli({"report", "--output-dir", dir, "--format", "md", "--last", "2"});
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("## MMLU accuracy by subject") != std::string::npos);
  CHECK(md.out.find("limit 100") != std::string::npos);
  CHECK(md.out.find("limit 50 ·") != std::string::npos);
}
