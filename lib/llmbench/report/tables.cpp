#include "llmbench/report/tables.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "llmbench/util/json.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
using util::member;

constexpr auto N = Better::none;

std::string text_of(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string joined(const json& list) {
  if (!list.is_array()) return text_of(list);
  std::vector<std::string> parts;
  for (const auto& v : list) parts.push_back(text_of(v));
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ","));
}

Cell number_cell(const json& value) {
  Cell cell;
  if (value.is_number()) {
    const double v = value.get<double>();
    if (std::isfinite(v)) cell.number = v;
  }
  return cell;
}

// A catalogue metric of `block`, with its interval when the block holds one beside it.
Cell metric_cell(const json& block, const metrics::Metric& metric) {
  const json* value = metrics::value_at(block, metric.key);
  Cell cell = value ? number_cell(*value) : Cell{};
  const std::string ci_path = metrics::interval_path(metric);
  const json* ci = ci_path.empty() ? nullptr : metrics::value_at(block, ci_path);
  if (cell.number && ci && member(*ci, "low").is_number() && member(*ci, "high").is_number()) {
    cell.ci95 = Interval{(*ci)["low"].get<double>(), (*ci)["high"].get<double>()};
  }
  return cell;
}

// The catalogue's metrics of `scope` that tables show.
std::vector<metrics::Metric> table_metrics(std::string_view scope) {
  std::vector<metrics::Metric> out;
  if (const metrics::Scope* s = metrics::find_scope(scope)) {
    for (const auto& m : s->metrics) {
      if (m.in_table) out.push_back(m);
    }
  }
  return out;
}

Column metric_column(const metrics::Metric& metric) {
  return {std::string(metric.key), std::string(metric.label), column_kind(metric), metric.better};
}

Cell text_cell(const std::string& text) {
  Cell cell;
  cell.text = text;
  return cell;
}

bool usable(const json& model_run) {
  return model_run.is_object() && model_run.value("status", std::string()) != "unavailable";
}

std::vector<const json*> group_members(const json& runs, const ComparableGroup& group) {
  std::vector<const json*> members;
  for (const auto& id : group.run_ids) {
    for (const auto& run : runs) {
      if (run.value("id", std::string()) == id) members.push_back(&run);
    }
  }
  return members;
}

// Drops metric columns that no row has, so tables stay narrow.
void drop_empty_columns(Table& table, std::size_t first_metric) {
  for (std::size_t c = table.columns.size(); c-- > first_metric;) {
    if (table.columns[c].kind == ColumnKind::run_id) continue;
    const bool any = std::any_of(table.rows.begin(), table.rows.end(),
                                 [c](const auto& row) { return !row[c].missing(); });
    if (any) continue;
    table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(c));
    for (auto& row : table.rows) row.erase(row.begin() + static_cast<std::ptrdiff_t>(c));
  }
}

struct KeyField {
  const char* field;
  const char* label;
};

