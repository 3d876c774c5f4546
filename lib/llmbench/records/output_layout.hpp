#pragma once
// Every path under an output directory (`--output-dir`, default benchmarks/reports), named once:
//
//   benchmark_runs.json          the report: one record per run (report/store.hpp)
//   report.html                  `llmbench report` and `--report` write the page here
//   cache/                       the response cache, unless --cache-dir names another
//   runs/<id>/items.jsonl        a sweep's item log (records/journal.hpp)
//   runs/<id>/battles.jsonl      an arena run's battles
//   runs/<id>/votes.jsonl        the blind human votes on an arena run
//
// Logs are stored in the report relative to the output directory ("runs/<id>/items.jsonl"), so a
// folder that is moved or copied keeps working; `resolve` turns one into a path.

#include <filesystem>
#include <string>

namespace llmbench::records {

inline constexpr const char* kReportFileName = "benchmark_runs.json";

class OutputLayout {
 public:
  explicit OutputLayout(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path report_file() const { return dir_ / kReportFileName; }
  std::filesystem::path html_file() const { return dir_ / "report.html"; }
  std::filesystem::path cache_dir() const { return dir_ / "cache"; }
  std::filesystem::path runs_dir() const { return dir_ / "runs"; }
  std::filesystem::path run_dir(const std::string& run_id) const { return runs_dir() / run_id; }

  // A log named as the report stores it (relative to dir()), as a path.
  std::filesystem::path resolve(const std::string& relative) const { return dir_ / relative; }

  // The logs of a run, relative to the output directory (what the report stores).
  static std::string item_log(const std::string& run_id) { return "runs/" + run_id + "/items.jsonl"; }
  static std::string battles_log(const std::string& run_id) { return "runs/" + run_id + "/battles.jsonl"; }
  static std::string votes_log(const std::string& run_id) { return "runs/" + run_id + "/votes.jsonl"; }

 private:
  std::filesystem::path dir_;
};

}  // namespace llmbench::records
