#include "llmbench/arena/side_by_side.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/error.hpp"

namespace llmbench::arena {

namespace {

constexpr std::string_view kSeparator = " │ ";  // 3 columns
constexpr std::string_view kRuleCross = "─┼─";

std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

}  // namespace

SideBySide::SideBySide(std::size_t width)
    : column_(width >= 3 ? (width - 3) / 2 : 0), columns_{Column(column_), Column(column_)} {
  if (width < kMinSideBySideWidth) {
    throw Error(fmt::format("side-by-side answers need at least {} columns (got {})", kMinSideBySideWidth, width));
  }
}

std::string SideBySide::row(std::string_view left, std::string_view right) const {
  std::string out(left);
  out.append(column_ - std::min(column_, display_width(left)), ' ');
  out += kSeparator;
  out += right;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string SideBySide::rule() const { return repeat("─", column_) + std::string(kRuleCross) + repeat("─", column_); }

std::vector<std::string> SideBySide::header() const { return {row("A", "B"), rule()}; }

void SideBySide::release(std::vector<std::string>& out) {
  Column& a = columns_[0];
  Column& b = columns_[1];
  while ((!a.ready.empty() || a.ended) && (!b.ready.empty() || b.ended) && (!a.ready.empty() || !b.ready.empty())) {
    out.push_back(row(a.ready.empty() ? "" : a.ready.front(), b.ready.empty() ? "" : b.ready.front()));
    if (!a.ready.empty()) a.ready.pop_front();
    if (!b.ready.empty()) b.ready.pop_front();
  }
}

std::vector<std::string> SideBySide::feed(int side, std::string_view so_far) {
  Column& c = columns_[side == 0 ? 0 : 1];
  std::vector<std::string> out;
  if (c.ended) return out;
  for (std::string& line : c.wrap.feed(so_far)) c.ready.push_back(std::move(line));
  release(out);
  return out;
}

std::vector<std::string> SideBySide::finish(int side, std::string_view text, std::string_view note) {
  Column& c = columns_[side == 0 ? 0 : 1];
  std::vector<std::string> out;
  if (c.ended) return out;
  for (std::string& line : c.wrap.finish(text)) c.ready.push_back(std::move(line));
  if (!note.empty()) {
    for (std::string& line : wrap_text(note, column_)) c.ready.push_back(std::move(line));
  }
  c.ended = true;
  release(out);
  if (done()) out.push_back(rule());
  return out;
}

}  // namespace llmbench::arena
