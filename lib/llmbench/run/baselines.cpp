#include "llmbench/run/baselines.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/error.hpp"
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

// The value at a dotted path under `metrics`, or null.
const json* find_value(const json& metrics, const std::string& path) {
  const json* node = &metrics;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node->is_number() ? node : nullptr;
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
    const YAML::Node spec = it->second;
    if (!spec.IsMap()) {
      throw InputError(file, util::yaml_line(spec),
                       fmt::format("baselines: {} needs {{min: X}} and/or {{max: Y}}", b.path));
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

}  // namespace llmbench::run
