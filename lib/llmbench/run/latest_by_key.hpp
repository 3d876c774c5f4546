#pragma once
// The latest value of each key, in the order of each key's latest put: what aggregating an
// item log needs when "a key seen twice counts once, last wins" (a --retry-errors resume
// appends a new record for a key whose failed record stays earlier in the journal).
//
// for_each() visits exactly the values a pass over the whole log would keep: each key once,
// at the position of its last put. Memory: a 128-bit digest of the key (two independent
// 64-bit hashes: two keys of a run are taken for one with a chance of about n^2 / 2^129) and
// the value per distinct key, plus an empty slot per replaced put; some 60 bytes besides the
// value, whatever the key's length. Values are stored in blocks of kBlock slots, so the store
// grows without copying (a doubling vector would hold the old and the new array at once).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "llmbench/util/hash.hpp"

namespace llmbench::run {

template <typename T>
class LatestByKey {
 public:
  // Stores `value` for `key`; an earlier value of the key is dropped.
  void put(std::string_view key, T value) {
    auto [it, inserted] = index_.try_emplace(digest(key), count_);
    if (!inserted) {
      slot(it->second).reset();
      it->second = count_;
    }
    if (count_ % kBlock == 0) {
      blocks_.emplace_back();
      blocks_.back().reserve(kBlock);
    }
    blocks_.back().emplace_back(std::move(value));
    ++count_;
  }

  // Distinct keys put so far.
  std::size_t size() const { return index_.size(); }

  // Calls f(const T&) on each key's latest value, in the order of those puts.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& block : blocks_) {
      for (const auto& value : block) {
        if (value) f(*value);
      }
    }
  }

 private:
  static constexpr std::size_t kBlock = 4096;

  std::optional<T>& slot(std::size_t i) { return blocks_[i / kBlock][i % kBlock]; }

  struct Digest {
    std::uint64_t a = 0, b = 0;
    bool operator==(const Digest&) const = default;
  };
  struct DigestHash {
    std::size_t operator()(const Digest& d) const { return static_cast<std::size_t>(d.a); }
  };
  static Digest digest(std::string_view key) {
    return {util::Hasher(0x6c6174657374ULL).add(key).value(), util::Hasher(0x6b657973ULL).add(key).value()};
  }

  std::unordered_map<Digest, std::size_t, DigestHash> index_;
  std::vector<std::vector<std::optional<T>>> blocks_;  // each reserved to kBlock slots
  std::size_t count_ = 0;                              // slots in blocks_
};

}  // namespace llmbench::run
