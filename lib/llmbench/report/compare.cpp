#include "llmbench/report/compare.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/paired.hpp"
#include "llmbench/metrics/text_overlap.hpp"
#include "llmbench/records/clusters.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
namespace field = records::field;

std::string text_of(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A sweep has an item log; perf and arena records do not hold one the comparison can read.
bool is_sweep(const json& run) { return run.contains("item_log") && text_of(run, "kind").empty(); }

json read_report(const fs::path& dir) {
  const fs::path file = records::OutputLayout(dir).report_file();
  if (!fs::exists(file)) {
    throw InputError(file.string(), 0, "no report here; name a run id, an output directory (with a /), or DIR:RUN_ID");
  }
  return read_runs(file);
}

using Scored = ScoredItem;
using RowKey = CompareRowKey;
using Rows = RunScores;

bool wanted(const std::vector<std::string>& keep, const std::string& name) {
  return keep.empty() || std::find(keep.begin(), keep.end(), name) != keep.end();
}

// A RAG answer's overlap with its reference, per item (tiers 2 and 3, as metrics.tier_N's
// avg_rougeL_f averages it).
constexpr const char* kRougeMeasure = "rougeL_f";

// The rows a record scores, each with the record's score on it: nullopt for a failed record (a
// judge's request that failed scores nothing, yet as the latest record of its key it replaces an
// earlier score, so the caller stores it as "no score"). Empty for a record that scores no row.
//   accuracy   a generation record's `correct` (0/1);
//   <metric>   a judge record's numeric `score` (per judge model);
//   rougeL_f   a RAG answer's ROUGE-L F against its reference (task "rag", repeat 0, with one).
std::vector<std::pair<RowKey, std::optional<Scored>>> scores_of(const json& r, const CompareOptions& options) {
  const std::string model = text_of(r, field::kGenerationModel);
  if (model.empty() || !wanted(options.models, model)) return {};
  RowKey key{model, text_of(r, field::kTier), text_of(r, field::kTask), "", ""};
  if (!wanted(options.tasks, key.task)) return {};
  const std::string role = text_of(r, field::kRole);
  const bool failed = r.contains(field::kError) && !r[field::kError].is_null();
  auto scored = [&](const json& value) -> std::optional<Scored> {
    if (failed || !(value.is_boolean() || value.is_number())) return std::nullopt;
    return Scored{value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>(),
                  text_of(r, field::kItemId), records::cluster_of(r)};
  };
  if (role == "generation" && r.contains(field::kCorrect)) {
    key.measure = "accuracy";
    return {{key, scored(r[field::kCorrect])}};
  }
  if (role == "generation" && key.task == "rag" && !text_of(r, field::kReference).empty() &&
      r.value(field::kRepeat, 0) == 0) {
    key.measure = kRougeMeasure;
    const double f = metrics::text_overlap(text_of(r, field::kResponse), text_of(r, field::kReference)).rougeL_f;
    return {{key, scored(json(f))}};
  }
  if (role == "judge" && r.contains(field::kScore)) {
    key.judge = text_of(r, field::kJudgeModel);
    const std::string metric = text_of(r, "metric");
    key.measure = metric.empty() ? "judge score" : metric;
    return {{key, scored(r[field::kScore])}};
  }
  return {};
}

}  // namespace

RunScores read_run_scores(const NamedRun& run, const CompareOptions& options) {
  const records::OutputLayout layout(run.output_dir);
  const fs::path log = layout.resolve(text_of(run.record, "item_log"));
  if (!fs::exists(log)) {
    throw InputError(log.string(), 0, fmt::format("the item log of run {} is missing; compare reads each item's score from it",
                                                  text_of(run.record, "id")));
  }
  Rows rows;
  records::scan_journal(log, records::DamagedLines::skip, [&](json&& r) {
    for (auto& [row, score] : scores_of(r, options)) {
      rows.items[row][text_of(r, field::kKey)] = std::move(score);
      const std::string detector = text_of(r, field::kRefusalDetector);
      if (!detector.empty()) rows.detectors[row].insert(detector);
    }
  });
  return rows;
}

