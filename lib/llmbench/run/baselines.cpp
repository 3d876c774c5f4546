#include "llmbench/run/baselines.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/run/metric_map.hpp"
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
  std::vector<Baseline> out;
  const auto entries = load_metric_map(file, "baselines", "--baselines", "metric path -> {min, max}", Empty::allowed);
  for (const MetricEntry& entry : entries) {
    Baseline b;
    b.path = entry.path;
    const metrics::Metric* metric = entry.metric;
    const YAML::Node& spec = entry.value;
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