// One row per distinct key (values of `keys` in a model run that has metrics[tier]); the
// newest run in the group wins, and the row names it. Columns are the tier's catalogue metrics.
Table metric_table(const std::vector<const json*>& members, int group, const std::string& id,
                   const std::string& section, const char* tier, const std::vector<KeyField>& keys) {
  Table table{id, section, std::string(metrics::find_scope(tier)->title), group, {}, {}};
  for (const auto& k : keys) table.columns.push_back({k.field, k.label, ColumnKind::text, Better::none});
  std::vector<metrics::Metric> specs = table_metrics(tier);
  // A metric the data has that the catalogue lacks (a record from a newer version) is appended,
  // so nothing reported is hidden: a readable label (underscores as spaces), printed as an
  // integer when every value is one. tests/test_catalogue.cpp keeps this list empty for our tiers.
  std::set<std::string_view> known;
  if (const metrics::Scope* scope = metrics::find_scope(tier)) {
    for (const auto& s : scope->metrics) known.insert(s.key);
  }
  std::map<std::string, bool> extra;  // name -> every value is a whole number
  for (const json* run : members)
    for (const auto& mr : member(*run, "model_runs"))
      for (const auto& [name, value] : member(member(mr, "metrics"), tier).items())
        if (!known.count(name) && value.is_number()) {
          auto [it, inserted] = extra.emplace(name, true);
          it->second = it->second && (value.is_number_integer() || std::floor(value.get<double>()) == value.get<double>());
        }
  table.columns.push_back({"run_id", "run", ColumnKind::run_id, Better::none});
  for (const auto& s : specs) table.columns.push_back(metric_column(s));
  for (const auto& [name, whole] : extra) {  // map keys outlive specs' views of them
    std::string label = name;
    std::replace(label.begin(), label.end(), '_', ' ');
    table.columns.push_back({name, label, whole ? ColumnKind::integer : ColumnKind::number, N});
    specs.push_back({name, "", metrics::MetricKind::score, N, metrics::Format::decimal, metrics::Interval::suffixed});
  }

  std::map<std::vector<std::string>, std::vector<Cell>> rows;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    const json& run = **it;
    for (const auto& mr : member(run, "model_runs")) {
      const json& metrics = member(member(mr, "metrics"), tier);
      if (!usable(mr) || !metrics.is_object() || metrics.empty()) continue;
      std::vector<std::string> key;
      for (const auto& k : keys) key.push_back(text_of(member(mr, k.field)));
      if (rows.count(key)) continue;
      std::vector<Cell> row;
      for (const auto& part : key) row.push_back(text_cell(part.empty() ? "" : part));
      row.push_back(text_cell(run.value("id", std::string())));
      for (const auto& s : specs) row.push_back(metric_cell(metrics, s));
      rows.emplace(std::move(key), std::move(row));
    }
  }
  for (auto& [key, row] : rows) table.rows.push_back(std::move(row));
  drop_empty_columns(table, keys.size() + 1);
  return table;
}

// The judges that scored some standard task of `members` (judges.<judge> blocks), by name.
std::set<std::string> standard_judges(const std::vector<const json*>& members) {
  std::set<std::string> judges;
  for (const json* run : members)
    for (const auto& mr : member(*run, "model_runs"))
      for (const auto& [task, block] : member(member(mr, "metrics"), "standard").items())
        for (const auto& [judge, scores] : member(block, "judges").items()) judges.insert(judge);
  return judges;
}

// Standard tasks: one row per (model, task) with accuracy and its interval; for tasks scored by
// judges, each judge's metrics (the catalogue's "judges.*." ones: its score) in a column per
// judge, keyed by their path under the task ("judges.<judge>.score").
Table standard_table(const std::vector<const json*>& members, int group, const std::string& id) {
  Table table{id, "standard", std::string(metrics::find_scope("standard")->title), group, {}, {}};
  table.columns = {{"task", "task", ColumnKind::text, N},
                   {"generation_model", "model", ColumnKind::text, N},
                   {"run_id", "run", ColumnKind::run_id, N}};
  std::vector<metrics::Metric> specs, per_judge;
  for (const auto& m : table_metrics("standard")) {
    if (metrics::per_judge(m)) per_judge.push_back(metrics::judge_field(m));
    else specs.push_back(m);
  }
  for (const auto& s : specs) table.columns.push_back(metric_column(s));
  const std::set<std::string> judges = standard_judges(members);
  for (const auto& judge : judges) {
    for (const auto& m : per_judge) {
      Column column = metric_column(m);
      column.key = fmt::format("judges.{}.{}", judge, m.key);  // the catalogue's key, "*" named
      column.label = fmt::format("{} ({})", m.label, judge);
      table.columns.push_back(std::move(column));
    }
  }
  std::map<std::pair<std::string, std::string>, std::vector<Cell>> rows;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    for (const auto& mr : member(**it, "model_runs")) {
      if (!usable(mr)) continue;
      for (const auto& [task, block] : member(member(mr, "metrics"), "standard").items()) {
        std::pair<std::string, std::string> key{task, text_of(member(mr, "generation_model"))};
        if (!block.is_object() || rows.count(key)) continue;
        std::vector<Cell> row{text_cell(task), text_cell(key.second), text_cell((*it)->value("id", std::string()))};
        for (const auto& s : specs) row.push_back(metric_cell(block, s));
        for (const auto& judge : judges) {
          for (const auto& m : per_judge) row.push_back(metric_cell(member(member(block, "judges"), judge.c_str()), m));
        }
        rows.emplace(key, std::move(row));
      }
    }
  }
  // A model the newest run asked for that has no result (an interrupted run stopped before
  // any of its items finished) is a row of missing cells, not a silent absence.
  if (!members.empty() && !rows.empty()) {
    const json& newest = *members.back();
    std::set<std::string> tasks_seen;
    for (const auto& [key, row] : rows) tasks_seen.insert(key.first);
    for (const auto& model : member(member(newest, "flags"), "generation_models")) {
      if (!model.is_string()) continue;
      for (const auto& task : tasks_seen) {
        std::pair<std::string, std::string> key{task, model.get<std::string>()};
        if (rows.count(key)) continue;
        std::vector<Cell> row{text_cell(task), text_cell(key.second), text_cell(newest.value("id", std::string()))};
        row.resize(table.columns.size());
        rows.emplace(key, std::move(row));
      }
    }
  }
  for (auto& [key, row] : rows) table.rows.push_back(std::move(row));
  drop_empty_columns(table, 4);
  return table;
}

