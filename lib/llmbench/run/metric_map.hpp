#pragma once
// Files keyed by the metrics a model run holds (--baselines, --weights), and the metric a
// dotted path under a model run's `metrics` names:
//   standard.<task>.<key>                     standard.mmlu.accuracy, standard.humaneval.pass_at_5
//   standard.<task>.subjects.<subject>.<key>  a field every accuracy block has
//   standard.<task>.strict_match.<key>        (and flexible_extract): likewise
//   <tier>.<key>                              tier_2.avg_faithfulness
// where <key> is a metric of the catalogue's scope (metrics/catalogue.hpp), or a bound of its
// interval.

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace llmbench::metrics {
struct Metric;  // metrics/catalogue.hpp
}

namespace llmbench::run {

// The metric of the catalogue `path` names, or null with why not (an unknown tier or metric, and
// the nearest known name) in `problem`.
const metrics::Metric* metric_of_path(const std::string& path, std::string& problem);

struct MetricEntry {
  std::string path;                        // "standard.mmlu.accuracy"
  const metrics::Metric* metric = nullptr;  // what it names; never null
  YAML::Node value;                         // what the file gives it
};

enum class Empty { allowed, refused };

// The entries of the top-level `<section>:` map of `file`, in file order. Throws InputError
// (exit 2) naming the file and line: a file that cannot be read (say which `flag` gave it), no
// `<section>:` map, or an empty one when `empty` refuses it (`expected` says what its values
// are), or a key that names no metric ("<section>: <path>: <problem>").
std::vector<MetricEntry> load_metric_map(const std::string& file, std::string_view section, std::string_view flag,
                                         std::string_view expected, Empty empty);

}  // namespace llmbench::run
