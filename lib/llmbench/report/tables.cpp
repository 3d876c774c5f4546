#include "llmbench/report/tables.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace llmbench::report {
namespace {

using nlohmann::json;

struct MetricSpec {
  const char* key;
  const char* label;
  ColumnKind kind;
  Better better;
};

constexpr auto H = Better::higher;
constexpr auto L = Better::lower;
constexpr auto N = Better::none;
constexpr auto num = ColumnKind::number;
constexpr auto integer = ColumnKind::integer;
constexpr auto frac = ColumnKind::fraction;

const std::vector<MetricSpec> kTier0 = {
    {"avg_nn_distance", "avg NN distance", num, N}, {"std_nn_distance", "std NN distance", num, N},
    {"density_score", "density", num, N}, {"avg_spread", "avg spread", num, N},
    {"max_spread", "max spread", num, N}, {"spread_std", "spread std", num, N},
    {"effective_dimensionality", "effective dim.", num, H},
    {"avg_pairwise_distance", "avg pairwise dist.", num, N}, {"std_pairwise_distance", "std pairwise dist.", num, N},
    {"min_pairwise_distance", "min pairwise dist.", num, N}, {"max_pairwise_distance", "max pairwise dist.", num, N},
    {"total_samples", "samples", integer, N}};
const std::vector<MetricSpec> kTier1 = {
    {"hit_rate@1", "hit@1", frac, H}, {"hit_rate@5", "hit@5", frac, H}, {"hit_rate@10", "hit@10", frac, H},
    {"mrr", "MRR", num, H}, {"recall@1", "recall@1", frac, H}, {"recall@3", "recall@3", frac, H},
    {"recall@5", "recall@5", frac, H}, {"recall@10", "recall@10", frac, H},
    {"precision@1", "precision@1", frac, H}, {"precision@3", "precision@3", frac, H},
    {"precision@5", "precision@5", frac, H}, {"precision@10", "precision@10", frac, H},
    {"ndcg@5", "nDCG@5", num, H}, {"ndcg@10", "nDCG@10", num, H},
    {"retrieval_consistency", "consistency", num, H}};
const std::vector<MetricSpec> kTextMetrics = {
    {"avg_faithfulness", "faithfulness", num, H}, {"avg_answer_relevance", "relevance", num, H},
    {"avg_answer_correctness", "correctness", num, H}, {"avg_rouge1_f", "ROUGE-1 F", num, H},
    {"avg_rouge2_f", "ROUGE-2 F", num, H}, {"avg_rougeL_f", "ROUGE-L F", num, H},
    {"avg_bleu", "BLEU", num, H}, {"response_exact_match_rate", "exact match", frac, H},
    {"response_semantic_consistency", "semantic consistency", num, H},
    {"total_queries", "queries", integer, N}, {"successful_evaluations", "evaluated", integer, H},
    {"errors", "errors", integer, L}};
const std::vector<MetricSpec> kTier3Extra = {
    {"avg_e2e_score", "E2E score", num, H}, {"avg_semantic_similarity", "semantic sim.", num, H},
    {"avg_dot_similarity", "dot sim.", num, H}, {"avg_euclidean_distance", "euclidean dist.", num, L}};
const std::vector<MetricSpec> kJudge = {
    {"consistency_score", "consistency", num, H}, {"error_rate", "error rate", frac, L},
    {"avg_latency_ms", "mean latency ms", num, L}, {"avg_score", "avg score", num, N},
    {"total_items", "items", integer, N}, {"total_verdicts", "verdicts", integer, N},
    {"failed_verdicts", "failed verdicts", integer, L}, {"consistency_items", "items judged twice+", integer, N},
    {"consistent_items", "consistent items", integer, N}};
const std::vector<MetricSpec> kPipeline = {
    {"accuracy", "accuracy", frac, H}, {"precision", "precision", frac, H}, {"recall", "recall", frac, H},
    {"f1_score", "F1", frac, H}, {"avg_latency_ms", "mean latency ms", num, L},
    {"true_positives", "TP", integer, N}, {"false_positives", "FP", integer, L},
    {"false_negatives", "FN", integer, L}, {"true_negatives", "TN", integer, N},
    {"total_evaluations", "evaluations", integer, N}, {"failed_evaluations", "failed", integer, L}};

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

const json& field(const json& object, const char* name) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  auto it = object.find(name);
  return it == object.end() ? null_value : *it;
}