// MMLU by subject: rows are subjects, one accuracy column per model (cells name their run).
Table subject_table(const std::vector<const json*>& members, int group, const std::string& id) {
  Table table{id, "mmlu_subjects", "MMLU accuracy by subject", group, {}, {}};
  std::map<std::string, std::pair<std::string, const json*>> latest;  // model -> (run id, subjects)
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    for (const auto& mr : member(**it, "model_runs")) {
      const json& subjects = member(member(member(member(mr, "metrics"), "standard"), "mmlu"), "subjects");
      const std::string model = text_of(member(mr, "generation_model"));
      if (!usable(mr) || !subjects.is_object() || latest.count(model)) continue;
      latest[model] = {(*it)->value("id", std::string()), &subjects};
    }
  }
  std::set<std::string> subject_names;
  for (const auto& [model, entry] : latest)
    for (const auto& [name, value] : entry.second->items()) subject_names.insert(name);
  table.columns.push_back({"subject", "subject", ColumnKind::text, N});
  const metrics::Metric& accuracy = *metrics::find_metric("standard", "accuracy");
  for (const auto& [model, entry] : latest) table.columns.push_back({model, model, column_kind(accuracy), accuracy.better});
  for (const auto& subject : subject_names) {
    std::vector<Cell> row{text_cell(subject)};
    for (const auto& [model, entry] : latest) {
      Cell cell = metric_cell(member(*entry.second, subject.c_str()), accuracy);
      cell.run_id = entry.first;
      row.push_back(cell);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

bool is_perf(const json& run) { return member(run, "kind") == "perf"; }

// Perf: one table per perf record (kind "perf"), one row per level in the order they ran. Columns:
// the model, the level, the run, the level's status, the --find-max-rate search's verdict on it
// (when some level has one), then the catalogue's perf metrics; the
// "errors_by_kind.*" metric becomes a column per error kind some level counted.
Table perf_table(const json& run, const std::string& id) {
  const json& perf = member(run, "perf");
  const json& levels = member(perf, "levels");
  const std::string model = text_of(member(perf, "model"));
  const std::string mode = text_of(member(perf, "mode"));
  Table table{id, "perf", fmt::format("{}: {}{}", metrics::find_scope("perf")->title, model,
                                      mode.empty() ? "" : " (" + mode + " loop)"), -1, {}, {}};
  table.columns = {{"generation_model", "model", ColumnKind::text, N},
                   {"level", "level", ColumnKind::text, N},
                   {"run_id", "run", ColumnKind::run_id, N},
                   {"level_status", "status", ColumnKind::text, N},
                   {"verdict", "SLO verdict", ColumnKind::text, N}};
  std::set<std::string> kinds;
  for (const auto& level : levels)
    for (const auto& [kind, count] : member(level, "errors_by_kind").items()) kinds.insert(kind);
  std::vector<std::pair<metrics::Metric, std::string>> specs;  // a metric, and its error kind for "errors_by_kind.*"
  for (const auto& m : table_metrics("perf")) {
    if (m.key.find('*') == std::string_view::npos) {
      specs.emplace_back(m, "");
      table.columns.push_back(metric_column(m));
      continue;
    }
    for (const auto& kind : kinds) {
      specs.emplace_back(m, kind);
      Column column = metric_column(m);
      column.key = fmt::format("errors_by_kind.{}", kind);
      column.label = fmt::format("{} ({})", m.label, kind);
      table.columns.push_back(std::move(column));
    }
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const json& level = levels[i];
    std::vector<Cell> row{text_cell(model), text_cell(perf_level_text(level, i)), text_cell(run.value("id", std::string())),
                          text_cell(perf_level_status(level)), text_cell(text_of(member(level, "verdict")))};
    for (const auto& [metric, kind] : specs) {
      // an error kind is a name, not a path: it may hold a dot
      row.push_back(kind.empty() ? metric_cell(level, metric) : number_cell(member(member(level, "errors_by_kind"), kind.c_str())));
    }
    table.rows.push_back(std::move(row));
  }
  drop_empty_columns(table, 4);
  return table;
}

// True when the run's tiers hold tier_ux ("ux"). Its answers come from --ux-log and its hits
// from --ux-similarity, so only such runs are keyed by them (a record of another tier, also one
// written before these flags were stored, keeps its group).
bool runs_ux(const json& flags) {
  const json& tiers = member(flags, "tiers");
  if (!tiers.is_array()) return false;
  return std::any_of(tiers.begin(), tiers.end(), [](const json& t) { return t == "ux" || t == "all"; });
}

}  // namespace

std::string comparable_key(const json& run) {
  const json& flags = member(run, "flags");
  json key = {{"tasks", joined(member(flags, "tasks"))},
              {"dataset_file", text_of(member(run, "dataset_file"))},
              {"limit", text_of(member(flags, "limit"))},
              {"sample_seed", text_of(member(flags, "sample_seed"))},
              {"num_fewshot", text_of(member(flags, "num_fewshot"))},
              {"judge_eval_mode", text_of(member(flags, "judge_eval_mode"))},
              {"consistency_runs", text_of(member(flags, "consistency_runs"))}};
  if (runs_ux(flags)) {
    key["ux_log"] = text_of(member(flags, "ux_log"));
    key["ux_similarity"] = text_of(member(flags, "ux_similarity"));
  }
  return key.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<ComparableGroup> group_runs(const json& runs) {
  std::vector<ComparableGroup> groups;
  for (const auto& run : runs) {
    if (is_perf(run)) continue;  // a load test is not compared with sweeps (its tables: perf_table)
    const std::string key = comparable_key(run);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.key == key; });
    if (it == groups.end()) {
      const json& flags = member(run, "flags");
      std::vector<std::string> parts;
      auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) parts.push_back(fmt::format("{} {}", name, value));
      };
      add("tasks", joined(member(flags, "tasks")));
      // The dataset file is the RAG and judge tiers'; standard tasks name their own data, so
      // their tables use standard_label, which leaves it out.
      std::vector<std::string> standard_parts = parts;
      std::string dataset = text_of(member(run, "dataset_file"));
      if (auto slash = dataset.rfind('/'); slash != std::string::npos) dataset = dataset.substr(slash + 1);
      add("dataset", dataset);
      const std::size_t with_dataset = parts.size();
      const std::string limit = text_of(member(flags, "limit"));
      add("limit", limit.empty() ? "all" : limit);
      add("seed", text_of(member(flags, "sample_seed")));
      add("few-shot", text_of(member(flags, "num_fewshot")));
      add("judge mode", text_of(member(flags, "judge_eval_mode")));
      add("consistency runs", text_of(member(flags, "consistency_runs")));
      if (runs_ux(flags)) {
        const std::string log = text_of(member(flags, "ux_log"));
        add("ux log", log.empty() ? "(the shipped sample)" : log);
        add("ux similarity", text_of(member(flags, "ux_similarity")));
      }
      standard_parts.insert(standard_parts.end(), parts.begin() + static_cast<std::ptrdiff_t>(with_dataset), parts.end());
      groups.push_back({key, fmt::format("{}", fmt::join(parts, " · ")), {},
                        fmt::format("{}", fmt::join(standard_parts, " · "))});
      it = groups.end() - 1;
    }
    it->run_ids.push_back(run.value("id", std::string()));
  }
  return groups;
}

