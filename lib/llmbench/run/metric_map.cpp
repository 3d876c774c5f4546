#include "llmbench/run/metric_map.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::run {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

std::string join_from(const std::vector<std::string>& parts, std::size_t first) {
  std::string out;
  for (std::size_t i = first; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

// The keys a misspelt field could have meant.
std::vector<std::string> known_keys(const metrics::Scope& scope, metrics::Fields fields) {
  std::vector<std::string> known;
  for (const auto& m : scope.metrics) {
    if (metrics::metric_named(scope, m.key, fields) == &m) known.emplace_back(m.key);
  }
  return known;
}

// The catalogue scopes a model run's metrics hold (the arena's live in the arena record).
const std::vector<std::string>& model_run_scopes() {
  static const std::vector<std::string> names = {"standard", "tier_0",     "tier_1",
                                                 "tier_2",   "tier_3",     "tier_judge",
                                                 "tier_judge_pipeline", "tier_ux"};
  return names;
}

}  // namespace

const metrics::Metric* metric_of_path(const std::string& path, std::string& problem) {
  const std::vector<std::string> parts = split_path(path);
  const std::string& tier = parts[0];
  const auto& scopes = model_run_scopes();
  if (std::find(scopes.begin(), scopes.end(), tier) == scopes.end()) {
    problem = fmt::format("unknown tier \"{}\"{}; a key starts with {} or {}", tier, config::did_you_mean(tier, scopes),
                          fmt::join(scopes.begin(), scopes.end() - 1, ", "), scopes.back());
    return nullptr;
  }
  const metrics::Scope& scope = *metrics::find_scope(tier);
  if (tier != "standard") {
    const std::string field = join_from(parts, 1);
    if (const metrics::Metric* m = metrics::metric_named(scope, field)) return m;
    problem = fmt::format("unknown metric \"{}\" of {}{}", field, tier,
                          config::did_you_mean(field, known_keys(scope, metrics::Fields::all)));
    return nullptr;
  }
  if (parts.size() < 3 || parts[1].empty()) {
    problem = "a standard metric is standard.<task>.<metric>, e.g. standard.mmlu.accuracy";
    return nullptr;
  }
  // standard.<task>.<key>, or a field of one of the task's accuracy blocks.
  std::string field = join_from(parts, 2);
  auto fields = metrics::Fields::all;
  if (parts[2] == "subjects" && parts.size() >= 5) {
    field = join_from(parts, 4);
    fields = metrics::Fields::accuracy;
  } else if ((parts[2] == "strict_match" || parts[2] == "flexible_extract") && parts.size() >= 4) {
    field = join_from(parts, 3);
    fields = metrics::Fields::accuracy;
  }
  if (const metrics::Metric* m = metrics::metric_named(scope, field, fields)) return m;
  problem = fmt::format("unknown metric \"{}\" of task {}{}", field, parts[1],
                        config::did_you_mean(field, known_keys(scope, fields)));
  return nullptr;
}


std::vector<MetricEntry> load_metric_map(const std::string& file, std::string_view section, std::string_view flag,
                                         std::string_view expected, Empty empty) {
  YAML::Node root;
  try {
    root = util::load_yaml_file(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, 0, fmt::format("cannot read the {} file; check the path given to {}", section, flag));
  }
  const YAML::Node map = root.IsMap() ? root[std::string(section)] : YAML::Node();
  if (!map || !map.IsMap() || (map.size() == 0 && empty == Empty::refused)) {
    throw InputError(file, util::yaml_line(root), fmt::format("expected a top-level `{}:` map of {}", section, expected));
  }
  std::vector<MetricEntry> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    MetricEntry e;
    e.path = util::yaml_key(it->first, file);
    std::string problem;
    e.metric = metric_of_path(e.path, problem);
    if (e.metric == nullptr) throw InputError(file, util::yaml_line(it->first), fmt::format("{}: {}: {}", section, e.path, problem));
    e.value = it->second;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace llmbench::run
