#pragma once
// The latest value of each key, in the order of each key's latest put: what aggregating an
// item log needs when "a key seen twice counts once, last wins" (a --retry-errors resume
// appends a new record for a key whose failed record stays earlier in the journal).
//
// for_each() visits exactly the values a pass over the whole log would keep: each key once,
// at the position of its last put. Memory: a 96-bit digest of the key (two independent hashes,
// 64 and 32 bits: two keys of a run are taken for one with a chance of about n^2 / 2^97, some
// 10^-17 for a million keys) and the value per distinct key, plus a default-constructed value
// per replaced put. The digests sit in one open-addressed table of 16-byte slots (the digest
// and a 32-bit position), at most 7/8 full (some 18 to 37 bytes a key, whatever the key's
// length; a node-based map took some 60: a node and a bucket a key).
// Values are stored in blocks of kBlock slots, so the store grows without copying (a doubling
// vector would hold the old and the new array at once), and which slots are replaced in one
// bit a put (not a std::optional a value, which costs alignof(T) bytes a put).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::run {

template <typename T>
class LatestByKey {
 public:
  // Stores `value` for `key`; an earlier value of the key is dropped (replaced by T{}, so
  // what it owns is freed). True when the key is new: no value was put for it before.
  // T must be default-constructible and move-assignable.
  bool put(std::string_view key, T value) {
    if ((keys_ + 1) * 8 > index_.size() * 7) grow();
    if (count_ == kFree) throw Error("more than 4,294,967,294 records to aggregate");
    const Digest d = digest(key);
    IndexSlot& found = find(d);
    const bool fresh = found.at == kFree;
    if (fresh) {
      found.a = d.a;
      found.b = d.b;
      ++keys_;
    } else {
      slot(found.at) = T{};
      replaced_[found.at] = true;
    }
    found.at = static_cast<std::uint32_t>(count_);
    if (count_ % kBlock == 0) {
      blocks_.emplace_back();
      blocks_.back().reserve(kBlock);
    }
    blocks_.back().emplace_back(std::move(value));
    replaced_.push_back(false);
    ++count_;
    return fresh;
  }

  // Distinct keys put so far.
  std::size_t size() const { return keys_; }
  // Bytes the key index holds (its table): what the store costs besides its values.
  std::size_t index_bytes() const { return index_.capacity() * sizeof(IndexSlot); }

  // Calls f(const T&) on each key's latest value, in the order of those puts.
  template <typename F>
  void for_each(F&& f) const {
    std::size_t i = 0;
    for (const auto& block : blocks_) {
      for (const T& value : block) {
        if (!replaced_[i++]) f(value);
      }
    }
  }

 private:
  static constexpr std::size_t kBlock = 4096;

  T& slot(std::size_t i) { return blocks_[i / kBlock][i % kBlock]; }

  struct Digest {
    std::uint64_t a = 0;
    std::uint32_t b = 0;
  };
  static constexpr std::uint32_t kFree = static_cast<std::uint32_t>(-1);
  struct IndexSlot {  // 16 bytes: the digest's parts side by side, not a padded Digest
    std::uint64_t a = 0;
    std::uint32_t b = 0;
    std::uint32_t at = kFree;  // the key's latest slot in blocks_; kFree: no key here
  };
  static Digest digest(std::string_view key) {
    return {util::Hasher(0x6c6174657374ULL).add(key).value(),
            static_cast<std::uint32_t>(util::Hasher(0x6b657973ULL).add(key).value())};
  }
  // The key's slot in index_, or the free slot where it goes (linear probing; index_ is never full).
  IndexSlot& find(const Digest& d) {
    const std::size_t mask = index_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(d.a) & mask;; i = (i + 1) & mask) {
      const IndexSlot& s = index_[i];
      if (s.at == kFree || (s.a == d.a && s.b == d.b)) return index_[i];
    }
  }
  // Doubles the table (a power of two), placing every key again.
  void grow() {
    std::vector<IndexSlot> old = std::exchange(index_, std::vector<IndexSlot>(index_.empty() ? 64 : index_.size() * 2));
    for (const IndexSlot& s : old) {
      if (s.at != kFree) find({s.a, s.b}) = s;
    }
  }

  std::vector<IndexSlot> index_;  // a power of two slots (or none), at most 7/8 in use
  std::size_t keys_ = 0;          // slots of index_ in use: distinct keys
  std::vector<std::vector<T>> blocks_;  // each reserved to kBlock slots
  std::vector<bool> replaced_;          // per slot of blocks_: a later put of its key replaced it
  std::size_t count_ = 0;               // slots in blocks_
};

}  // namespace llmbench::run
