#include "llmbench/tasks/extract.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "llmbench/util/text.hpp"

namespace llmbench::tasks {
namespace {

using util::decode_utf8;

// ---------------------------------------------------------------- think blocks

struct TagPair {
  std::string_view open;
  std::string_view close;
};
constexpr std::array<TagPair, 2> kThinkTags{{{"<think>", "</think>"}, {"<thinking>", "</thinking>"}}};

std::string strip_tag(std::string text, const TagPair& tag) {
  std::string low = util::to_lower(text);
  // A closing tag before any opening tag: the opening tag was swallowed upstream.
  const std::size_t first_close = low.find(tag.close);
  const std::size_t first_open = low.find(tag.open);
  if (first_close != std::string::npos && (first_open == std::string::npos || first_close < first_open)) {
    text.erase(0, first_close + tag.close.size());
    low.erase(0, first_close + tag.close.size());
  }
  for (;;) {
    const std::size_t open = low.find(tag.open);
    if (open == std::string::npos) break;
    const std::size_t close = low.find(tag.close, open + tag.open.size());
    const std::size_t end = close == std::string::npos ? text.size() : close + tag.close.size();
    text.erase(open, end - open);
    low.erase(open, end - open);
  }
  return text;
}

// ---------------------------------------------------------------- code points around a byte offset

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

bool starts_word(std::string_view low, std::size_t pos, std::string_view word) {
  return low.compare(pos, word.size(), word) == 0 && !util::is_letter(cp_at(low, pos + word.size()));
}

// ---------------------------------------------------------------- letters

enum class LetterKind { upper, lower, cyrillic };

struct LetterHit {
  std::size_t pos = 0;
  std::size_t end = 0;
  char letter = 0;
  LetterKind kind = LetterKind::upper;
};

// A single-letter word at `pos`: A-Z, a-z, or a Cyrillic look-alike capital А В С Е.
std::optional<LetterHit> letter_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || util::is_alnum(cp_before(s, pos))) return std::nullopt;
  std::size_t end = pos;
  const char32_t cp = decode_utf8(s, end);
  LetterHit hit{pos, end, 0, LetterKind::upper};
  if (cp >= U'A' && cp <= U'Z') {
    hit.letter = static_cast<char>(cp);
  } else if (cp >= U'a' && cp <= U'z') {
    hit.letter = static_cast<char>(cp - 32), hit.kind = LetterKind::lower;
  } else if (cp == 0x0410 || cp == 0x0412 || cp == 0x0421 || cp == 0x0415) {
    hit.letter = cp == 0x0410 ? 'A' : cp == 0x0412 ? 'B' : cp == 0x0421 ? 'C' : 'E';
    hit.kind = LetterKind::cyrillic;
  } else {
    return std::nullopt;
  }
  if (util::is_alnum(cp_at(s, end))) return std::nullopt;
  return hit;
}

// True when the letter is not followed, on its line, by a space and then a word: "a bit",
// "В данном случае" are words, "a." / "В)" / "В" at the end of a line are answers.
bool strong_boundary(std::string_view s, const LetterHit& hit) {
  std::size_t pos = hit.end;
  if (pos >= s.size() || s[pos] != ' ') return true;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  return !util::is_letter(cp_at(s, pos));
}

bool offered(std::string_view letters, char letter) {
  return letters.find(letter) != std::string_view::npos;
}

// ---------------------------------------------------------------- explicit statements

bool is_filler_punct(char32_t cp) {
  switch (cp) {
    case U':': case U'-': case U'*': case U'_': case U'`': case U'(': case U'[': case U'{':
    case U'"': case U'\'': case U'=': case U'\\': case U'#': case U'$':
    case 0x2014: case 0x2013: case 0x00AB: case 0x201C: case 0x201E: case 0x2018:
      return true;
    default:
      return util::is_space(cp);
  }
}

constexpr std::array<std::string_view, 31> kFillerWords{
    "is", "was", "would be", "should be", "will be", "must be", "be", "then", "therefore",
    "the", "correct", "final", "option", "choice", "letter", "clearly", "definitely",
    "boxed", "text", "textbf", "mathrm", "mathbf", "вариант", "буква", "будет", "это",
    "правильный", "верный", "here", "thus", "so"};

