#pragma once
// Texts kept end to end in blocks, each text named by a 12-byte Ref: what an aggregator holds
// of a text per record (a key to sort by) without a std::string (32 bytes) and its allocation
// (its own heap chunk, with the allocator's header) per record. Blocks are never moved, so the
// store grows without copying what it holds; a text longer than a block gets a block of its own.
// Not thread-safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/error.hpp"

namespace llmbench::util {

class TextStore {
 public:
  struct Ref {
    std::uint32_t block = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };

  // Keeps a copy of `text`; throws Error for a text of 4 GiB or more, or past 2^32 blocks.
  Ref keep(std::string_view text) {
    if (text.size() > UINT32_MAX) throw Error("a text of 4 GiB or more to keep");
    if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < text.size()) {
      if (blocks_.size() > UINT32_MAX) throw Error("more than 2^32 blocks of texts to keep");
      blocks_.emplace_back();
      blocks_.back().reserve(std::max(kBlock, text.size()));
    }
    std::string& block = blocks_.back();
    const Ref ref{static_cast<std::uint32_t>(blocks_.size() - 1), static_cast<std::uint32_t>(block.size()),
                  static_cast<std::uint32_t>(text.size())};
    block.append(text);
    return ref;
  }

  // The text `ref` names. Precondition: `ref` came from this store's keep().
  std::string_view at(Ref ref) const { return std::string_view(blocks_[ref.block]).substr(ref.offset, ref.size); }

  // Bytes the blocks hold (their capacity).
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& b : blocks_) n += b.capacity();
    return n;
  }

 private:
  static constexpr std::size_t kBlock = 64 * 1024;
  std::vector<std::string> blocks_;  // each reserved once: appending never reallocates it
};

}  // namespace llmbench::util
