#pragma once
// `llmbench merge`: the shards of a sweep (`llmbench run --shard I/N`, each in its own output
// dir) made into one run in another output dir, as if it had run unsharded:
//   1. run::read_shards() checks the shards are the N of one plan, once each, finished;
//   2. their item logs are concatenated into <output-dir>/runs/<id>/items.jsonl;
//   3. the metrics are computed from those records by the sweep's own aggregation
//      (aggregate_logged_sweep), so accuracy, counts and CIs are those of the unsharded run;
//   4. the record (with "merged_from" and the summed request counts) is appended to the
//      output dir's report; with merge_cache, the shards' response caches are copied into the
//      output dir's cache.

#include <filesystem>
#include <string>
#include <vector>

#include "llmbench/run/options.hpp"

namespace llmbench::tiers {

struct MergeOptions {
  run::SessionOptions session;               // output_dir, config and env file, --report, --output
  bool config_given = false;                 // --config on the command line: wins over the shards' config
  std::vector<std::filesystem::path> shard_dirs;
  std::string run_id;                        // "" = the sharded run the first dir holds
  bool merge_cache = false;
};

// Returns the exit code (ExitCode::ok, or failures when some item failed, as the run would);
// setup problems and refused shards throw Error (bad_input) before anything is written.
int merge_sweep(MergeOptions options);

}  // namespace llmbench::tiers
