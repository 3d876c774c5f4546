#pragma once
// A realistic report directory for the report renderers' tests and benchmarks: several runs
// of 3 generation models x 2 benchmark judges x 2 production judges (standard mmlu/gsm8k and
// tier_2/tier_3/tier_judge/tier_judge_pipeline metrics, an unavailable model, missing
// metrics), item logs holding hostile text (<script>, onerror=, U+2028) and Cyrillic, and an
// optional arena section. Deterministic: the same options write the same bytes.

#include <cstddef>
#include <filesystem>

namespace llmbench::test {

enum class WithArena { yes, no };

struct ReportFixtureOptions {
  std::size_t item_records = 600;  // total items.jsonl lines over all runs (scales to 50,000+)
  WithArena arena = WithArena::yes;
};

// The ids of the runs the fixture writes, oldest first.
inline constexpr const char* kFixtureRunIds[] = {
    "20250301T090000Z-a1b2", "20250308T090000Z-c3d4", "20250310T120000Z-e5f6",
    "20250311T080000Z-f00d"};

// Writes <dir>/benchmark_runs.json and <dir>/runs/<id>/items.jsonl for every run.
void write_report_fixture(const std::filesystem::path& dir, const ReportFixtureOptions& options = {});

}  // namespace llmbench::test
