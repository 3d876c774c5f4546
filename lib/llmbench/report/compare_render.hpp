#pragma once
// The renderers of a comparison (report/compare.hpp): an aligned terminal table and Markdown,
// both from the comparison's JSON.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/catalogue.hpp"

namespace llmbench::report {

// The numeric fields of a comparison row, each declared once with its label, format and better
// direction (as the metric catalogue declares a run's metrics): the columns of the table and the
// Markdown, and the keys a `compare --fail-if` rule may name. accuracy_a/accuracy_b stand for
// score_a/score_b in a score row.
const std::vector<metrics::Metric>& compare_fields();

// Whether a comparison row changed: its delta is a number other than 0. The Compare views show
// only these.
bool compare_row_changed(const nlohmann::json& row);

// The rows as an aligned plain-text table (names made terminal-safe) and as Markdown.
std::string render_compare_table(const nlohmann::json& comparison);
std::string render_compare_markdown(const nlohmann::json& comparison);

// The Compare view: a self-contained HTML page (no scripts) of only the rows whose delta is not
// 0, with their deltas, and per 0/1 row the ids of the items that flipped (right in A and wrong in
// B, and the other way). Every name and id is escaped.
std::string render_compare_html(const nlohmann::json& comparison);

}  // namespace llmbench::report
