#pragma once
// A tier_ux run (`llmbench run --tier ux`) as the sweep writes it: its record (flags with
// ux_log and ux_similarity, one model run per embedding model / judge pair holding
// metrics.tier_ux) and its item log (an embedding record per turn and embedding model, a judge
// record per follow-up and judge), for the report page's tests. The log's text is hostile in
// places: a question, its answer and the answer before it are markup, and so is one judge's id.
// Deterministic: the same directory gets the same bytes.

#include <filesystem>

namespace llmbench::test {

inline constexpr const char* kUxRunId = "20250313T090000Z-ux01";
inline constexpr const char* kUxLog = "logs/assistant.jsonl";
// A judge id that is markup, to check the ux table escapes it.
inline constexpr const char* kHostileUxJudge = "<img src=x onerror=\"window.__xss=11\">-judge";
// A follow-up question and the answer before it (shown in the follow-up's context), both markup.
inline constexpr const char* kHostileUxQuestion = "<img src=x onerror=\"window.__xss=12\"> Can I undo that?";
inline constexpr const char* kHostileUxAnswer = "<script>window.__xss=13</script>Deleted files stay in Trash for 30 days.";
// The follow-up's own logged answer, markup: its judge records carry it as the answer judged.
inline constexpr const char* kHostileUxFollowUpAnswer = "<img src=x onerror=\"window.__xss=14\">Yes: open Trash and choose Restore.";

// Appends the tier_ux run to <dir>/benchmark_runs.json (created when absent) and writes its
// item log runs/<kUxRunId>/items.jsonl. Its model runs (metrics as ux_metrics gives them):
//   sim-embed / judge-a:          cache_hit 2 of 8 (Wilson [0.0715, 0.5907]), threshold 0.9;
//                                 cache_flags tp 2, fp 0, fn 1, tn 5; context_preservation 3 of 4
//                                 ([0.3006, 0.9544]), 812.5 ms
//   sim-embed-large / kHostileUxJudge: cache_hit 1 of 7 and 1 error ([0.0257, 0.5131]);
//                                 context_preservation 2 of 3 and 1 error ([0.2077, 0.9385])
void add_ux_fixture(const std::filesystem::path& dir);

}  // namespace llmbench::test
