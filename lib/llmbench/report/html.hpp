#pragma once
// The HTML report: one self-contained page (inline CSS, JS and SVG charts; no URL, no
// network at view time) that opens from file://. The page's data is the runs, the tables
// model (tables.hpp) and the items of the runs' item logs, embedded as JSON in a
// <script type="application/json"> block and turned into DOM by textContent only, so
// untrusted model output and dataset text can never become markup.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace llmbench::report {

// `text` with & < > " ' replaced by entities, for HTML text and attribute values.
std::string escape_html(std::string_view text);

// `value` serialised for a <script type="application/json"> block: invalid UTF-8 replaced
// by U+FFFD, and < > & U+2028 U+2029 written as \u003c \u003e \u0026 \u2028 \u2029, so the
// text can neither close the script element nor break JSON.parse.
std::string script_json(const nlohmann::json& value);

// The items of `runs` (array, oldest first), read from each run's item_log under
// `output_dir` (a perf record has none: its request log is read by collect_perf), merged per (run, tier, task, item_id): dataset text once, every model's
// answer side by side, judge records (role "judge") as judgements. A missing log gives no
// items; a damaged line is left out, named on stderr (spdlog), and that run's items carry
// log_incomplete (a note render_html shows at the top of the page).
// Shape: [{run (index into runs), tier, task, id, subject, question, context, reference, gold,
//          options, letters (multiple choice: the options as shown and their letters),
//          answers: [{model, role, repeat, response, reasoning, extracted, correct, parsed,
//                     truncated, cached, latency_ms, error_kind, error}],
//          judgements: [{model, judged_model, score, response, answer (tier_ux: the logged answer
//                        judged), cached, latency_ms, error_kind, error}]}]
nlohmann::json collect_items(const nlohmann::json& runs, const std::filesystem::path& output_dir);

// The whole page for `runs`, `items` (as collect_items returns them), the perf records'
// distributions (as collect_perf, perf_distributions.hpp, returns them; without them the Perf
// tab says each run's request log was not read) and the Compare view's comparisons (as
// collect_comparisons, compare_embed.hpp, returns them; without them there is no Compare tab).
std::string render_html(const nlohmann::json& runs, const nlohmann::json& items,
                        const nlohmann::json& perf = nlohmann::json::array(),
                        const nlohmann::json& comparisons = nlohmann::json::object());

}  // namespace llmbench::report
