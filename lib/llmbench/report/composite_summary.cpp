#include "llmbench/report/composite_summary.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "llmbench/records/fields.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

std::string models_of(const json& model_run) {
  std::string who;
  for (const char* role : records::field::kRoleModels) {
    auto it = model_run.find(role);
    if (it != model_run.end() && it->is_string()) who += (who.empty() ? "" : " / ") + it->get<std::string>();
  }
  return who.empty() ? "-" : who;
}

double value_of(const json& model_run) {
  const json& c = model_run.value("composite", json::object());
  return c.value("value", json()).is_number() ? c["value"].get<double>() : -1;
}

}  // namespace

std::string render_composite(const json& run) {
  const json& block = run.value("composite", json());
  if (!block.is_object()) return {};
  std::vector<const json*> model_runs;  // into `run`: not a copy of its model runs
  const auto all = run.find("model_runs");
  if (all != run.end() && all->is_array()) {
    for (const json& mr : *all) {
      if (mr.contains("composite")) model_runs.push_back(&mr);
    }
  }
  // Best first; a model run without a composite last; ties by name (stable output).
  std::stable_sort(model_runs.begin(), model_runs.end(), [](const json* a, const json* b) {
    return value_of(*a) != value_of(*b) ? value_of(*a) > value_of(*b) : models_of(*a) < models_of(*b);
  });
  std::vector<std::vector<std::string>> rows = {{"model", "composite", "95% CI", "missing"}};
  for (const json* mr : model_runs) {
    const json& c = (*mr)["composite"];
    const bool held = c.value("value", json()).is_number();
    const json& ci = c.value("ci95", json());
    std::string missing;
    for (const json& m : c.value("missing", json::array())) missing += (missing.empty() ? "" : ", ") + m.get<std::string>();
    rows.push_back({models_of(*mr), held ? fmt::format("{:.3f}", c["value"].get<double>()) : "-",
                    ci.is_object() ? fmt::format("[{:.3f}, {:.3f}]", ci.value("low", 0.0), ci.value("high", 0.0)) : "-",
                    missing.empty() ? "" : missing});
  }
  std::string weights;
  for (const json& w : block.value("weights", json::array())) {
    weights += fmt::format("{}{} x {:g}", weights.empty() ? "" : ", ", w.value("metric", std::string()), w.value("weight", 0.0));
  }
  return "\nComposite (weighted mean of normalised metrics, 0-1, 1 best; weights: " + util::terminal_safe(weights) + ")\n" +
         render_table(std::move(rows));
}

}  // namespace llmbench::report