ReportTables build_tables(const json& runs) {
  ReportTables result;
  result.groups = group_runs(runs);
  const std::vector<KeyField> gen = {{"generation_model", "model"}};
  const std::vector<KeyField> gen_judge = {{"generation_model", "model"}, {"judge_model", "judge"}};
  const std::vector<KeyField> embedding = {{"embedding_model", "embedding model"}};
  for (std::size_t g = 0; g < result.groups.size(); ++g) {
    const auto members = group_members(runs, result.groups[g]);
    const int gi = static_cast<int>(g);
    const std::string suffix = fmt::format("g{}", g + 1);
    std::vector<Table> tables = {
        metric_table(members, gi, "llm-t2-" + suffix, "llm", "tier_2", gen_judge),
        metric_table(members, gi, "llm-t3-" + suffix, "llm", "tier_3", gen_judge),
        metric_table(members, gi, "llm-t1-" + suffix, "llm", "tier_1", embedding),
        metric_table(members, gi, "llm-t0-" + suffix, "llm", "tier_0", embedding),
        metric_table(members, gi, "llm-ux-" + suffix, "llm", "tier_ux",
                     {{"embedding_model", "embedding model"}, {"judge_model", "judge"}}),
        metric_table(members, gi, "judge-" + suffix, "judge", "tier_judge",
                     {{"judge_model", "judge"}}),
        metric_table(members, gi, "prod-" + suffix, "prod_judge", "tier_judge_pipeline",
                     {{"production_judge_model", "production judge"}}),
        standard_table(members, gi, "std-" + suffix),
        subject_table(members, gi, "mmlu-" + suffix)};
    for (auto& table : tables) {
      if (!table.rows.empty()) result.tables.push_back(std::move(table));
    }
  }
  std::size_t perf_runs = 0;
  for (const auto& run : runs) {
    if (!is_perf(run)) continue;
    Table table = perf_table(run, fmt::format("perf-{}", ++perf_runs));
    if (!table.rows.empty()) result.tables.push_back(std::move(table));
  }
  return result;
}

