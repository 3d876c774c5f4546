#pragma once
// "Did you mean ...?" for misspelt keys, provider names and model ids in error messages.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::config {

// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
// (at most 2 edits, or a third of the word's length for long words).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace llmbench::config
