#include "llmbench/tasks/verdict.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/util/text.hpp"

namespace llmbench::tasks {
namespace {

// ---- byte-level helpers ----

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Lead byte of a 2-byte Cyrillic letter (U+0400..U+047F).
bool is_cyrillic_lead(char c) { return c == '\xD0' || c == '\xD1'; }

using util::trim;

// Lower-cases ASCII and Cyrillic keeping byte offsets (util::to_lower's contract), so
// positions found in the copy index the original text.
std::string lower_same_length(std::string_view s) { return util::to_lower(s); }

bool starts_with(std::string_view s, std::size_t at, std::string_view prefix) {
  return s.substr(at, prefix.size()) == prefix;
}

// A number at `at`: optional '-', digits, optional '.' or ',' + digits. Sets `end`.
std::optional<double> read_number(std::string_view s, std::size_t at, std::size_t& end) {
  std::size_t i = at;
  std::string digits;
  if (i < s.size() && s[i] == '-') digits += s[i++];
  const std::size_t first_digit = i;
  while (i < s.size() && is_digit(s[i])) digits += s[i++];
  if (i == first_digit) return std::nullopt;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
    digits += '.';
    ++i;
    while (i < s.size() && is_digit(s[i])) digits += s[i++];
  }
  end = i;
  double value = 0;  // from_chars: independent of the global locale
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

std::string format_score(double x) { return fmt::format("{}", x); }

// ---- JSON verdicts ----

struct JsonCandidate {
  std::size_t begin = 0;
  double score = 0;
  nlohmann::json object;
};

// End (one past '}') of the balanced object starting at s[begin] == '{', respecting
// JSON strings; npos if unbalanced.
std::size_t matching_brace(std::string_view s, std::size_t begin) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = begin; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

std::optional<double> json_score(const nlohmann::json& object) {
  for (const auto& [key, value] : object.items()) {
    const std::string k = lower_same_length(key);
    if (k != "score" && k != "rating") continue;
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) {
      const std::string text(trim(value.get<std::string>()));
      std::size_t end = 0;
      const auto number = read_number(text, 0, end);
      if (number && end == text.size()) return number;
    }
  }
  return std::nullopt;
}

std::optional<JsonCandidate> last_json_verdict(std::string_view text) {
  std::optional<JsonCandidate> last;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    const std::size_t end = matching_brace(text, i);
    if (end == std::string_view::npos) continue;
    auto parsed = nlohmann::json::parse(text.substr(i, end - i), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) continue;  // maybe an inner '{' parses
    if (const auto score = json_score(parsed)) last = JsonCandidate{i, *score, std::move(parsed)};
    i = end - 1;  // a whole object was consumed: do not look for verdicts inside it
  }
  return last;
}

std::string json_rationale(std::string_view before, const nlohmann::json& object) {
  std::string_view prose = trim(before);
  // Drop an opening fence ("```" or "```json") that directly precedes the object.
  if (const auto fence = prose.rfind("```"); fence != std::string_view::npos) {
    std::string_view tail = trim(prose.substr(fence + 3));
    if (tail.empty() || tail == "json" || tail == "JSON") prose = trim(prose.substr(0, fence));
  }
  if (!prose.empty()) return std::string(prose);
  for (const char* key : {"reasoning", "rationale", "explanation", "reason", "justification"}) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) return std::string(trim(it->get<std::string>()));
  }
  return "";
}

// ---- textual verdicts ----

struct TextCandidate {
  std::size_t begin = 0;  // where the verdict (label or "[[") starts
  std::size_t end = 0;    // one past the number (or "]]")
  double score = 0;
};

bool is_markdown_mark(char c) { return c == '*' || c == '_' || c == '#' || c == '`'; }

bool is_label_filler(char c) { return is_space(c) || c == '*' || c == '_' || c == '"' || c == '\''; }

void find_bracket_scores(std::string_view text, std::vector<TextCandidate>& out) {
  for (std::size_t at = text.find("[["); at != std::string_view::npos; at = text.find("[[", at + 2)) {
    std::size_t i = at + 2;
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t end = 0;
    const auto number = read_number(text, i, end);
    if (!number) continue;
    i = end;
    while (i < text.size() && is_space(text[i])) ++i;
    if (starts_with(text, i, "]]")) out.push_back({at, i + 2, *number});
  }
}