std::size_t skip_filler(std::string_view low, std::size_t pos) {
  for (;;) {
    const std::size_t before = pos;
    while (pos < low.size() && is_filler_punct(cp_at(low, pos))) pos = next_pos(low, pos);
    for (const std::string_view w : kFillerWords) {
      if (starts_word(low, pos, w)) {
        pos += w.size();
        break;
      }
    }
    if (pos == before) return pos;
  }
}

constexpr std::array<std::string_view, 10> kAnswerKeywords{
    "answer", "ответ", "correct option", "correct choice", "right option", "right choice",
    "best option", "best choice", "boxed", "правильный вариант"};

// "A is correct", "(B) is the right answer", "C — правильный".
constexpr std::array<std::string_view, 6> kVerdictSuffixes{
    " is correct", " is the correct", " is the right", " is the best", " is the answer",
    " is right"};

struct Statement {
  std::size_t pos = 0;  // where the named letter stands
  std::optional<char> letter;  // nullopt: the statement names several letters
  std::size_t end = 0;  // where the statement's text ends (after the letter, or its verdict word)
};

// After a named letter: "and B", "or (C)", ", D", "/B", "и В" make the statement ambiguous.
bool names_another_letter(std::string_view s, std::string_view low, std::size_t pos) {
  auto skip = [&](std::size_t p) {
    while (p < s.size()) {
      const char32_t cp = cp_at(s, p);
      if (!(util::is_space(cp) || cp == U')' || cp == U']' || cp == U'*' || cp == U'_' || cp == U'`' ||
            cp == U'.'))
        break;
      p = next_pos(s, p);
    }
    return p;
  };
  pos = skip(pos);
  bool joined = false;
  for (const std::string_view j : {"and", "or", "и", "или"}) {
    if (starts_word(low, pos, j)) {
      pos += j.size(), joined = true;
      break;
    }
  }
  if (!joined && pos < s.size() && (s[pos] == ',' || s[pos] == '/' || s[pos] == '&')) ++pos, joined = true;
  if (!joined) return false;
  while (pos < s.size() && (is_filler_punct(cp_at(s, pos)))) pos = next_pos(s, pos);
  const auto other = letter_at(s, pos);
  return other && other->kind == LetterKind::upper && strong_boundary(s, *other);
}

struct Statements {
  std::vector<Statement> found;
  std::size_t last_keyword_end = std::string_view::npos;  // after the last keyword, for text mapping
};

Statements find_statements(std::string_view s, std::string_view low, std::string_view letters) {
  Statements out;
  for (const std::string_view keyword : kAnswerKeywords) {
    for (std::size_t at = low.find(keyword); at != std::string_view::npos; at = low.find(keyword, at + 1)) {
      if (util::is_letter(cp_before(low, at)) || util::is_letter(cp_at(low, at + keyword.size()))) continue;
      const std::size_t after = at + keyword.size();
      if (out.last_keyword_end == std::string_view::npos || after > out.last_keyword_end)
        out.last_keyword_end = after;
      const auto hit = letter_at(s, skip_filler(low, after));
      if (!hit || !offered(letters, hit->letter)) continue;
      if (hit->kind != LetterKind::upper && !strong_boundary(s, *hit)) continue;
      Statement st{hit->pos, hit->letter, hit->end};
      if (names_another_letter(s, low, hit->end)) st.letter.reset();
      out.found.push_back(st);
    }
  }
  // Letter-first verdicts.
  for (std::size_t pos = 0; pos < s.size(); pos = next_pos(s, pos)) {
    const auto hit = letter_at(s, pos);
    if (!hit || hit->kind == LetterKind::lower || !offered(letters, hit->letter)) continue;
    std::size_t p = hit->end;
    while (p < s.size() && (s[p] == ')' || s[p] == ']' || s[p] == '*' || s[p] == '_')) ++p;
    for (const std::string_view suffix : kVerdictSuffixes) {
      if (starts_word(low, p, suffix)) {
        out.found.push_back({hit->pos, hit->letter, p + suffix.size()});
        break;
      }
    }
    if (s.compare(p, 5, " \u2014 ") == 0 || s.compare(p, 3, " - ") == 0) {
      const std::size_t q = p + (s[p + 1] == '-' ? 3 : 5);
      for (const std::string_view word : {std::string_view("правильный"), std::string_view("верный")}) {
        if (starts_word(low, q, word)) {
          out.found.push_back({hit->pos, hit->letter, q + word.size()});
          break;
        }
      }
    }
  }
  std::stable_sort(out.found.begin(), out.found.end(),
                   [](const Statement& a, const Statement& b) { return a.pos < b.pos; });
  return out;
}