Cell number_cell(const json& value) {
  Cell cell;
  if (value.is_number()) {
    const double v = value.get<double>();
    if (std::isfinite(v)) cell.number = v;
  }
  return cell;
}

Cell accuracy_cell(const json& block) {
  Cell cell = number_cell(field(block, "accuracy"));
  const json& ci = field(block, "ci95");
  if (cell.number && field(ci, "low").is_number() && field(ci, "high").is_number()) {
    cell.ci95 = Interval{ci["low"].get<double>(), ci["high"].get<double>()};
  }
  return cell;
}

// A metric with its interval, when the model run reports one beside it as "<key>_ci95".
Cell interval_cell(const json& metrics, const std::string& key) {
  Cell cell = number_cell(field(metrics, key.c_str()));
  const json& ci = field(metrics, (key + "_ci95").c_str());
  if (cell.number && field(ci, "low").is_number() && field(ci, "high").is_number()) {
    cell.ci95 = Interval{ci["low"].get<double>(), ci["high"].get<double>()};
  }
  return cell;
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
// newest run in the group wins, and the row names it.
Table metric_table(const std::vector<const json*>& members, int group, const std::string& id,
                   const std::string& section, const std::string& title, const char* tier,
                   const std::vector<KeyField>& keys, std::vector<MetricSpec> specs) {
  Table table{id, section, title, group, {}, {}};
  for (const auto& k : keys) table.columns.push_back({k.field, k.label, ColumnKind::text, Better::none});
  // Metrics the data has that the list lacks are appended, so nothing reported is hidden.
  std::set<std::string> known;
  for (const auto& s : specs) known.insert(s.key);
  // They get a readable label (underscores as spaces) and print as integers when every value is.
  std::map<std::string, bool> extra;  // name -> every value is a whole number
  for (const json* run : members)
    for (const auto& mr : field(*run, "model_runs"))
      for (const auto& [name, value] : field(field(mr, "metrics"), tier).items())
        if (!known.count(name) && value.is_number()) {
          auto [it, inserted] = extra.emplace(name, true);
          it->second = it->second && (value.is_number_integer() || std::floor(value.get<double>()) == value.get<double>());
        }
  std::vector<std::string> extra_names, extra_labels;
  for (const auto& [name, whole] : extra) {
    extra_names.push_back(name);
    std::string label = name;
    std::replace(label.begin(), label.end(), '_', ' ');
    extra_labels.push_back(std::move(label));
  }
  for (std::size_t i = 0; i < extra_names.size(); ++i)
    specs.push_back({extra_names[i].c_str(), extra_labels[i].c_str(), extra.at(extra_names[i]) ? integer : num, N});
  table.columns.push_back({"run_id", "run", ColumnKind::run_id, Better::none});
  for (const auto& s : specs) table.columns.push_back({s.key, s.label, s.kind, s.better});

  std::map<std::vector<std::string>, std::vector<Cell>> rows;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    const json& run = **it;
    for (const auto& mr : field(run, "model_runs")) {
      const json& metrics = field(field(mr, "metrics"), tier);
      if (!usable(mr) || !metrics.is_object() || metrics.empty()) continue;
      std::vector<std::string> key;
      for (const auto& k : keys) key.push_back(text_of(field(mr, k.field)));
      if (rows.count(key)) continue;
      std::vector<Cell> row;
      for (const auto& part : key) row.push_back(text_cell(part.empty() ? "" : part));
      row.push_back(text_cell(run.value("id", std::string())));
      for (const auto& s : specs) row.push_back(interval_cell(metrics, s.key));
      rows.emplace(std::move(key), std::move(row));
    }
  }
  for (auto& [key, row] : rows) table.rows.push_back(std::move(row));
  drop_empty_columns(table, keys.size() + 1);
  return table;
}

