#pragma once
// Shards of a run (`llmbench run --shard I/N`): which part of a plan one process runs, and the
// fingerprint that tells `llmbench merge` whether shards belong to the same plan.
//
// An item belongs to shard  shard_of(key, N)  where key is the item's own name in its data
// ("<task>/<item id>" for standard tasks, "rag/<id>", "judge_pipeline/<id>", "tier_0" for the
// whole-dataset geometry of tier 0). The hash is defined byte for byte so other tools can
// reproduce it:
//   h     = FNV-1a 64 over the key's UTF-8 bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
//   h     = SplitMix64 finaliser of h (as in data/sampling.hpp)
//   shard = h mod N
// It depends on the key alone: adding items to a dataset never moves another item to another
// shard. Every request of an item (its judges, production judges, repeats) is asked in the
// item's shard, because tiers drop the items of other shards before planning anything.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace llmbench::run {

struct Shard {
  std::size_t index = 0;
  std::size_t count = 0;  // 0: not sharded (the whole plan)
  bool sharded() const { return count > 0; }
  // True when the item named `key` is this shard's (always, when not sharded).
  bool holds(std::string_view key) const;
};

// The hash above, before the modulo.
std::uint64_t shard_hash(std::string_view key);
// shard_hash(key) % count; count >= 1.
std::size_t shard_of(std::string_view key, std::size_t count);

// "I/N" with 0 <= I < N <= kMaxShards. Throws Error (bad_input) naming --shard and the rule.
Shard parse_shard(const std::string& text);
std::string to_string(const Shard& shard);  // "I/N"
inline constexpr std::size_t kMaxShards = 10000;

// The plan a run's flags (its record's `flags`) describe, as 16 hex digits: SHA-256 of the
// canonical JSON of the flags that decide which requests are sent and how they are scored (all
// but "shard" and those --resume may change: env_file, concurrency, retries, timeout_s,
// timeout_given, max_response_bytes, max_retry_wait_s, no_cache, cache_dir, baselines).
std::string plan_fingerprint(const nlohmann::json& flags);

// The record's "shard" object: {"index", "count", "plan_fingerprint"}.
nlohmann::json shard_json(const Shard& shard, const nlohmann::json& flags);

}  // namespace llmbench::run