// ---------------------------------------------------------------- lines

std::vector<std::string_view> non_empty_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view line = util::trim(s.substr(start, end - start));
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string_view strip_markup(std::string_view line) {
  auto is_markup = [](char c) { return c == '*' || c == '_' || c == '#' || c == '>' || c == '`' || c == ' ' || c == '\t'; };
  while (!line.empty() && is_markup(line.front())) line.remove_prefix(1);
  if (line.size() >= 2 && line[0] == '-' && line[1] == ' ') line.remove_prefix(2);
  while (!line.empty() && is_markup(line.back())) line.remove_suffix(1);
  return line;
}

enum class LineShape { none, letter_only, letter_then_text };

struct LineLetter {
  LineShape shape = LineShape::none;
  LetterHit hit;
};

// "B", "(B)", "B.", "**B**", "Option B", "Вариант В" -> letter_only;
// "B. text", "B) text", "(B) text", "B: text" -> letter_then_text.
LineLetter read_line_letter(std::string_view raw) {
  const std::string_view line = strip_markup(raw);
  const std::string low = util::to_lower(line);
  std::size_t pos = 0;
  for (const std::string_view prefix : {"option", "choice", "letter", "вариант"}) {
    if (starts_word(low, 0, prefix)) {
      pos = prefix.size();
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == ':')) ++pos;
      break;
    }
  }
  const bool bracket = pos < line.size() && (line[pos] == '(' || line[pos] == '[');
  if (bracket) ++pos;
  const auto hit = letter_at(line, pos);
  if (!hit) return {};
  std::size_t p = hit->end;
  const bool closed = p < line.size() && (line[p] == ')' || line[p] == ']');
  if (closed) ++p;
  std::string_view rest = line.substr(p);
  while (!rest.empty() && std::string_view(".:*_`!").find(rest.front()) != std::string_view::npos)
    rest.remove_prefix(1);
  if (util::trim(rest).empty()) return {LineShape::letter_only, *hit};
  if (hit->kind == LetterKind::lower || pos != (bracket ? 1u : 0u)) return {};
  std::size_t q = hit->end;
  if (q < line.size() && std::string_view(").]:").find(line[q]) != std::string_view::npos) {
    ++q;
    if (q < line.size() && line[q] == ' ' && !util::trim(line.substr(q)).empty())
      return {LineShape::letter_then_text, *hit};
  }
  return {};
}

// ---------------------------------------------------------------- standalone mentions

constexpr std::array<std::string_view, 30> kVerbsAfterLetter{
    "is", "was", "and", "or", "seems", "looks", "would", "could", "can", "might", "must",
    "should", "appears", "also", "because", "since", "as", "but", "then", "so", "has",
    "matches", "fits", "states", "says", "describes", "gives", "does", "isn't", "doesn't"};

// "A triangle ...", "I think ...": a capital A or I followed by a lowercase word that is not
// a verb or connective is an article or a pronoun, not an option.
bool looks_like_article(std::string_view s, std::string_view low, const LetterHit& hit) {
  if (hit.letter != 'A' && hit.letter != 'I') return false;
  if (hit.end + 1 >= s.size() || s[hit.end] != ' ') return false;
  const char next = s[hit.end + 1];
  if (next < 'a' || next > 'z') return false;
  for (const std::string_view verb : kVerbsAfterLetter)
    if (starts_word(low, hit.end + 1, verb)) return false;
  return true;
}

// "D.C.", "U.S.": letters glued to dots and letters are abbreviations.
bool in_abbreviation(std::string_view s, const LetterHit& hit) {
  const bool dot_after = hit.end + 1 < s.size() && s[hit.end] == '.' && util::is_letter(cp_at(s, hit.end + 1));
  const bool dot_before = hit.pos >= 2 && s[hit.pos - 1] == '.' && util::is_letter(cp_before(s, hit.pos - 1));
  return dot_after || dot_before;
}

bool negated(std::string_view low, std::size_t pos) {
  while (pos > 0 && (low[pos - 1] == ' ' || low[pos - 1] == '(' || low[pos - 1] == '*')) --pos;
  const std::string_view before = low.substr(0, pos);
  for (const std::string_view neg : {"not", "не", "except", "кроме", "isn't", "wasn't"}) {
    if (before.size() >= neg.size() && before.substr(before.size() - neg.size()) == neg &&
        !util::is_letter(cp_before(before, before.size() - neg.size())))
      return true;
  }
  return false;
}

