#pragma once
// `llmbench report --format pdf`: the HTML report printed by headless Chromium (Debian's
// `chromium`, `--headless --print-to-pdf`). The page is opened at `#print`, where report.js
// renders every tab in order, and its print CSS (report.css) breaks the page before each tab,
// hides the controls and wraps tables to the page's width.
//
// Chromium runs as a child process with its own temporary profile, stdout and stderr captured
// to a file, and a time limit; --no-sandbox, since it often runs as root in CI and containers
// (the page is llmbench's own, every text in it escaped, and it loads nothing from the
// network). No other output: errors are thrown.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace llmbench::report {

// The Chromium to print with: $LLMBENCH_CHROMIUM when set (a path), else the first of
// chromium, chromium-browser, google-chrome on PATH; nullopt when there is none.
std::optional<std::filesystem::path> find_chromium();

// Prints `html` (a page render_html made) to the PDF file `out`, replacing it. Throws Error with
// ExitCode::internal (an environment problem) when no Chromium is installed (saying how to
// install it), when Chromium fails or takes longer than `timeout`, or when it writes no PDF
// (with the end of its output).
void print_pdf(const std::string& html, const std::filesystem::path& out,
               std::chrono::seconds timeout = std::chrono::seconds(180));

}  // namespace llmbench::report
