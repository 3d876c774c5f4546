#pragma once
// What `llmbench merge` does with the output directories of a run's shards before any metric is
// computed: finds the run in each, checks that they are the N shards of one plan, each present
// once and finished, and gathers their logs, request counts and caches into one output dir.
// The metrics are then computed again from the gathered records by the workload's own
// aggregation (tiers/merge.hpp), never averaged from the shards' metrics.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/records/fields.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/shard.hpp"

namespace llmbench::run {

class RunSession;

// `llmbench merge`'s flags.
struct MergeOptions {
  SessionOptions session;  // output_dir, render_report (--report), output (--output)
  std::vector<std::filesystem::path> shard_dirs;
  std::string run_id;  // "" = the sharded run the first dir holds
  bool merge_cache = false;
};

struct ShardRun {
  std::filesystem::path dir;  // the shard's output dir
  nlohmann::json record;      // its run record
  std::size_t index = 0, count = 0;
  std::string plan_fingerprint;
};

// The shards of one run share its id, which merge checks: a sharded run without one (`has_run_id`
// false: neither --run-id nor --resume) throws Error (bad_input) saying so. Nothing for an
// unsharded one.
void require_run_id(const Shard& shard, bool has_run_id);

// The run `run_id` ("" = the one sharded run the first dir holds) of each of `dirs`, ordered by
// shard index. Throws Error (bad_input), naming the dir and the shard, when a dir has no such
// sharded run, when two shards disagree on the plan (fingerprint) or on N, when an index is
// missing or given twice, or when a shard did not finish (status running or interrupted: resume
// it first) or ran with a model unavailable (its items are missing: run that shard again), or
// when two shards' records name other models or prices ("models": their configs differed).
std::vector<ShardRun> read_shards(const std::vector<std::filesystem::path>& dirs, const std::string& run_id);

// Concatenates the shards' logs named `relative` (OutputLayout's names, e.g. the item log) in
// shard order into `out`'s, which must not exist yet. A record key (the field `key_field`: "key"
// of item records, "battle_id" of battles) found in two shards (the shards overlap: not the same
// partition) throws Error naming both. Returns the records written.
std::size_t merge_logs(const std::vector<ShardRun>& shards, const std::string& relative,
                       const records::OutputLayout& out, const char* key_field = records::field::kKey);

// The merged run's record before its metrics: the first shard's record without "shard", its flags
// without "shard", timestamp the earliest shard's, finished_at the latest, "requests" the sum
// of the shards' counts, and "merged_from": [{index, count, dir, timestamp, finished_at}] with
// "plan_fingerprint".
nlohmann::json merged_record(const std::vector<ShardRun>& shards);

// Copies the entries of each shard's response cache (its flags' cache_dir, else <dir>/cache;
// shards without one are skipped) into `cache_dir`. Returns the entries added.
long long merge_caches(const std::vector<ShardRun>& shards, const std::filesystem::path& cache_dir);

// The steps every workload's merge shares, in order: the run's folder in `session`'s output dir
// (created in one step: refused when the run is there), the shards' logs named `log` merged into
// it (merge_logs), `aggregate(run, merged log)` (the workload's metrics, from the merged records
// only), the record saved; "Merged ..." said on session.human(). A throw before the record is
// saved removes the folder, so a refused merge leaves nothing. With `merge_cache`, then the
// shards' caches (merge_caches) into the session's cache dir.
using MergeAggregate = std::function<void(nlohmann::json& run, const std::filesystem::path& merged_log)>;
void merge_into(RunSession& session, const std::vector<ShardRun>& shards, nlohmann::json& run, const std::string& log,
                const char* key_field, const MergeAggregate& aggregate, bool merge_cache);

}  // namespace llmbench::run
