#include "llmbench/run/composite_weights.hpp"

#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/composite.hpp"
#include "llmbench/run/composite_items.hpp"
#include "llmbench/run/metric_map.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
std::optional<double> number_at(const json& model_run, const std::string& path) {
  const json* metrics = metrics::value_at(model_run, "metrics");
  const json* value = metrics != nullptr ? metrics::value_at(*metrics, path) : nullptr;
  return value != nullptr && value->is_number() ? std::optional<double>(value->get<double>()) : std::nullopt;
}

}  // namespace

std::vector<Weight> load_weights(const std::string& file) {
  std::vector<Weight> out;
  const auto entries = load_metric_map(file, "weights", "--weights", "metric path -> weight (> 0)", Empty::refused);
  for (const MetricEntry& entry : entries) {
    Weight w;
    w.path = entry.path;
    w.metric = entry.metric;
    if (w.metric->better == metrics::Better::none) {
      throw InputError(file, util::yaml_line(entry.value),
                       fmt::format("weights: {} has no better direction (higher or lower), so it cannot be scored", w.path));
    }
    bool number = entry.value.IsScalar();
    if (number) {
      try {
        w.weight = entry.value.as<double>();
      } catch (const YAML::Exception&) {
        number = false;
      }
    }
    if (!number || !std::isfinite(w.weight) || w.weight <= 0) {
      throw InputError(file, util::yaml_line(entry.value), fmt::format("weights: {}: the weight must be a number > 0", w.path));
    }
    out.push_back(std::move(w));
  }
  return out;
}

json apply_composite(const std::vector<Weight>& weights, const std::string& file, json& model_runs,
                     const std::filesystem::path& item_log, std::uint64_t seed) {
  const CompositeItems items(item_log, weights);
  // The best value of each metric over the model runs, for the metrics without a scale.
  std::vector<std::optional<double>> best(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    for (const json& mr : model_runs) {
      const auto v = number_at(mr, weights[i].path);
      if (!v) continue;
      const bool better = !best[i] || (weights[i].metric->better == metrics::Better::higher ? *v > *best[i] : *v < *best[i]);
      if (better) best[i] = v;
    }
  }
  for (json& mr : model_runs) {
    if (!mr.contains("metrics")) continue;
    std::vector<metrics::CompositeTerm> terms;
    json missing = json::array();
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const Weight& w = weights[i];
      metrics::CompositeTerm term{w.weight, std::nullopt, {}};
      const double best_value = best[i].value_or(0);
      if (const auto v = number_at(mr, w.path)) term.value = metrics::normalise(*w.metric, *v, best_value);
      else missing.push_back(w.path);
      if (term.value) {
        if (auto per_item = items.values(w, mr)) {
          term.items = std::move(per_item->items);
          term.statistic = per_item->statistic;
          term.rank = per_item->rank;
          // the run's best held fixed: a resample moves this model's value, not the scale
          term.normalise = [metric = w.metric, best_value](double x) { return metrics::normalise(*metric, x, best_value); };
        }
      }
      terms.push_back(std::move(term));
    }
    const auto c = metrics::composite_score(terms, {.rounds = kCompositeBootstrapRounds, .seed = seed, .confidence = 0.95});
    mr["composite"] = {{"value", c.value ? json(*c.value) : json()},
                       {"ci95", c.ci95 ? json{{"low", c.ci95->low}, {"high", c.ci95->high}} : json()},
                       {"missing", std::move(missing)}};
  }
  json listed = json::array(), resampled = json::array(), fixed = json::array();
  for (const Weight& w : weights) {
    listed.push_back({{"metric", w.path}, {"weight", w.weight}});
    (resampled_metric(w.path) ? resampled : fixed).push_back(w.path);
  }
  return {{"file", file},
          {"weights", std::move(listed)},
          {"bootstrap",
           {{"rounds", kCompositeBootstrapRounds}, {"seed", seed}, {"resampled", std::move(resampled)}, {"fixed", std::move(fixed)}}}};
}

}  // namespace llmbench::run
