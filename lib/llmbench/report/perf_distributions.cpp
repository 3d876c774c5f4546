#include "llmbench/report/perf_distributions.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "llmbench/metrics/histogram.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
using util::member;

struct LevelDistributions {
  metrics::LogHistogram ttft_ms;
  metrics::LogHistogram itl_ms;
};

// Adds one request log line to its level's histograms; false when the line names no level of
// the record.
bool add_line(const json& line, std::vector<LevelDistributions>& levels) {
  const json& level = member(line, "level");
  if (!level.is_number_unsigned() || level.get<std::size_t>() >= levels.size()) return false;
  if (member(line, "warmup") == true || !member(line, "error_kind").is_null()) return true;
  LevelDistributions& mine = levels[level.get<std::size_t>()];
  if (const json& ttft = member(line, "ttft_ms"); ttft.is_number()) {
    const json &scheduled = member(line, "scheduled_ms"), &sent = member(line, "sent_ms");
    const double queue = scheduled.is_number() && sent.is_number() ? sent.get<double>() - scheduled.get<double>() : 0;
    mine.ttft_ms.add(ttft.get<double>() + queue);
  }
  for (const json& gap : member(line, "itl_ms")) {
    if (gap.is_number()) mine.itl_ms.add(gap.get<double>());
  }
  return true;
}

json perf_distributions(const json& run, std::size_t index, const std::filesystem::path& output_dir) {
  const std::string id = run.value("id", std::string());
  json out = {{"run", index}, {"levels", json::array()}};
  const json& log = member(run, "request_log");
  if (!log.is_string()) {
    out["note"] = fmt::format("Run {} names no request log: no TTFT or ITL distributions.", id);
    return out;
  }
  out["log"] = log;
  const std::filesystem::path path = output_dir / log.get<std::string>();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    out["note"] = fmt::format("The request log {} of run {} is missing: no TTFT or ITL distributions.",
                              log.get<std::string>(), id);
    return out;
  }
  std::vector<LevelDistributions> levels(member(member(run, "perf"), "levels").size());
  std::size_t foreign = 0;
  records::JournalScan scan;
  try {
    scan = records::scan_journal(path, records::DamagedLines::skip, [&](json&& line) {
      if (!add_line(line, levels)) ++foreign;
    });
  } catch (const std::exception& e) {
    out["note"] = fmt::format("The request log {} of run {} could not be read ({}): no TTFT or ITL distributions.",
                              log.get<std::string>(), id, e.what());
    return out;
  }
  for (const LevelDistributions& level : levels) {
    out["levels"].push_back({{"ttft", metrics::to_json(level.ttft_ms)}, {"itl", metrics::to_json(level.itl_ms)}});
  }
  std::vector<std::string> problems;
  if (!scan.damaged_lines.empty()) {
    for (int line : scan.damaged_lines) {
      spdlog::warn("{}:{}: not a JSON object (damaged or edited); the report draws run {} without it",
                   path.string(), line, id);
    }
    const std::size_t named = std::min<std::size_t>(10, scan.damaged_lines.size());  // the note stays short
    const std::vector<int> first(scan.damaged_lines.begin(), scan.damaged_lines.begin() + static_cast<std::ptrdiff_t>(named));
    problems.push_back(fmt::format("{} damaged line{} left out ({}{})", scan.damaged_lines.size(),
                                   scan.damaged_lines.size() == 1 ? "" : "s", fmt::join(first, ", "),
                                   named < scan.damaged_lines.size() ? ", ..." : ""));
  }
  if (scan.dropped_torn_tail) problems.emplace_back("its last line is incomplete (written when the run stopped) and left out");
  if (foreign > 0) problems.push_back(fmt::format("{} line{} naming no level of the run left out", foreign, foreign == 1 ? "" : "s"));
  if (!problems.empty()) {
    out["note"] = fmt::format("The request log {} of run {}: {}.", log.get<std::string>(), id, fmt::join(problems, "; "));
  }
  return out;
}

}  // namespace

json collect_perf(const json& runs, const std::filesystem::path& output_dir) {
  json out = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (member(runs[r], "kind") == "perf") out.push_back(perf_distributions(runs[r], r, output_dir));
  }
  return out;
}

}  // namespace llmbench::report
