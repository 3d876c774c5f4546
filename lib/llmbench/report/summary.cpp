#include "llmbench/report/summary.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace llmbench::report {
namespace {

using nlohmann::json;

std::string percent(const json& v) {
  return v.is_number() ? fmt::format("{:.1f}%", 100.0 * v.get<double>()) : "-";
}

std::string interval(const json& ci) {
  if (!ci.is_object()) return "-";
  return fmt::format("[{:.1f}, {:.1f}]", 100.0 * ci.value("low", 0.0), 100.0 * ci.value("high", 0.0));
}

std::string count(const json& v) { return v.is_number() ? fmt::format("{}", v.get<std::int64_t>()) : "-"; }

std::string millis(const json& latency) {
  if (!latency.is_object() || !latency.contains("p50")) return "-";
  return fmt::format("{:.0f}", latency["p50"].get<double>());
}

// Column widths by display width (UTF-8 code points), so Cyrillic model names line up.
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      out += rows[r][i];
      if (i + 1 < rows[r].size()) out.append(widths[i] - display_width(rows[r][i]) + 2, ' ');
    }
    out += '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : widths) total += w + 2;
      out += std::string(total > 2 ? total - 2 : 0, '-') + '\n';
    }
  }
  return out;
}

}  // namespace

std::string render_summary(const json& run) {
  std::vector<std::vector<std::string>> rows = {
      {"model", "task", "accuracy", "95% CI", "n", "correct", "unparsed", "errors", "p50 ms"}};
  std::vector<std::string> notes;
  for (const auto& mr : run.value("model_runs", json::array())) {
    const std::string model = mr.value("generation_model", std::string("-"));
    if (mr.value("status", std::string()) == "unavailable") {
      notes.push_back(fmt::format("{}: unavailable: {}", model,
                                  mr.value("unavailable_reason", std::string("unknown reason"))));
      continue;
    }
    const json standard = mr.contains("metrics") ? mr["metrics"].value("standard", json::object())
                                                 : json::object();
    for (const auto& [task, m] : standard.items()) {
      rows.push_back({model, task, percent(m.value("accuracy", json())), interval(m.value("ci95", json())),
                      count(m.value("n", json())), count(m.value("n_correct", json())),
                      count(m.value("n_unparsed", json())), count(m.value("n_errors", json())),
                      millis(m.value("latency_ms", json()))});
      if (m.contains("strict_match")) {
        const json& s = m["strict_match"];
        rows.push_back({"", task + " (strict)", percent(s.value("accuracy", json())),
                        interval(s.value("ci95", json())), count(s.value("n", json())),
                        count(s.value("n_correct", json())), count(s.value("n_unparsed", json())),
                        count(s.value("n_errors", json())), ""});
      }
      if (m.contains("macro_accuracy")) {
        rows.push_back({"", task + " (macro)", percent(m["macro_accuracy"]), "", "", "", "", "", ""});
      }
    }
  }
  std::string out = fmt::format("Run {} ({})\n", run.value("id", std::string()),
                                run.value("status", std::string()));
  out += rows.size() > 1 ? render_table(rows) : "No results.\n";
  for (const auto& note : notes) out += note + "\n";
  return out;
}

}  // namespace llmbench::report
