#pragma once
// The Compare view of the report page (`llmbench report`, report_compare.js): the paired
// comparisons (report/compare.hpp) of the report's latest sweeps, computed here and embedded in
// the page, where the user picks run A and run B.
//
// Bounded: only the latest kCompareRuns sweeps whose item log exists are offered (each read
// once), every pair (A older than B) is compared, only the rows that changed are kept, and each
// row keeps at most kFlippedShown item ids per direction of its flips (b and c still count all).

#include <cstddef>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace llmbench::report {

inline constexpr std::size_t kCompareRuns = 8;
inline constexpr std::size_t kFlippedShown = 100;

// {"runs": [run ids, oldest first], "pairs": [{"a": id, "b": id, "rows": [changed rows, as
// compare_runs writes them, flipped lists cut to kFlippedShown with "flipped_cut": true when
// cut]}], "max_runs": kCompareRuns, "flipped_shown": kFlippedShown}; "runs" holds fewer than two
// ids (and "pairs" nothing) when there is nothing to compare. Every row is computed with
// compare's defaults (bootstrap 1,000 rounds, seed 0).
nlohmann::json collect_comparisons(const nlohmann::json& runs, const std::filesystem::path& output_dir);

}  // namespace llmbench::report
