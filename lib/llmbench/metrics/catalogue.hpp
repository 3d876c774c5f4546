#pragma once
// The metric catalogue: every metric a run record can hold, declared once with its label, what
// it measures, which direction is better and how it is shown. The terminal summary, the HTML
// tables (which take the catalogue as JSON), CSV/Markdown export and baselines all read these
// declarations; none keeps its own list of metrics. A new metric is declared here, under the
// scope (tier, or arena table) that writes it.
//
// Scopes and where their metrics live in a record (docs/report-format.md):
//   standard             model_runs[].metrics.standard.<task>.<key>   (keys are dotted paths)
//                        (a key "judges.*.<field>" is a field of each judge's block)
//   tier_0 .. tier_3, tier_judge, tier_judge_pipeline
//                        model_runs[].metrics.<tier>.<key>
//   arena                arena.leaderboard[].<key>  (and per category, and from human votes)
//   arena_judge          arena.judge_bias[].<key>
//   perf                 perf.levels[].<key> of a perf record (kind "perf"): one load level
//                        (a key "errors_by_kind.*" is each error kind's count)

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {

// What a metric measures (throughput: requests or tokens per second).
enum class MetricKind { rate, score, count, latency, cost, distance, rating, throughput };

// Which direction is better (highlights the best value, sorts, says what "worse" is).
enum class Better { higher, lower, none };

// How a value is shown:
//   percent  a 0..1 share as "82.0%"         decimal  3 decimals ("0.734")
//   integer  a whole count ("48")             ms       whole milliseconds ("812")
//   dollars  4 decimals ("0.0123")
enum class Format { percent, decimal, integer, ms, dollars };

// Where a metric's 95% interval {low, high} is stored, when it has one.
enum class Interval {
  none,
  suffixed,  // beside it as "<key>_ci95" (judge scores)
  sibling,   // as "ci95" in the same object (an accuracy: "accuracy" and "ci95")
};

struct Metric {
  std::string_view key;    // path under its scope: "avg_faithfulness", "latency_ms.p50"
  std::string_view label;  // what people read, in every renderer
  MetricKind kind = MetricKind::score;
  Better better = Better::none;
  Format format = Format::decimal;
  Interval interval = Interval::none;
  std::string_view samples;         // key (same scope) of the count it is computed over; "" if none
  bool in_summary = false;          // a column of the terminal summary
  bool in_table = true;             // a column of the HTML/CSV/Markdown tables
  bool in_every_accuracy = false;   // standard: also a field of each subjects.<name>,
                                    // strict_match and flexible_extract block
  bool when_held = false;           // a summary column only when some row holds it (streamed timings)
};

// standard: the key prefix of a metric each judge of a task scored by judges has, in the task's
// judges.<judge> block ("judges.*.score"; "*" stands for the judge's name).
inline constexpr std::string_view kPerJudge = "judges.*.";
bool per_judge(const Metric& metric);
// A per_judge metric keyed below its judge's block ("score", interval "ci95").
Metric judge_field(const Metric& metric);

struct Scope {
  std::string_view name;   // "standard", "tier_2", "arena", ...
  std::string_view title;  // the heading of its table, in the terminal summary and the page
  std::vector<Metric> metrics;  // in display order
};

// Every scope, in the order the tiers run.
const std::vector<Scope>& catalogue();

// The scope named `name`, or null.
const Scope* find_scope(std::string_view name);

// The metric `key` of `scope`, or null.
const Metric* find_metric(std::string_view scope, std::string_view key);

// Which metrics a path may name: any of the scope's, or only the fields every accuracy block has
// (under a standard task's subjects.<name>, strict_match or flexible_extract).
enum class Fields { all, accuracy };

// The metric `path` names in `scope`: the metric itself, or a bound of its interval
// ("ci95.low", "avg_faithfulness_ci95.high"); a "*" in a key matches any name ("judges.j1.score"),
// a "#" any positive whole number ("pass_at_20");
// null when it names none.
const Metric* metric_named(const Scope& scope, std::string_view path, Fields fields = Fields::all);

// The path of a metric's interval object beside it, "" when it has none:
// "avg_faithfulness" -> "avg_faithfulness_ci95", "strict_match.accuracy" -> "strict_match.ci95".
std::string interval_path(const Metric& metric);

// The value at a dotted `path` under `object`, or null when a step is missing.
const nlohmann::json* value_at(const nlohmann::json& object, std::string_view path);

// The names of an enum as the report page reads them.
std::string_view to_string(MetricKind kind);
std::string_view to_string(Better better);
std::string_view to_string(Format format);

// The catalogue for the report page: {scope: [{key, label, kind, better, format, ci, samples}]},
// scopes and metrics in catalogue order (ci is the interval path or null, samples null if none).
nlohmann::json catalogue_json();

}  // namespace llmbench::metrics
