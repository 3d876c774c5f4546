#pragma once
// Items held compactly: the text of every item back to back, deflated (zlib) in blocks of some
// 64 KiB, with a few integers per item, instead of a data::Item each (some 240 bytes of strings
// and vectors, and an allocation per text longer than 15 bytes). Dataset text deflates to about
// a third. An item is rebuilt when it is asked for (at()), e.g. when its prompt is built; its
// block is inflated then and kept until an item of another block is asked for, so reading the
// items in order inflates each block once. The standard tier holds its selected items this way
// for the whole run, and lets its text go once every prompt was built (release_text()).
//
// The first blocks may be kept plain instead (PackedItems(plain_bytes)): a run of a few thousand
// items then neither deflates nor inflates its text, for a bounded cost in memory.
//
// An item's `source` ("<file>:<line>") is not kept: check what needs it before packing.
//
// Thread-safety: at(), view() and id() share the one inflated block, so call them from one
// thread at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

// An item's text as views into its PackedItems: valid while that lives and is neither appended
// to nor shrunk, and until its next at(), view() or id().
struct PackedItemView {
  std::string_view id, subject, question, reference, solution, entry_point;
  std::vector<std::string_view> choices;
  int gold_index = -1;
};

class PackedItems {
 public:
  // Deflates every block.
  PackedItems() = default;
  // Keeps each block that ends within the first `plain_bytes` of text plain (neither deflated
  // when sealed nor inflated when read); deflates the blocks after it.
  explicit PackedItems(std::size_t plain_bytes) : plain_limit_(plain_bytes) {}

  // Appends a copy of `item` (without its source). An item's text is never split across blocks.
  void push_back(const Item& item);
  // Deflates the text not yet in a block and lets go of the slack the appends left.
  void shrink_to_fit();
  // Lets go of the text for good: size() stays, at(), view() and id() then throw
  // std::logic_error, and nothing may be appended.
  void release_text();

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // The i-th item as pushed (source ""); throws std::out_of_range when i >= size().
  Item at(std::size_t i) const;
  // Its text without copying it (its bias facts aside); see PackedItemView for how long it lives.
  PackedItemView view(std::size_t i) const;
  // Its id, without rebuilding it; valid as long as a view().
  std::string_view id(std::size_t i) const;
  // The bytes the text takes now: its blocks (deflated or plain), the text not yet in a block and
  // the one inflated block (none once released).
  std::size_t text_bytes() const;
  // The bytes of text in blocks kept plain (at most the plain_bytes it was built with).
  std::size_t plain_text_bytes() const { return plain_bytes_; }

 private:
  struct Packed {
    std::uint32_t first = 0;        // index in ends_ of its first field's end
    std::uint32_t choices = 0;      // number of choices (fields after the fixed ones)
    std::int32_t gold_index = -1;
    std::int32_t biased_index = -1;
    std::int32_t unknown_index = -1;
    std::int8_t bias = -1;          // -1 no bias facts, else BiasFacts::ambiguous
  };
  struct Block {
    std::uint32_t begin = 0;  // offset of its first byte in the whole text
    std::uint32_t size = 0;   // its bytes, inflated
    bool plain = false;       // `bytes` is its text as it is, not deflated
    std::string bytes;        // its text, deflated unless plain
  };
  // Deflates tail_ into a new block (or copies it, within the plain limit).
  void seal();
  // The plain text (a block's, or the tail) that holds offset `at` of the whole text, and its
  // offset in the whole text; inflates that block if it is not the one inflated.
  std::pair<std::string_view, std::uint32_t> text_at(std::uint32_t at) const;
  std::string_view field(std::size_t end_index) const;

  // The whole text is blocks_ (in order) then tail_.
  std::vector<Block> blocks_;
  std::string tail_;                           // the text after the last block, plain
  std::uint32_t tail_begin_ = 0;               // its offset in the whole text
  bool released_ = false;                      // release_text() let the text go
  std::size_t plain_limit_ = 0;                // blocks ending within it are kept plain
  std::size_t plain_bytes_ = 0;                // the text in plain blocks
  mutable std::size_t inflated_block_ = static_cast<std::size_t>(-1);  // index in blocks_, or none
  mutable std::string inflated_;               // that block's text
  std::vector<std::uint32_t> ends_;            // where each field ends in the whole text
  std::vector<Packed> items_;
};

}  // namespace llmbench::data
