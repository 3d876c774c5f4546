// The metric catalogue is the one list of metrics: whatever a tier or the arena writes is declared
// there, every renderer shows a metric under its catalogue label, and baselines accept exactly
// the declared keys.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/report/export.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/report/tables.hpp"
#include "llmbench/run/baselines.hpp"
#include "support/cli.hpp"
#include "support/report_fixture.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

const std::string kConfig = std::string(LLMBENCH_SOURCE_DIR) + "/configs/models.yaml";

// True when `path` names a metric of `scope` the catalogue declares, or a bound of its interval.
bool declared(const std::string& scope, const std::string& path, metrics::Fields fields = metrics::Fields::all) {
  return metrics::metric_named(*metrics::find_scope(scope), path, fields) != nullptr;
}

// Every numeric leaf under `value` as a dotted path below `prefix`.
void numeric_paths(const json& value, const std::string& prefix, std::vector<std::string>& out) {
  if (value.is_number()) out.push_back(prefix);
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) numeric_paths(child, prefix.empty() ? key : prefix + "." + key, out);
}

// The paths of a standard task block that the catalogue does not declare.
std::vector<std::string> undeclared_standard(const json& task) {
  std::vector<std::string> paths, out;
  numeric_paths(task, "", paths);
  const std::regex block(R"((subjects\.[^.]+|strict_match|flexible_extract)\.(.+))");
  for (const auto& path : paths) {
    std::smatch m;
    const bool ok = std::regex_match(path, m, block) ? declared("standard", m[2], metrics::Fields::accuracy) : declared("standard", path);
    if (!ok) out.push_back(path);
  }
  return out;
}

json read_runs(const std::string& dir) { return json::parse(std::ifstream(dir + "/benchmark_runs.json")); }

// The label each metric column of a summary tier table has: title line, then the header.
std::vector<std::string> summary_header(const std::string& summary, const std::string& title) {
  const auto at = summary.find("\n" + title);
  if (at == std::string::npos) return {};
  const auto start = summary.find('\n', at + 1) + 1;
  const std::string line = summary.substr(start, summary.find('\n', start) - start);
  std::vector<std::string> cells;
  const std::regex cell(R"(\S+(?: \S+)*)");  // cells are apart by two spaces or more
  for (std::sregex_iterator it(line.begin(), line.end(), cell), end; it != end; ++it) cells.push_back(it->str());
  return cells;
}

// Checks that every renderer of `runs` shows each metric as the catalogue declares it: the
// tables (HTML data, Markdown) under its label and direction, CSV under its key, the terminal
// summary under its label, and every tier's table under its scope's title. Adds the scopes whose tables and summaries it saw.
void check_renderers_agree(const json& runs, std::set<std::string>& scopes_seen, std::set<std::string>& summary_scopes) {
  const report::ReportTables tables = report::build_tables(runs);
  const std::map<std::string, std::string> scope_of = {{"llm-t0", "tier_0"}, {"llm-t1", "tier_1"},
                                                       {"llm-t2", "tier_2"}, {"llm-t3", "tier_3"},
                                                       {"judge", "tier_judge"}, {"prod", "tier_judge_pipeline"},
                                                       {"llm-ux", "tier_ux"},
                                                       {"std", "standard"}};
  const std::string markdown = report::render_markdown(tables);
  const json page = report::tables_to_json(tables);
  std::size_t metric_columns = 0;
  for (std::size_t t = 0; t < tables.tables.size(); ++t) {
    const report::Table& table = tables.tables[t];
    const auto prefix = scope_of.find(table.id.substr(0, table.id.rfind('-')));
    if (prefix == scope_of.end()) continue;  // MMLU subjects: a column per model
    scopes_seen.insert(prefix->second);
    // The page titles a tier's table as the summary does: by its catalogue scope.
    CHECK(table.title == std::string(metrics::find_scope(prefix->second)->title));
    CHECK(page["tables"][t]["title"] == table.title);
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const report::Column& column = table.columns[c];
      if (column.kind == report::ColumnKind::text || column.kind == report::ColumnKind::run_id) continue;
      INFO(table.id << " " << column.key);
      const metrics::Metric* m = metrics::find_metric(prefix->second, column.key);
      REQUIRE(m != nullptr);
      ++metric_columns;
      CHECK(column.label == m->label);
      CHECK(page["tables"][t]["columns"][c]["label"] == std::string(m->label));
      CHECK(page["tables"][t]["columns"][c]["better"] == std::string(metrics::to_string(m->better)));
      CHECK(markdown.find("| " + std::string(m->label) + " |") != std::string::npos);
    }
  }
  CHECK(metric_columns > 0);

  // CSV names each metric by its catalogue key (mmlu-* tables name the model in its place).
  const std::string csv = report::render_csv(tables);
  const std::regex line(R"(^.*?,((?:llm-t[0-3]|llm-ux|judge|prod|std)-g\d+),.*,([^,]+),[^,]+,[^,]*,[^,]*,[^,]*\r$)");
  std::size_t checked = 0;
  std::istringstream lines(csv);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    const std::string table = m[1];
    INFO(l);
    CHECK(metrics::find_metric(scope_of.at(table.substr(0, table.rfind('-'))), m[2].str()) != nullptr);
    ++checked;
  }
  CHECK(checked > 0);

  // The terminal summary of each run: every column after the model names is a catalogue label.
  const std::map<std::string, std::string> titles = {
      {"tier_0", "Tier 0: embedding geometry"}, {"tier_1", "Tier 1: retrieval"},
      {"tier_2", "Tier 2: answers on the gold context (judge scores 1-5)"},
      {"tier_3", "Tier 3: end to end (judge scores 1-5)"}, {"tier_judge", "Benchmark judges"},
      {"tier_judge_pipeline", "Production judges (positive = show)"},
      {"tier_ux", "UX: answer-cache hit rate and multi-turn context preservation"}};
  for (const json& run : runs) {
    const std::string summary = report::render_summary(run);
    for (const auto& [scope, title] : titles) {
      const auto header = summary_header(summary, title);
      if (header.empty()) continue;
      CHECK(title == metrics::find_scope(scope)->title);
      summary_scopes.insert(scope);
      std::set<std::string> labels;
      for (const auto& m : metrics::find_scope(scope)->metrics) {
        if (m.in_summary) labels.emplace(m.label);
      }
      for (const auto& cell : header) {
        if (cell == "generation" || cell == "judge" || cell == "embedding" || cell == "production_judge") continue;
        INFO(scope << ": " << cell);
        CHECK(labels.count(cell) == 1);
      }
    }
    if (summary.find("\nmodel  ") != std::string::npos) {
      for (const char* key : {"accuracy", "n_correct", "latency_ms.p50"}) {
        CHECK(summary.find(std::string(metrics::find_metric("standard", key)->label)) != std::string::npos);
      }
    }
  }
}

}  // namespace

