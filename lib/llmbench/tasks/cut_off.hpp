#pragma once
// What the two extraction files share (extract.cpp reads letters, extract_number.cpp numbers):
// code points around a byte offset of UTF-8 text, and the rule that says whether an answer
// ending at an offset of a cut-off reply is complete (extract.hpp, "Replies cut off by the
// token budget"). Internal to tasks/. Pure functions; an invalid byte reads as U+FFFD.

#include <cstddef>
#include <string_view>

namespace llmbench::tasks::detail {

// The code point starting at byte `pos`; 0 at or past the end.
char32_t cp_at(std::string_view s, std::size_t pos);
// The code point ending just before byte `pos`; 0 at the start.
char32_t cp_before(std::string_view s, std::size_t pos);
// The byte offset just after the code point starting at `pos` (pos < s.size()).
std::size_t next_pos(std::string_view s, std::size_t pos);

enum class AnswerShape { letter, number };

// Whether the answer ending at byte `end` of `s` is complete, or the cut fell inside it.
// `low` is `s` lowercased (util::to_lower: the same byte offsets).
bool closed_at(std::string_view s, std::string_view low, std::size_t end, AnswerShape shape);

}  // namespace llmbench::tasks::detail
