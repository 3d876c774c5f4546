#include "llmbench/util/text.hpp"

namespace llmbench::util {
namespace {

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

}  // namespace

char32_t decode_utf8(std::string_view text, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return kReplacementChar;
  }
  if (pos + static_cast<std::size_t>(len) > text.size()) {
    ++pos;
    return kReplacementChar;
  }
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(text[pos + static_cast<std::size_t>(i)]);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return kReplacementChar;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || in(cp, 0xD800, 0xDFFF)) {
    ++pos;
    return kReplacementChar;
  }
  pos += static_cast<std::size_t>(len);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || in(cp, 0xD800, 0xDFFF)) cp = kReplacementChar;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(text, pos);
    // A genuine U+FFFD in the input is 3 bytes long; a decoding failure advances by 1.
    if (cp == kReplacementChar && pos - start == 1) return false;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t pos = 0;
  while (pos < text.size()) append_utf8(out, decode_utf8(text, pos));
  return out;
}

bool is_digit(char32_t cp) { return in(cp, U'0', U'9'); }

bool is_cjk(char32_t cp) {
  return in(cp, 0x3040, 0x30FF) || in(cp, 0x3400, 0x4DBF) || in(cp, 0x4E00, 0x9FFF) ||
         in(cp, 0xF900, 0xFAFF) || in(cp, 0x20000, 0x2FA1F);
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return in(cp, U'a', U'z') || in(cp, U'A', U'Z');
  if (in(cp, 0x00C0, 0x024F)) return cp != 0xD7 && cp != 0xF7;
  return cp == 0xAA || cp == 0xB5 || cp == 0xBA ||
         in(cp, 0x0250, 0x02AF) ||                            // IPA
         in(cp, 0x0300, 0x036F) ||                            // combining marks
         (in(cp, 0x0370, 0x03FF) && cp != 0x037E && cp != 0x0387) ||  // Greek
         in(cp, 0x0400, 0x0482) || in(cp, 0x0483, 0x052F) ||  // Cyrillic (+ marks)
         in(cp, 0x0531, 0x0587) ||                            // Armenian
         in(cp, 0x05D0, 0x05EA) || in(cp, 0x0591, 0x05C7) ||  // Hebrew
         in(cp, 0x0620, 0x064A) || in(cp, 0x064B, 0x065F) || in(cp, 0x0671, 0x06D3) ||
         in(cp, 0x0900, 0x0DFF) ||                            // Indic scripts (approx.)
         in(cp, 0x0E00, 0x0E5A) ||                            // Thai
         in(cp, 0x1E00, 0x1FFF) ||                            // Latin/Greek extended
         in(cp, 0xAC00, 0xD7AF) ||                            // Hangul
         is_cjk(cp);
}

bool is_alnum(char32_t cp) { return is_letter(cp) || is_digit(cp); }

bool is_space(char32_t cp) {
  return cp == U' ' || in(cp, U'\t', U'\r') || cp == 0x85 || cp == 0xA0 || in(cp, 0x2000, 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

char32_t to_lower(char32_t cp) {
  if (in(cp, U'A', U'Z')) return cp + 32;
  if (in(cp, 0x0410, 0x042F)) return cp + 0x20;  // А..Я -> а..я
  if (in(cp, 0x0400, 0x040F)) return cp + 0x50;  // Ѐ..Џ -> ѐ..џ (Ё -> ё)
  return cp;
}

std::string to_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(text, pos);
    const char32_t lower = to_lower(cp);
    // Both ranges above map 2-byte sequences to 2-byte sequences: lengths are preserved.
    if (lower == cp) {
      out.append(text.substr(start, pos - start));
    } else {
      append_utf8(out, lower);
    }
  }
  return out;
}

std::string_view trim(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t pos = begin;
    if (!is_space(decode_utf8(text, pos))) break;
    begin = pos;
  }
  std::size_t end = text.size();
  while (end > begin) {
    // Step back to the start of the last code point.
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    std::size_t pos = start;
    if (!is_space(decode_utf8(text, pos)) || pos != end) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

std::string collapse_whitespace(std::string_view text) {
  const std::string_view trimmed = trim(text);
  std::string out;
  out.reserve(trimmed.size());
  bool in_space = false;
  std::size_t pos = 0;
  while (pos < trimmed.size()) {
    const std::size_t start = pos;
    if (is_space(decode_utf8(trimmed, pos))) {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out.append(trimmed.substr(start, pos - start));
  }
  return out;
}

std::string normalize_for_match(std::string_view text) {
  const std::string lower = to_lower(text);
  std::string kept;
  kept.reserve(lower.size());
  std::size_t pos = 0;
  while (pos < lower.size()) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(lower, pos);
    if (is_alnum(cp) || is_space(cp)) kept.append(lower, start, pos - start);
  }
  return collapse_whitespace(kept);
}

std::vector<std::string> tokenize_words(std::string_view text) {
  const std::string lower = to_lower(text);
  std::vector<std::string> words;
  std::string current;
  std::size_t pos = 0;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  while (pos < lower.size()) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(lower, pos);
    if (is_cjk(cp)) {
      flush();
      words.emplace_back(lower.substr(start, pos - start));
    } else if (is_alnum(cp)) {
      current.append(lower, start, pos - start);
    } else if ((cp == U'\'' || cp == 0x2019) && !current.empty() && pos < lower.size()) {
      std::size_t next = pos;
      const char32_t after = decode_utf8(lower, next);
      std::size_t back = current.size() - 1;
      while (back > 0 && (static_cast<unsigned char>(current[back]) & 0xC0) == 0x80) --back;
      std::size_t at = back;
      const char32_t before = decode_utf8(current, at);
      if (is_letter(before) && is_letter(after) && !is_cjk(after)) {
        current.append(lower, start, pos - start);
      } else {
        flush();
      }
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace llmbench::util
