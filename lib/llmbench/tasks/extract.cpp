#include "llmbench/tasks/extract.hpp"
// extract.hpp's letters: reasoning blocks, the letter of a chosen option, the letter a cut-off
// reply committed to. The numbers are extract_number.cpp's.

#include <algorithm>
#include <array>
#include <vector>

#include "llmbench/tasks/cut_off.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tasks {

using detail::AnswerShape;
using detail::closed_at;
using detail::cp_at;
using detail::cp_before;
using detail::next_pos;

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

}  // namespace llmbench::tasks
