#include "llmbench/data/packed_items.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

#include "llmbench/error.hpp"

namespace llmbench::data {

namespace {

// The fields of an item before its choices, in the order they are packed.
constexpr std::size_t kFixedFields = 6;  // id, subject, question, reference, solution, entry_point

// A block is deflated once its text reaches this size (at an item's end). Inflating one costs
// some 100 us; the standard tier inflates each block once per generation model.
constexpr std::size_t kBlockBytes = 64 * 1024;

// In 64 KiB blocks of MMLU's, MedQA's and GSM8K's files, level 1 deflates to 38% of the text,
// level 6 to 33% in about twice the time.
constexpr int kLevel = 1;

std::string deflate_text(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                           static_cast<uLong>(text.size()), kLevel);
  if (rc == Z_MEM_ERROR) throw std::bad_alloc();
  if (rc != Z_OK) throw Error("PackedItems: zlib cannot deflate a block of item text", ExitCode::internal);
  return std::string(out.data(), size);  // exactly its size, not compressBound's
}

void inflate_text(const std::string& deflated, std::uint32_t size, std::string& out) {
  out.resize(size);
  uLongf got = size;
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &got, reinterpret_cast<const Bytef*>(deflated.data()),
                            static_cast<uLong>(deflated.size()));
  if (rc == Z_MEM_ERROR) throw std::bad_alloc();
  if (rc != Z_OK || got != size) {
    throw Error("PackedItems: zlib cannot inflate a block of item text", ExitCode::internal);
  }
}

// Frees `text`'s buffer (assigning an empty string would keep it: the empty one is short).
void let_go(std::string& text) { std::string().swap(text); }

// The bytes `text` holds on the heap (none while it fits in the string itself).
std::size_t heap_bytes(const std::string& text) {
  return text.capacity() > std::string().capacity() ? text.capacity() : 0;
}

}  // namespace

void PackedItems::push_back(const Item& item) {
  if (released_) throw std::logic_error("PackedItems: the text was released");
  const auto add = [this](std::string_view text) {
    if (text.size() > std::numeric_limits<std::uint32_t>::max() - tail_begin_ - tail_.size()) {
      throw std::length_error("PackedItems: more than 4 GiB of item text");
    }
    tail_.append(text);
    ends_.push_back(static_cast<std::uint32_t>(tail_begin_ + tail_.size()));
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
  if (tail_.size() >= kBlockBytes) seal();
}

void PackedItems::seal() {
  if (tail_.empty()) return;
  Block block;
  block.begin = tail_begin_;
  block.size = static_cast<std::uint32_t>(tail_.size());
  block.plain = tail_begin_ + tail_.size() <= plain_limit_;
  // A copy of exactly its size: tail_ keeps its buffer for the next block.
  block.bytes = block.plain ? std::string(tail_) : deflate_text(tail_);
  if (block.plain) plain_bytes_ += tail_.size();
  blocks_.push_back(std::move(block));
  tail_begin_ += static_cast<std::uint32_t>(tail_.size());
  tail_.clear();
}

void PackedItems::shrink_to_fit() {
  seal();
  tail_.shrink_to_fit();
  blocks_.shrink_to_fit();
  ends_.shrink_to_fit();
  items_.shrink_to_fit();
}

void PackedItems::release_text() {
  blocks_ = std::vector<Block>();
  plain_bytes_ = 0;
  let_go(tail_);
  inflated_block_ = static_cast<std::size_t>(-1);
  let_go(inflated_);
  ends_ = std::vector<std::uint32_t>();
  released_ = true;
}

std::size_t PackedItems::text_bytes() const {
  std::size_t bytes = heap_bytes(tail_) + heap_bytes(inflated_);
  for (const Block& block : blocks_) bytes += heap_bytes(block.bytes);
  return bytes;
}

std::pair<std::string_view, std::uint32_t> PackedItems::text_at(std::uint32_t at) const {
  if (at >= tail_begin_) return {tail_, tail_begin_};
  const auto after = std::upper_bound(blocks_.begin(), blocks_.end(), at,
                                      [](std::uint32_t offset, const Block& block) { return offset < block.begin; });
  const std::size_t b = static_cast<std::size_t>(after - blocks_.begin()) - 1;  // blocks_[0].begin == 0 <= at
  if (blocks_[b].plain) return {blocks_[b].bytes, blocks_[b].begin};
  if (b != inflated_block_) {
    inflated_block_ = static_cast<std::size_t>(-1);  // until it is inflated whole
    inflate_text(blocks_[b].bytes, blocks_[b].size, inflated_);
    inflated_block_ = b;
  }
  return {inflated_, blocks_[b].begin};
}

std::string_view PackedItems::field(std::size_t end_index) const {
  if (released_) throw std::logic_error("PackedItems: the text was released");
  const std::uint32_t begin = end_index == 0 ? 0 : ends_[end_index - 1];
  const std::uint32_t end = ends_[end_index];
  if (begin == end) return {};
  const auto [text, offset] = text_at(begin);
  return std::string_view(text).substr(begin - offset, end - begin);
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
