#include "llmbench/tasks/extract.hpp"
// extract.hpp's numbers: GSM8K as lm-evaluation-harness reads it, the friendlier numbers of
// the custom `numeric` scorer, and the number a cut-off reply committed to.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "llmbench/tasks/cut_off.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tasks {

using detail::AnswerShape;
using detail::closed_at;
using detail::cp_before;

// ---------------------------------------------------------------- GSM8K (lm-evaluation-harness)

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool in_strict_class(char c) { return is_ascii_digit(c) || c == '.' || c == ','; }      // [0-9\.\,]
bool in_flexible_class(char c) { return is_ascii_digit(c) || c == '$' || c == '.' || c == ','; }  // [$0-9.,]

std::size_t run_length(std::string_view s, std::size_t pos, bool (*in_class)(char)) {
  std::size_t end = pos;
  while (end < s.size() && in_class(s[end])) ++end;
  return end - pos;
}

// Python str.strip(): ASCII whitespace (the matches here never hold any; kept for fidelity).
std::string py_strip(std::string_view s) {
  const auto ws = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == '\x1c' || c == '\x1d' || c == '\x1e' || c == '\x1f'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::optional<std::string> gsm8k_strict_extract(std::string_view text) {
  // re.findall(r"#### (\-?[0-9\.\,]+)", text)[0]: leftmost match. At a "#### ", `\-?` takes
  // a '-' when one follows and the class can match after it; otherwise it backtracks to
  // empty, and then the class must match at the '-' itself, which it cannot.
  for (std::size_t at = text.find("#### "); at != std::string_view::npos; at = text.find("#### ", at + 1)) {
    std::size_t pos = at + 5;
    if (pos < text.size() && text[pos] == '-' && run_length(text, pos + 1, in_strict_class) > 0)
      return py_strip(text.substr(pos, 1 + run_length(text, pos + 1, in_strict_class)));
    if (const std::size_t n = run_length(text, pos, in_strict_class); n > 0)
      return py_strip(text.substr(pos, n));
  }
  return std::nullopt;
}

std::optional<std::string> gsm8k_flexible_extract(std::string_view text) {
  // re.findall(r"(-?[$0-9.,]{2,})|(-?[0-9]+)", text)[-1], non-empty group. findall scans
  // left to right, trying both alternatives at each position in order (first wins), and
  // resumes after each match (every match is non-empty).
  std::optional<std::string_view> last;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t len = 0;
    // Alternative 1: -?[$0-9.,]{2,} (greedy; with '-' present, or backtracked to none).
    if (text[pos] == '-' && run_length(text, pos + 1, in_flexible_class) >= 2) {
      len = 1 + run_length(text, pos + 1, in_flexible_class);
    } else if (run_length(text, pos, in_flexible_class) >= 2) {
      len = run_length(text, pos, in_flexible_class);
    } else if (text[pos] == '-' && pos + 1 < text.size() && is_ascii_digit(text[pos + 1])) {
      // Alternative 2: -?[0-9]+
      std::size_t end = pos + 1;
      while (end < text.size() && is_ascii_digit(text[end])) ++end;
      len = end - pos;
    } else if (is_ascii_digit(text[pos])) {
      len = 1;  // a lone digit: longer digit runs were taken by alternative 1
    }
    if (len == 0) {
      ++pos;
      continue;
    }
    last = text.substr(pos, len);
    pos += len;
  }
  if (!last) return std::nullopt;
  return py_strip(*last);
}

std::string gsm8k_normalize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  // re.sub(",", "") then re.sub("\\$", ""): both characters removed everywhere.
  for (const char c : s)
    if (c != ',' && c != '$') out += c;
  // re.sub("(?s).*#### ", ""): greedy, so everything through the LAST "#### " goes; after
  // that point no further match can start (none is left to end one).
  if (const std::size_t at = out.rfind("#### "); at != std::string::npos) out.erase(0, at + 5);
  // re.sub("\\.$", ""): Python's `$` matches at the end and before a final "\n"; the two
  // places cannot both hold a '.', so at most one dot goes.
  if (!out.empty() && out.back() == '.') {
    out.pop_back();
  } else if (out.size() >= 2 && out.back() == '\n' && out[out.size() - 2] == '.') {
    out.erase(out.size() - 2, 1);
  }
  // ignore_case: true.
  return util::to_lower(out);
}

bool gsm8k_exact_match(std::string_view prediction, std::string_view reference) {
  return gsm8k_normalize(prediction) == gsm8k_normalize(reference);
}

// ---------------------------------------------------------------- friendlier numbers

