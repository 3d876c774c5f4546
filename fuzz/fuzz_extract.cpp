// Answer extractors: never throw, never crash, on any model output.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/tasks/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace llmbench::tasks;
  const std::string_view text = llmbench::fuzz::as_text(data, size);
  const std::string stripped = strip_think(text);
  llmbench::fuzz::require(stripped.size() <= text.size(), "strip_think never adds text");

  static const std::vector<std::string> kOptions = {"Paris", "London", "Berlin", "Madrid", "Rome"};
  const auto choice = extract_choice(text, "", "ABCD", std::span(kOptions).first(4));
  llmbench::fuzz::require(!choice || (*choice >= 'A' && *choice <= 'D'), "a choice is one of the offered letters");
  const auto choice5 = extract_choice(text, text, "ABCDE", kOptions);
  llmbench::fuzz::require(!choice5 || (*choice5 >= 'A' && *choice5 <= 'E'), "a choice is one of the offered letters");

  (void)gsm8k_strict_extract(text);
  if (const auto flexible = gsm8k_flexible_extract(text)) (void)gsm8k_exact_match(*flexible, text);
  (void)gsm8k_normalize(text);
  if (const auto number = extract_number(text)) (void)numbers_equal(number->value, number->value);
  return 0;
}
