// The Compare page (report/compare_render.hpp): a standalone HTML page of the rows that changed.
#include <fmt/format.h>

#include "llmbench/report/compare.hpp"
#include "llmbench/report/compare_render.hpp"
#include "llmbench/report/html.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

std::string text(const json& row, const char* name) {
  auto it = row.find(name);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string number(const json& row, const char* name, const char* format) {
  auto it = row.find(name);
  return it != row.end() && it->is_number() ? fmt::format(fmt::runtime(format), it->get<double>()) : "-";
}

// The item ids of one side of a row's flips, each escaped.
std::string item_list(const json& ids) {
  std::string out;
  for (const json& id : ids) out += "<li><code>" + escape_html(id.get<std::string>()) + "</code></li>";
  return out.empty() ? "<li>none</li>" : out;
}

}  // namespace

bool compare_row_changed(const json& row) {
  auto d = row.find("delta");
  return d != row.end() && d->is_number() && d->get<double>() != 0;
}

std::string render_compare_html(const json& comparison) {
  const std::string a = escape_html(comparison["run_a"].value("id", "")), b = escape_html(comparison["run_b"].value("id", ""));
  std::string rows;
  for (const json& row : comparison.at("rows")) {
    if (!compare_row_changed(row)) continue;
    const bool binary = text(row, "scale") == "binary";
    const std::string judge = text(row, "judge_model");
    rows += fmt::format(
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        row["delta"].get<double>() < 0 ? "worse" : "better", escape_html(text(row, "generation_model")),
        escape_html(text(row, "tier") == "standard" ? text(row, "task") : text(row, "tier") + " " + text(row, "task")),
        escape_html(judge.empty() ? text(row, "measure") : text(row, "measure") + " (" + judge + ")"),
        number(row, "n_common", "{:.0f}"), number(row, binary ? "accuracy_a" : "score_a", "{:.3f}"),
        number(row, binary ? "accuracy_b" : "score_b", "{:.3f}"), number(row, "delta", "{:+.3f}"),
        number(row, "p", "{:.3g}"), number(row, "clustered_se", "{:.3f}"));
    if (binary) {
      rows += fmt::format(
          "<tr><td colspan=\"9\"><details><summary>{} flipped to wrong, {} to right</summary>"
          "<p>Right in A, wrong in B:</p><ul>{}</ul><p>Wrong in A, right in B:</p><ul>{}</ul></details></td></tr>\n",
          row["flipped"]["worse"].size(), row["flipped"]["better"].size(), item_list(row["flipped"]["worse"]),
          item_list(row["flipped"]["better"]));
    }
  }
  if (rows.empty()) rows = "<tr><td colspan=\"9\">No row changed.</td></tr>\n";
  std::string notes;  // rows held back, with why (refusal labels of different detectors)
  for (const json& row : comparison.at("rows")) {
    const std::string line = held_back_line(row);
    if (!line.empty()) notes += "<li>" + escape_html(line) + "</li>";
  }
  if (!notes.empty()) notes = "<ul class=\"notes\">" + notes + "</ul>\n";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>llmbench compare {a} / {b}</title>\n"
      "<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{padding:4px 8px;"
      "border-bottom:1px solid #ddd;text-align:left}}tr.worse td:nth-child(7){{color:#b00}}"
      "tr.better td:nth-child(7){{color:#070}}</style></head>\n<body><h1>Compare</h1>\n"
      "<p>A: <code>{a}</code>, B: <code>{b}</code>. Only rows that changed; delta is B - A; p is McNemar's exact p "
      "(0/1 scores) or the paired bootstrap p.</p>\n<table><thead><tr><th>model</th><th>task</th><th>measure</th>"
      "<th>n</th><th>A</th><th>B</th><th>delta</th><th>p</th><th>clustered SE</th></tr></thead><tbody>\n{rows}"
      "</tbody></table>\n{notes}</body></html>\n",
      fmt::arg("a", a), fmt::arg("b", b), fmt::arg("rows", rows), fmt::arg("notes", notes));
}

}  // namespace llmbench::report
