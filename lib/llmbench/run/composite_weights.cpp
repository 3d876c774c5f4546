#include "llmbench/run/composite_weights.hpp"

#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/composite.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/run/metric_map.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
namespace field = records::field;

std::string text_of(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "standard.<task>.accuracy" -> the task; "" for any other path (a model-level metric).
std::string accuracy_task(const std::string& path) {
  constexpr std::string_view prefix = "standard.", suffix = ".accuracy";
  if (path.size() <= prefix.size() + suffix.size() || path.compare(0, prefix.size(), prefix) != 0 ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  std::string task = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  return task.find('.') == std::string::npos ? task : std::string();
}

// (generation model, task) -> item key -> 0/1, from each key's latest record (a failed one: none).
using ItemAnswers = std::map<std::pair<std::string, std::string>, std::map<std::string, std::optional<double>>>;

ItemAnswers read_answers(const std::filesystem::path& item_log, const std::vector<Weight>& weights) {
  ItemAnswers out;
  std::map<std::string, bool> tasks;
  for (const auto& w : weights) {
    if (const std::string task = accuracy_task(w.path); !task.empty()) tasks[task] = true;
  }
  if (tasks.empty() || !std::filesystem::exists(item_log)) return out;
  records::scan_journal(item_log, records::DamagedLines::skip, [&](json&& r) {
    const std::string task = text_of(r, field::kTask);
    if (text_of(r, field::kTier) != "standard" || !tasks.count(task) || text_of(r, field::kRole) != "generation") return;
    auto& answers = out[{text_of(r, field::kGenerationModel), task}];
    const auto correct = r.find(field::kCorrect);
    const bool failed = r.contains(field::kError) && !r[field::kError].is_null();
    answers[text_of(r, field::kKey)] =
        !failed && correct != r.end() && correct->is_boolean() ? std::optional<double>(correct->get<bool>() ? 1 : 0)
                                                               : std::nullopt;
  });
  return out;
}

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
  const ItemAnswers answers = read_answers(item_log, weights);
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
      if (const auto v = number_at(mr, w.path)) term.value = metrics::normalise(*w.metric, *v, best[i].value_or(0));
      else missing.push_back(w.path);
      const auto items = answers.find({text_of(mr, field::kGenerationModel), accuracy_task(w.path)});
      if (term.value && items != answers.end()) {
        for (const auto& [key, answer] : items->second) {
          if (answer) term.items.push_back(metrics::normalise(*w.metric, *answer));
        }
      }
      terms.push_back(std::move(term));
    }
    const auto c = metrics::composite_score(terms, {.rounds = kCompositeBootstrapRounds, .seed = seed, .confidence = 0.95});
    mr["composite"] = {{"value", c.value ? json(*c.value) : json()},
                       {"ci95", c.ci95 ? json{{"low", c.ci95->low}, {"high", c.ci95->high}} : json()},
                       {"missing", std::move(missing)}};
  }
  json listed = json::array();
  for (const Weight& w : weights) listed.push_back({{"metric", w.path}, {"weight", w.weight}});
  return {{"file", file}, {"weights", std::move(listed)},
          {"bootstrap", {{"rounds", kCompositeBootstrapRounds}, {"seed", seed}}}};
}

}  // namespace llmbench::run
