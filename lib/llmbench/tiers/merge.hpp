#pragma once
// `llmbench merge` of a sweep: the shards of `llmbench run --shard I/N` (each in its own output
// dir) made into one run in another output dir, as if it had run unsharded:
//   1. run::read_shards() has checked the shards are the N of one plan, once each, finished;
//   2. their item logs are concatenated into <output-dir>/runs/<id>/items.jsonl;
//   3. the metrics are computed from those records by the sweep's own aggregation
//      (aggregate_logged_sweep), so accuracy, counts and CIs are those of the unsharded run; the
//      models' ids and prices come from the shards' records, so no config or key is read;
//   4. the record (with "merged_from" and the summed request counts) is appended to the
//      output dir's report; with merge_cache, the shards' response caches are copied into the
//      output dir's cache.
// An arena's shards are merged by arena/arena_merge.hpp.

#include <vector>

#include "llmbench/run/merge.hpp"

namespace llmbench::tiers {

// Returns the exit code (ExitCode::ok, or failures when some item failed, as the run would);
// setup problems throw Error (bad_input) before anything is written.
int merge_sweep(const run::MergeOptions& options, const std::vector<run::ShardRun>& shards);

}  // namespace llmbench::tiers