void find_labelled_scores(std::string_view text, std::vector<TextCandidate>& out) {
  const std::string lower = lower_same_length(text);
  for (std::string_view label : {std::string_view("score"), std::string_view("rating"),
                                 std::string_view("\xD0\xBE\xD1\x86\xD0\xB5\xD0\xBD\xD0\xBA\xD0\xB0")}) {  // "оценка"
    for (std::size_t at = lower.find(label); at != std::string::npos; at = lower.find(label, at + 1)) {
      if (at > 0 && (is_ascii_alnum(lower[at - 1]) || lower[at - 1] == '_')) continue;  // "subscore"
      if (at > 1 && is_cyrillic_lead(lower[at - 2])) continue;                            // "переоценка"
      std::size_t i = at + label.size();
      while (i < lower.size() && is_label_filler(lower[i])) ++i;
      if (i < lower.size() && lower[i] == '(') {  // "Score (1-5): 4"
        const std::size_t close = lower.find(')', i);
        if (close == std::string::npos) continue;
        i = close + 1;
        while (i < lower.size() && is_label_filler(lower[i])) ++i;
      }
      if (i >= lower.size() || (lower[i] != ':' && lower[i] != '=')) continue;
      ++i;
      while (i < lower.size() && is_label_filler(lower[i])) ++i;
      std::size_t end = 0;
      if (const auto number = read_number(lower, i, end)) out.push_back({at, end, *number});
    }
  }
}

ScoreVerdict with_range_check(ScoreVerdict verdict, double min_score, double max_score) {
  constexpr double kTolerance = 1e-9;
  if (verdict.score < min_score - kTolerance || verdict.score > max_score + kTolerance) {
    verdict.error = VerdictError::out_of_range;
    verdict.detail = fmt::format("score {} is outside [{}, {}]", format_score(verdict.score),
                                 format_score(min_score), format_score(max_score));
  }
  return verdict;
}

// ---- show verdicts ----

// Skips whitespace, markdown emphasis and opening quotes at the start of `s`.
std::size_t skip_decoration(std::string_view s, std::size_t i) {
  static constexpr std::string_view kMultiByteQuotes[] = {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C",
                                                          "\xE2\x80\x9D", "\xE2\x80\x9E", "\xE2\x80\x98",
                                                          "\xE2\x80\x99"};  // « » “ ” „ ‘ ’
  for (;;) {
    if (i < s.size() && (is_space(s[i]) || s[i] == '*' || s[i] == '_' || s[i] == '`' || s[i] == '#' ||
                         s[i] == '"' || s[i] == '\'')) {
      ++i;
      continue;
    }
    bool skipped = false;
    for (std::string_view quote : kMultiByteQuotes) {
      if (starts_with(s, i, quote)) {
        i += quote.size();
        skipped = true;
      }
    }
    if (!skipped) return i;
  }
}

// Skips decoration and separators (: - – — , . ; !) between the verdict word and the reason.
std::size_t skip_separators(std::string_view s, std::size_t i) {
  static constexpr std::string_view kDashes[] = {"\xE2\x80\x93", "\xE2\x80\x94"};  // – —
  for (;;) {
    const std::size_t before = i;
    i = skip_decoration(s, i);
    while (i < s.size() && (s[i] == ':' || s[i] == '-' || s[i] == ',' || s[i] == '.' || s[i] == ';' ||
                            s[i] == '!')) {
      ++i;
    }
    for (std::string_view dash : kDashes) {
      if (starts_with(s, i, dash)) i += dash.size();
    }
    if (i == before) return i;
  }
}

// The verdict word ends at `i`: end of text, or not followed by a letter or digit.
bool word_ends_at(std::string_view s, std::size_t i) {
  return i >= s.size() || (!is_ascii_alnum(s[i]) && s[i] != '_' && !is_cyrillic_lead(s[i]));
}

}  // namespace

std::string_view to_string(VerdictError error) {
  switch (error) {
    case VerdictError::none: return "none";
    case VerdictError::no_verdict: return "no_verdict";
    case VerdictError::out_of_range: return "out_of_range";
    case VerdictError::ambiguous: return "ambiguous";
  }
  return "unknown";
}

