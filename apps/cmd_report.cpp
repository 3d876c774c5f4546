// llmbench report: renders benchmark_runs.json and the item logs as one self-contained HTML
// page (default) or that page printed as a PDF, or the comparison tables as CSV or Markdown.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "llmbench/error.hpp"
#include "llmbench/report/compare_embed.hpp"
#include "llmbench/report/export.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/pdf.hpp"
#include "llmbench/report/perf_distributions.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/tables.hpp"
#include "llmbench/util/atomic_file.hpp"

namespace llmbench::app {
namespace {

struct ReportOptions {
  std::string output_dir = "benchmarks/reports";
  std::string output_file;  // "" = <output-dir>/report.html for html, stdout for csv/md
  std::string runs;         // comma-separated run ids
  int last = 0;             // 0 = all runs
  std::string format = "html";
};

// The runs chosen by --runs / --last, oldest first.
nlohmann::json select_runs(const nlohmann::json& all, const ReportOptions& options,
                           const std::filesystem::path& file) {
  if (!options.runs.empty()) {
    std::set<std::string> wanted;
    std::stringstream list(options.runs);
    for (std::string id; std::getline(list, id, ',');) {
      if (!id.empty()) wanted.insert(id);
    }
    nlohmann::json chosen = nlohmann::json::array();
    for (const auto& run : all) {
      if (wanted.erase(run["id"].get<std::string>())) chosen.push_back(run);
    }
    if (!wanted.empty()) {
      throw InputError(file.string(), 0,
                       "no run with id \"" + *wanted.begin() + "\" (see the ids in the report, or use --last N)");
    }
    return chosen;
  }
  if (options.last > 0 && static_cast<std::size_t>(options.last) < all.size()) {
    return nlohmann::json(all.end() - options.last, all.end());
  }
  return all;
}

int run_report(const ReportOptions& options) {
  const std::filesystem::path dir = options.output_dir;
  const auto file = dir / report::kReportFileName;
  if (!std::filesystem::exists(file)) {
    throw InputError(file.string(), 0, "no report here; run `llmbench run` first or pass --output-dir");
  }
  const nlohmann::json runs = select_runs(report::read_runs(file), options, file);
  std::string text;
  if (options.format == "pdf") {
    const std::string out = options.output_file.empty() ? (dir / "report.pdf").string() : options.output_file;
    if (out == "-") throw Error("--format pdf writes a file: give -o FILE.pdf (default <output-dir>/report.pdf)");
    report::print_pdf(report::render_html(runs, report::collect_items(runs, dir), report::collect_perf(runs, dir)), out);
    std::fprintf(stderr, "llmbench: wrote %s (%zu runs)\n", out.c_str(), runs.size());
    return 0;
  }
  if (options.format == "html") {
    text = report::render_html(runs, report::collect_items(runs, dir), report::collect_perf(runs, dir),
                               report::collect_comparisons(runs, dir));
  } else if (options.format == "csv") {
    text = report::render_csv(report::build_tables(runs));
  } else {
    text = report::render_markdown(report::build_tables(runs));
  }
  std::string out = options.output_file;
  if (out.empty() && options.format == "html") out = (dir / "report.html").string();
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  util::write_file_atomically(out, text);
  std::fprintf(stderr, "llmbench: wrote %s (%zu runs)\n", out.c_str(), runs.size());
  return 0;
}

}  // namespace

Runner setup_report(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Render the runs in <output-dir>/benchmark_runs.json as an HTML page, CSV or Markdown");
  cmd->add_option("--output-dir", options->output_dir,
                  "Directory holding benchmark_runs.json and runs/<id>/items.jsonl")
      ->capture_default_str();
  cmd->add_option("-o,--output", options->output_file,
                  "File to write (default: <output-dir>/report.html for html, <output-dir>/report.pdf for pdf, stdout for "
                  "csv/md; - = stdout)");
  auto* runs = cmd->add_option("--runs", options->runs, "Only these run ids, comma-separated (default: all runs)");
  cmd->add_option("--last", options->last, "Only the N most recent runs (default: all runs)")
      ->check(positive_integer())
      ->excludes(runs);
  cmd->add_option("--format", options->format,
                  "html (default), pdf (the HTML report printed by headless Chromium, every tab in order), csv (one "
                  "line per number) or md (Markdown tables)")
      ->check(one_of({"html", "pdf", "csv", "md"}))
      ->capture_default_str();
  return [options] { return run_report(*options); };
}

}  // namespace llmbench::app
