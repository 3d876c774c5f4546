#pragma once
// The TTFT and ITL distributions the report page's Perf tab draws, read from each perf record's
// request log (runs/<id>/requests.jsonl: one JSON object per request, docs/report-format.md).
// The log is read a line at a time and only histogram bins are kept (metrics/histogram.hpp), so
// what goes into the page is bounded whatever the number of requests or chunks.

#include <filesystem>

#include <nlohmann/json.hpp>

namespace llmbench::report {

// For every perf record (kind "perf") of `runs` (array, oldest first), per level of perf.levels:
// the TTFT of each ok request after warm-up (open loop: from the scheduled send time, queue
// included, as the level's ttft_ms is, when the line has scheduled_ms and sent_ms) and every
// inter-token gap of those requests, pooled. A line whose level is not one of the record's is
// left out and counted. A missing or unreadable log, or damaged lines, give a `note` that the
// page shows in place of (or beside) the charts; nothing is thrown.
// Shape: [{run: index into runs, log: "runs/<id>/requests.jsonl", note: "..." (when there is one),
//          levels: [{ttft: H, itl: H}]}], H as metrics::to_json(LogHistogram).
nlohmann::json collect_perf(const nlohmann::json& runs, const std::filesystem::path& output_dir);

}  // namespace llmbench::report
