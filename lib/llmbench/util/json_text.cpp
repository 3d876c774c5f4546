#include "llmbench/util/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace llmbench::util {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Bytes copied as they are outside a multi-byte sequence: printable ASCII but '"' and '\\'.
constexpr std::array<bool, 256> plain_bytes() {
  std::array<bool, 256> plain{};
  for (int b = 0x20; b < 0x80; ++b) plain[static_cast<std::size_t>(b)] = b != '"' && b != '\\';
  return plain;
}
constexpr std::array<bool, 256> kPlain = plain_bytes();

// Whether all eight bytes of `word` are plain (in whatever order they were loaded): none has its
// high bit set, none is below 0x20, none is '"' or '\\'. The tests are the classic exact ones
// for "some byte is zero / less than n"; a word that fails goes to the byte-wise loop.
constexpr bool plain_word(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
  const std::uint64_t control = (word - kOnes * 0x20) & ~word;
  const std::uint64_t zero_quote = (quote - kOnes) & ~quote, zero_backslash = (backslash - kOnes) & ~backslash;
  return ((word | control | zero_quote | zero_backslash) & kHigh) == 0;
}

// The end of the run of plain bytes starting at text[from]: eight bytes at a time, then one.
std::size_t plain_run_end(std::string_view text, std::size_t from) {
  std::size_t at = from;
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + at, sizeof word);
    if (!plain_word(word)) break;
  }
  while (at < text.size() && kPlain[static_cast<unsigned char>(text[at])]) ++at;
  return at;
}

// An ASCII byte that is not plain, escaped as nlohmann escapes it.
void append_escaped_ascii(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    default: break;
  }
  constexpr const char* kHex = "0123456789abcdef";
  const char escaped[6] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xf]};
  out.append(escaped, sizeof escaped);
}

// The bytes a well-formed sequence may have after `lead` (Unicode Table 3-7: no overlong
// form, no surrogate, nothing past U+10FFFF): how many, and the range of the first of them
// (the others are 0x80..0xBF). 0 for a byte that cannot lead a sequence.
struct SequenceShape {
  int continuations = 0;
  unsigned char first_low = 0x80, first_high = 0xBF;
};

SequenceShape shape_of(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {1};
  if (lead == 0xE0) return {2, 0xA0, 0xBF};
  if (lead == 0xED) return {2, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {2};
  if (lead == 0xF0) return {3, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {3};
  if (lead == 0xF4) return {3, 0x80, 0x8F};
  return {};
}

// The multi-byte sequence at text[i] (text[i] >= 0x80): appends it when well formed, else
// U+FFFD, and returns where to go on. As nlohmann does: a byte that breaks a begun sequence
// is read again as the start of the next; a bad lead byte is dropped; a sequence cut off by
// the end of the text is one U+FFFD.
std::size_t append_sequence(std::string& out, std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const SequenceShape shape = shape_of(byte(i));
  if (shape.continuations == 0) {
    out += kReplacement;
    return i + 1;
  }
  for (int k = 1; k <= shape.continuations; ++k) {
    const std::size_t at = i + static_cast<std::size_t>(k);
    if (at >= text.size()) {
      out += kReplacement;
      return text.size();
    }
    const unsigned char low = k == 1 ? shape.first_low : 0x80, high = k == 1 ? shape.first_high : 0xBF;
    if (byte(at) < low || byte(at) > high) {
      out += kReplacement;
      return at;
    }
  }
  const std::size_t end = i + 1 + static_cast<std::size_t>(shape.continuations);
  out.append(text.data() + i, end - i);
  return end;
}

template <typename Number>
void append_integer(std::string& out, Number value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

void append_object(std::string& out, const nlohmann::json& object) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : object.items()) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    append_json(out, value);
  }
  out += '}';
}

void append_array(std::string& out, const nlohmann::json& array) {
  out += '[';
  bool first = true;
  for (const auto& value : array) {
    if (!first) out += ',';
    first = false;
    append_json(out, value);
  }
  out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t run = plain_run_end(text, i);
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      append_escaped_ascii(out, byte);
      ++i;
    } else {
      i = append_sequence(out, text, i);
    }
  }
  out += '"';
}

void append_json_number(std::string& out, std::int64_t value) { append_integer(out, value); }

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  std::array<char, 64> digits{};
  char* end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), end);
}

void append_json(std::string& out, const nlohmann::json& value) {
  using nlohmann::json;
  switch (value.type()) {
    case json::value_t::object: append_object(out, value); return;
    case json::value_t::array: append_array(out, value); return;
    case json::value_t::string: append_json_string(out, value.get_ref<const std::string&>()); return;
    case json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer: append_integer(out, value.get<json::number_integer_t>()); return;
    case json::value_t::number_unsigned: append_integer(out, value.get<json::number_unsigned_t>()); return;
    case json::value_t::number_float: append_json_number(out, value.get<double>()); return;
    case json::value_t::null: out += "null"; return;
    case json::value_t::binary:
    case json::value_t::discarded: break;
  }
  out += value.dump(-1, ' ', false, json::error_handler_t::replace);  // what no record holds
}

}  // namespace llmbench::util