std::optional<char> match_option_text(std::span<const std::string> candidates, std::string_view letters,
                                      std::span<const std::string> option_texts) {
  std::optional<char> found;
  for (const std::string& candidate : candidates) {
    if (candidate.empty()) continue;
    for (std::size_t i = 0; i < option_texts.size() && i < letters.size(); ++i) {
      if (util::normalize_for_match(option_texts[i]) != candidate) continue;
      if (found && *found != letters[i]) return std::nullopt;  // duplicate option texts
      found = letters[i];
    }
    if (found) return found;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- cut-off replies

enum class AnswerShape { letter, number };

// See extract.hpp, "Replies cut off by the token budget": is the answer ending at `end`
// complete, or did the cut fall inside it?
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

}  // namespace

std::optional<char> extract_committed_choice(std::string_view text, std::string_view letters) {
  if (letters.empty()) return std::nullopt;
  const std::string stripped = strip_think(text);
  const std::string_view s = stripped;
  const std::string low = util::to_lower(s);
  const Statements statements = find_statements(s, low, letters);
  if (statements.found.empty()) return std::nullopt;
  const Statement& last = statements.found.back();
  if (!closed_at(s, low, last.end, AnswerShape::letter)) return std::nullopt;
  return last.letter;
}

std::string strip_think(std::string_view text) {
  std::string out(text);
  for (const TagPair& tag : kThinkTags) out = strip_tag(std::move(out), tag);
  return out;
}

std::optional<char> extract_choice(std::string_view text, std::string_view /*reasoning*/,
                                   std::string_view letters,
                                   std::span<const std::string> option_texts) {
  if (letters.empty()) return std::nullopt;
  const std::string stripped = strip_think(text);
  const std::string_view s = stripped;
  const std::string low = util::to_lower(s);

  // 1. The last explicit statement.
  const Statements statements = find_statements(s, low, letters);
  if (!statements.found.empty()) return statements.found.back().letter;

  // 2. A letter standing alone on the last non-empty line.
  const std::vector<std::string_view> lines = non_empty_lines(s);
  if (lines.empty()) return std::nullopt;
  std::string listed;  // letters of every "X. text" line: two or more make a list
  for (const std::string_view line : lines) {
    const LineLetter l = read_line_letter(line);
    if (l.shape == LineShape::letter_then_text && listed.find(l.hit.letter) == std::string::npos)
      listed += l.hit.letter;
  }
  auto line_answer = [&](std::string_view line) -> std::optional<char> {
    const LineLetter l = read_line_letter(line);
    if (l.shape == LineShape::none || !offered(letters, l.hit.letter)) return std::nullopt;
    if (l.shape == LineShape::letter_only || listed.size() == 1) return l.hit.letter;
    return std::nullopt;
  };
  if (const auto letter = line_answer(lines.back())) return letter;
  // 2b. ... or on the first line, followed by an explanation ("B\n\nExplanation: A is ...").
  if (const auto letter = line_answer(lines.front())) return letter;

  // 3. The only standalone capital letter mentioned.
  std::string mentioned;
  for (std::size_t pos = 0; pos < s.size(); pos = next_pos(s, pos)) {
    const auto hit = letter_at(s, pos);
    if (!hit || hit->kind != LetterKind::upper) continue;
    if (looks_like_article(s, low, *hit) || in_abbreviation(s, *hit)) continue;
    if (!offered(letters, hit->letter) || negated(low, hit->pos)) continue;
    if (mentioned.find(hit->letter) == std::string::npos) mentioned += hit->letter;
  }
  if (mentioned.size() == 1) return mentioned[0];
  if (mentioned.size() > 1) return std::nullopt;

  // 4. No letter: an answer repeating one option's text.
  std::vector<std::string> candidates{util::normalize_for_match(s), util::normalize_for_match(lines.back())};
  if (statements.last_keyword_end != std::string_view::npos) {
    const std::size_t end = s.find('\n', statements.last_keyword_end);
    std::string_view tail = s.substr(statements.last_keyword_end,
                                     end == std::string_view::npos ? std::string_view::npos
                                                                   : end - statements.last_keyword_end);
    std::string norm = util::normalize_for_match(tail);
    for (const std::string_view w : {"is ", "would be ", "will be "})
      if (norm.rfind(w, 0) == 0) norm.erase(0, w.size());
    candidates.push_back(norm);
  }
  return match_option_text(candidates, letters, option_texts);
}

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
