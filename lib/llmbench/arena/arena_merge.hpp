#pragma once
// `llmbench merge` of an arena: the shards of `llmbench arena run --shard I/N` (each in its own
// output dir) made into one arena run in another output dir, as if it had run unsharded. The
// shards (run::read_shards has checked they are the N of one plan, once each, finished) hold the
// battles of disjoint prompts; their battle logs are concatenated into
// <output-dir>/runs/<id>/battles.jsonl and the "arena" section is computed again from those
// battles by arena_results, the run's own analysis: ratings, intervals, win rates and judge
// biases are those of the unsharded run. Needs no config and no key: the models are in the flags.

#include <vector>

#include "llmbench/run/merge.hpp"

namespace llmbench::arena {

// Returns the exit code (ExitCode::ok, or failures when some battle failed, as the run would);
// setup problems throw Error before anything is written.
int merge_arena(const run::MergeOptions& options, const std::vector<run::ShardRun>& shards);

}  // namespace llmbench::arena
