#include "llmbench/report/export.hpp"

#include <iterator>
#include <map>

#include <fmt/format.h>

namespace llmbench::report {
namespace {

// The CSV column a key column of the tables model lands in.
std::string key_column(const std::string& key) {
  if (key == "generation_model") return "model";
  if (key == "judge_model") return "judge";
  if (key == "production_judge_model") return "production_judge";
  if (key == "level") return "task";  // a perf level ("concurrency 8") keys its row as a task does
  return key;  // task, subject
}

std::string display(const Cell& cell, ColumnKind kind) {
  if (cell.missing()) return "—";
  if (!cell.number) return cell.text;
  if (kind != ColumnKind::fraction) {
    std::string text = format_number(*cell.number, kind);
    if (cell.ci95) text += fmt::format(" [{}–{}]", format_number(cell.ci95->low, kind), format_number(cell.ci95->high, kind));
    return text;
  }
  std::string text = fmt::format("{:.1f}%", *cell.number * 100);
  if (cell.ci95) text += fmt::format(" [{:.1f}–{:.1f}]", cell.ci95->low * 100, cell.ci95->high * 100);
  return text;
}

// The comparable-group label a table is shown under (standard tables leave out the RAG file).
std::string group_label(const ReportTables& tables, const Table& table) {
  if (table.group < 0) return "";
  const ComparableGroup& g = tables.groups.at(static_cast<std::size_t>(table.group));
  const bool standard = table.section == "standard" || table.section == "mmlu_subjects";
  return standard && !g.standard_label.empty() ? g.standard_label : g.label;
}

}  // namespace

std::string csv_field(const std::string& text) {
  std::string value = text;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(value.begin(), '\'');
  }
  const bool quote = value.find_first_of(",\"\r\n") != std::string::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string render_csv(const ReportTables& tables) {
  static const char* kHeader[] = {"group", "table", "model", "judge", "production_judge", "task", "subject",
                                  "metric", "value", "ci95_low", "ci95_high", "run_id"};
  std::string out;
  for (std::size_t i = 0; i < std::size(kHeader); ++i) out += (i ? "," : "") + std::string(kHeader[i]);
  out += "\r\n";
  for (const auto& table : tables.tables) {
    const std::string group = group_label(tables, table);
    for (const auto& row : table.rows) {
      std::map<std::string, std::string> keys;
      std::string run_id;
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (table.columns[c].kind == ColumnKind::text) keys[key_column(table.columns[c].key)] = row[c].text;
        if (table.columns[c].kind == ColumnKind::run_id) run_id = row[c].text;
      }
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const Cell& cell = row[c];
        if (!cell.number) continue;
        std::string metric = table.columns[c].key;
        std::string model = keys["model"];
        if (table.section == "mmlu_subjects") {  // columns are models there
          model = table.columns[c].key;
          metric = "accuracy";
        }
        const std::string cell_run = cell.run_id.empty() ? run_id : cell.run_id;
        const std::string fields[] = {
            group, table.id, model, keys["judge"], keys["production_judge"], keys["task"], keys["subject"],
            metric, format_number(*cell.number, table.columns[c].kind),
            cell.ci95 ? format_number(cell.ci95->low, ColumnKind::number) : "",
            cell.ci95 ? format_number(cell.ci95->high, ColumnKind::number) : "", cell_run};
        for (std::size_t i = 0; i < std::size(fields); ++i) out += (i ? "," : "") + csv_field(fields[i]);
        out += "\r\n";
      }
    }
  }
  return out;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '|': out += "\\|"; break;
      case '\\': out += "\\\\"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\r': break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_markdown(const ReportTables& tables) {
  std::string out = "# llmbench report\n";
  for (const auto& table : tables.tables) {
    out += fmt::format("\n## {}\n\n", markdown_cell(table.title));
    if (table.group >= 0) {
      out += fmt::format("Comparable runs: {}\n\n",
                         markdown_cell(group_label(tables, table)));
    }
    std::string header = "|", rule = "|";
    for (const auto& column : table.columns) {
      header += " " + markdown_cell(column.label) + " |";
      rule += column.kind == ColumnKind::text || column.kind == ColumnKind::run_id ? " --- |" : " ---: |";
    }
    out += header + "\n" + rule + "\n";
    for (const auto& row : table.rows) {
      std::string line = "|";
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        line += " " + markdown_cell(display(row[c], table.columns[c].kind)) + " |";
      }
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace llmbench::report
