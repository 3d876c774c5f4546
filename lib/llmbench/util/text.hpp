#pragma once
// UTF-8 text helpers shared by answer extraction, scoring and text metrics (ROUGE/BLEU).
//
// Contracts common to every function here:
// - Input is a byte string expected to be UTF-8. Invalid sequences never throw: decoding
//   yields U+FFFD for each bad byte, and functions that copy text keep bad bytes as they
//   are unless they say otherwise.
// - Character classes are a deliberate approximation of Unicode, enough for the languages
//   the benchmarks use: letters are ASCII, Latin-1/Latin Extended, Greek, Cyrillic,
//   Armenian, Hebrew, Arabic, Indic scripts, kana, CJK ideographs and Hangul (combining
//   marks count as letters so that accented words stay whole); digits are ASCII 0-9.
// - Pure functions: thread-safe, no locale dependence.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::util {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at byte offset `pos` and advances `pos` past it (by 1 on an
// invalid byte, which decodes as U+FFFD). Precondition: pos < text.size().
char32_t decode_utf8(std::string_view text, std::size_t& pos);
// Appends `cp` encoded as UTF-8 (surrogates and values > U+10FFFF become U+FFFD).
void append_utf8(std::string& out, char32_t cp);

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool is_valid_utf8(std::string_view text);
// `text` with every invalid byte replaced by U+FFFD; valid text is returned unchanged.
std::string to_valid_utf8(std::string_view text);

bool is_letter(char32_t cp);
bool is_digit(char32_t cp);  // ASCII 0-9 only
bool is_alnum(char32_t cp);
// ASCII whitespace plus NBSP, the U+2000..U+200A spaces, line/paragraph separators,
// narrow NBSP, medium mathematical space, ideographic space.
bool is_space(char32_t cp);
// Ideographs and kana: tokenize_words makes each one a word of its own.
bool is_cjk(char32_t cp);

// Lowercase for ASCII and Cyrillic (U+0400..U+042F -> U+0450..U+044F), other bytes kept.
// Length-preserving: the result has the same byte length and the same character
// boundaries as the input, so offsets found in the lowercased copy index the original.
std::string to_lower(std::string_view text);
char32_t to_lower(char32_t cp);

// Strips leading and trailing whitespace (is_space) without copying.
std::string_view trim(std::string_view text);
// Trims and replaces every run of whitespace with one ASCII space.
std::string collapse_whitespace(std::string_view text);

// For comparing short answers: lowercase (ASCII + Cyrillic), every character that is not a
// letter, digit or space removed, whitespace collapsed and trimmed.
// "  The  Answer: Paris! " -> "the answer paris"; "Ответ — Москва." -> "ответ москва".
std::string normalize_for_match(std::string_view text);

// Words for text metrics: maximal runs of letters and digits, lowercased (to_lower); each
// CJK character is a word of its own; everything else separates words. An apostrophe
// (' or U+2019) between two letters stays inside the word ("don't").
// "Привет, мир! It's 2024." -> {"привет", "мир", "it's", "2024"}.
std::vector<std::string> tokenize_words(std::string_view text);

}  // namespace llmbench::util
