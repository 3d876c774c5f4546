#include "llmbench/run/baselines.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/config/suggest.hpp"
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

// The metric paths a model run can hold (README "Metrics"); a key outside them can never be
// checked, so a typo ("acuracy") is refused instead of passing silently as "missing".
const std::set<std::string>& tier_metrics(const std::string& tier) {
  static const std::map<std::string, std::set<std::string>> kTiers = {
      {"tier_0",
       {"avg_nn_distance", "std_nn_distance", "density_score", "avg_spread", "max_spread", "spread_std",
        "effective_dimensionality", "avg_pairwise_distance", "std_pairwise_distance", "min_pairwise_distance",
        "max_pairwise_distance", "total_samples"}},
      {"tier_1", {"mrr", "retrieval_consistency", "evaluated_queries", "skipped_queries"}},
      {"tier_2",
       {"avg_faithfulness", "avg_answer_relevance", "avg_answer_correctness", "avg_rouge1_f", "avg_rouge2_f",
        "avg_rougeL_f", "avg_bleu", "response_exact_match_rate", "response_semantic_consistency", "total_queries",
        "successful_evaluations", "errors", "avg_latency_ms"}},
      {"tier_3",
       {"avg_e2e_score", "avg_semantic_similarity", "avg_dot_similarity", "avg_euclidean_distance", "avg_rouge1_f",
        "avg_rouge2_f", "avg_rougeL_f", "avg_bleu", "response_exact_match_rate", "response_semantic_consistency",
        "total_queries", "successful_evaluations", "errors", "avg_latency_ms"}},
      {"tier_judge",
       {"consistency_score", "error_rate", "avg_latency_ms", "avg_score", "total_items", "total_verdicts",
        "failed_verdicts", "consistency_items", "consistent_items"}},
      {"tier_judge_pipeline",
       {"accuracy", "precision", "recall", "f1_score", "avg_latency_ms", "true_positives", "false_positives",
        "false_negatives", "true_negatives", "total_evaluations", "failed_evaluations"}},
  };
  static const std::set<std::string> kNone;
  auto it = kTiers.find(tier);
  return it == kTiers.end() ? kNone : it->second;
}

// Fields of one accuracy (a task, a subject, strict_match, flexible_extract).
const std::set<std::string> kAccuracyFields = {"accuracy", "n", "n_correct", "n_unparsed", "n_errors",
                                               "n_truncated", "ci95.low", "ci95.high"};
// Fields of a standard task besides its accuracy.
const std::set<std::string> kTaskFields = {"macro_accuracy", "micro_accuracy", "latency_ms.mean", "latency_ms.p50",
                                           "latency_ms.p95", "tokens.prompt", "tokens.completion", "cost.input",
                                           "cost.output", "cost.total"};

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

// "" when `path` names a metric a model run can hold; else why not, with the names to use.
std::string check_metric_path(const std::string& path) {
  const std::vector<std::string> parts = split_path(path);
  const std::string& tier = parts[0];
  if (tier == "standard") {
    if (parts.size() < 3 || parts[1].empty()) {
      return "a standard metric is standard.<task>.<metric>, e.g. standard.mmlu.accuracy";
    }
    std::string field = join_from(parts, 2);
    if (parts[2] == "subjects" && parts.size() >= 5) field = join_from(parts, 4);
    else if ((parts[2] == "strict_match" || parts[2] == "flexible_extract") && parts.size() >= 4) field = join_from(parts, 3);
    else if (kTaskFields.count(field)) return "";
    if (kAccuracyFields.count(field)) return "";
    std::vector<std::string> known(kAccuracyFields.begin(), kAccuracyFields.end());
    known.insert(known.end(), kTaskFields.begin(), kTaskFields.end());
    return fmt::format("unknown metric \"{}\" of task {}{}", field, parts[1], config::did_you_mean(field, known));
  }
  const std::set<std::string>& names = tier_metrics(tier);
  if (names.empty()) {
    return fmt::format("unknown tier \"{}\"{}; a key starts with standard, tier_0, tier_1, tier_2, tier_3, "
                       "tier_judge or tier_judge_pipeline",
                       tier,
                       config::did_you_mean(tier, {"standard", "tier_0", "tier_1", "tier_2", "tier_3", "tier_judge",
                                                   "tier_judge_pipeline"}));
  }
  const std::string field = join_from(parts, 1);
  if (names.count(field)) return "";
  if (tier == "tier_1") {
    for (const char* family : {"hit_rate@", "recall@", "precision@", "ndcg@"}) {
      const std::string f(family);
      if (field.rfind(f, 0) == 0 && field.size() > f.size() &&
          field.find_first_not_of("0123456789", f.size()) == std::string::npos) {
        return "";
      }
    }
  }
  std::vector<std::string> known(names.begin(), names.end());
  if (tier == "tier_1") known.insert(known.end(), {"hit_rate@1", "recall@5", "precision@5", "ndcg@10"});
  return fmt::format("unknown metric \"{}\" of {}{}", field, tier, config::did_you_mean(field, known));
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
    if (const std::string problem = check_metric_path(b.path); !problem.empty()) {
      throw InputError(file, util::yaml_line(it->first), fmt::format("baselines: {}: {}", b.path, problem));
    }
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

std::string describe_baseline_failures(const json& model_runs) {
  std::string out;
  for (const json& mr : model_runs) {
    auto it = mr.find("baseline_failures");
    if (it == mr.end()) continue;
    std::string who;
    for (const char* field : {"generation_model", "judge_model", "production_judge_model", "embedding_model"}) {
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
