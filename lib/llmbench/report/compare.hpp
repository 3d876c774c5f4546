#pragma once
// Paired comparison of two runs (`llmbench compare`): for every (generation model, task,
// measure) both runs hold, the items both scored, matched by their item key, with the paired
// statistics of metrics/paired.hpp. The comparison is one JSON document (the schema); the
// terminal table and the Markdown table render from it (report/compare_render.hpp).
//
// A run is named on the command line by
//   RUN_ID        a run of the default output directory (--output-dir);
//   DIR           a path to another output directory (it holds a "/", e.g. ./ci-out or
//                 /data/nightly): its latest sweep, the last one its report lists;
//   DIR:RUN_ID    the run RUN_ID of that directory.
// A run id never holds "/" or ":" (run/run_id.hpp), so the three cannot be confused.
//
// Measures, from each key's latest record in runs/<id>/items.jsonl (failed records left out):
//   accuracy     a generation record's `correct` (0/1): the standard tier; McNemar's exact test
//   judge score  a judge record's numeric `score` (1-5; per judge and judged metric): a paired
//                bootstrap interval and p
//   rougeL_f     a RAG answer's ROUGE-L F against its reference (tiers 2 and 3): the same
// Items that carry a cluster (records/clusters.hpp: an MMLU `subject`, a RAG `document`) are
// clustered by it for a cluster-robust standard error.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::report {

// A run found from its name on the command line.
struct NamedRun {
  std::string name;                 // as given
  std::filesystem::path output_dir;
  nlohmann::json record;            // its record in the output directory's report
};

// Finds the run `name` (the rule above) with `default_dir` as --output-dir. Throws InputError
// naming the report when the directory has no report, no such run, or no sweep with an item log.
NamedRun find_named_run(const std::string& name, const std::filesystem::path& default_dir);

struct CompareOptions {
  std::vector<std::string> models;  // generation models to keep; empty = all
  std::vector<std::string> tasks;   // tasks to keep; empty = all
  int bootstrap_rounds = 1000;
  std::uint64_t bootstrap_seed = 0;
};

// One scored item of a run: its score, and the fields a row reports it by.
struct ScoredItem {
  double score = 0;
  std::string item_id;
  std::string cluster;  // "" = none
};

// What a row is about; ordered as the rows are listed.
struct CompareRowKey {
  std::string model, tier, task, measure, judge;
  auto operator<=>(const CompareRowKey&) const = default;
};

// A run's scored items per row, by item key, from each key's latest record (a failed one, or a
// retried error's last failure: nullopt), and the refusal detectors its records name
// (refusal-scored tasks only).
struct RunScores {
  std::map<CompareRowKey, std::map<std::string, std::optional<ScoredItem>>> items;
  std::map<CompareRowKey, std::set<std::string>> detectors;
};

// Reads `run`'s item log once (options.models and options.tasks keep some rows). Throws
// InputError when the item log is missing.
RunScores read_run_scores(const NamedRun& run, const CompareOptions& options);

// The rows of compare_runs from scores already read (a page comparing many pairs reads each run once).
nlohmann::json compare_rows(const RunScores& a, const RunScores& b, const CompareOptions& options);

// The comparison (docs/report-format.md "Comparison"):
//   {"run_a": {id, output_dir}, "run_b": {...}, "rows": [row...]}, rows sorted by model, tier,
//   task, measure. A row: generation_model, tier, task, measure ("accuracy" or the judged
//   metric), judge_model (null for accuracy), scale ("binary" or "score"), n_common, n_only_a,
//   n_only_b, accuracy_a/accuracy_b (binary) or score_a/score_b (score), delta (B - A), ci95
//   {low, high}, ci_method ("normal" or "bootstrap"), b, c and mcnemar_p (binary; else null),
//   p (mcnemar_p, or the bootstrap p), clustered_se and n_clusters (when every common item has a
//   cluster; else null), flipped {"worse": [item ids right in A, wrong in B], "better": [...]} (binary).
// A row of a refusal-scored task also names the records' refusal_detector in each run
// (refusal_detector_a, refusal_detector_b: "rules", "judge:<model>"); when they differ the row
// keeps its counts but its statistics are null and `note` says why (labels from different
// detectors are not one measure, so no delta, p or gate is computed from them), without the
// detectors' names: the renderers add them (held_back_line; report_compare.js), so a pair read
// the other way round names them the other way round.
// A row with n_common = 0 has null statistics. Throws InputError when an item log is missing.
nlohmann::json compare_runs(const NamedRun& a, const NamedRun& b, const CompareOptions& options);

// "<model> <task>: <note> (A: <detector>, B: <detector>)" for a row with a note; "" otherwise.
std::string held_back_line(const nlohmann::json& row);

}  // namespace llmbench::report
