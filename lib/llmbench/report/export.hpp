#pragma once
// CSV and Markdown renderings of the tables model (tables.hpp). Both are pure functions from
// ReportTables to text; `llmbench report --format csv|md` writes them to stdout or -o.

#include <string>

#include "llmbench/report/tables.hpp"

namespace llmbench::report {

// One RFC 4180 field: quoted when it holds a comma, quote, CR/LF or edge space; quotes
// doubled. Text that a spreadsheet would run as a formula (= + - @ at the start) gets a
// leading apostrophe.
std::string csv_field(const std::string& text);

// Long ("tidy") CSV, one line per table cell that holds a number:
// group,table,model,judge,production_judge,task,subject,metric,value,ci95_low,ci95_high,run_id
// Missing metrics have no line (never a 0). Lines end with CRLF as RFC 4180 asks. A perf level's
// lines (table perf-<n>) carry its level ("concurrency 8", "rate 5 req/s") in the task column
// and its catalogue key ("ttft_ms.p95", "errors_by_kind.timeout") as the metric.
std::string render_csv(const ReportTables& tables);

// Text safe inside a GitHub-flavoured Markdown table cell: `|` escaped, line breaks turned
// into spaces, and < > & as entities so model output cannot inject HTML.
std::string markdown_cell(const std::string& text);

// Every table as a Markdown section: heading, the comparable group, a GFM table with missing
// cells as "—" and accuracies as "82.0% [77.1–86.2]".
std::string render_markdown(const ReportTables& tables);

}  // namespace llmbench::report
