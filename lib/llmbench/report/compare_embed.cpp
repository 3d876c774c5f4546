#include "llmbench/report/compare_embed.hpp"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/compare.hpp"
#include "llmbench/report/compare_render.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

// A sweep whose item log is there to read (perf and arena records hold none).
bool comparable(const json& run, const std::filesystem::path& output_dir) {
  if (!run.value("kind", std::string()).empty()) return false;
  const auto log = run.find("item_log");
  return log != run.end() && log->is_string() &&
         std::filesystem::exists(records::OutputLayout(output_dir).resolve(log->get<std::string>()));
}

void cut_flips(json& row) {
  auto flipped = row.find("flipped");
  if (flipped == row.end() || !flipped->is_object()) return;
  for (const char* side : {"worse", "better"}) {
    json& ids = (*flipped)[side];
    if (ids.is_array() && ids.size() > kFlippedShown) {
      ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(kFlippedShown), ids.end());
      row["flipped_cut"] = true;
    }
  }
}

}  // namespace

json collect_comparisons(const json& runs, const std::filesystem::path& output_dir) {
  std::vector<NamedRun> offered;
  for (auto it = runs.rbegin(); it != runs.rend() && offered.size() < kCompareRuns; ++it) {
    if (comparable(*it, output_dir)) offered.push_back({it->value("id", std::string()), output_dir, *it});
  }
  std::reverse(offered.begin(), offered.end());
  const CompareOptions options;
  std::vector<RunScores> scores;
  json ids = json::array();
  for (const NamedRun& run : offered) {
    try {
      scores.push_back(read_run_scores(run, options));
    } catch (const Error& e) {  // removed since: offered without rows
      spdlog::warn("the Compare view leaves run {} out: {}", run.name, e.what());
      scores.emplace_back();
    }
    ids.push_back(run.name);
  }
  json pairs = json::array();
  for (std::size_t a = 0; a < offered.size(); ++a) {
    for (std::size_t b = a + 1; b < offered.size(); ++b) {
      json rows = json::array();
      for (json& row : compare_rows(scores[a], scores[b], options)) {
        if (!compare_row_changed(row) && !row.contains("note")) continue;  // a note says why it is not compared
        cut_flips(row);
        rows.push_back(std::move(row));
      }
      pairs.push_back({{"a", offered[a].name}, {"b", offered[b].name}, {"rows", std::move(rows)}});
    }
  }
  return {{"runs", std::move(ids)}, {"pairs", std::move(pairs)}, {"max_runs", kCompareRuns},
          {"flipped_shown", kFlippedShown}};
}

}  // namespace llmbench::report