ScoreVerdict parse_judge_score(std::string_view text, double min_score, double max_score) {
  ScoreVerdict verdict;
  if (const auto json = last_json_verdict(text)) {
    verdict.score = json->score;
    verdict.rationale = json_rationale(text.substr(0, json->begin), json->object);
    return with_range_check(std::move(verdict), min_score, max_score);
  }

  std::vector<TextCandidate> found;
  find_bracket_scores(text, found);
  find_labelled_scores(text, found);
  if (found.empty()) {
    verdict.error = VerdictError::no_verdict;
    verdict.detail = "no score found (expected JSON {\"score\": N}, \"Score: N\" or [[N]])";
    return verdict;
  }
  const TextCandidate* first = &found.front();
  const TextCandidate* last = &found.front();
  for (const auto& c : found) {
    if (std::abs(c.score - found.front().score) > 1e-9) {
      verdict.error = VerdictError::ambiguous;
      verdict.detail = fmt::format("conflicting scores {} and {}", format_score(found.front().score),
                                   format_score(c.score));
      return verdict;
    }
    if (c.begin < first->begin) first = &c;
    if (c.end > last->end) last = &c;
  }
  verdict.score = first->score;
  // Markdown around the verdict ("**Score:** 4") is not part of the rationale.
  std::string_view before = trim(text.substr(0, first->begin));
  while (!before.empty() && is_markdown_mark(before.back())) before = trim(before.substr(0, before.size() - 1));
  std::string_view after = trim(text.substr(last->end));
  while (!after.empty() && is_markdown_mark(after.front())) after = trim(after.substr(1));
  verdict.rationale = std::string(before.empty() ? after : before);
  return with_range_check(std::move(verdict), min_score, max_score);
}

ShowVerdict parse_show_verdict(std::string_view text) {
  ShowVerdict verdict;
  const std::string lower = lower_same_length(text);
  const std::size_t start = skip_decoration(lower, 0);
  struct Word {
    std::string_view word;
    metrics::Show show;
  };
  static constexpr Word kWords[] = {
      {"yes", metrics::Show::yes},
      {"no", metrics::Show::no},
      {"\xD0\xB4\xD0\xB0", metrics::Show::yes},          // "да"
      {"\xD0\xBD\xD0\xB5\xD1\x82", metrics::Show::no},  // "нет"
  };
  for (const Word& w : kWords) {
    if (!starts_with(lower, start, w.word) || !word_ends_at(lower, start + w.word.size())) continue;
    verdict.show = w.show;
    const std::size_t reason = skip_separators(text, start + w.word.size());
    verdict.reason = std::string(trim(text.substr(reason)));
    return verdict;
  }
  verdict.error = VerdictError::no_verdict;
  return verdict;
}

std::string_view to_string(PairwiseVerdict verdict) {
  switch (verdict) {
    case PairwiseVerdict::a_much_better: return "A>>B";
    case PairwiseVerdict::a_better: return "A>B";
    case PairwiseVerdict::tie: return "A=B";
    case PairwiseVerdict::b_better: return "B>A";
    case PairwiseVerdict::b_much_better: return "B>>A";
  }
  return "unknown";
}

Winner winner(PairwiseVerdict verdict) {
  switch (verdict) {
    case PairwiseVerdict::a_much_better:
    case PairwiseVerdict::a_better: return Winner::a;
    case PairwiseVerdict::tie: return Winner::tie;
    case PairwiseVerdict::b_better:
    case PairwiseVerdict::b_much_better: return Winner::b;
  }
  return Winner::tie;
}

PairwiseResult parse_pairwise_verdict(std::string_view text) {
  struct Label {
    std::string_view label;
    PairwiseVerdict verdict;
  };
  static constexpr Label kLabels[] = {
      {"A", PairwiseVerdict::a_better},       {"B", PairwiseVerdict::b_better},
      {"C", PairwiseVerdict::tie},            {"A>>B", PairwiseVerdict::a_much_better},
      {"A>B", PairwiseVerdict::a_better},     {"A=B", PairwiseVerdict::tie},
      {"B>A", PairwiseVerdict::b_better},     {"B>>A", PairwiseVerdict::b_much_better},
      {"A<B", PairwiseVerdict::b_better},     {"A<<B", PairwiseVerdict::b_much_better},
      {"B<A", PairwiseVerdict::a_better},     {"B<<A", PairwiseVerdict::a_much_better},
      {"B=A", PairwiseVerdict::tie},
  };
  constexpr std::size_t kMaxInner = 16;
  PairwiseResult result;
  result.error = VerdictError::no_verdict;
  for (std::size_t at = text.find("[["); at != std::string_view::npos; at = text.find("[[", at + 2)) {
    const std::size_t close = text.find("]]", at + 2);
    if (close == std::string_view::npos) break;
    if (close - (at + 2) > kMaxInner) continue;
    std::string inner;
    for (char c : text.substr(at + 2, close - (at + 2))) {
      if (is_space(c)) continue;
      inner += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 0x20) : c;
    }
    for (const Label& l : kLabels) {
      if (inner == l.label) {
        result.error = VerdictError::none;
        result.verdict = l.verdict;
      }
    }
  }
  return result;
}

}  // namespace llmbench::tasks
