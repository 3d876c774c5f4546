#pragma once
// The tables model of a report: one schema that the HTML page, CSV and Markdown render.
// Built from the runs of benchmark_runs.json (docs/report-format.md) by pure functions.
//
// Compare like with like: runs are put in comparable groups keyed by what they ran (tasks,
// dataset file), limit, sample_seed, num_fewshot, judge_eval_mode and consistency_runs, and
// for a run of tier_ux its ux_log and ux_similarity. The tiers are not in the key: each table
// is one tier's, so a run of tier_2 and a run of all tiers over the same data share a group
// and meet in the tier_2 table. A table only ever holds one group. Within a group each row is
// the latest run that has a result for that row's key (model, or model combination); nothing
// is averaged across runs, and every row names the run its numbers come from. A metric that a
// run did not report is a missing cell (rendered "—"), never 0.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/catalogue.hpp"

namespace llmbench::report {

// Which direction is better for a column (used to highlight the best value).
using Better = metrics::Better;
// fraction: a 0..1 value that people read as a percentage (accuracy, precision, ...).
enum class ColumnKind { text, number, integer, fraction, run_id };

// The column kind a catalogue metric is shown as: percent -> fraction, integer -> integer,
// any other format -> number.
ColumnKind column_kind(const metrics::Metric& metric);

struct Column {
  std::string key;    // catalogue key (metrics/catalogue.hpp) or field, e.g. "avg_faithfulness"
  std::string label;  // header shown to people: the catalogue's label for a metric
  ColumnKind kind = ColumnKind::number;
  Better better = Better::none;
};

struct Interval {
  double low = 0;
  double high = 0;
};

// One value. `number` empty and `text` empty means missing.
struct Cell {
  std::optional<double> number;
  std::string text;
  std::optional<Interval> ci95;  // for accuracies: Wilson 95% interval
  std::string run_id;            // where the number comes from, when the row mixes runs
  bool missing() const { return !number && text.empty(); }
};

struct Table {
  std::string id;       // stable, e.g. "llm-g1"; unique within a report
  std::string section;  // which tab: "llm", "judge", "prod_judge", "standard", "mmlu_subjects", "perf"
  std::string title;
  int group = -1;  // index into ReportTables::groups
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

struct ComparableGroup {
  std::string key;    // canonical text of the grouping fields
  std::string label;  // short human description, e.g. "tasks mmlu,gsm8k · limit 50 · seed 1234 · ..."
  std::vector<std::string> run_ids;  // oldest first
  std::string standard_label;        // label without the (RAG/judge) dataset file, for standard tables
};

struct ReportTables {
  std::vector<ComparableGroup> groups;
  std::vector<Table> tables;
};

// The grouping key of a run (see file comment). Two runs with equal keys are comparable.
std::string comparable_key(const nlohmann::json& run);

// Groups `runs` (oldest first) by comparable_key, in order of each group's first run. Perf
// records (kind "perf") are in no group: a load test is not compared with sweeps.
std::vector<ComparableGroup> group_runs(const nlohmann::json& runs);

// Builds every table for `runs` (an array of runs, oldest first). Metric columns are the
// catalogue's metrics of the table's scope, in catalogue order, with its labels. Each perf record
// gets its own table (section "perf", id "perf-<n>" in run order, group -1): a row per level,
// keyed by its model and level ("concurrency 8", "rate 5 req/s"), with the level's status
// ("complete", "cut short", "stopped early: <why>") and a column per error kind counted.
ReportTables build_tables(const nlohmann::json& runs);

// The tables as JSON for the HTML page: {groups: [...], tables: [{id, section, title, group,
// columns: [{key, label, kind, better}], rows: [[{v, t, lo, hi}|null, ...]]}]} where a missing
// cell is null.
nlohmann::json tables_to_json(const ReportTables& tables);  // groups: [{label, standard_label, runs}]

// A perf level's load as text: "concurrency 8" (closed loop), "rate 5 req/s" (open loop), else
// "level <index + 1>".
std::string perf_level_text(const nlohmann::json& level, std::size_t index);

// Whether a perf level ran to its end: "complete", "cut short" (complete false: interrupted),
// "stopped early: <why>" (over-saturated); "" when the level does not say.
std::string perf_level_status(const nlohmann::json& level);

// A number as text for CSV/Markdown: up to 4 significant decimals, C locale, no trailing zeros.
std::string format_number(double value, ColumnKind kind);

}  // namespace llmbench::report
