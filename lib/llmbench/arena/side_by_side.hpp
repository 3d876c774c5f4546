#pragma once
// Two streamed answers (`arena ask`'s A and B) laid out side by side for a terminal `width`
// columns wide, as their text arrives. Plain lines only, no cursor addressing, so the output
// is the same in scrollback, over SSH, in tmux and through a pipe: a row k is released as soon
// as line k of both columns is final (LiveWrap), or line k of one is final and the other answer
// has ended (its cell then blank). Each column is (width - 3) / 2 wide (38 at 80 columns),
// wrapped and escaped as LiveWrap and wrap_text do; the columns are separated by " │ ", and no
// row is wider than `width`. No terminal I/O here: the caller prints the lines returned.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/arena/ask.hpp"

namespace llmbench::arena {

// Below this many columns the answers are too narrow side by side: show them one after the other.
inline constexpr std::size_t kMinSideBySideWidth = 60;

class SideBySide {
 public:
  // `width` at least kMinSideBySideWidth (an Error otherwise: a caller's mistake).
  explicit SideBySide(std::size_t width);

  std::size_t column_width() const { return column_; }
  // The "A" and "B" headings and a rule under them.
  std::vector<std::string> header() const;
  // `so_far` is all of side's (0 = A, 1 = B) text received so far (shorter than before: the
  // request was retried and starts again). Returns the rows now ready, in order.
  std::vector<std::string> feed(int side, std::string_view so_far);
  // Side's answer has ended with `text` (all of it); `note` (our text, e.g. why it failed; may
  // be empty) is wrapped into the column under it. Returns the rows now ready; once both sides
  // have ended, every row, then a closing rule.
  std::vector<std::string> finish(int side, std::string_view text, std::string_view note = {});
  bool done() const { return columns_[0].ended && columns_[1].ended; }

 private:
  struct Column {
    explicit Column(std::size_t width) : wrap(width) {}
    LiveWrap wrap;
    std::deque<std::string> ready;  // final lines not yet in a row
    bool ended = false;
  };
  void release(std::vector<std::string>& out);
  std::string row(std::string_view left, std::string_view right) const;
  std::string rule() const;

  std::size_t column_;
  Column columns_[2];
};

}  // namespace llmbench::arena
