// `arena ask`'s two streamed answers side by side (arena/side_by_side.hpp): rows released in
// order as text arrives unevenly, a side that ends early, a retried request, hostile text.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/arena/side_by_side.hpp"
#include "llmbench/error.hpp"

using llmbench::arena::display_width;
using llmbench::arena::SideBySide;
using llmbench::arena::wrap_text;

namespace {

void append(std::vector<std::string>& to, const std::vector<std::string>& lines) { to.insert(to.end(), lines.begin(), lines.end()); }

// The rows of two whole answers side by side at `column` wide: line k of each, the shorter padded blank.
std::vector<std::string> expected_rows(const std::string& a, const std::string& b, std::size_t column) {
  const auto left = wrap_text(a, column);
  const auto right = wrap_text(b, column);
  std::vector<std::string> rows;
  for (std::size_t k = 0; k < std::max(left.size(), right.size()); ++k) {
    std::string row = k < left.size() ? left[k] : "";
    row.append(column - display_width(row), ' ');
    row += " │ ";
    row += k < right.size() ? right[k] : "";
    while (row.back() == ' ') row.pop_back();
    rows.push_back(row);
  }
  return rows;
}

const std::string kA =
    "The capital of France is Paris, a city on the Seine that has been the seat of government for centuries.\n"
    "\n    code stays indented\nA last short line.";
const std::string kB = "Paris. " + std::string(90, 'x') + " done 日本語の文章です with wide characters that wrap.";

}  // namespace

TEST_CASE("arena ask side by side: at 80 columns each column is 38 wide under A and B headings", "[arena_ask]") {
  SideBySide screen(80);
  CHECK(screen.column_width() == 38);
  const auto header = screen.header();
  REQUIRE(header.size() == 2);
  CHECK(header[0] == "A" + std::string(37, ' ') + " │ B");
  CHECK(display_width(header[1]) == 79);
  CHECK(SideBySide(61).column_width() == 29);
  CHECK_THROWS_AS(SideBySide(59), llmbench::Error);
}

TEST_CASE("arena ask side by side: a row is released once line k of both columns is final, however the text arrives",
          "[arena_ask]") {
  const std::vector<std::string> whole = expected_rows(kA, kB, 38);
  // A arrives in steps of step_a bytes, B in steps of step_b, interleaved; A may end first or last.
  for (const auto& [step_a, step_b] : std::vector<std::pair<std::size_t, std::size_t>>{{1, 7}, {5, 3}, {64, 1}, {500, 500}}) {
    for (const bool a_first : {true, false}) {
      INFO("steps " << step_a << "/" << step_b << (a_first ? " A ends first" : " B ends first"));
      SideBySide screen(80);
      std::vector<std::string> rows;
      std::size_t end_a = 0, end_b = 0;
      while (end_a < kA.size() || end_b < kB.size()) {
        end_a = std::min(kA.size(), end_a + step_a);
        end_b = std::min(kB.size(), end_b + step_b);
        const std::size_t before = rows.size();
        append(rows, screen.feed(0, std::string_view(kA).substr(0, end_a)));
        append(rows, screen.feed(1, std::string_view(kB).substr(0, end_b)));
        // Nothing is released ahead of either side: every row printed so far is a row of the whole.
        for (std::size_t k = before; k < rows.size(); ++k) CHECK(rows[k] == whole[k]);
      }
      append(rows, screen.finish(a_first ? 0 : 1, a_first ? kA : kB));
      CHECK_FALSE(screen.done());
      append(rows, screen.finish(a_first ? 1 : 0, a_first ? kB : kA));
      CHECK(screen.done());
      REQUIRE(rows.size() == whole.size() + 1);
      CHECK(std::vector<std::string>(rows.begin(), rows.end() - 1) == whole);
      CHECK(rows.back() == screen.header()[1]);  // a closing rule
    }
  }
}

