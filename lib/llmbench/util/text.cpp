#include "llmbench/util/text.hpp"

#include <cstdlib>

#include <utf8proc.h>

namespace llmbench::util {
namespace {

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

// A decimal digit of any script (Unicode category Nd): 0-9, ٠-٩, ０-９, ...
bool is_decimal_digit(char32_t cp) {
  if (cp < 0x80) return cp >= U'0' && cp <= U'9';
  return cp <= 0x10FFFF && utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ND;
}

int utf8_length(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

// Apostrophes that stand inside a word: ASCII, U+2019 (right single quotation mark) and
// U+02BC (modifier letter apostrophe, the Ukrainian one). Inside a word each becomes "'".
bool is_apostrophe(char32_t cp) { return cp == U'\'' || cp == 0x2019 || cp == 0x02BC; }

// Fullwidth and halfwidth forms ("ＡＢＣ", "１２", halfwidth katakana) as the characters they
// are wide or narrow forms of; every other code point unchanged.
utf8proc_int32_t unwiden(utf8proc_int32_t cp, void* /*data*/) {
  const utf8proc_property_t* p = utf8proc_get_property(cp);
  if (p->decomp_type != UTF8PROC_DECOMP_TYPE_WIDE && p->decomp_type != UTF8PROC_DECOMP_TYPE_NARROW) return cp;
  utf8proc_int32_t out[4];
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const utf8proc_ssize_t n = utf8proc_decompose_char(
      cp, out, 4, static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE), &boundclass);
  return n == 1 ? out[0] : cp;
}

// NFC, full Unicode case folding (Greek final sigma, German sharp s, ...) and fullwidth
// forms unwidened: the form words are compared in. Invalid bytes become U+FFFD first.
std::string fold_for_words(std::string_view text) {
  const std::string valid = to_valid_utf8(text);
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t n = utf8proc_map_custom(
      reinterpret_cast<const utf8proc_uint8_t*>(valid.data()), static_cast<utf8proc_ssize_t>(valid.size()),
      &folded, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD), unwiden,
      nullptr);
  if (n < 0) return to_lower(valid);  // cannot happen on valid UTF-8 short of memory
  std::string out(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
  std::free(folded);
  return out;
}

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
  if (cp > 0x10FFFF) return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

bool is_alnum(char32_t cp) { return is_letter(cp) || is_decimal_digit(cp); }

bool is_space(char32_t cp) {
  return cp == U' ' || in(cp, U'\t', U'\r') || cp == 0x85 || cp == 0xA0 || in(cp, 0x2000, 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return in(cp, U'A', U'Z') ? cp + 32 : cp;
  if (cp > 0x10FFFF) return cp;
  const auto lower = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
  // Keep the UTF-8 length (see the header): a mapping that changes it (U+0130 -> i,
  // U+023A -> U+2C65) leaves the character as it is.
  return utf8_length(lower) == utf8_length(cp) ? lower : cp;
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
  const std::string folded = fold_for_words(text);
  std::vector<std::string> words;
  std::string current;
  char32_t last = 0;  // the last code point of `current`
  std::size_t pos = 0;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  while (pos < folded.size()) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(folded, pos);
    if (is_cjk(cp)) {
      flush();
      words.emplace_back(folded.substr(start, pos - start));
    } else if (is_apostrophe(cp)) {
      // Inside a word (a letter on both sides, not CJK) it is part of the word, as "'".
      std::size_t next = pos;
      const char32_t after = pos < folded.size() ? decode_utf8(folded, next) : 0;
      if (!current.empty() && is_letter(last) && is_letter(after) && !is_apostrophe(after) && !is_cjk(after)) {
        current += '\'';
        last = U'\'';
      } else {
        flush();
      }
    } else if (is_alnum(cp)) {
      current.append(folded, start, pos - start);
      last = cp;
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace llmbench::util