// Standard tasks: one row per (model, task) with accuracy and its interval.
Table standard_table(const std::vector<const json*>& members, int group, const std::string& id) {
  Table table{id, "standard", "Standard benchmarks: accuracy with Wilson 95% interval", group, {}, {}};
  table.columns = {{"task", "task", ColumnKind::text, N},
                   {"generation_model", "model", ColumnKind::text, N},
                   {"run_id", "run", ColumnKind::run_id, N},
                   {"accuracy", "accuracy", frac, H},
                   {"strict_match", "strict match", frac, H},
                   {"flexible_extract", "flexible extract", frac, H},
                   {"macro_accuracy", "macro acc.", frac, H},
                   {"n", "n", integer, N},
                   {"n_correct", "correct", integer, N},
                   {"n_unparsed", "unparsed", integer, L},
                   {"n_truncated", "truncated", integer, L},
                   {"n_errors", "errors", integer, L},
                   {"latency_ms_p50", "p50 ms", num, L},
                   {"latency_ms_p95", "p95 ms", num, L},
                   {"cost_total", "cost", num, L}};
  std::map<std::pair<std::string, std::string>, std::vector<Cell>> rows;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    for (const auto& mr : field(**it, "model_runs")) {
      if (!usable(mr)) continue;
      for (const auto& [task, block] : field(field(mr, "metrics"), "standard").items()) {
        std::pair<std::string, std::string> key{task, text_of(field(mr, "generation_model"))};
        if (!block.is_object() || rows.count(key)) continue;
        rows.emplace(key, std::vector<Cell>{
                              text_cell(task), text_cell(key.second),
                              text_cell((*it)->value("id", std::string())), accuracy_cell(block),
                              accuracy_cell(field(block, "strict_match")),
                              accuracy_cell(field(block, "flexible_extract")),
                              number_cell(field(block, "macro_accuracy")), number_cell(field(block, "n")),
                              number_cell(field(block, "n_correct")), number_cell(field(block, "n_unparsed")),
                              number_cell(field(block, "n_truncated")), number_cell(field(block, "n_errors")),
                              number_cell(field(field(block, "latency_ms"), "p50")),
                              number_cell(field(field(block, "latency_ms"), "p95")),
                              number_cell(field(field(block, "cost"), "total"))});
      }
    }
  }
  // A model the newest run asked for that has no result (an interrupted run stopped before
  // any of its items finished) is a row of missing cells, not a silent absence.
  if (!members.empty() && !rows.empty()) {
    const json& newest = *members.back();
    std::set<std::string> tasks_seen;
    for (const auto& [key, row] : rows) tasks_seen.insert(key.first);
    for (const auto& model : field(field(newest, "flags"), "generation_models")) {
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
    for (const auto& mr : field(**it, "model_runs")) {
      const json& subjects = field(field(field(field(mr, "metrics"), "standard"), "mmlu"), "subjects");
      const std::string model = text_of(field(mr, "generation_model"));
      if (!usable(mr) || !subjects.is_object() || latest.count(model)) continue;
      latest[model] = {(*it)->value("id", std::string()), &subjects};
    }
  }
  std::set<std::string> subject_names;
  for (const auto& [model, entry] : latest)
    for (const auto& [name, value] : entry.second->items()) subject_names.insert(name);
  table.columns.push_back({"subject", "subject", ColumnKind::text, N});
  for (const auto& [model, entry] : latest) table.columns.push_back({model, model, frac, H});
  for (const auto& subject : subject_names) {
    std::vector<Cell> row{text_cell(subject)};
    for (const auto& [model, entry] : latest) {
      Cell cell = accuracy_cell(field(*entry.second, subject.c_str()));
      cell.run_id = entry.first;
      row.push_back(cell);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

std::string comparable_key(const json& run) {
  const json& flags = field(run, "flags");
  json key = {{"tasks", joined(field(flags, "tasks"))},
              {"dataset_file", text_of(field(run, "dataset_file"))},
              {"limit", text_of(field(flags, "limit"))},
              {"sample_seed", text_of(field(flags, "sample_seed"))},
              {"num_fewshot", text_of(field(flags, "num_fewshot"))},
              {"judge_eval_mode", text_of(field(flags, "judge_eval_mode"))},
              {"consistency_runs", text_of(field(flags, "consistency_runs"))}};
  return key.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<ComparableGroup> group_runs(const json& runs) {
  std::vector<ComparableGroup> groups;
  for (const auto& run : runs) {
    const std::string key = comparable_key(run);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.key == key; });
    if (it == groups.end()) {
      const json& flags = field(run, "flags");
      std::vector<std::string> parts;
      auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) parts.push_back(fmt::format("{} {}", name, value));
      };
      add("tasks", joined(field(flags, "tasks")));
      // The dataset file is the RAG and judge tiers'; standard tasks name their own data, so
      // their tables use standard_label, which leaves it out.
      std::vector<std::string> standard_parts = parts;
      std::string dataset = text_of(field(run, "dataset_file"));
      if (auto slash = dataset.rfind('/'); slash != std::string::npos) dataset = dataset.substr(slash + 1);
      add("dataset", dataset);
      const std::size_t with_dataset = parts.size();
      const std::string limit = text_of(field(flags, "limit"));
      add("limit", limit.empty() ? "all" : limit);
      add("seed", text_of(field(flags, "sample_seed")));
      add("few-shot", text_of(field(flags, "num_fewshot")));
      add("judge mode", text_of(field(flags, "judge_eval_mode")));
      add("consistency runs", text_of(field(flags, "consistency_runs")));
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
    std::vector<MetricSpec> tier3 = kTier3Extra;
    tier3.insert(tier3.end(), kTextMetrics.begin(), kTextMetrics.end());
    std::vector<Table> tables = {
        metric_table(members, gi, "llm-t2-" + suffix, "llm", "Tier 2: RAG answer quality", "tier_2",
                     gen_judge, kTextMetrics),
        metric_table(members, gi, "llm-t3-" + suffix, "llm", "Tier 3: end-to-end", "tier_3", gen_judge, tier3),
        metric_table(members, gi, "llm-t1-" + suffix, "llm", "Tier 1: retrieval", "tier_1", embedding, kTier1),
        metric_table(members, gi, "llm-t0-" + suffix, "llm", "Tier 0: embedding geometry", "tier_0", embedding, kTier0),
        metric_table(members, gi, "judge-" + suffix, "judge", "Benchmark judges", "tier_judge",
                     {{"judge_model", "judge"}}, kJudge),
        metric_table(members, gi, "prod-" + suffix, "prod_judge", "Production judges", "tier_judge_pipeline",
                     {{"production_judge_model", "production judge"}}, kPipeline),
        standard_table(members, gi, "std-" + suffix),
        subject_table(members, gi, "mmlu-" + suffix)};
    for (auto& table : tables) {
      if (!table.rows.empty()) result.tables.push_back(std::move(table));
    }
  }
  return result;
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

json tables_to_json(const ReportTables& tables) {
  static const char* kKinds[] = {"text", "number", "integer", "fraction", "run_id"};
  static const char* kBetter[] = {"higher", "lower", "none"};
  json out = {{"groups", json::array()}, {"tables", json::array()}};
  for (const auto& g : tables.groups) out["groups"].push_back({{"label", g.label}, {"standard_label", g.standard_label}, {"runs", g.run_ids}});
  for (const auto& t : tables.tables) {
    json columns = json::array();
    for (const auto& c : t.columns) {
      columns.push_back({{"key", c.key}, {"label", c.label}, {"kind", kKinds[static_cast<int>(c.kind)]},
                         {"better", kBetter[static_cast<int>(c.better)]}});
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
