#pragma once
// The latest value of each key, in the order of each key's latest put: what aggregating an
// item log needs when "a key seen twice counts once, last wins" (a --retry-errors resume
// appends a new record for a key whose failed record stays earlier in the journal).
//
// for_each() visits exactly the values a pass over the whole log would keep: each key once,
// at the position of its last put. Memory: a 128-bit digest of the key (two independent
// 64-bit hashes: two keys of a run are taken for one with a chance of about n^2 / 2^129) and
// the value per distinct key, plus an empty slot per replaced put; some 60 bytes besides the
// value, whatever the key's length.

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
    auto [it, inserted] = index_.try_emplace(digest(key), slots_.size());
    if (!inserted) {
      slots_[it->second].reset();
      it->second = slots_.size();
    }
    slots_.emplace_back(std::move(value));
  }

  // Distinct keys put so far.
  std::size_t size() const { return index_.size(); }

  // Calls f(const T&) on each key's latest value, in the order of those puts.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& slot : slots_) {
      if (slot) f(*slot);
    }
  }

 private:
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
  std::vector<std::optional<T>> slots_;
};

}  // namespace llmbench::run
