#pragma once
// Perf records (`"kind": "perf"`, written by `llmbench perf`) and their request logs, in the
// agreed format (docs/report-format.md), for the tests of everything that reads them: the report
// page's Perf tab, the tables and exports, and the readers that must pass them by.
// Deterministic: the same arguments write the same bytes.

#include <cstddef>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::test {

// A model id that is markup, to check it is escaped wherever it is shown.
inline constexpr const char* kHostilePerfModel = "<img src=x onerror=\"window.__xss=9\">-7b";
// An error kind that is markup, likewise.
inline constexpr const char* kHostileErrorKind = "<script>window.__xss=10</script>";

enum class PerfMode { closed, open };

// A completed perf record `id` of `model`:
//   closed: levels at concurrency 1, 8, 64; the last cut short (complete false); no reasoning, so
//           every ttfo_ms is null; the first level's tpot_ms is null (one output token each);
//           the errors of level 2 are "timeout" and kHostileErrorKind.
//   open:   gamma arrivals (burstiness 2) at rates 2, 5, 10 with at most 64 in flight, SLOs
//           ttft 500 ms and tpot 50 ms, queue and service figures, goodput and SLO attainment
//           with its interval; the last level stopped early as saturated; --find-max-rate found 5.
// request_log is runs/<id>/requests.jsonl (write_perf_log writes it).
nlohmann::json perf_record(const std::string& id, const std::string& model, PerfMode mode);

// Writes `record`'s request log under `dir`: per level, 2 warm-up requests (TTFT 90,000 ms, to
// show they are left out), `per_level` ok requests whose TTFT is 100 + 10 x (seq mod 10) ms (open
// loop: sent 5 ms after the scheduled time) with 4 gaps of 20, 22, 24 and 26 ms each, and one
// timeout.
void write_perf_log(const std::filesystem::path& dir, const nlohmann::json& record, std::size_t per_level);

// Appends a closed-loop record of kHostilePerfModel and an open-loop one of "sim-large" to
// <dir>/benchmark_runs.json (created when absent), with their request logs (30 requests a level).
void add_perf_fixture(const std::filesystem::path& dir);

// The ids add_perf_fixture writes.
inline constexpr const char* kPerfClosedId = "20250312T090000Z-9e1f";
inline constexpr const char* kPerfOpenId = "20250312T100000Z-0a7c";

}  // namespace llmbench::test
