#pragma once
// The terminal summary of one run, rendered from its report record (the same JSON the HTML
// page reads): per model and task, accuracy with its 95% interval and the counts beside it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::report {

// Plain text table; missing values show as "-", never 0. A perf record (kind "perf") is shown as
// a row per load level instead (its model runs are none).
std::string render_summary(const nlohmann::json& run);

// Rows of cells (the first the header, underlined) as aligned plain text, columns by display
// width (UTF-8 code points). Cells come from reports and logs: each is made terminal_safe here.
std::string render_table(std::vector<std::vector<std::string>> rows);

}  // namespace llmbench::report
