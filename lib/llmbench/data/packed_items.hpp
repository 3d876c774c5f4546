#pragma once
// Items held compactly: the text of every item in one block, with a few integers per item,
// instead of a data::Item each (some 240 bytes of strings and vectors, and an allocation per
// text longer than 15 bytes). An item is rebuilt when it is asked for (at()), e.g. when its
// prompt is built. The standard tier holds its selected items this way for the whole run.
//
// An item's `source` ("<file>:<line>") is not kept: check what needs it before packing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

// An item's text as views into its PackedItems (valid while that lives and is not appended to).
struct PackedItemView {
  std::string_view id, subject, question, reference, solution, entry_point;
  std::vector<std::string_view> choices;
  int gold_index = -1;
};

class PackedItems {
 public:
  // Appends a copy of `item` (without its source).
  void push_back(const Item& item);
  // Lets go of the slack the appends left.
  void shrink_to_fit();

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // The i-th item as pushed (source ""); throws std::out_of_range when i >= size().
  Item at(std::size_t i) const;
  // Its text without copying it (its bias facts aside).
  PackedItemView view(std::size_t i) const;
  // Its id, without rebuilding it.
  std::string_view id(std::size_t i) const;

 private:
  struct Packed {
    std::uint32_t first = 0;        // index in ends_ of its first field's end
    std::uint32_t choices = 0;      // number of choices (fields after the fixed ones)
    std::int32_t gold_index = -1;
    std::int32_t biased_index = -1;
    std::int32_t unknown_index = -1;
    std::int8_t bias = -1;          // -1 no bias facts, else BiasFacts::ambiguous
  };
  std::string_view field(std::size_t end_index) const;

  std::string text_;                 // every field of every item, back to back
  std::vector<std::uint32_t> ends_;  // where each field ends in text_
  std::vector<Packed> items_;
};

}  // namespace llmbench::data
