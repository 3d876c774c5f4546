// The comparison's fields and its renderers (report/compare_render.hpp): one row of cells per
// comparison row, printed as an aligned table or as Markdown.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "llmbench/report/compare.hpp"
#include "llmbench/report/compare_render.hpp"
#include "llmbench/report/export.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
using metrics::Better;
using metrics::Format;
using metrics::Metric;
using metrics::MetricKind;

std::string text_of(const json& row, const char* name) {
  auto it = row.find(name);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number as its field's format shows it; "-" when missing. The delta and its interval carry
// a sign, and a p-value keeps 3 significant digits however small it is.
std::string cell(const json& value, const Metric& m) {
  if (!value.is_number()) return "-";
  const double v = value.get<double>();
  if (m.key == "p" || m.key == "mcnemar_p") return fmt::format("{:.3g}", v);
  switch (m.format) {
    case Format::percent: return m.key == "delta" ? fmt::format("{:+.1f} pts", 100 * v) : fmt::format("{:.1f}%", 100 * v);
    case Format::integer: return fmt::format("{}", value.get<long long>());
    default: break;
  }
  return m.key == "delta" ? fmt::format("{:+.3f}", v) : fmt::format("{:.3f}", v);
}

std::string interval_cell(const json& row, Format format) {
  auto it = row.find("ci95");
  if (it == row.end() || !it->is_object()) return "-";
  const double low = (*it)["low"].get<double>(), high = (*it)["high"].get<double>();
  if (format == Format::percent) return fmt::format("[{:+.1f}, {:+.1f}] pts", 100 * low, 100 * high);
  return fmt::format("[{:+.3f}, {:+.3f}]", low, high);
}

// The header and one line of cells per row; a binary row's shares are percent, a score row's
// means are decimals (and its delta is shown as such).
std::vector<std::vector<std::string>> cells(const json& comparison) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header = {"model", "task", "measure"};
  for (const Metric& m : compare_fields()) {
    header.emplace_back(m.label);
    if (m.key == "delta") header.emplace_back("95% CI");
  }
  out.push_back(std::move(header));
  for (const json& row : comparison.at("rows")) {
    const bool binary = text_of(row, "scale") == "binary";
    const std::string judge = text_of(row, "judge_model");
    const std::string tier = text_of(row, "tier");
    std::vector<std::string> line = {text_of(row, "generation_model"),
                                     tier == "standard" ? text_of(row, "task") : tier + " " + text_of(row, "task"),
                                     judge.empty() ? text_of(row, "measure") : text_of(row, "measure") + " (" + judge + ")"};
    for (Metric m : compare_fields()) {
      if (!binary && m.format == Format::percent) m.format = Format::decimal;
      std::string key(m.key);
      if (!binary && (key == "accuracy_a" || key == "accuracy_b")) key = key == "accuracy_a" ? "score_a" : "score_b";
      line.push_back(cell(row.value(key, json()), m));
      if (m.key == "delta") line.push_back(interval_cell(row, m.format));
    }
    out.push_back(std::move(line));
  }
  return out;
}

// A line per row with a note (a refusal detector mismatch), after the table.
std::string notes(const json& comparison, bool markdown) {
  std::string out;
  for (const json& row : comparison.at("rows")) {
    const std::string line = held_back_line(row);
    if (line.empty()) continue;
    out += markdown ? "\n- " + markdown_cell(line) : "\n" + util::terminal_safe(line);
  }
  return out.empty() ? out : "\nNote:" + out + "\n";
}

}  // namespace

const std::vector<Metric>& compare_fields() {
  static const std::vector<Metric> fields = {
      {"n_common", "n", MetricKind::count, Better::none, Format::integer},
      {"accuracy_a", "A", MetricKind::rate, Better::higher, Format::percent},
      {"accuracy_b", "B", MetricKind::rate, Better::higher, Format::percent},
      {"delta", "delta (B-A)", MetricKind::rate, Better::higher, Format::percent},
      {"b", "A only", MetricKind::count, Better::lower, Format::integer},
      {"c", "B only", MetricKind::count, Better::higher, Format::integer},
      {"p", "p", MetricKind::score, Better::none, Format::decimal},
      {"clustered_se", "clustered SE", MetricKind::score, Better::lower, Format::decimal},
  };
  return fields;
}

std::string render_compare_table(const json& comparison) {
  const std::string text = fmt::format("A: {}   B: {}\n\n", util::terminal_safe(comparison["run_a"].value("id", "")),
                                       util::terminal_safe(comparison["run_b"].value("id", "")));
  const auto lines = cells(comparison);
  return text + (lines.size() > 1 ? render_table(lines) : "No model and task is in both runs.\n") + notes(comparison, false);
}

std::string render_compare_markdown(const json& comparison) {
  const auto lines = cells(comparison);
  std::string text = fmt::format("A: `{}`, B: `{}`\n\n", markdown_cell(comparison["run_a"].value("id", "")),
                                 markdown_cell(comparison["run_b"].value("id", "")));
  for (std::size_t r = 0; r < lines.size(); ++r) {
    text += "|";
    for (const auto& c : lines[r]) text += " " + markdown_cell(c) + " |";
    text += "\n";
    if (r == 0) {
      text += "|";
      for (std::size_t i = 0; i < lines[r].size(); ++i) text += i < 3 ? "---|" : "---:|";
      text += "\n";
    }
  }
  return text + notes(comparison, true);
}

}  // namespace llmbench::report
