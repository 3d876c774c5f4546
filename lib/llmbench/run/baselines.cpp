#include "llmbench/run/baselines.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;

double bound(const YAML::Node& node, const std::string& path, const std::string& file, const char* which) {
  try {
    return node.as<double>();
  } catch (const YAML::Exception&) {
    throw InputError(file, util::yaml_line(node), fmt::format("baselines: {}.{} must be a number", path, which));
  }
}

// The number at a dotted path under `metrics`, or null.
const json* find_value(const json& metrics, const std::string& path) {
  const json* value = metrics::value_at(metrics, path);
  return value != nullptr && value->is_number() ? value : nullptr;
}

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

namespace {

// A bare number is the reference the metric must be no worse than: a floor when higher is
// better (an accuracy that falls is worse), a ceiling when lower is (a latency or an error count
// that rises is worse), as the catalogue declares its direction.
void set_reference(Baseline& b, const metrics::Metric& metric, const YAML::Node& value, const std::string& file) {
  const double reference = bound(value, b.path, file, "reference");
  switch (metric.better) {
    case metrics::Better::higher: b.min = reference; return;
    case metrics::Better::lower: b.max = reference; return;
    case metrics::Better::none: break;
  }
  throw InputError(file, util::yaml_line(value),
                   fmt::format("baselines: {} is neither better higher nor lower; give {{min: X}} and/or {{max: Y}}",
                               b.path));
}

}  // namespace

std::vector<Baseline> load_baselines(const std::string& file) {
  YAML::Node root;
  try {
    root = util::load_yaml_file(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, 0, "cannot read the baselines file; check the path given to --baselines");
  }
  const YAML::Node list = root.IsMap() ? root["baselines"] : YAML::Node();
  if (!list || !list.IsMap()) {
    throw InputError(file, util::yaml_line(root),
                     "expected a top-level `baselines:` map of metric path -> {min, max}");
  }
  std::vector<Baseline> out;
  for (auto it = list.begin(); it != list.end(); ++it) {
    Baseline b;
    b.path = util::yaml_key(it->first, file);
    std::string problem;
    const metrics::Metric* metric = metric_of_path(b.path, problem);
    if (metric == nullptr) {
      throw InputError(file, util::yaml_line(it->first), fmt::format("baselines: {}: {}", b.path, problem));
    }
    const YAML::Node spec = it->second;
    if (spec.IsScalar()) {
      set_reference(b, *metric, spec, file);
      out.push_back(std::move(b));
      continue;
    }
    if (!spec.IsMap()) {
      throw InputError(file, util::yaml_line(spec),
                       fmt::format("baselines: {} needs a reference value, {{min: X}} and/or {{max: Y}}", b.path));
    }
    for (auto kv = spec.begin(); kv != spec.end(); ++kv) {
      const std::string key = util::yaml_key(kv->first, file);
      if (key == "min") {
        b.min = bound(kv->second, b.path, file, "min");
      } else if (key == "max") {
        b.max = bound(kv->second, b.path, file, "max");
      } else {
        throw InputError(file, util::yaml_line(kv->first),
                         fmt::format("baselines: {}: unknown key \"{}\"; use min or max", b.path, key));
      }
    }
    if (!b.min && !b.max) {
      throw InputError(file, util::yaml_line(spec), fmt::format("baselines: {} has neither min nor max", b.path));
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::string apply_baselines(const std::vector<Baseline>& baselines, json& model_runs) {
  if (baselines.empty()) return "no_baseline";
  bool checked = false, failed = false;
  for (json& mr : model_runs) {
    if (!mr.contains("metrics")) continue;
    json failures = json::array(), missing = json::array();
    bool any = false;
    for (const Baseline& b : baselines) {
      const json* value = find_value(mr["metrics"], b.path);
      if (value == nullptr) {
        missing.push_back(b.path);
        continue;
      }
      any = true;
      const double v = value->get<double>();
      if (b.min && v < *b.min) failures.push_back({{"metric", b.path}, {"value", v}, {"min", *b.min}});
      if (b.max && v > *b.max) failures.push_back({{"metric", b.path}, {"value", v}, {"max", *b.max}});
    }
    if (!any) continue;
    checked = true;
    mr["baseline_status"] = failures.empty() ? "pass" : "fail";
    if (!failures.empty()) mr["baseline_failures"] = std::move(failures);
    if (!missing.empty()) mr["baseline_missing"] = std::move(missing);
    failed = failed || mr["baseline_status"] == "fail";
  }
  if (!checked) return "no_baseline";
  return failed ? "fail" : "pass";
}

std::string describe_baseline_failures(const json& model_runs) {
  std::string out;
  for (const json& mr : model_runs) {
    auto it = mr.find("baseline_failures");
    if (it == mr.end()) continue;
    std::string who;
    for (const char* field : records::field::kRoleModels) {
      auto m = mr.find(field);
      if (m != mr.end() && m->is_string()) who += (who.empty() ? "" : " / ") + m->get<std::string>();
    }
    for (const json& f : *it) {
      const bool min = f.contains("min");
      out += fmt::format("  {}: {} = {:.4g}, {} {:.4g}\n", who, f.value("metric", std::string()),
                         f.value("value", 0.0), min ? "below min" : "above max",
                         min ? f.value("min", 0.0) : f.value("max", 0.0));
    }
  }
  return out;
}

}  // namespace llmbench::run
