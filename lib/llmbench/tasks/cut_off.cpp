#include "llmbench/tasks/cut_off.hpp"

#include "llmbench/util/text.hpp"

namespace llmbench::tasks::detail {

using util::decode_utf8;

char32_t cp_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return 0;
  return decode_utf8(s, pos);
}

char32_t cp_before(std::string_view s, std::size_t pos) {
  if (pos == 0) return 0;
  std::size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return decode_utf8(s, start);
}

std::size_t next_pos(std::string_view s, std::size_t pos) {
  decode_utf8(s, pos);
  return pos;
}

bool closed_at(std::string_view s, std::string_view low, std::size_t end, AnswerShape shape) {
  std::size_t p = end;
  while (p < s.size() && std::string_view("*_`\"'").find(s[p]) != std::string_view::npos) ++p;
  if (p >= s.size()) return false;
  const char c = s[p];
  if (c == ')' || c == ']' || c == '}' || c == '\n' || c == '\r') return true;
  if (c == '.' || c == ',') {
    return shape == AnswerShape::letter || (p + 1 < s.size() && (s[p + 1] < '0' || s[p + 1] > '9'));
  }
  if (c == '!' || c == '?' || c == ';' || c == ':') return true;
  if (c != ' ' && c != '\t') return !util::is_alnum(cp_at(s, p));
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  if (p >= s.size()) return false;
  if (!util::is_letter(cp_at(low, p))) return true;  // "B (because ...", "42 = 6 x 7", a line end
  std::size_t q = p;
  while (q < low.size() && util::is_letter(cp_at(low, q))) q = next_pos(low, q);
  if (q >= low.size()) return false;  // the next word runs into the cut
  const std::string_view word = low.substr(p, q - p);
  return word != "and" && word != "or" && word != "и" && word != "или";
}

}  // namespace llmbench::tasks::detail
