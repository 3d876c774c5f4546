#pragma once
// Baselines: the minimum (or maximum) a metric must reach for a model run to pass, e.g.
//
//   # configs/baselines.yaml
//   baselines:
//     standard.mmlu.accuracy: {min: 0.60}
//     tier_2.avg_faithfulness: {min: 3.5}
//     tier_judge_pipeline.f1_score: {min: 0.80}
//     tier_judge.error_rate: {max: 0.05}
//     standard.mmlu.latency_ms.p95: 2500   # a reference: no worse than it
//
// A key is a dotted path under a model run's `metrics`. A bare number is a reference the metric
// must not be worse than, in the direction the metric catalogue declares better: a floor for an
// accuracy (higher is better), a ceiling for a latency, a cost or an error count (lower is
// better); a metric with no better direction needs min or max. A model run whose metrics hold a
// baselined value gets `baseline_status` pass/fail and, on fail, `baseline_failures`
// (path, value, bound); a missing value is not a failure, it is listed as `baseline_missing`.
// The run's `overall_status` is `fail` if any model run fails, `pass` if at least one was
// checked, else `no_baseline`.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {
struct Metric;  // metrics/catalogue.hpp
}

namespace llmbench::run {

struct Baseline {
  std::string path;  // "tier_2.avg_faithfulness"
  std::optional<double> min, max;
};

// Reads a baselines file; throws InputError naming the file, line and key on a bad entry,
// including a key that names no metric a model run can hold (a typo such as
// standard.mmlu.acuracy, or an unknown tier), with the nearest known name.
std::vector<Baseline> load_baselines(const std::string& path);

// Sets baseline_status/baseline_failures/baseline_missing on each model run and returns the
// run's overall_status.
std::string apply_baselines(const std::vector<Baseline>& baselines, nlohmann::json& model_runs);

// One line per baseline failure of the model runs: "  <models>: <metric> = <value>, below min <bound>".
std::string describe_baseline_failures(const nlohmann::json& model_runs);

}  // namespace llmbench::run