TEST_CASE("catalogue: every metric of every tier, and the arena, on the simulator is declared", "[catalogue]") {
  const std::string dir = test::temp_dir("catalogue");
  const auto sweep = test::run_cli({"run", "--config", kConfig, "--tier", "all", "--tasks",
                                    "mmlu,gsm8k,arc_easy,truthfulqa_mc1", "--limit", "4", "--consistency-runs", "2",
                                    "--generation-models", "sim-small", "--judge-models", "sim-medium",
                                    "--production-judge-models", "sim-small", "--embedding-models", "sim-embed",
                                    "--output-dir", dir, "--progress", "none"});
  INFO(sweep.out << sweep.err);
  REQUIRE(sweep.exit_code == 0);
  const auto arena = test::run_cli({"arena", "run", "--config", kConfig, "--generation-models", "sim-small,sim-large",
                                    "--judge-models", "sim-medium", "--tasks", "gsm8k", "--limit", "3",
                                    "--output-dir", dir, "--progress", "none"});
  INFO(arena.out << arena.err);
  REQUIRE(arena.exit_code == 0);

  std::set<std::string> scopes_seen;
  for (const json& run : read_runs(dir)) {
    for (const json& mr : run.value("model_runs", json::array())) {
      for (const auto& [scope, block] : mr.at("metrics").items()) {
        INFO("metrics." << scope);
        REQUIRE(metrics::find_scope(scope) != nullptr);
        scopes_seen.insert(scope);
        if (scope == "standard") {
          for (const auto& [task, m] : block.items()) CHECK(undeclared_standard(m) == std::vector<std::string>{});
          continue;
        }
        std::vector<std::string> paths;
        numeric_paths(block, "", paths);
        for (const auto& path : paths) {
          INFO(scope << "." << path);
          CHECK(declared(scope, path));
        }
      }
    }
    const json& a = run.value("arena", json());
    if (!a.is_object()) continue;
    for (const auto& [scope, rows] : {std::pair{"arena", a.at("leaderboard")}, std::pair{"arena_judge", a.at("judge_bias")}}) {
      REQUIRE_FALSE(rows.empty());
      scopes_seen.insert(scope);
      for (const json& row : rows) {
        std::vector<std::string> paths;
        numeric_paths(row, "", paths);
        for (const auto& path : paths) {
          INFO(scope << "." << path);
          CHECK(declared(scope, path));
        }
      }
    }
  }
  std::set<std::string> all;
  for (const auto& s : metrics::catalogue()) all.insert(std::string(s.name));
  all.erase("perf");  // written by `llmbench perf`, not a sweep; checked in tests/test_report_perf.cpp
  CHECK(scopes_seen == all);  // the runs reached every scope the catalogue declares

  std::set<std::string> tables, summaries;
  check_renderers_agree(read_runs(dir), tables, summaries);
  CHECK(tables.size() == 8);     // standard and the seven model-lab tiers (tier_ux included)
  CHECK(summaries.size() == 7);  // the seven model-lab tiers
}

