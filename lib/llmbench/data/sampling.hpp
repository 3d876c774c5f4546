#pragma once
// Deterministic item sampling for --limit / --sample-seed.
//
// Every item gets a rank key  sample_key(seed, task, item.id)  and a limit of N keeps the N
// items with the smallest keys (ties, which need a 64-bit collision, go to the earlier item),
// returned in the dataset's original order. Consequences users rely on:
//   - the choice depends only on (seed, task, ids): every model sees the same items, on
//     every platform, in every run;
//   - appending items to a dataset never swaps out an already chosen item unless a new item
//     ranks below it (the subset of N changes only by such displacements);
//   - a larger N keeps every item a smaller N chose.
//
// The key is defined byte for byte so that other tools can reproduce it:
//   bytes  = seed as 8 bytes little-endian || task (UTF-8) || 0x00 || id (UTF-8)
//   h      = FNV-1a 64 over bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
//   key    = SplitMix64 finaliser of h:
//              h ^= h >> 30; h *= 0xbf58476d1ce4e5b9; h ^= h >> 27; h *= 0x94d049bb133111eb;
//              h ^= h >> 31
// (The finaliser spreads FNV's weakly mixed high bits so similar ids rank independently.)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

struct SampleLimit {
  enum class Kind { all, count, fraction };
  Kind kind = Kind::all;
  std::size_t count = 0;  // Kind::count: at least 1
  double fraction = 0;    // Kind::fraction: in (0, 1)
};

// "" -> all items; "30" -> 30 items; "0.1" -> a tenth. Anything else (0, negative, "1.5",
// "abc", "1.0") throws Error "--limit: expected a count like 30 or a fraction like 0.1, got
// '<text>'" with a hint.
SampleLimit parse_limit(const std::string& text);

// How many of `total` items the limit keeps. A fraction rounds UP (as lm-evaluation-harness
// does: ceil(total * fraction)), so any fraction of a non-empty dataset keeps at least one
// item: 0.1 of 1319 -> 132, 0.1 of 10 -> 1, 0.001 of 10 -> 1. A count above total keeps all.
std::size_t resolve_limit(const SampleLimit& limit, std::size_t total);

// The rank key described above.
std::uint64_t sample_key(std::uint64_t seed, std::string_view task, std::string_view id);

// The rank keys of one (seed, task), its bytes hashed once: key(id) == sample_key(seed, task,
// id), and key(prefix, rest) is the key of the id prefix + rest without building it.
class SampleKeys {
 public:
  SampleKeys(std::uint64_t seed, std::string_view task);
  std::uint64_t key(std::string_view id) const { return key(id, {}); }
  std::uint64_t key(std::string_view prefix, std::string_view rest) const;

 private:
  std::uint64_t basis_;  // FNV-1a of seed, task and the 0x00 between task and id
};

// Indices of the resolve_limit(limit, keys.size()) items with the smallest keys (ties to the
// earlier item), ascending: what sample_indices chooses when keys[i] is item i's key.
std::vector<std::size_t> smallest_keys(const std::vector<std::uint64_t>& keys, const SampleLimit& limit);

// Indices of the chosen items, ascending (i.e. in dataset order).
std::vector<std::size_t> sample_indices(const std::vector<Item>& items, const SampleLimit& limit,
                                        std::uint64_t seed, std::string_view task);

// The chosen items, in dataset order.
std::vector<Item> sample_items(const std::vector<Item>& items, const SampleLimit& limit,
                               std::uint64_t seed, std::string_view task);

}  // namespace llmbench::data
