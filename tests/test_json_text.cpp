// JSON text written without a tree (util/json_text.hpp) must be the bytes nlohmann's dump
// writes: the item log, the response cache and its keys were written by dump before, and a
// cache key that changes by one byte loses every cached answer.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "llmbench/util/json_text.hpp"

using llmbench::util::append_json;
using llmbench::util::append_json_number;
using llmbench::util::append_json_string;
using nlohmann::json;

namespace {

std::string dumped(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string string_text(const std::string& text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("json text: every string of one and two bytes is escaped and replaced as nlohmann dumps it",
          "[json_text]") {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    REQUIRE(string_text(one) == dumped(json(one)));
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      REQUIRE(string_text(two) == dumped(json(two)));
    }
  }
}

TEST_CASE("json text: random text of valid, cut and broken UTF-8 sequences reads as nlohmann dumps it",
          "[json_text]") {
  // Bytes that lead, continue or break sequences, next to plain and escaped ASCII.
  const unsigned char alphabet[] = {'a', ' ', '"', '\\', '\n', 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                    0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1,
                                    0xf3, 0xf4, 0xf5, 0xff};
  std::mt19937_64 random(13);
  for (int round = 0; round < 50000; ++round) {
    std::string text(random() % 12, '\0');
    for (char& c : text) c = static_cast<char>(alphabet[random() % sizeof alphabet]);
    REQUIRE(string_text(text) == dumped(json(text)));
  }
}

TEST_CASE("json text: one byte to escape or replace is found at every place in a long run of plain text",
          "[json_text]") {
  // Plain runs are scanned eight bytes at a time: the odd byte in every place of a word, and
  // in the tail after the last whole word, is written as nlohmann writes it.
  const unsigned char odd[] = {'"', '\\', '\n', 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xe2, 0xf0, 0xff};
  for (std::size_t size = 1; size <= 40; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (const unsigned char byte : odd) {
        std::string text(size, 'x');
        text[at] = static_cast<char>(byte);
        REQUIRE(string_text(text) == dumped(json(text)));
        if (at + 2 < size) text[at + 1] = static_cast<char>(0xa9);  // "\xc3\xa9" is a whole sequence
        REQUIRE(string_text(text) == dumped(json(text)));
      }
    }
  }
  // Every byte value next to each plain byte value, in words of plain text: no byte that must
  // be escaped passes as plain, none that is plain is escaped.
  for (int a = 0; a < 256; ++a) {
    std::string text = "abcdefgh" + std::string(1, static_cast<char>(a)) + "ijklmnopq ~}{|";
    for (std::size_t at = 0; at < 8; ++at) {
      std::string shifted = text;
      std::swap(shifted[at], shifted[8]);
      REQUIRE(string_text(shifted) == dumped(json(shifted)));
    }
  }
}

TEST_CASE("json text: numbers are written as nlohmann writes them, a non-finite double as null", "[json_text]") {
  std::mt19937_64 random(7);
  std::vector<double> values = {0.0, -0.0, 1.0, -1.5, 0.1, 0.7, 1e-5, 1e-4, 123456789012345.0, 1e15, 1e16, 1e300,
                                std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::max(), 12.345678, 0.30000000000000004};
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t bits = random();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value)) values.push_back(value);
    values.push_back(static_cast<double>(static_cast<float>(random() % 100000) / 997.0F));
  }
  for (const double value : values) {
    std::string out;
    append_json_number(out, value);
    REQUIRE(out == dumped(json(value)));
  }
  for (const double value : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    std::string out;
    append_json_number(out, value);
    CHECK(out == "null");
  }
  for (const std::int64_t value : {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max()}) {
    std::string out;
    append_json_number(out, value);
    CHECK(out == dumped(json(value)));
  }
}

TEST_CASE("json text: a whole record is the text dump gives, appended after what the string holds",
          "[json_text]") {
  const json record = {{"tier", "standard"},
                       {"key", "standard|mmlu/1|m"},
                       {"prompt", {{{"role", "user"}, {"content", "Q?\n\tA) \xc3\xa9 \xff"}}}},
                       {"empty_object", json::object()},
                       {"empty_array", json::array()},
                       {"latency_ms", 12.5},
                       {"usage", {{"prompt_tokens", 10}, {"completion_tokens", std::uint64_t{18446744073709551615ULL}}}},
                       {"parsed", true},
                       {"correct", false},
                       {"error", nullptr},
                       {"score", -3}};
  std::string out = "kept:";
  append_json(out, record);
  CHECK(out == "kept:" + dumped(record));
}
