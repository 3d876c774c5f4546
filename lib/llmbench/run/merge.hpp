#pragma once
// What `llmbench merge` does with the output directories of a run's shards before any metric is
// computed: finds the run in each, checks that they are the N shards of one plan, each present
// once and finished, and gathers their logs, request counts and caches into one output dir.
// The metrics are then computed again from the gathered records by the workload's own
// aggregation (tiers/merge.hpp), never averaged from the shards' metrics.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/records/output_layout.hpp"

namespace llmbench::run {

struct ShardRun {
  std::filesystem::path dir;  // the shard's output dir
  nlohmann::json record;      // its run record
  std::size_t index = 0, count = 0;
  std::string plan_fingerprint;
};

// The run `run_id` ("" = the one sharded run the first dir holds) of each of `dirs`, ordered by
// shard index. Throws Error (bad_input), naming the dir and the shard, when a dir has no such
// sharded run, when two shards disagree on the plan (fingerprint) or on N, when an index is
// missing or given twice, or when a shard did not finish (status running or interrupted: resume
// it first) or ran with a model unavailable (its items are missing: run that shard again).
std::vector<ShardRun> read_shards(const std::vector<std::filesystem::path>& dirs, const std::string& run_id);

// Concatenates the shards' logs named `relative` (OutputLayout's names, e.g. the item log) in
// shard order into `out`'s, which must not exist yet. A record key found in two shards (the
// shards overlap: not the same partition) throws Error naming both. Returns the records written.
std::size_t merge_logs(const std::vector<ShardRun>& shards, const std::string& relative,
                       const records::OutputLayout& out);

// The merged run's record before its metrics: the first shard's record without "shard", its flags
// without "shard", timestamp the earliest shard's, finished_at the latest, "requests" the sum
// of the shards' counts, and "merged_from": [{index, count, dir, timestamp, finished_at}] with
// "plan_fingerprint".
nlohmann::json merged_record(const std::vector<ShardRun>& shards);

// Copies the entries of each shard's response cache (its flags' cache_dir, else <dir>/cache;
// shards without one are skipped) into `cache_dir`. Returns the entries added.
long long merge_caches(const std::vector<ShardRun>& shards, const std::filesystem::path& cache_dir);

}  // namespace llmbench::run
