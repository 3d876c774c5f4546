#pragma once
// UTF-8 text helpers shared by answer extraction, scoring and text metrics (ROUGE/BLEU).
//
// Contracts common to every function here:
// - Input is a byte string expected to be UTF-8. Invalid sequences never throw: decoding
//   yields U+FFFD for each bad byte, and functions that copy text keep bad bytes as they
//   are unless they say otherwise.
// - Character classes come from Unicode's own data (utf8proc): letters are the categories
//   L* plus the combining marks M* (so that accented words stay whole); is_alnum adds the
//   decimal digits Nd of every script (Arabic-Indic, fullwidth, ...); is_digit is ASCII 0-9.
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

bool is_letter(char32_t cp);  // Unicode L* or M*
bool is_digit(char32_t cp);   // ASCII 0-9 only
bool is_alnum(char32_t cp);   // is_letter, or a decimal digit (Nd) of any script
// ASCII whitespace plus NBSP, the U+2000..U+200A spaces, line/paragraph separators,
// narrow NBSP, medium mathematical space, ideographic space.
bool is_space(char32_t cp);
// Ideographs and kana: tokenize_words makes each one a word of its own.
bool is_cjk(char32_t cp);

// Lowercase by Unicode's simple mapping (Greek, Cyrillic, Armenian, Georgian, Latin, ...),
// except where the mapping would change a character's UTF-8 length (U+0130 stays as it is);
// invalid bytes kept. Length-preserving: the result has the same byte length and the same character
// boundaries as the input, so offsets found in the lowercased copy index the original.
std::string to_lower(std::string_view text);
char32_t to_lower(char32_t cp);

// Strips leading and trailing whitespace (is_space) without copying.
std::string_view trim(std::string_view text);
// Trims and replaces every run of whitespace with one ASCII space.
std::string collapse_whitespace(std::string_view text);

// For comparing short answers: lowercase (to_lower), every character that is not a
// letter, digit or space removed, whitespace collapsed and trimmed.
// "  The  Answer: Paris! " -> "the answer paris"; "Ответ — Москва." -> "ответ москва".
std::string normalize_for_match(std::string_view text);

// Words for text metrics (ROUGE, BLEU): the text in NFC, case-folded (full Unicode case
// folding: "ΔH" and "δh", "ΟΔΟΣ" and "οδος" fold alike) with fullwidth and halfwidth forms
// taken as what they are forms of ("ＧＰＴ" -> "gpt", "１２" -> "12"); words are maximal runs
// of is_alnum characters (any script's letters, marks and decimal digits: Georgian, Ethiopic,
// "٣٤" are words); each CJK character is a word of its own; everything else separates words.
// An apostrophe (' or U+2019 or U+02BC) between two letters stays inside the word, always as
// "'": "don't", "don’t" and "памʼять", "пам'ять" give "don't" and "пам'ять".
// "Привет, мир! It's 2024." -> {"привет", "мир", "it's", "2024"}.
std::vector<std::string> tokenize_words(std::string_view text);

}  // namespace llmbench::util