TEST_CASE("arena ask side by side: rows wait for the slower side, and once a side has ended the other's rows print at once",
          "[arena_ask]") {
  SideBySide screen(80);
  // A has three final lines, B none yet: nothing prints.
  CHECK(screen.feed(0, "one\ntwo\nthree\nfo").empty());
  // B's first line becomes final: exactly one row.
  CHECK(screen.feed(1, "uno\nd") == std::vector<std::string>{"one" + std::string(35, ' ') + " │ uno"});
  // B ends early (short answer): the rows A has ready print with B's cells blank.
  CHECK(screen.finish(1, "uno\ndos", "[answer B failed: timeout]") ==
        std::vector<std::string>{"two" + std::string(35, ' ') + " │ dos",
                                 "three" + std::string(33, ' ') + " │ [answer B failed: timeout]"});
  // From now on each final line of A prints as soon as it is final.
  CHECK(screen.feed(0, "one\ntwo\nthree\nfour\nfiv") == std::vector<std::string>{"four" + std::string(34, ' ') + " │"});
  const auto last = screen.finish(0, "one\ntwo\nthree\nfour\nfive");
  REQUIRE(last.size() == 2);
  CHECK(last[0] == "five" + std::string(34, ' ') + " │");
  // Feeding an ended side changes nothing.
  CHECK(screen.feed(1, "uno\ndos\ntres\n").empty());
}

TEST_CASE("arena ask side by side: a retried request says its answer starts again, in its own column", "[arena_ask]") {
  SideBySide screen(80);
  std::vector<std::string> rows;
  append(rows, screen.feed(0, "first try line\nand more"));
  append(rows, screen.feed(0, "sec"));  // shorter: the request was retried
  append(rows, screen.finish(0, "second try"));
  append(rows, screen.finish(1, "B's answer"));
  REQUIRE(rows.size() >= 4);
  CHECK(rows[0] == "first try line" + std::string(24, ' ') + " │ B's answer");
  // The note is wrapped to the column (it is longer than 38), then the new text.
  std::vector<std::string> left;
  for (std::size_t k = 1; k + 1 < rows.size(); ++k) {
    CHECK(display_width(rows[k]) <= 79);
    left.push_back(rows[k].substr(0, rows[k].find(" │")));
  }
  std::string joined;
  for (auto& l : left) joined += l;
  CHECK(joined.find("starts again") != std::string::npos);
  CHECK(left.back().rfind("second try", 0) == 0);
}

TEST_CASE("arena ask side by side: control characters are escaped and no row is wider than the width", "[arena_ask]") {
  const std::string word(200, 'w');
  const std::string hostile = "Hi \x1b]0;pwned\x07 \x1b[2J x" + std::string(1, '\0') + " \xff\xfe bad utf8 " + word +
                              " 日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語 end\ttab\r\n";
  for (const std::size_t width : {60u, 61u, 80u, 100u}) {
    INFO("width " << width);
    SideBySide screen(width);
    std::vector<std::string> rows = screen.header();
    for (std::size_t end = 3; end < hostile.size() + 3; end += 3) {
      append(rows, screen.feed(0, std::string_view(hostile).substr(0, std::min(end, hostile.size()))));
      append(rows, screen.feed(1, std::string_view(hostile).substr(0, std::min(end / 2, hostile.size()))));
    }
    append(rows, screen.finish(0, hostile, "[answer A failed: timeout: \x1b[31mred\x1b[0m]"));
    append(rows, screen.finish(1, hostile));
    std::string all;
    for (const std::string& row : rows) {
      INFO(row);
      CHECK(display_width(row) <= width);
      all += row;
    }
    for (const char bad : {'\x1b', '\x07', '\0', '\r', '\t', '\xff'}) CHECK(all.find(bad) == std::string::npos);
    CHECK(all.find("pwned") != std::string::npos);
    CHECK(all.find("日本語") != std::string::npos);
  }
}
