#include "llmbench/data/packed_items.hpp"

#include <limits>
#include <stdexcept>

namespace llmbench::data {

namespace {

// The fields of an item before its choices, in the order they are packed.
constexpr std::size_t kFixedFields = 6;  // id, subject, question, reference, solution, entry_point

}  // namespace

void PackedItems::push_back(const Item& item) {
  const auto add = [this](std::string_view text) {
    text_.append(text);
    if (text_.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("PackedItems: more than 4 GiB of item text");
    }
    ends_.push_back(static_cast<std::uint32_t>(text_.size()));
  };
  Packed p;
  p.first = static_cast<std::uint32_t>(ends_.size());
  p.choices = static_cast<std::uint32_t>(item.choices.size());
  p.gold_index = item.gold_index;
  if (item.bias) {
    p.bias = item.bias->ambiguous ? 1 : 0;
    p.biased_index = item.bias->biased_index;
    p.unknown_index = item.bias->unknown_index;
  }
  for (std::string_view text : {std::string_view(item.id), std::string_view(item.subject),
                                std::string_view(item.question), std::string_view(item.reference),
                                std::string_view(item.solution), std::string_view(item.entry_point)}) {
    add(text);
  }
  for (const std::string& choice : item.choices) add(choice);
  items_.push_back(p);
}

void PackedItems::shrink_to_fit() {
  text_.shrink_to_fit();
  ends_.shrink_to_fit();
  items_.shrink_to_fit();
}

std::string_view PackedItems::field(std::size_t end_index) const {
  const std::size_t begin = end_index == 0 ? 0 : ends_[end_index - 1];
  return std::string_view(text_).substr(begin, ends_[end_index] - begin);
}

std::string_view PackedItems::id(std::size_t i) const { return field(items_.at(i).first); }

PackedItemView PackedItems::view(std::size_t i) const {
  const Packed& p = items_.at(i);
  PackedItemView v{field(p.first),     field(p.first + 1), field(p.first + 2), field(p.first + 3),
                   field(p.first + 4), field(p.first + 5), {},                 p.gold_index};
  v.choices.reserve(p.choices);
  for (std::size_t c = 0; c < p.choices; ++c) v.choices.push_back(field(p.first + kFixedFields + c));
  return v;
}

Item PackedItems::at(std::size_t i) const {
  const Packed& p = items_.at(i);
  Item item;
  item.id = field(p.first);
  item.subject = field(p.first + 1);
  item.question = field(p.first + 2);
  item.reference = field(p.first + 3);
  item.solution = field(p.first + 4);
  item.entry_point = field(p.first + 5);
  item.choices.reserve(p.choices);
  for (std::size_t c = 0; c < p.choices; ++c) item.choices.emplace_back(field(p.first + kFixedFields + c));
  item.gold_index = p.gold_index;
  if (p.bias >= 0) item.bias = BiasFacts{p.bias == 1, p.biased_index, p.unknown_index};
  return item;
}

}  // namespace llmbench::data