namespace {

std::string detectors_text(const std::map<RowKey, std::set<std::string>>& detectors, const RowKey& key) {
  auto it = detectors.find(key);
  return it == detectors.end() ? std::string() : fmt::format("{}", fmt::join(it->second, ", "));
}

// Refusal labels from different detectors (the rules, an LLM judge) are not one measure: the
// row keeps its counts, names both detectors and a note, and holds no statistics.
void mark_detectors(json& row, const std::string& a, const std::string& b) {
  if (a.empty() && b.empty()) return;
  row["refusal_detector_a"] = a.empty() ? json() : json(a);
  row["refusal_detector_b"] = b.empty() ? json() : json(b);
  if (a == b) return;
  for (const char* name : {"accuracy_a", "accuracy_b", "delta", "ci95", "ci_method", "b", "c", "mcnemar_p", "p",
                           "clustered_se", "n_clusters"}) {
    row[name] = nullptr;
  }
  row["flipped"] = {{"worse", json::array()}, {"better", json::array()}};
  row["note"] = "not compared: refusal labels from different detectors";
}

json interval(double low, double high) { return {{"low", low}, {"high", high}}; }

// The statistics of one row over the items both runs scored.
json compare_row(const RowKey& key, const std::map<std::string, std::optional<Scored>>& a,
                 const std::map<std::string, std::optional<Scored>>& b, const CompareOptions& options) {
  std::vector<double> sa, sb;
  std::vector<std::string> clusters;
  json worse = json::array(), better = json::array();
  std::size_t only_a = 0, only_b = 0;
  for (const auto& [item, score] : a) {
    if (!score) continue;
    auto other = b.find(item);
    if (other == b.end() || !other->second) {
      ++only_a;
      continue;
    }
    sa.push_back(score->score);
    sb.push_back(other->second->score);
    clusters.push_back(score->cluster);
    if (score->score > other->second->score) worse.push_back(score->item_id);
    if (score->score < other->second->score) better.push_back(score->item_id);
  }
  for (const auto& [item, score] : b) {
    auto other = a.find(item);
    if (score && (other == a.end() || !other->second)) ++only_b;
  }
  const bool binary = key.measure == "accuracy";
  json row = {{"generation_model", key.model}, {"tier", key.tier}, {"task", key.task}, {"measure", key.measure},
              {"judge_model", key.judge.empty() ? json() : json(key.judge)}, {"scale", binary ? "binary" : "score"},
              {"n_common", sa.size()}, {"n_only_a", only_a}, {"n_only_b", only_b}};
  const char* name_a = binary ? "accuracy_a" : "score_a";
  const char* name_b = binary ? "accuracy_b" : "score_b";
  for (const char* name : {name_a, name_b, "delta", "ci95", "ci_method", "b", "c", "mcnemar_p", "p", "clustered_se",
                           "n_clusters"}) {
    row[name] = nullptr;
  }
  if (binary) row["flipped"] = {{"worse", worse}, {"better", better}};
  const auto paired = metrics::paired_delta(sa, sb);
  if (!paired) return row;
  row[name_a] = paired->mean_a;
  row[name_b] = paired->mean_b;
  row["delta"] = paired->delta;
  if (binary) {
    row["ci95"] = interval(paired->ci95.low, paired->ci95.high);
    row["ci_method"] = "normal";
    row["b"] = worse.size();
    row["c"] = better.size();
    row["mcnemar_p"] = row["p"] = metrics::mcnemar_exact_p(static_cast<std::int64_t>(worse.size()),
                                                           static_cast<std::int64_t>(better.size()));
  } else {
    const auto boot = metrics::paired_bootstrap(sa, sb, {.rounds = options.bootstrap_rounds, .seed = options.bootstrap_seed});
    if (boot) {
      row["ci95"] = interval(boot->ci95.low, boot->ci95.high);
      row["ci_method"] = "bootstrap";
      row["p"] = boot->p;
    }
  }
  if (std::all_of(clusters.begin(), clusters.end(), [](const std::string& c) { return !c.empty(); })) {
    row["clustered_se"] = *metrics::clustered_se(sa, sb, clusters);
    std::sort(clusters.begin(), clusters.end());
    row["n_clusters"] = std::unique(clusters.begin(), clusters.end()) - clusters.begin();
  }
  return row;
}

}  // namespace

NamedRun find_named_run(const std::string& name, const fs::path& default_dir) {
  NamedRun out{name, default_dir, nullptr};
  std::string id = name;
  if (name.find('/') != std::string::npos || name.find(':') != std::string::npos) {
    const std::size_t colon = name.rfind(':');
    const bool with_id = colon != std::string::npos && name.find('/', colon) == std::string::npos;
    out.output_dir = with_id ? name.substr(0, colon) : name;
    id = with_id ? name.substr(colon + 1) : "";
  }
  const json runs = read_report(out.output_dir);
  const std::string file = records::OutputLayout(out.output_dir).report_file().string();
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (id.empty() ? !is_sweep(*it) : text_of(*it, "id") != id) continue;
    if (!is_sweep(*it)) {
      throw InputError(file, 0, fmt::format("run {} is not a sweep (it has no item log to compare)", id));
    }
    out.record = *it;
    return out;
  }
  throw InputError(file, 0, id.empty() ? std::string("no sweep in this report")
                                       : fmt::format("no run with id \"{}\" (see the ids in the report)", id));
}

json compare_rows(const RunScores& rows_a, const RunScores& rows_b, const CompareOptions& options) {
  json rows = json::array();
  for (const auto& [key, items_a] : rows_a.items) {
    auto items_b = rows_b.items.find(key);
    if (items_b == rows_b.items.end()) continue;
    json row = compare_row(key, items_a, items_b->second, options);
    mark_detectors(row, detectors_text(rows_a.detectors, key), detectors_text(rows_b.detectors, key));
    rows.push_back(std::move(row));
  }
  return rows;
}

json compare_runs(const NamedRun& a, const NamedRun& b, const CompareOptions& options) {
  json rows = compare_rows(read_run_scores(a, options), read_run_scores(b, options), options);
  auto run = [](const NamedRun& r) {
    return json{{"name", r.name}, {"id", text_of(r.record, "id")}, {"output_dir", r.output_dir.string()}};
  };
  return {{"run_a", run(a)}, {"run_b", run(b)}, {"rows", std::move(rows)}};
}

std::string held_back_line(const json& row) {
  const std::string note = text_of(row, "note");
  if (note.empty()) return note;
  const auto who = [&row](const char* field) {
    const std::string detector = text_of(row, field);
    return detector.empty() ? std::string("none") : detector;
  };
  return fmt::format("{} {}: {} (A: {}, B: {})", text_of(row, "generation_model"), text_of(row, "task"), note,
                     who("refusal_detector_a"), who("refusal_detector_b"));
}

}  // namespace llmbench::report