namespace {

struct NumberSpan {
  std::size_t pos = 0;
  std::size_t end = 0;
  ExtractedNumber number;
};

// The number starting at a digit at `pos`, with the sign that may precede it.
NumberSpan read_number(std::string_view s, std::size_t pos) {
  std::size_t start = pos;
  bool negative = false;
  if (start >= 1 && s[start - 1] == '-') {
    negative = !util::is_alnum(cp_before(s, start - 1)), start -= negative ? 1 : 0;
  } else if (start >= 3 && s.compare(start - 3, 3, "\u2212") == 0) {
    negative = !util::is_alnum(cp_before(s, start - 3)), start -= negative ? 3 : 0;
  }
  std::string digits = negative ? "-" : "";
  std::size_t end = pos;
  while (end < s.size() && is_ascii_digit(s[end])) digits += s[end++];
  while (end + 3 < s.size() && s[end] == ',' && is_ascii_digit(s[end + 1]) && is_ascii_digit(s[end + 2]) &&
         is_ascii_digit(s[end + 3]) && (end + 4 >= s.size() || !is_ascii_digit(s[end + 4]))) {
    digits.append(s.substr(end + 1, 3));
    end += 4;
  }
  if (end + 1 < s.size() && s[end] == '.' && is_ascii_digit(s[end + 1])) {
    digits += '.';
    ++end;
    while (end < s.size() && is_ascii_digit(s[end])) digits += s[end++];
  }
  NumberSpan span{start, end, {}};
  std::from_chars(digits.data(), digits.data() + digits.size(), span.number.value);
  span.number.text = std::string(s.substr(start, end - start));
  return span;
}

std::vector<NumberSpan> all_numbers(std::string_view s) {
  std::vector<NumberSpan> numbers;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (is_ascii_digit(s[pos])) {
      numbers.push_back(read_number(s, pos));
      pos = numbers.back().end;
    } else {
      ++pos;
    }
  }
  return numbers;
}

const NumberSpan* first_at_or_after(const std::vector<NumberSpan>& numbers, std::size_t pos, std::size_t limit) {
  for (const NumberSpan& n : numbers)
    if (n.pos >= pos && n.pos < limit) return &n;
  return nullptr;
}

}  // namespace

std::optional<ExtractedNumber> extract_number(std::string_view text) {
  const std::string stripped = strip_think(text);
  const std::string_view s = stripped;
  const std::vector<NumberSpan> numbers = all_numbers(s);
  if (numbers.empty()) return std::nullopt;
  if (const std::size_t at = s.rfind("####"); at != std::string_view::npos) {
    if (const NumberSpan* n = first_at_or_after(numbers, at, s.size())) return n->number;
  }
  if (const std::size_t at = s.rfind("\\boxed{"); at != std::string_view::npos) {
    const std::size_t close = s.find('}', at);
    if (const NumberSpan* n = first_at_or_after(numbers, at, close == std::string_view::npos ? s.size() : close))
      return n->number;
  }
  const std::string low = util::to_lower(s);
  std::size_t best_keyword = std::string_view::npos;
  const NumberSpan* best = nullptr;
  for (const std::string_view keyword : {"answer is", "answer:", "ответ"}) {
    for (std::size_t at = low.find(keyword); at != std::string::npos; at = low.find(keyword, at + 1)) {
      const std::size_t line_end = std::min(s.size(), s.find('\n', at));
      const NumberSpan* n = first_at_or_after(numbers, at + keyword.size(), line_end);
      if (n && (best_keyword == std::string_view::npos || at > best_keyword)) best_keyword = at, best = n;
    }
  }
  if (best) return best->number;
  return numbers.back().number;
}

std::optional<std::size_t> committed_number_end(std::string_view s) {
  const std::vector<NumberSpan> numbers = all_numbers(s);
  if (numbers.empty()) return std::nullopt;
  const std::string low = util::to_lower(s);
  std::size_t best_marker = std::string_view::npos;
  const NumberSpan* best = nullptr;
  for (const std::string_view marker : {"####", "\\boxed{", "answer is", "answer:", "ответ"}) {
    for (std::size_t at = low.find(marker); at != std::string::npos; at = low.find(marker, at + 1)) {
      const std::size_t line_end = std::min(s.size(), s.find('\n', at));
      const NumberSpan* n = first_at_or_after(numbers, at + marker.size(), line_end);
      if (n && (best_marker == std::string_view::npos || at > best_marker)) best_marker = at, best = n;
    }
  }
  if (!best || !closed_at(s, low, best->end, AnswerShape::number)) return std::nullopt;
  return best->end;
}

bool numbers_equal(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace llmbench::tasks