TEST_CASE("catalogue: each scope declares a key once, and a metric's sample count is one of its scope's counts",
          "[catalogue]") {
  for (const auto& scope : metrics::catalogue()) {
    std::set<std::string_view> keys;
    for (const auto& m : scope.metrics) {
      INFO(scope.name << "." << m.key);
      CHECK(keys.insert(m.key).second);
      CHECK_FALSE(m.label.empty());
      if (m.samples.empty()) continue;
      const metrics::Metric* samples = metrics::find_metric(scope.name, m.samples);
      REQUIRE(samples != nullptr);
      CHECK(samples->kind == metrics::MetricKind::count);
    }
  }
}

TEST_CASE("catalogue: the summary, the HTML tables and Markdown show a metric under its catalogue label, CSV "
          "under its key",
          "[catalogue]") {
  const std::string dir = test::temp_dir("catalogue-labels");
  test::write_report_fixture(dir, {60, test::WithArena::no});
  std::set<std::string> tables, summaries;
  check_renderers_agree(read_runs(dir), tables, summaries);
  CHECK(tables == std::set<std::string>{"standard", "tier_2", "tier_3", "tier_judge", "tier_judge_pipeline"});
  CHECK(summaries == std::set<std::string>{"tier_2", "tier_3", "tier_judge", "tier_judge_pipeline"});
}

TEST_CASE("baselines: every declared metric of a model run can be baselined, an undeclared key is refused, named",
          "[catalogue]") {
  const std::string dir = test::temp_dir("catalogue-baselines");
  const std::string file = dir + "/baselines.yaml";
  {
    std::ofstream out(file);
    out << "baselines:\n";
    for (const auto& scope : metrics::catalogue()) {
      if (scope.name == "arena" || scope.name == "arena_judge" || scope.name == "perf") continue;  // not model runs'
      for (const auto& m : scope.metrics) {
        // a "#" in a key stands for a whole number ("pass_at_#": pass@k for any k)
        auto numbered = [](std::string key) {
          if (const auto hash = key.find('#'); hash != std::string::npos) key.replace(hash, 1, "20");
          return key;
        };
        const std::string base = scope.name == "standard" ? "standard.mmlu." : std::string(scope.name) + ".";
        out << "  \"" << base << numbered(std::string(m.key)) << "\": {min: 0}\n";
        if (m.interval != metrics::Interval::none) {
          out << "  \"" << base << numbered(metrics::interval_path(m)) << ".low\": {min: 0}\n";
        }
      }
    }
  }
  CHECK(run::load_baselines(file).size() > 100);

  for (const char* key : {"tier_1.hit_rate@3", "tier_2.avg_faithfulness_ci95", "standard.mmlu.subjects.anatomy.macro_accuracy",
                          "tier_judge.rating", "standard.humaneval.pass_at_0", "standard.humaneval.pass_at_k",
                          "standard.humaneval.pass_at_01"}) {
    INFO(key);
    std::ofstream(file) << "baselines:\n  \"" << key << "\": {min: 0}\n";
    CHECK_THROWS_AS(run::load_baselines(file), InputError);
    CHECK_THROWS_WITH(run::load_baselines(file), Catch::Contains(std::string("baselines: ") + key + ": unknown"));
  }
}

TEST_CASE("catalogue: pass@k is declared for every k, so a gate or baseline on pass_at_20 is taken", "[catalogue]") {
  for (const char* path : {"pass_at_1", "pass_at_2", "pass_at_20", "pass_at_100", "pass_at_20_ci95.low"}) {
    INFO(path);
    const metrics::Metric* m = metrics::metric_named(*metrics::find_scope("standard"), path);
    REQUIRE(m != nullptr);
    CHECK(m->kind == metrics::MetricKind::rate);
    CHECK(m->better == metrics::Better::higher);
  }
  for (const char* path : {"pass_at_0", "pass_at_", "pass_at_k", "pass_at_2x", "pass_at_-1"}) {
    INFO(path);
    CHECK(metrics::metric_named(*metrics::find_scope("standard"), path) == nullptr);
  }
}