ColumnKind column_kind(const metrics::Metric& metric) {
  switch (metric.format) {
    case metrics::Format::percent: return ColumnKind::fraction;
    case metrics::Format::integer: return ColumnKind::integer;
    default: return ColumnKind::number;
  }
}

std::string format_number(double value, ColumnKind kind) {
  if (kind == ColumnKind::integer && std::floor(value) == value && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  std::string text = fmt::format("{:.4f}", value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string perf_level_text(const json& level, std::size_t index) {
  if (member(level, "concurrency").is_number()) {
    return "concurrency " + format_number(level["concurrency"].get<double>(), ColumnKind::integer);
  }
  if (member(level, "rate").is_number()) return "rate " + format_number(level["rate"].get<double>(), ColumnKind::number) + " req/s";
  return fmt::format("level {}", index + 1);
}

std::string perf_level_status(const json& level) {
  if (member(level, "stopped_early").is_string()) return "stopped early: " + level["stopped_early"].get<std::string>();
  if (member(level, "complete") == true) return "complete";
  if (member(level, "complete") == false) return "cut short";
  return "";
}

json tables_to_json(const ReportTables& tables) {
  static const char* kKinds[] = {"text", "number", "integer", "fraction", "run_id"};
  json out = {{"groups", json::array()}, {"tables", json::array()}};
  for (const auto& g : tables.groups) out["groups"].push_back({{"label", g.label}, {"standard_label", g.standard_label}, {"runs", g.run_ids}});
  for (const auto& t : tables.tables) {
    json columns = json::array();
    for (const auto& c : t.columns) {
      columns.push_back({{"key", c.key}, {"label", c.label}, {"kind", kKinds[static_cast<int>(c.kind)]},
                         {"better", metrics::to_string(c.better)}});
    }
    json rows = json::array();
    for (const auto& row : t.rows) {
      json cells = json::array();
      for (const auto& cell : row) {
        if (cell.missing()) {
          cells.push_back(nullptr);
          continue;
        }
        json c = json::object();
        if (cell.number) c["v"] = *cell.number;
        else c["t"] = cell.text;
        if (cell.ci95) c["ci"] = {cell.ci95->low, cell.ci95->high};
        if (!cell.run_id.empty()) c["run"] = cell.run_id;
        cells.push_back(std::move(c));
      }
      rows.push_back(std::move(cells));
    }
    out["tables"].push_back({{"id", t.id}, {"section", t.section}, {"title", t.title}, {"group", t.group},
                             {"columns", columns}, {"rows", rows}});
  }
  return out;
}

}  // namespace llmbench::report
